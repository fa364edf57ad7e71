"""The service network on the dashboard: providers by kind, orders and bookings by
state, the shared instruments' use, and the voucher quota from application to
settlement (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..services.models import (
    Booking,
    Instrument,
    InstrumentClosure,
    Provider,
    ServiceOrder,
    VoucherClaim,
)
from ..services.rules import BOOKING_STATUS_LABELS, ORDER_STATUS_LABELS, PROVIDER_KINDS
from ..vouchers.models import QuotaApplication, VoucherRedemption
from ..vouchers.rules import ClaimStatus, QuotaStatus

if TYPE_CHECKING:
    from .kpis import Period


def _within(column, p: Period):
    return sa.and_(column >= p.lo, column < p.hi)


def providers_by_kind() -> list[tuple[str, int]]:
    """(kind, providers) for every kind, in the code table's order (the directory now)."""
    counts = dict(
        db.session.execute(
            sa.select(Provider.kind, sa.func.count()).group_by(Provider.kind)
        ).all()
    )
    return [(kind, int(counts.get(kind, 0))) for kind in PROVIDER_KINDS]


def _by_state(model, labels: dict, p: Period) -> list[tuple[str, int]]:
    counts = dict(
        db.session.execute(
            sa.select(model.status, sa.func.count())
            .where(_within(model.created_at, p))
            .group_by(model.status)
        ).all()
    )
    return [(state, int(counts.get(state, 0))) for state in labels]


def orders_by_state(p: Period) -> list[tuple[str, int]]:
    """Service orders placed within the period, by their state now."""
    return _by_state(ServiceOrder, ORDER_STATUS_LABELS, p)


def bookings_by_state(p: Period) -> list[tuple[str, int]]:
    """Instrument bookings made within the period, by their state now."""
    return _by_state(Booking, BOOKING_STATUS_LABELS, p)


def _sum(column, *where) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where)
        )
        or 0
    )


def _count(model, *where) -> int:
    return int(
        db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
        or 0
    )


def voucher_quota(p: Period) -> dict[str, dict[str, int]]:
    """申领 → 批准 → 使用 → 兑付 within the period, each as count and fen.

    applied: applications made; approved: applications approved (decided_at); used:
    redemptions of quota vouchers (redeemed_at); settled: claims of those redemptions
    settled (decided_at).
    """
    app = QuotaApplication
    approved = sa.and_(app.status == QuotaStatus.APPROVED, _within(app.decided_at, p))
    quota_vouchers = sa.select(app.voucher_id).where(app.voucher_id.is_not(None))
    used = sa.and_(
        VoucherRedemption.voucher_id.in_(quota_vouchers),
        _within(VoucherRedemption.redeemed_at, p),
    )
    quota_redemptions = sa.select(VoucherRedemption.id).where(
        VoucherRedemption.voucher_id.in_(quota_vouchers)
    )
    settled = sa.and_(
        VoucherClaim.status == ClaimStatus.SETTLED,
        VoucherClaim.redemption_id.in_(quota_redemptions),
        _within(VoucherClaim.decided_at, p),
    )
    return {
        "applied": {
            "count": _count(app, _within(app.created_at, p)),
            "fen": _sum(app.amount_fen, _within(app.created_at, p)),
        },
        "approved": {
            "count": _count(app, approved),
            "fen": _sum(app.approved_fen, approved),
        },
        "used": {
            "count": _count(VoucherRedemption, used),
            "fen": _sum(VoucherRedemption.amount_fen, used),
        },
        "settled": {
            "count": _count(VoucherClaim, settled),
            "fen": _sum(VoucherClaim.amount_fen, settled),
        },
    }


#: Slot bookings that hold the instrument: asked for and not refused or cancelled.
HOLDING = ("requested", "confirmed", "completed")


def instrument_use(p: Period) -> list[tuple[str, float, int, float | None]]:
    """Per active instrument: (name and owner, hours booked within the period, hours
    open within it, booked ÷ open in %). Open hours are the opening hours of each
    Beijing day of the period less its closure days; bookings are clipped to the
    period. Three queries, however many instruments."""
    instruments = list(
        db.session.scalars(
            sa.select(Instrument)
            .where(Instrument.active.is_(True))
            .options(joinedload(Instrument.owner))
            .order_by(Instrument.id)
        )
    )
    booked: dict[int, float] = {}
    for inst_id, start, end in db.session.execute(
        sa.select(Booking.instrument_id, Booking.starts_at, Booking.ends_at).where(
            Booking.kind == "slot",
            Booking.status.in_(HOLDING),
            Booking.starts_at < p.hi,
            Booking.ends_at > p.lo,
        )
    ):
        hours = (min(end, p.hi) - max(start, p.lo)).total_seconds() / 3600
        booked[inst_id] = booked.get(inst_id, 0.0) + hours
    closed = dict(
        db.session.execute(
            sa.select(InstrumentClosure.instrument_id, sa.func.count())
            .where(InstrumentClosure.day.between(p.start, p.end))
            .group_by(InstrumentClosure.instrument_id)
        ).all()
    )
    days = (p.end - p.start).days + 1
    rows = []
    for inst in instruments:
        daily = max(0, inst.closes_hour - inst.opens_hour)
        open_hours = daily * max(0, days - int(closed.get(inst.id, 0)))
        hours = round(booked.get(inst.id, 0.0), 1)
        share = round(100 * hours / open_hours, 1) if open_hours else None
        rows.append((f"{inst.name}（{inst.owner.name}）", hours, open_hours, share))
    return rows
