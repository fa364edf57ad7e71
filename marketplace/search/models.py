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

    A log: every node applies every row to its own index copy, following its own
    cursor (SearchNodeCursor); the work that must happen once per change (stored
    matches, alerts) is claimed by one node and marked with processed_at. A crash
    in between is repaired by the next `flask search sync`.
    """

    __tablename__ = "search_outbox"
    __table_args__ = (sa.Index("ix_search_outbox_log", "xid", "id"),)

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
    #: PostgreSQL: the writing transaction's id. Nodes read the log in (xid, id)
    #: order and only past the oldest running transaction, so a row committed late
    #: is never behind a cursor. 0 on SQLite (one writer at a time: id order).
    xid: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class SearchNodeCursor(db.Model):
    """How far one node's index copy has applied the search outbox log."""

    __tablename__ = "search_node_cursors"

    #: MARKET_NODE_NAME (the host name by default).
    node: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    #: The last applied row, in the log's (xid, id) order.
    last_xid: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_id: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Rows after the cursor this index holds already: written by a transaction
    #: newer than one still running, so the cursor could not move past them yet.
    applied_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


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
