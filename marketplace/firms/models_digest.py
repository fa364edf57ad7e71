"""Intelligence digests (科技信息情报): who subscribes to which fields, and the
operator's note on top of a week's digest."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class DigestSubscription(db.Model):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    #: Field codes (core.domain.Field); empty: every field.
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    #: Monday (Shanghai) of the last week sent, so a week is never sent twice.
    last_week_sent: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class DigestNote(db.Model):
    __tablename__ = "digest_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Monday (Shanghai) of the week the note heads.
    week_start: Mapped[date] = mapped_column(unique=True)
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
