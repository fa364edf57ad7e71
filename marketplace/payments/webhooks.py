"""The Stripe webhook: signed events only, each recorded by id and applied at most once.

Events are the source of truth for money received through Stripe. A replayed event
finds its row and does nothing; two events about the same money (a success, then a
refund that already booked the success) meet the ledger's unique reference.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.urls import site_path
from ..extensions import csrf, db
from . import bp, ledger, stripe_gateway
from .models import EntryKind, EventOutcome, IntentStatus, StripeEvent, StripeIntent
from .paying import book_stripe_payment
from .services import tell_operators

log = logging.getLogger(__name__)


def _intent(intent_id: str | None) -> StripeIntent | None:
    if not intent_id:
        return None
    return db.session.scalar(
        sa.select(StripeIntent).where(StripeIntent.intent_id == intent_id)
    )


def _flag(event: StripeEvent, problem: str) -> str:

    event.detail = problem
    audit.record(None, "payment.webhook_flagged", None, event=event.id, problem=problem)
    tell_operators(
        "payment.flagged",
        _l("Stripe 事件金额不符，请核查"),
        f"{event.id}: {problem}",
        site_path("payments.index"),
        f"stripe-flag:{event.id}",
    )
    log.warning("stripe event %s flagged: %s", event.id, problem)
    return EventOutcome.FLAGGED


def _succeeded(event: StripeEvent, obj: dict) -> str:
    intent = _intent(obj.get("id"))
    if intent is None:
        return _flag(event, "unknown payment intent")
    ok, problem = _book(intent, obj, f"event {event.id}")
    return EventOutcome.PROCESSED if ok else _flag(event, problem)


def _book(intent: StripeIntent, obj: dict, source: str) -> tuple[bool, str]:

    amount = obj.get("amount_received") or obj.get("amount") or 0
    return book_stripe_payment(intent, int(amount), obj.get("currency") or "", source)


def _failed(event: StripeEvent, obj: dict) -> str:
    intent = _intent(obj.get("id"))
    if intent is None:
        return EventOutcome.IGNORED
    if intent.status == IntentStatus.CREATED:
        intent.status = IntentStatus.FAILED
    return EventOutcome.PROCESSED


def _refund(event: StripeEvent, obj: dict) -> str:
    """A refund: book it; if its payment was not booked yet (events out of order), ask
    Stripe for the intent and book the payment first."""
    intent = _intent(obj.get("payment_intent"))
    if intent is None:
        return _flag(event, "refund for an unknown payment intent")
    if obj.get("status") not in ("succeeded", "pending"):  # Stripe's refund status
        return EventOutcome.IGNORED
    if ledger.find(f"stripe:{intent.intent_id}") is None:
        try:
            pi = stripe_gateway.retrieve_intent(intent.intent_id)
        except stripe_gateway.GatewayError as exc:
            raise RuntimeError("stripe unreachable, let Stripe retry") from exc
        if pi.get("status") != "succeeded":
            return _flag(event, "refund before a succeeded payment")
        ok, problem = _book(intent, pi, f"event {event.id} (out of order)")
        if not ok:
            return _flag(event, problem)
    amount = int(obj.get("amount") or 0)
    ledger.book(
        intent.request,
        EntryKind.REFUND,
        amount,
        "stripe",
        f"stripe:{obj['id']}",
        note=f"event {event.id}",
    )
    return EventOutcome.PROCESSED


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "refund.created": _refund,
    "refund.updated": _refund,
    "charge.refund.updated": _refund,
}


def handle(data: dict) -> str:
    """Apply one verified event (a dict); returns its status. Flushes, never commits."""
    if db.session.get(StripeEvent, data["id"]) is not None:
        return EventOutcome.DUPLICATE
    obj = (data.get("data") or {}).get("object") or {}
    event = StripeEvent(
        id=data["id"],
        type=data.get("type", ""),
        status=EventOutcome.RECEIVED,
        object_id=obj.get("id"),
    )
    db.session.add(event)
    db.session.flush()
    handler = HANDLERS.get(event.type)
    event.status = handler(event, obj) if handler else EventOutcome.IGNORED
    db.session.flush()
    return event.status


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    try:
        data = stripe_gateway.verify_event(
            request.get_data(), request.headers.get("Stripe-Signature")
        )
    except stripe_gateway.BadSignature:
        return jsonify(error="bad signature"), 400
    try:
        status = handle(data)
        db.session.commit()
    except IntegrityError:
        # The same event (or the same money) arrived twice at once: the other won.
        db.session.rollback()
        status = "duplicate"
    return jsonify(status=status), 200
