"""Paying a request: Stripe PaymentIntents, bank transfers confirmed by the operator, and
refunds. Flushes, never commits; the ledger books every movement once."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..uploads.services import register_owner_rule, save_upload
from . import ledger, stripe_gateway
from .models import (
    BankTransfer,
    EntryKind,
    IntentStatus,
    PaymentRequest,
    StripeIntent,
    TransferStatus,
)

log = logging.getLogger(__name__)


def lock(req: PaymentRequest) -> PaymentRequest:
    """Re-read the request with a row lock (PostgreSQL), so payers are served in turn."""
    return db.session.execute(
        sa.select(PaymentRequest)
        .where(PaymentRequest.id == req.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _must_pay(req: PaymentRequest, actor) -> ledger.Balance:
    if not req.can_pay(actor):
        raise PermissionDenied(_("只有付款方可以支付此款项。"))
    bal = ledger.balance(req)
    if bal.outstanding <= 0:
        raise InvalidTransition(_("此款项已无待付金额。"))
    # services, deposits and paying call each other: imported at call time
    from .deposits import registration_closed

    if registration_closed(req):
        raise InvalidTransition(_("拍卖报名已截止，不再收取保证金。"))
    return bal


def open_intent(req: PaymentRequest) -> StripeIntent | None:
    """The unfinished intent for the current outstanding amount, if any."""
    bal = ledger.balance(req)
    return db.session.scalar(
        sa.select(StripeIntent)
        .where(
            StripeIntent.payment_request_id == req.id,
            StripeIntent.status == IntentStatus.CREATED,
            StripeIntent.amount_fen == bal.outstanding,
        )
        .order_by(StripeIntent.id.desc())
    )


def start_stripe_payment(
    req: PaymentRequest, actor, payment_method: str | None = None
) -> StripeIntent:
    """The PaymentIntent for what is outstanding now; a second click reuses the first.

    The idempotency key is derived from the request, the amount and how many intents
    came before, so two simultaneous clicks send the same key (one intent at Stripe)
    and the unique key column lets only one of them be stored.
    """
    if not stripe_gateway.enabled():
        raise InvalidTransition(_("在线支付未开通，请使用对公转账。"))
    req = lock(req)
    bal = _must_pay(req, actor)
    existing = open_intent(req)
    if existing is not None:
        return existing
    count = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(StripeIntent)
            .where(StripeIntent.payment_request_id == req.id)
        )
        or 0
    )
    key = f"pr{req.id}-n{count + 1}-{bal.outstanding}{req.currency}"
    try:
        pi = stripe_gateway.create_intent(
            bal.outstanding,
            req.currency,
            key,
            {"payment_request": req.id, "deal": req.deal_id},
            payment_method,
        )
    except stripe_gateway.GatewayError as exc:
        log.warning("stripe create failed for request %s: %s", req.id, exc)
        raise ValidationFailed(
            [(None, _("支付通道暂时不可用，请稍后重试或使用对公转账。"))]
        ) from exc
    intent = StripeIntent(
        payment_request_id=req.id,
        intent_id=pi["id"],
        idempotency_key=key,
        client_secret=pi["client_secret"],
        amount_fen=bal.outstanding,
        currency=req.currency,
        created_by_id=actor.id,
    )
    db.session.add(intent)
    db.session.flush()
    return intent


def book_stripe_payment(
    intent: StripeIntent, amount_fen: int, currency: str, source: str
) -> tuple[bool, str]:
    """Book a succeeded intent after checking amount and currency; (booked, problem)."""
    req = intent.request
    if currency.upper() != req.currency.upper() or amount_fen != intent.amount_fen:
        return False, (
            f"amount/currency mismatch: event {amount_fen} {currency}, "
            f"expected {intent.amount_fen} {req.currency}"
        )
    entry = ledger.book(
        req,
        EntryKind.PAYMENT,
        amount_fen,
        "stripe",
        f"stripe:{intent.intent_id}",
        note=source,
    )
    if intent.status != IntentStatus.SUCCEEDED:
        intent.status = IntentStatus.SUCCEEDED
    if entry is not None:
        # services, deposits and paying call each other: imported at call time
        from .deposits import on_paid
        from .services import tell_payer

        on_paid(req)
        tell_payer(req, _l("付款已到账：%(t)s", t=req.title))
    return True, ""


# -- bank transfer (对公转账) -----------------------------------------------------------
def submit_transfer(
    req: PaymentRequest, actor, receipt, reference: str
) -> BankTransfer:
    """The payer files a transfer receipt; the amount is what the operator confirms."""
    _must_pay(req, actor)
    if receipt is None or not getattr(receipt, "filename", None):
        raise ValidationFailed([("receipt", _("请上传转账回单。"))])
    transfer = BankTransfer(
        payment_request_id=req.id,
        submitted_by_id=actor.id,
        payer_reference=(reference or "").strip(),
    )
    db.session.add(transfer)
    db.session.flush()
    transfer.receipt_id = save_upload(receipt, "bank_transfer", transfer.id, actor).id
    db.session.flush()
    # services, deposits and paying call each other: imported at call time
    from .services import link_for, tell_operators

    tell_operators(
        "payment.transfer",
        _l("有新的转账回单待确认"),
        req.title,
        link_for(req),
        f"transfer:{transfer.id}",
    )
    return transfer


def confirm_transfer(
    transfer: BankTransfer, actor, received_fen: int | None, note: str = ""
) -> BankTransfer:
    """The operator confirms what arrived on the market's account; the ledger books it."""
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以确认到账。"))
    if transfer.status != TransferStatus.SUBMITTED:
        raise InvalidTransition(_("该转账已处理。"))
    req = lock(transfer.request)
    bal = ledger.balance(req)
    if received_fen is None or received_fen <= 0:
        raise ValidationFailed([("received", _("请填写实际到账金额。"))])
    if received_fen > bal.outstanding:
        raise ValidationFailed(
            [
                (
                    "received",
                    _(
                        "到账金额超过待付金额 %(a)s 元。",
                        a=f"{bal.outstanding / 100:,.2f}",
                    ),
                )
            ]
        )
    transfer.status, transfer.received_fen = TransferStatus.CONFIRMED, received_fen
    transfer.decided_by_id, transfer.decided_at, transfer.note = (
        actor.id,
        utcnow(),
        note,
    )
    ledger.book(
        req,
        EntryKind.PAYMENT,
        received_fen,
        "bank",
        f"bank:{transfer.id}",
        actor=actor,
        note=note,
    )
    audit.record(
        actor,
        "payment.confirm_transfer",
        req,
        transfer=transfer.id,
        amount_fen=received_fen,
    )
    # services, deposits and paying call each other: imported at call time
    from .deposits import on_paid
    from .services import tell_payer

    on_paid(req)
    tell_payer(req, _l("对公转账已确认到账：%(t)s", t=req.title))
    return transfer


