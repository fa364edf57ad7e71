"""The search outbox, stored matches and saved searches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class SearchOutbox(db.Model):
    """A change to a searchable row, written in the same transaction as the change.

    Applying it to the index happens after commit; a crash in between is repaired by
    the next `flask search sync`, which replays rows whose processed_at is empty.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "achievement" or "need".
    kind: Mapped[str] = mapped_column(sa.String(16))
    object_id: Mapped[int]
    #: "upsert" (look at the row and index or drop it) or "delete" (the row is gone).
    op: Mapped[str] = mapped_column(sa.String(8), default="upsert")
    #: True when this change published the listing (alerts go out once for it).
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)


class ListingMatch(db.Model):
    """A need–achievement pair the matcher found, with its score and reasons.

    Computed when either listing changes, so showing a match panel is one read.
    """

    __tablename__ = "listing_matches"
    __table_args__ = (sa.UniqueConstraint("need_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    achievement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("achievements.id", ondelete="CASCADE"), index=True
    )
    #: 0–100, higher is a better fit.
    score: Mapped[float]
    #: The matcher's reasons: matched terms (both languages), field, TRL, price fit.
    reasons: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    need = relationship("Need")
    achievement = relationship("Achievement")


class SavedSearch(db.Model):
    """A query a user keeps; new listings that match it raise a notification."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: "achievement" or "need": which index the search runs on.
    kind: Mapped[str] = mapped_column(sa.String(16))
    query: Mapped[str] = mapped_column(sa.String(500), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
