"""Signing a contract creates its payment requests and the market's fees, once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from marketplace.payments import services
from marketplace.payments.models import PaymentRequest

from .conftest import INSTALMENTS


def _requests(db, deal):
    return db.session.scalars(
        sa.select(PaymentRequest)
        .where(PaymentRequest.deal_id == deal.id)
        .order_by(PaymentRequest.id)
    ).all()


def test_signing_a_lump_sum_contract_creates_the_price_and_the_broker_fee(
    db, deal, people, sign_contract
):
    sign_contract()
    reqs = {r.kind: r for r in _requests(db, deal)}
    assert set(reqs) == {"lump_sum", "broker_fee"}  # no evaluation on this deal
    price = reqs["lump_sum"]
    assert (price.amount_fen, price.payer_org_id, price.payee_org_id) == (
        30_000_000,
        people.firm.organization_id,
        people.supplier.organization_id,
    )
    assert price.service_kind == "purchase"
    # default schedule: 3 % of ¥300,000 = ¥9,000, within min ¥2,000 and cap ¥50,000
    assert reqs["broker_fee"].amount_fen == 900_000
    assert reqs["broker_fee"].payee_org_id is None


def test_an_instalment_contract_gets_one_request_per_instalment_with_its_due_date(
    db, deal, sign_contract
):
    sign_contract(payment_mode="instalments", instalments=INSTALMENTS)
    inst = [r for r in _requests(db, deal) if r.kind == "instalment"]
    assert [(r.amount_fen, r.due_on) for r in inst] == [
        (10_000_000, date(2030, 1, 31)),
        (10_000_000, date(2030, 6, 30)),
        (10_000_000, date(2030, 12, 31)),
    ]


def test_calling_the_hook_again_creates_nothing_new(db, deal, people, sign_contract):
    contract = sign_contract(
        payment_mode="entry_plus_royalty",
        entry_fee_fen=5_000_000,
        royalty={"base": "sales", "rate_pct": "3", "trend": "fixed"},
    )
    before = len(_requests(db, deal))
    assert services.on_contract_signed(deal, contract.latest, people.firm) == []
    db.session.commit()
    assert len(_requests(db, deal)) == before
    assert {r.kind for r in _requests(db, deal)} == {"entry_fee", "broker_fee"}


def test_the_payer_is_notified_of_a_new_payment(db, deal, people, sign_contract):
    from marketplace.notifications.models import Notification

    sign_contract()
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == people.firm.id)
    ).all()
    assert "payment.due" in kinds


def test_the_contract_page_shows_the_fees_before_anyone_signs(
    app, db, deal, people, login, client
):
    from marketplace.contracts import services as cs

    from .conftest import contract_body

    with app.test_request_context():
        contract = cs.draft_contract(deal, people.broker, contract_body())
    db.session.commit()
    login(people.firm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "平台服务费" in page and "¥9,000" in page
    assert _requests(db, deal) == []
