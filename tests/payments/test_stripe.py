"""Paying through Stripe (localstripe): intents, webhooks as the truth, refunds, replays."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

import sqlalchemy as sa

from marketplace.payments import ledger, stripe_gateway
from marketplace.payments.models import (
    LedgerEntry,
    PaymentRequest,
    StripeEvent,
    StripeIntent,
)

from .conftest import INSTALMENTS, WEBHOOK_SECRET, event


def _first(db, deal, kind):
    return db.session.scalars(
        sa.select(PaymentRequest)
        .where(PaymentRequest.deal_id == deal.id, PaymentRequest.kind == kind)
        .order_by(PaymentRequest.id)
    ).first()


def _card(app) -> str:
    """A payment method as the Payment Element would create it in the browser."""
    import stripe

    c = stripe.StripeClient(
        "sk_test_market", base_addresses={"api": app.config["STRIPE_API_BASE"]}
    )
    pm = c.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {
                "number": "4242424242424242",
                "exp_month": 12,
                "exp_year": 2034,
                "cvc": "123",
            },
        }
    )
    return pm.id


def _pay_in_browser(app, intent: StripeIntent) -> dict:
    """What stripe.js does: attach the card and confirm the intent."""
    import stripe

    c = stripe.StripeClient(
        "sk_test_market", base_addresses={"api": app.config["STRIPE_API_BASE"]}
    )
    c.v1.payment_intents.update(intent.intent_id, params={"payment_method": _card(app)})
    return stripe_gateway.confirm_intent(intent.intent_id)


def _entries(db, req):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(LedgerEntry)
        .where(LedgerEntry.payment_request_id == req.id)
        .order_by(LedgerEntry.id)
    ).all()


def _paid_intent(app, db, client, login, people, req) -> StripeIntent:
    login(people.firm)
    assert client.post(f"/payments/{req.id}/pay").status_code == 302
    intent = db.session.scalar(
        sa.select(StripeIntent).where(StripeIntent.payment_request_id == req.id)
    )
    assert _pay_in_browser(app, intent)["status"] == "succeeded"
    return intent


def _succeeded(intent, amount=None, event_id="evt_ok_1"):
    return event(
        event_id,
        "payment_intent.succeeded",
        {
            "id": intent.intent_id,
            "object": "payment_intent",
            "status": "succeeded",
            "amount": amount or intent.amount_fen,
            "amount_received": amount or intent.amount_fen,
            "currency": "cny",
        },
    )


def test_a_full_instalment_payment_is_booked_from_the_delivered_webhook(
    app, db, deal, people, sign_contract, stripe_on, live_server, login, client
):
    data = urllib.parse.urlencode(
        {"url": f"{live_server}/payments/stripe/webhook", "secret": WEBHOOK_SECRET}
    ).encode()
    urllib.request.urlopen(f"{stripe_on}/_config/webhooks/market", data)  # noqa: S310
    sign_contract(payment_mode="instalments", instalments=INSTALMENTS)
    req = _first(db, deal, "instalment")
    login(people.firm)
    page = client.get(f"/payments/{req.id}").get_data(as_text=True)
    assert "在线支付" in page and "¥100,000" in page
    intent = _paid_intent(app, db, client, login, people, req)
    assert intent.amount_fen == 10_000_000
    deadline = time.time() + 15
    while not _entries(db, req) and time.time() < deadline:
        time.sleep(0.3)
    [entry] = _entries(db, req)
    assert (entry.kind, entry.amount_fen, entry.method) == (
        "payment",
        10_000_000,
        "stripe",
    )
    assert ledger.balance(db.session.get(PaymentRequest, req.id)).status == "paid"
    assert (
        db.session.get(
            StripeEvent,
            db.session.scalar(
                sa.select(StripeEvent.id).where(
                    StripeEvent.object_id == intent.intent_id
                )
            ),
        ).status
        == "processed"
    )


def test_a_double_submitted_pay_button_makes_one_intent(
    app, db, deal, people, sign_contract, stripe_on, login, client
):
    sign_contract()
    req = _first(db, deal, "lump_sum")
    login(people.firm)
    first = client.post(f"/payments/{req.id}/pay")
    second = client.post(f"/payments/{req.id}/pay")
    assert first.status_code == second.status_code == 302
    intents = db.session.scalars(
        sa.select(StripeIntent).where(StripeIntent.payment_request_id == req.id)
    ).all()
    assert len(intents) == 1
    checkout = client.get(f"/payments/{req.id}/checkout")
    assert "js.stripe.com" in checkout.headers["Content-Security-Policy"]
    assert intents[0].client_secret in checkout.get_data(as_text=True)


def test_a_replayed_webhook_changes_nothing_twice(
    app, db, deal, people, sign_contract, stripe_on, login, client, post_event
):
    sign_contract()
    req = _first(db, deal, "lump_sum")
    intent = _paid_intent(app, db, client, login, people, req)
    ev = _succeeded(intent)
    assert post_event(ev).get_json()["status"] == "processed"
    assert post_event(ev).get_json()["status"] == "duplicate"
    # Another event about the same money does not book it again either.
    post_event(_succeeded(intent, event_id="evt_ok_2"))
    assert [e.amount_fen for e in _entries(db, req)] == [30_000_000]


def test_a_webhook_with_a_wrong_amount_is_flagged_and_books_nothing(
    app, db, deal, people, sign_contract, stripe_on, login, client, post_event
):
    sign_contract()
    req = _first(db, deal, "lump_sum")
    intent = _paid_intent(app, db, client, login, people, req)
    resp = post_event(_succeeded(intent, amount=100, event_id="evt_wrong"))
    assert resp.get_json()["status"] == "flagged"
    assert _entries(db, req) == []
    assert "mismatch" in db.session.get(StripeEvent, "evt_wrong").detail


def test_an_unsigned_or_badly_signed_webhook_is_refused(
    db, stripe_on, client, post_event
):
    ev = event("evt_forged", "payment_intent.succeeded", {"id": "pi_x", "amount": 1})
    assert post_event(ev, secret="whsec_wrong").status_code == 400
    assert client.post("/payments/stripe/webhook", json=ev).status_code == 400
    assert db.session.get(StripeEvent, "evt_forged") is None


def test_a_partial_refund_by_the_operator_goes_through_stripe(
    app, db, deal, people, sign_contract, stripe_on, login, client, post_event
):
    sign_contract()
    req = _first(db, deal, "lump_sum")
    intent = _paid_intent(app, db, client, login, people, req)
    post_event(_succeeded(intent))
    op = app.test_client()
    login(people.operator, c=op)
    assert (
        op.post(
            f"/payments/{req.id}/refund", data={"amount": "50000", "reason": ""}
        ).status_code
        == 422
    )
    assert (
        op.post(
            f"/payments/{req.id}/refund", data={"amount": "400000", "reason": "x"}
        ).status_code
        == 422
    )
    resp = op.post(
        f"/payments/{req.id}/refund",
        data={"amount": "50000", "reason": "验收部分不合格，协商减价"},
    )
    assert resp.status_code == 302
    refunds = [e for e in _entries(db, req) if e.kind == "refund"]
    assert [r.amount_fen for r in refunds] == [5_000_000]
    at_stripe = stripe_gateway.list_refunds(intent.intent_id)
    assert [r["amount"] for r in at_stripe] == [5_000_000]
    # Stripe's own refund event for the same refund books nothing more.
    post_event(event("evt_refund_1", "refund.created", {**at_stripe[0]}))
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    assert (bal.paid, bal.refunded, bal.refundable) == (
        30_000_000,
        5_000_000,
        25_000_000,
    )
    from marketplace.payments.commands import reconcile

    assert reconcile() == []


def test_a_refund_event_before_the_payment_event_books_both_in_order(
    app, db, deal, people, sign_contract, stripe_on, login, client, post_event
):
    sign_contract()
    req = _first(db, deal, "lump_sum")
    intent = _paid_intent(app, db, client, login, people, req)
    refund = stripe_gateway.create_refund(intent.intent_id, 1_000_000, "test-r1", {})
    assert (
        post_event(event("evt_r_first", "refund.created", refund)).get_json()["status"]
        == "processed"
    )
    assert [(e.kind, e.amount_fen) for e in _entries(db, req)] == [
        ("payment", 30_000_000),
        ("refund", 1_000_000),
    ]
    # The late success event finds the payment booked already.
    assert (
        post_event(_succeeded(intent, event_id="evt_late")).get_json()["status"]
        == "processed"
    )
    assert len(_entries(db, req)) == 2


def test_reconcile_reports_a_stripe_payment_missing_from_the_ledger(
    app, db, deal, people, sign_contract, stripe_on, login, client
):
    from marketplace.payments.commands import reconcile

    sign_contract()
    req = _first(db, deal, "lump_sum")
    intent = _paid_intent(app, db, client, login, people, req)
    problems = reconcile()
    assert len(problems) == 1 and intent.intent_id in problems[0]
