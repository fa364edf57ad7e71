"""兑付: providers claim the voucher part of delivered services; the operator settles.

A claim is for one voucher redemption, with its proof: the payment request of an
accepted service order (its report is the proof of delivery), of a completed
instrument booking, or a prize (揭榜奖金) or contract payment that is itself the proof
once it is paid in full (PAYMENT_PROOF_KINDS). Only a listed voucher provider (载体)
claims, only its own redemptions (the payee of the request), and only once: the
unique constraint on voucher_claims.redemption_id stops a second claim, also two at
the same moment. The operator settles only what is still delivered (still paid), or
rejects it with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..payments import ledger
from ..payments.models import PaymentKind, PaymentRequest
from ..vouchers import eligibility, settlement
from ..vouchers.models import VoucherClaim, VoucherRedemption
from .models import Booking, ServiceOrder
from .rules import BookingStatus, ClaimStatus, OrderStatus

#: Payments that are their own proof of delivery once received in full: a call's prize
#: (the sponsor paid for the solution it picked) and a contract's payments (the firm
#: paid what the signed contract says is due for the technology).
PAYMENT_PROOF_KINDS = frozenset(
    {
        PaymentKind.PRIZE,
        PaymentKind.LUMP_SUM,
        PaymentKind.INSTALMENT,
        PaymentKind.ENTRY_FEE,
        PaymentKind.ROYALTY,
    }
)


@dataclass(frozen=True)
class Proof:
    """What a claim rests on: one of an order, a booking or a paid payment request."""

    order: ServiceOrder | None = None
    booking: Booking | None = None
    payment: PaymentRequest | None = None

    def __bool__(self) -> bool:
        return any((self.order, self.booking, self.payment))


def paid_payment(redemption: VoucherRedemption) -> PaymentRequest | None:
    """The prize or contract payment the redemption paid, if its payee was paid in full
    (cash and voucher parts, net of refunds), not cancelled or carried over."""
    req = db.session.get(PaymentRequest, redemption.payment_request_id)
    if (
        req is None
        or req.kind not in PAYMENT_PROOF_KINDS
        or req.payee_org_id is None
        or req.payee_org_id != redemption.provider_org_id
    ):
        return None
    bal = ledger.balance(req)
    # Net of any refund: a partly refunded payment is no longer received in full.
    received = bal.paid - bal.refunded - bal.transferred_out + bal.voucher
    return req if bal.status == "paid" and received >= bal.due else None


def proof_of(redemption: VoucherRedemption) -> Proof:
    """The delivered order, completed booking or paid payment behind the redemption."""
    req_id = redemption.payment_request_id
    order = db.session.scalar(
        sa.select(ServiceOrder).where(
            ServiceOrder.payment_request_id == req_id,
            ServiceOrder.status == OrderStatus.ACCEPTED,
            ServiceOrder.report_id.is_not(None),
        )
    )
    if order is not None:
        return Proof(order=order)
    booking = db.session.scalar(
        sa.select(Booking).where(
            Booking.payment_request_id == req_id,
            Booking.status == BookingStatus.COMPLETED,
        )
    )
    if booking is not None:
        return Proof(booking=booking)
    return Proof(payment=paid_payment(redemption))


def claimable(org_id: int) -> list[tuple[VoucherRedemption, Proof]]:
    """The provider's redemptions on delivered services (or paid prizes and contract
    payments) that have no claim yet."""
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
    return [(r, proof) for r in rows if (proof := proof_of(r))]


def claim(actor, redemption: VoucherRedemption, note: str) -> VoucherClaim:
    """The provider's member claims the voucher part of one delivered service."""
    org_id = redemption.provider_org_id
    if org_id is None or not actor.belongs_to(org_id):
        raise PermissionDenied(_("只有收款的服务机构可以申请兑付。"))
    if not eligibility.is_eligible(org_id):
        raise PermissionDenied(_("只有创新券服务机构（载体）可以申请兑付。"))
    proof = proof_of(redemption)
    if not proof:
        raise InvalidTransition(
            _("只有已交付并验收的服务或已全额收款的奖金、合同价款可以申请兑付。")
        )
    if db.session.scalar(
        sa.select(VoucherClaim.id).where(VoucherClaim.redemption_id == redemption.id)
    ):
        raise InvalidTransition(_("这笔创新券抵扣已申请过兑付。"))
    row = VoucherClaim(
        redemption_id=redemption.id,
        provider_org_id=org_id,
        order_id=proof.order.id if proof.order else None,
        booking_id=proof.booking.id if proof.booking else None,
        payment_request_id=proof.payment.id if proof.payment else None,
        proof_id=proof.order.report_id if proof.order else None,
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
    if claim_row.status != ClaimStatus.SUBMITTED:
        raise InvalidTransition(_("该兑付申请已处理。"))
    return claim_row


def settle(actor, claim_row: VoucherClaim) -> VoucherClaim:
    """The operator settles a claim whose service is (still) delivered, or whose payment
    is (still) paid in full; the ledger books the settlement against the redemption's
    voucher entry (vouchers/settlement.py)."""
    claim_row = _decide(actor, claim_row)
    if not proof_of(claim_row.redemption):
        raise InvalidTransition(_("该服务尚未交付验收（或款项未全额收讫），不能兑付。"))
    claim_row.status = ClaimStatus.SETTLED
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
    claim_row.status = ClaimStatus.REJECTED
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
                VoucherClaim.status == ClaimStatus.SETTLED
            )
        )
        or 0
    )
