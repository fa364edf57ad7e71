"""Shared instruments: records, bookings without overlap, usage → payment request.

Overlap is impossible also under concurrency: a booking first locks its instrument's
row (SELECT … FOR UPDATE on PostgreSQL), so two bookings of one instrument are decided
one after the other and the second sees the first before it checks for an overlap.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import OrgType
from ..core import audit
from ..core.domain import FIELD_LABELS
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..payments import services as payments
from ..payments.models import PaymentKind, PaymentRequest
from .instrument_terms import is_closed, is_trained, owns
from .models import Booking, Instrument
from .rules import LIVE_BOOKINGS, TOWNS, UNIT_LABELS, BookingStatus

PAY_WITHIN_DAYS = 30
#: The longest single booking, in hours (one day inside the opening hours).
MAX_HOURS = 24
#: The most samples one submission takes.
MAX_SAMPLES = 500


def add_instrument(actor, **data) -> Instrument:
    """A verified non-firm organisation (provider, university, institute) lists one."""
    org = actor.organization
    if org is None or org.type == OrgType.FIRM or not org.is_verified:
        raise PermissionDenied(
            _("只有已认证的服务机构、高校或科研院所可以登记共享仪器。")
        )
    name = (data.get("name") or "").strip()
    errors = []
    if not name:
        errors.append(("name", _("请填写仪器名称。")))
    if data.get("price_unit") not in UNIT_LABELS:
        errors.append(("price_unit", _("请选择计价单位。")))
    price = data.get("unit_price_fen")
    if not price or price <= 0:
        errors.append(("unit_price", _("请填写大于 0 的单价。")))
    opens, closes = data.get("opens_hour"), data.get("closes_hour")
    if opens is None or closes is None or not 0 <= opens < closes <= 24:
        errors.append(("closes_hour", _("开放时间应在 0–24 点之间，且结束晚于开始。")))
    town = data.get("town") or ""
    if town and town not in TOWNS:
        errors.append(("town", _("请选择瓯海区的街道或镇。")))
    field = data.get("field") or ""
    if field and field not in {str(f) for f in FIELD_LABELS}:
        errors.append(("field", _("请选择有效的技术领域。")))
    if errors:
        raise ValidationFailed(errors)
    instrument = Instrument(
        owner_org_id=org.id,
        name=name,
        model=(data.get("model") or "").strip(),
        maker=(data.get("maker") or "").strip(),
        location=(data.get("location") or "").strip(),
        town=town,
        field=field,
        capabilities=(data.get("capabilities") or "").strip(),
        standards=(data.get("standards") or "").strip(),
        price_unit=data["price_unit"],
        unit_price_fen=price,
        opens_hour=opens,
        closes_hour=closes,
        staff_operated=bool(data.get("staff_operated", True)),
    )
    db.session.add(instrument)
    db.session.flush()
    audit.record(actor, "instrument.add", instrument)
    return instrument


def lock(instrument: Instrument) -> Instrument:
    """The instrument's row, locked until the transaction ends (a no-op on SQLite)."""
    return db.session.scalars(
        sa.select(Instrument)
        .where(Instrument.id == instrument.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def overlapping(
    instrument_id: int, starts_at: datetime, ends_at: datetime
) -> list[Booking]:
    return list(
        db.session.scalars(
            sa.select(Booking).where(
                Booking.instrument_id == instrument_id,
                Booking.kind == "slot",
                Booking.status.in_(LIVE_BOOKINGS),
                Booking.starts_at < ends_at,
                Booking.ends_at > starts_at,
            )
        )
    )


def _booker(actor, instrument: Instrument):
    org = actor.organization
    if org is None or org.type != OrgType.FIRM or not org.is_verified:
        raise PermissionDenied(_("只有已认证企业的成员可以预约仪器。"))
    if not instrument.active:
        raise InvalidTransition(_("该仪器暂停开放。"))
    return org


def _closed(instrument: Instrument, day) -> ValidationFailed:
    return ValidationFailed(
        [("starts_at", _("仪器在 %(d)s 停用，请选择其他日期。", d=day.isoformat()))]
    )


def book(
    actor,
    instrument: Instrument,
    start_local: datetime | None,
    hours: int | None,
    note: str = "",
    self_operate: bool = False,
) -> Booking:
    """A verified firm books a slot (Beijing time) inside the opening hours of one day.

    Not on a closure day. `self_operate`: the booker runs it, which only a user the
    owner recorded as trained may, on an instrument that trained users may operate.
    """
    org = _booker(actor, instrument)
    if self_operate and instrument.staff_operated:
        raise ValidationFailed([("self_operate", _("该仪器只由所属机构人员操作。"))])
    if self_operate and not is_trained(actor, instrument):
        raise PermissionDenied(
            _("您尚未登记为该仪器的培训用户，只能预约由所属机构人员操作。")
        )
    if start_local is None:
        raise ValidationFailed([("starts_at", _("请填写开始时间。"))])
    if not hours or not 1 <= hours <= MAX_HOURS:
        raise ValidationFailed(
            [("hours", _("预约时长应为 1–%(n)s 小时。", n=MAX_HOURS))]
        )
    start_h = start_local.hour + start_local.minute / 60
    if start_h < instrument.opens_hour or start_h + hours > instrument.closes_hour:
        raise ValidationFailed(
            [
                (
                    "starts_at",
                    _(
                        "请在开放时间 %(a)s:00–%(b)s:00 内预约。",
                        a=instrument.opens_hour,
                        b=instrument.closes_hour,
                    ),
                )
            ]
        )
    starts_at = (start_local - timedelta(hours=8)).replace(tzinfo=None)
    ends_at = starts_at + timedelta(hours=hours)
    if starts_at <= utcnow():
        raise ValidationFailed([("starts_at", _("只能预约将来的时段。"))])
    # Under the instrument's lock, which add_closure takes too: a closure and a
    # booking of the same day are decided one after the other.
    instrument = lock(instrument)
    if is_closed(instrument.id, start_local.date()):
        raise _closed(instrument, start_local.date())
    if overlapping(instrument.id, starts_at, ends_at):
        raise ValidationFailed([("starts_at", _("该时段已被预约，请选择其他时间。"))])
    booking = Booking(
        instrument_id=instrument.id,
        firm_org_id=org.id,
        booked_by_id=actor.id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=(note or "").strip(),
        self_operated=bool(self_operate),
    )
    db.session.add(booking)
    db.session.flush()
    audit.record(actor, "instrument.book", booking, instrument=instrument.id)
    return booking


def book_samples(
    actor, instrument: Instrument, drop_off: date | None, samples: int | None, note: str
) -> Booking:
    """A verified firm submits samples for the owner's staff to test: no slot is held.

    Only on an instrument priced per sample; the drop-off day must be a future (or
    today's) Beijing date on which the instrument is not closed.
    """
    _booker(actor, instrument)
    if instrument.price_unit != "sample":
        raise ValidationFailed([("samples", _("该仪器按时段计价，请预约时段。"))])
    if not samples or not 1 <= samples <= MAX_SAMPLES:
        raise ValidationFailed(
            [("samples", _("样品数量应为 1–%(n)s 件。", n=MAX_SAMPLES))]
        )
    if drop_off is None or drop_off < today_shanghai():
        raise ValidationFailed([("drop_off", _("请填写今天或以后的送样日期。"))])
    instrument = lock(instrument)
    if is_closed(instrument.id, drop_off):
        raise ValidationFailed(
            [
                (
                    "drop_off",
                    _("仪器在 %(d)s 停用，请选择其他日期。", d=drop_off.isoformat()),
                )
            ]
        )
    starts_at = datetime.combine(drop_off, time()) - timedelta(hours=8)
    booking = Booking(
        instrument_id=instrument.id,
        firm_org_id=actor.organization_id,
        booked_by_id=actor.id,
        kind="samples",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=1),
        quantity=samples,
        note=(note or "").strip(),
    )
    db.session.add(booking)
    db.session.flush()
    audit.record(actor, "instrument.samples", booking, instrument=instrument.id)
    return booking


def can_view_booking(user, booking: Booking) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.belongs_to(booking.firm_org_id)
        or owns(user, booking.instrument)
    )


