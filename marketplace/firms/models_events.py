"""Roadshows and matchmaking events (路演, 对接会): lots, registrations, one-to-one
meetings and their schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: When the event starts (UTC); meetings follow in slots from then.
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    online_link: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Field codes (core.domain.Field) the event is about.
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    programme: Mapped[str] = mapped_column(sa.Text, default="")
    #: Length of one meeting slot in minutes, and how many slots the day has.
    slot_minutes: Mapped[int] = mapped_column(default=20)
    slots: Mapped[int] = mapped_column(default=8)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lots: Mapped[list[EventLot]] = relationship(
        back_populates="event", order_by="EventLot.id"
    )
    registrations: Mapped[list[EventRegistration]] = relationship(
        order_by="EventRegistration.id"
    )
    meetings: Mapped[list[EventMeeting]] = relationship(
        back_populates="event", order_by="EventMeeting.slot, EventMeeting.id"
    )

    @property
    def is_over(self) -> bool:
        return self.starts_at <= utcnow()

    def slot_start(self, slot: int) -> datetime:
        return self.starts_at + timedelta(minutes=slot * self.slot_minutes)


class EventLot(db.Model):
    """An achievement a supplier put forward; on show once the operator selects it."""

    __tablename__ = "event_lots"
    __table_args__ = (sa.UniqueConstraint("event_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"), index=True)
    achievement_id: Mapped[int] = mapped_column(sa.ForeignKey("achievements.id"))
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    selected: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="lots")
    achievement = relationship("Achievement")


class EventRegistration(db.Model):
    __tablename__ = "event_registrations"
    __table_args__ = (sa.UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    event: Mapped[Event] = relationship(viewonly=True)


class EventMeeting(db.Model):
    """A firm's request to meet a lot's owner; `slot` once the schedule is built."""

    __tablename__ = "event_meetings"
    __table_args__ = (sa.UniqueConstraint("lot_id", "firm_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("event_lots.id"))
    firm_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: 0-based slot of the event's day; None: not scheduled (no free slot).
    slot: Mapped[int | None]
    #: The deal a meeting that went well became.
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"))

    event: Mapped[Event] = relationship(back_populates="meetings")
    lot: Mapped[EventLot] = relationship()
    firm_org = relationship("Organization")