def reject_transfer(transfer: BankTransfer, actor, note: str) -> BankTransfer:
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以确认到账。"))
    if transfer.status != TransferStatus.SUBMITTED:
        raise InvalidTransition(_("该转账已处理。"))
    if not (note or "").strip():
        raise ValidationFailed([("note", _("请说明未到账的原因。"))])
    transfer.status, transfer.note = TransferStatus.REJECTED, note.strip()
    transfer.decided_by_id, transfer.decided_at = actor.id, utcnow()
    audit.record(
        actor, "payment.reject_transfer", transfer.request, transfer=transfer.id
    )
    # services, deposits and paying call each other: imported at call time
    from .services import tell_payer

    tell_payer(transfer.request, _l("转账未能确认：%(t)s", t=transfer.request.title))
    db.session.flush()
    return transfer


# -- refunds ------------------------------------------------------------------------
def refund(req: PaymentRequest, actor, amount_fen: int | None, reason: str):
    """Refund up to what was received; Stripe money back through Stripe, bank money by
    the operator's own transfer (booked here as done). Needs a reason."""
    if actor is not None and not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以退款。"))
    if not (reason or "").strip():
        raise ValidationFailed([("reason", _("请填写退款原因。"))])
    req = lock(req)
    bal = ledger.balance(req)
    if amount_fen is None or amount_fen <= 0:
        raise ValidationFailed([("amount", _("请填写退款金额。"))])
    if amount_fen > bal.refundable:
        raise ValidationFailed(
            [
                (
                    "amount",
                    _(
                        "退款金额不能超过可退金额 %(a)s 元。",
                        a=f"{bal.refundable / 100:,.2f}",
                    ),
                )
            ]
        )
    entries = []
    left = amount_fen
    for intent, room in _stripe_refund_room(req):
        if left <= 0:
            break
        part = min(room, left)
        n = len(req.entries) + len(entries) + 1
        try:
            r = stripe_gateway.create_refund(
                intent.intent_id,
                part,
                f"refund-pr{req.id}-e{n}-{part}",
                {"payment_request": req.id},
            )
        except stripe_gateway.GatewayError as exc:
            log.warning("stripe refund failed for request %s: %s", req.id, exc)
            raise ValidationFailed([(None, _("退款未成功，请稍后重试。"))]) from exc
        if r.get("status") in ("succeeded", "pending"):
            entries.append(
                ledger.book(
                    req,
                    EntryKind.REFUND,
                    part,
                    "stripe",
                    f"stripe:{r['id']}",
                    actor=actor,
                    note=reason,
                )
            )
        left -= part
    if left > 0:
        n = len(req.entries) + 1
        entries.append(
            ledger.book(
                req,
                EntryKind.REFUND,
                left,
                "bank",
                f"bankrefund:{req.id}:{n}",
                actor=actor,
                note=reason,
            )
        )
    if actor is not None:
        audit.record(actor, "payment.refund", req, amount_fen=amount_fen, reason=reason)
    return [e for e in entries if e is not None]


def _stripe_refund_room(req: PaymentRequest):
    """(intent, amount still refundable through Stripe) for each paid intent."""
    refunded_by_stripe = sum(
        e.amount_fen
        for e in req.entries
        if e.kind == EntryKind.REFUND and e.method == "stripe"
    )
    for intent in req.intents:
        if intent.status != IntentStatus.SUCCEEDED:
            continue
        room = intent.amount_fen - refunded_by_stripe
        refunded_by_stripe = max(refunded_by_stripe - intent.amount_fen, 0)
        if room > 0:
            yield intent, room


def _can_download_receipt(user, attachment) -> bool:
    transfer = db.session.get(BankTransfer, attachment.owner_id)
    return bool(transfer and transfer.request.can_view(user))


register_owner_rule("bank_transfer", _can_download_receipt)
