"""Counting match-panel views: the one KPI with no other trace in the database."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import today_shanghai
from ..extensions import db

log = logging.getLogger("marketplace.dashboard")


class MatchView(db.Model):
    """How often one user saw the match panel of one listing on one day (Asia/Shanghai)."""

    __tablename__ = "match_views"
    __table_args__ = (sa.UniqueConstraint("kind", "listing_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "achievement" or "need": whose match panel was shown.
    kind: Mapped[str] = mapped_column(sa.String(16))
    listing_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    day: Mapped[date] = mapped_column(index=True)
    #: Panel renders that day (reloads included).
    count: Mapped[int] = mapped_column(default=1)


def record_match_view(listing, user, day: date | None = None) -> None:
    """Count one rendering of `listing`'s match panel for `user`.

    Written on its own connection and committed at once: a view counter is a log, not
    part of the page's unit of work (detail pages are GETs that never commit), and a
    failure here is logged and never breaks the page.
    """
    kind = type(listing).__name__.lower()
    user_id = (
        getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    )
    day = day or today_shanghai()
    table = MatchView.__table__
    match = sa.and_(
        table.c.kind == kind,
        table.c.listing_id == listing.id,
        table.c.day == day,
        table.c.user_id.is_(None) if user_id is None else table.c.user_id == user_id,
    )
    try:
        for _attempt in range(2):
            try:
                with db.engine.begin() as conn:
                    done = conn.execute(
                        sa.update(table).where(match).values(count=table.c.count + 1)
                    ).rowcount
                    if not done:
                        conn.execute(
                            sa.insert(table).values(
                                kind=kind,
                                listing_id=listing.id,
                                user_id=user_id,
                                day=day,
                                count=1,
                            )
                        )
                return
            except sa.exc.IntegrityError:
                continue  # another request inserted the row first: update it
    except SQLAlchemyError:
        log.exception("match view not recorded for %s %s", kind, listing.id)
