"""兑付: providers claim the voucher part of delivered services; the operator settles.

A claim is for one voucher redemption on the payment request of an accepted service
order (its report is the proof of delivery) or of a completed instrument booking. Only
a listed voucher provider (载体) claims, only its own redemptions, and only once: the
unique constraint on voucher_claims.redemption_id stops a second claim, also two at
the same moment. The operator settles only what is still delivered, or rejects it
with a reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..vouchers import eligibility, settlement
from ..vouchers.models import VoucherClaim, VoucherRedemption
from .models import Booking, ServiceOrder


def delivered_service(
    redemption: VoucherRedemption,
) -> tuple[ServiceOrder | None, Booking | None]:
    """The delivered order or completed booking whose payment the redemption paid."""
    req_id = redemption.payment_request_id
    order = db.session.scalar(
        sa.select(ServiceOrder).where(
            ServiceOrder.payment_request_id == req_id,
            ServiceOrder.status == "accepted",
            ServiceOrder.report_id.is_not(None),
        )
    )
    if order is not None:
        return order, None
    booking = db.session.scalar(
        sa.select(Booking).where(
            Booking.payment_request_id == req_id, Booking.status == "completed"
        )
    )
    return None, booking


def claimable(
    org_id: int,
) -> list[tuple[VoucherRedemption, ServiceOrder | None, Booking | None]]:
    """The provider's redemptions on delivered services that have no claim yet."""
    claimed = sa.select(VoucherClaim.redemption_id)
    rows = db.session.scalars(
        sa.select(VoucherRedemption)
        .where(
            VoucherRedemption.provider_org_id == org_id,
            VoucherRedemption.id.not_in(claimed),
        )
        .order_by(VoucherRedemption.id)
        .limit(500)
    ).all()
    out = []
    for r in rows:
        order, booking = delivered_service(r)
        if order is not None or booking is not None:
            out.append((r, order, booking))
    return out


def claim(actor, redemption: VoucherRedemption, note: str) -> VoucherClaim:
    """The provider's member claims the voucher part of one delivered service."""
    org_id = redemption.provider_org_id
    if org_id is None or not actor.belongs_to(org_id):
        raise PermissionDenied(_("只有收款的服务机构可以申请兑付。"))
    if not eligibility.is_eligible(org_id):
        raise PermissionDenied(_("只有创新券服务机构（载体）可以申请兑付。"))
    order, booking = delivered_service(redemption)
    if order is None and booking is None:
        raise InvalidTransition(_("只有已交付并验收的服务可以申请兑付。"))
    if db.session.scalar(
        sa.select(VoucherClaim.id).where(VoucherClaim.redemption_id == redemption.id)
    ):
        raise InvalidTransition(_("这笔创新券抵扣已申请过兑付。"))
    row = VoucherClaim(
        redemption_id=redemption.id,
        provider_org_id=org_id,
        order_id=order.id if order else None,
        booking_id=booking.id if booking else None,
        proof_id=order.report_id if order else None,
        amount_fen=redemption.amount_fen,
        note=(note or "").strip(),
        claimed_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise InvalidTransition(_("这笔创新券抵扣已申请过兑付。")) from None
    audit.record(actor, "voucher.claim", row, redemption=redemption.id)
    return row


def _locked(claim_row: VoucherClaim) -> VoucherClaim:
    return db.session.scalars(
        sa.select(VoucherClaim)
        .where(VoucherClaim.id == claim_row.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _decide(actor, claim_row: VoucherClaim) -> VoucherClaim:
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以审核兑付申请。"))
    claim_row = _locked(claim_row)
    if claim_row.status != "submitted":
        raise InvalidTransition(_("该兑付申请已处理。"))
    return claim_row


def settle(actor, claim_row: VoucherClaim) -> VoucherClaim:
    """The operator settles a claim whose service is (still) delivered; the ledger books
    the settlement against the redemption's voucher entry (vouchers/settlement.py)."""
    claim_row = _decide(actor, claim_row)
    order, booking = delivered_service(claim_row.redemption)
    if order is None and booking is None:
        raise InvalidTransition(_("该服务尚未交付验收，不能兑付。"))
    claim_row.status = "settled"
    claim_row.decided_by_id = actor.id
    claim_row.decided_at = utcnow()
    db.session.flush()
    settlement.book_settlement(claim_row, actor)
    audit.record(
        actor, "voucher.claim_settle", claim_row, amount_fen=claim_row.amount_fen
    )
    return claim_row


def reject(actor, claim_row: VoucherClaim, reason: str) -> VoucherClaim:
    """The operator rejects a claim, always with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("驳回时请填写理由。"))])
    claim_row = _decide(actor, claim_row)
    claim_row.status = "rejected"
    claim_row.reason = reason
    claim_row.decided_by_id = actor.id
    claim_row.decided_at = utcnow()
    db.session.flush()
    audit.record(actor, "voucher.claim_reject", claim_row, reason=reason)
    return claim_row


def settled_fen() -> int:
    """Fen of voucher claims the operator has settled (the dashboard)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(VoucherClaim.amount_fen), 0)).where(
                VoucherClaim.status == "settled"
            )
        )
        or 0
    )
