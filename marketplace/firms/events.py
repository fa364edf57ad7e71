"""Roadshow services: create an event, put lots forward and select them, register,
request meetings, build the schedule without clashes, turn a good meeting into a deal."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Role
from ..achievements.models import Achievement
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..deals import starting
from ..extensions import db
from .models_events import Event, EventLot, EventMeeting, EventRegistration


def create_event(actor, data: dict) -> Event:
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以创建活动。"))
    event = Event(created_by_id=actor.id, **data)
    db.session.add(event)
    db.session.flush()
    return event


def put_forward(event: Event, actor, achievement: Achievement) -> EventLot:
    """A supplier puts one of its own published achievements forward as a lot."""
    if not (
        actor.role == Role.SUPPLIER and actor.belongs_to(achievement.organization_id)
    ):
        raise PermissionDenied(_("只能推荐本机构的成果。"))
    if not achievement.is_public:
        raise ValidationFailed([("achievement_id", _("只能推荐已发布的成果。"))])
    if event.is_over:
        raise InvalidTransition(_("活动已结束。"))
    exists = db.session.scalar(
        sa.select(EventLot.id).where(
            EventLot.event_id == event.id, EventLot.achievement_id == achievement.id
        )
    )
    if exists:
        raise ValidationFailed([("achievement_id", _("该成果已推荐到本活动。"))])
    lot = EventLot(event=event, achievement=achievement, proposed_by_id=actor.id)
    db.session.add(lot)
    db.session.flush()
    return lot


def select_lot(lot: EventLot, actor, selected: bool = True) -> None:
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以遴选项目。"))
    lot.selected = selected
    db.session.flush()


def register(event: Event, actor) -> EventRegistration:
    if not (actor.role == Role.FIRM and actor.organization_id):
        raise PermissionDenied(_("只有企业用户可以报名。"))
    if event.is_over:
        raise InvalidTransition(_("活动已结束。"))
    reg = db.session.scalar(
        sa.select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.organization_id == actor.organization_id,
        )
    )
    if reg is None:
        reg = EventRegistration(
            event_id=event.id, organization_id=actor.organization_id, user_id=actor.id
        )
        db.session.add(reg)
        db.session.flush()
    return reg


def is_registered(event: Event, user) -> bool:
    return bool(user.organization_id) and any(
        r.organization_id == user.organization_id for r in event.registrations
    )


def request_meeting(lot: EventLot, actor) -> EventMeeting:
    """A registered firm asks to meet the owner of a selected lot."""
    event = lot.event
    if not is_registered(event, actor):
        raise PermissionDenied(_("请先报名参加活动。"))
    if not lot.selected:
        raise ValidationFailed([(None, _("该项目未入选本活动。"))])
    if event.is_over:
        raise InvalidTransition(_("活动已结束。"))
    meeting = db.session.scalar(
        sa.select(EventMeeting).where(
            EventMeeting.lot_id == lot.id,
            EventMeeting.firm_org_id == actor.organization_id,
        )
    )
    if meeting is None:
        meeting = EventMeeting(
            event_id=event.id,
            lot=lot,
            firm_org_id=actor.organization_id,
            requester_id=actor.id,
        )
        db.session.add(meeting)
        db.session.flush()
    return meeting


def assign_slots(
    meetings: Iterable[tuple[int, object, object]], slots: int
) -> dict[int, int | None]:
    """Slots for (meeting id, firm, owner) triples, in the order given: each meeting
    takes the earliest slot where neither party is already busy; None if none is free.
    Neither a firm nor a lot owner is ever in two meetings in one slot."""
    busy: dict[object, set[int]] = {}
    out: dict[int, int | None] = {}
    for meeting_id, firm, owner in meetings:
        taken = busy.setdefault(("f", firm), set()) | busy.setdefault(
            ("o", owner), set()
        )
        slot = next((s for s in range(slots) if s not in taken), None)
        out[meeting_id] = slot
        if slot is not None:
            busy[("f", firm)].add(slot)
            busy[("o", owner)].add(slot)
    return out


def build_schedule(event: Event, actor) -> int:
    """(Re)build the event's meeting schedule; returns how many meetings got a slot."""
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以排定日程。"))
    meetings = sorted(event.meetings, key=lambda m: m.id)
    plan = assign_slots(
        ((m.id, m.firm_org_id, m.lot.achievement.organization_id) for m in meetings),
        event.slots,
    )
    for m in meetings:
        m.slot = plan[m.id]
    db.session.flush()
    return sum(1 for s in plan.values() if s is not None)


def meeting_to_deal(meeting: EventMeeting, actor):
    """After the event, the firm turns a meeting that went well into a deal (one click)."""
    if not actor.belongs_to(meeting.firm_org_id):
        raise PermissionDenied(_("只有参会企业可以发起交易。"))
    if not meeting.event.is_over:
        raise InvalidTransition(_("活动结束后才能把洽谈转为交易。"))
    if meeting.deal_id is not None:
        raise InvalidTransition(_("该洽谈已转为交易。"))
    deal, _created = starting.express_interest(
        meeting.lot.achievement,
        actor,
        _("来自活动“%(t)s”的一对一洽谈。", t=meeting.event.title),
    )
    meeting.deal_id = deal.id
    db.session.flush()
    return deal
