"""The one module that talks to Stripe: PaymentIntents, refunds, webhook signatures.

Everything returns plain dicts so the rest of the app never sees a stripe object.
Card data never reaches the server: the Payment Element sends it to Stripe directly.
"""

from __future__ import annotations

import stripe
from flask import current_app


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is for the log."""


class BadSignature(Exception):
    """A webhook whose signature (or payload) does not verify."""


def enabled() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def _client() -> stripe.StripeClient:
    cfg = current_app.config
    base = cfg.get("STRIPE_API_BASE")
    kwargs = {"base_addresses": {"api": base}} if base else {}
    return stripe.StripeClient(
        cfg["STRIPE_SECRET_KEY"], max_network_retries=2, **kwargs
    )


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(obj) -> dict:
    data = _plain(obj)
    charge = data.get("latest_charge")
    if isinstance(charge, dict):
        data["latest_charge"] = charge.get("id")
    return data


def create_intent(
    amount_fen: int,
    currency: str,
    idempotency_key: str,
    metadata: dict,
    payment_method: str | None = None,
) -> dict:
    """Create a PaymentIntent with the market's payment method types."""
    params = {
        "amount": amount_fen,
        "currency": currency.lower(),
        "payment_method_types": list(current_app.config["STRIPE_PAYMENT_METHOD_TYPES"]),
        "metadata": {k: str(v) for k, v in metadata.items()},
    }
    if payment_method:
        params["payment_method"] = payment_method
    try:
        pi = _client().v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc
    return _intent(pi)


def retrieve_intent(intent_id: str) -> dict:
    try:
        return _intent(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc


def confirm_intent(intent_id: str) -> dict:
    """Confirm server-side (what stripe.js does in the browser); used by tests and tools."""
    try:
        return _intent(_client().v1.payment_intents.confirm(intent_id))
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc


def create_refund(
    intent_id: str, amount_fen: int, idempotency_key: str, metadata: dict
) -> dict:
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": amount_fen,
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc
    return _plain(refund)


def list_refunds(intent_id: str) -> list[dict]:
    try:
        found = _client().v1.refunds.list(
            params={"payment_intent": intent_id, "limit": 100}
        )
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc
    return [_plain(r) for r in found.data]


def verify_event(payload: bytes, signature: str | None) -> dict:
    """The event as a dict if the Stripe-Signature header verifies, else BadSignature."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature:
        raise BadSignature("missing secret or signature")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise BadSignature(str(exc)) from exc
    return _plain(event)