def _owner_step(actor, booking: Booking, allowed: tuple[str, ...]) -> None:
    if not owns(actor, booking.instrument):
        raise PermissionDenied(_("只有仪器所属机构的成员可以处理预约。"))
    if booking.status not in allowed:
        raise InvalidTransition(_("预约当前状态下不能执行此操作。"))


def confirm(actor, booking: Booking) -> Booking:
    _owner_step(actor, booking, (BookingStatus.REQUESTED,))
    booking.status = BookingStatus.CONFIRMED
    db.session.flush()
    audit.record(actor, "instrument.confirm", booking)
    return booking


def refuse(actor, booking: Booking) -> Booking:
    _owner_step(actor, booking, (BookingStatus.REQUESTED,))
    booking.status = BookingStatus.REFUSED
    db.session.flush()
    audit.record(actor, "instrument.refuse", booking)
    return booking


def cancel(actor, booking: Booking) -> Booking:
    """The firm cancels a booking that has not started yet."""
    if not actor.belongs_to(booking.firm_org_id):
        raise PermissionDenied(_("只有预约企业的成员可以取消预约。"))
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
        raise InvalidTransition(_("预约当前状态下不能取消。"))
    if booking.starts_at <= utcnow():
        raise InvalidTransition(_("预约已开始，不能取消。"))
    booking.status = BookingStatus.CANCELLED
    db.session.flush()
    audit.record(actor, "instrument.cancel", booking)
    return booking


def units(booking: Booking) -> int:
    unit = booking.instrument.price_unit
    if booking.kind == "samples":
        return max(booking.quantity, 1)
    seconds = (booking.ends_at - booking.starts_at).total_seconds()
    if unit == "hour":
        return max(math.ceil(seconds / 3600), 1)
    if unit == "day":
        return max(math.ceil(seconds / 86400), 1)
    return max(booking.quantity, 1)


def complete(actor, booking: Booking) -> PaymentRequest:
    """The owner records the use: a payment request from the firm to the owner."""
    _owner_step(actor, booking, (BookingStatus.CONFIRMED,))
    booking.status = BookingStatus.COMPLETED
    inst = booking.instrument
    req, _created = payments.add_request(
        f"booking:{booking.id}",
        deal_id=None,
        kind=PaymentKind.INSTRUMENT_USE,
        service_kind="testing",
        title=_("仪器共享：%(n)s", n=inst.name)[:200],
        amount_fen=inst.unit_price_fen * units(booking),
        currency="CNY",
        due_on=today_shanghai() + timedelta(days=PAY_WITHIN_DAYS),
        payer_org_id=booking.firm_org_id,
        payee_org_id=inst.owner_org_id,
        created_by_id=actor.id,
    )
    booking.payment_request_id = req.id
    db.session.flush()
    audit.record(actor, "instrument.complete", booking, payment_request=req.id)
    payments.tell_payer(req, _l("新的付款通知：%(t)s", t=req.title))
    return req
