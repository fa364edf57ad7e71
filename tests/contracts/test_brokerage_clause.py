"""One brokerage fee: the schedule fills the 技术中介报酬 clause, the signed clause is billed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.contracts import services
from marketplace.payments.models import PaymentRequest

from .conftest import contract_form

#: The default schedule: 3 % of ¥300,000.
SCHEDULE_FEE = 900_000


@pytest.fixture(autouse=True)
def _request(in_request):
    return None


def _brokerage(db, deal) -> list[PaymentRequest]:
    return db.session.scalars(
        sa.select(PaymentRequest).where(
            PaymentRequest.deal_id == deal.id, PaymentRequest.kind == "broker_fee"
        )
    ).all()


def _sign_both(db, contract, people):
    number = contract.latest.number
    services.sign(contract, people["supplier"], number)
    db.session.commit()
    services.sign(contract, people["firm"], number)
    db.session.commit()


def _fee_figures(html: str) -> list[int]:
    """The brokerage amounts (fen) the contract page's fee table shows."""
    return [
        int(n)
        for n in re.findall(r'data-fee-kind="broker_fee" data-amount-fen="(\d+)"', html)
    ]


def test_a_new_draft_takes_the_clause_from_the_fee_schedule(deal):
    assert services.prefill_body(deal)["broker_fee_fen"] == SCHEDULE_FEE


def test_a_deal_without_the_markets_broker_gets_no_clause(db, deal):
    deal.broker_id = None
    assert services.prefill_body(deal)["broker_fee_fen"] is None


def test_the_draft_page_offers_the_schedules_amount(deal, people, client_for):
    page = client_for(people["broker"]).get(f"/contracts/deal/{deal.id}/draft")
    assert page.status_code == 200
    field = re.search(
        r'<input[^>]*name="broker_fee"[^>]*>', page.get_data(as_text=True)
    )
    assert field and re.search(r'value="9,?000(\.00)?"', field.group(0))


def test_the_contract_page_figure_is_the_one_payment_request(
    db, deal, people, body, client_for
):
    contract = services.draft_contract(deal, people["broker"], body())
    db.session.commit()
    page = client_for(people["firm"]).get(f"/contracts/{contract.id}")
    html = page.get_data(as_text=True)
    # The clause (¥6,000) is the only brokerage figure, not also the schedule's ¥9,000.
    assert _fee_figures(html) == [600_000]
    assert "¥9,000" not in html
    _sign_both(db, contract, people)
    reqs = _brokerage(db, deal)
    assert [r.amount_fen for r in reqs] == [600_000]
    assert reqs[0].payer_org_id == deal.firm_org_id and reqs[0].payee_org_id is None
    html = client_for(people["firm"]).get(f"/contracts/{contract.id}")
    assert _fee_figures(html.get_data(as_text=True)) == [reqs[0].amount_fen]


def test_signing_again_never_bills_the_brokerage_twice(db, deal, people, body):
    from marketplace.payments import services as payments

    contract = services.draft_contract(deal, people["broker"], body())
    db.session.commit()
    _sign_both(db, contract, people)
    payments.on_contract_signed(deal, contract.latest, people["firm"])
    db.session.commit()
    assert len(_brokerage(db, deal)) == 1


def test_the_broker_edits_the_clause_before_signing_and_the_bill_follows(
    db, deal, people, client_for
):
    broker = client_for(people["broker"])
    r = broker.post(f"/contracts/deal/{deal.id}/draft", data=contract_form())
    assert r.status_code == 302
    contract = services.contract_of(deal)
    assert contract.latest.body["broker_fee_fen"] is None  # the form left it empty
    r = broker.post(
        f"/contracts/{contract.id}/edit",
        data=contract_form(broker_fee="12000", base_version="1"),
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    assert contract.latest.body["broker_fee_fen"] == 1_200_000
    _sign_both(db, contract, people)
    assert [r.amount_fen for r in _brokerage(db, deal)] == [1_200_000]


def test_a_signed_contract_without_a_clause_bills_no_brokerage(db, deal, people, body):
    contract = services.draft_contract(
        deal, people["broker"], body(broker_fee_fen=None)
    )
    db.session.commit()
    _sign_both(db, contract, people)
    kinds = db.session.scalars(
        sa.select(PaymentRequest.kind).where(PaymentRequest.deal_id == deal.id)
    ).all()
    assert kinds == ["lump_sum"]
