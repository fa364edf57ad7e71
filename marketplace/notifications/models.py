"""In-app notifications (and the record of which were also e-mailed)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: What happened, e.g. "match.need", "saved_search", "deal.stage".
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: A same-site path to open, e.g. /needs/12.
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Stops the same event notifying the same person twice.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    #: When the e-mail actually went out (set by the mail sender after delivery);
    #: empty while it waits in the outbox, or when no e-mail was wanted.
    emailed_at: Mapped[datetime | None]

    user = relationship("User")

    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        sa.UniqueConstraint("user_id", "dedupe_key"),
    )
