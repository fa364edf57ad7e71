"""The contract price must equal the deal's agreed price: saving, prefilling, signing."""

from __future__ import annotations

import re

import pytest

from marketplace.contracts import services
from marketplace.contracts.models import Contract, ContractSignature
from marketplace.core.errors import InvalidTransition, ValidationFailed

from .conftest import contract_form

MISMATCH = "合同价款须与交易约定价格（¥300,000）一致。"


def _price_input(page: str) -> str:
    """The value of the form's price input."""
    tag = re.search(r'<input[^>]*name="price"[^>]*>', page)
    assert tag, "no price input"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def _contracts(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Contract))


def _draft_before_a_price_is_agreed(app, db, deal, people, body):
    """A version at ¥280,000 saved while the deal has no agreed price yet."""
    deal.agreed_price_fen = None
    db.session.commit()
    with app.test_request_context():
        return services.draft_contract(
            deal, people["broker"], body(price_fen=28_000_000)
        )


@pytest.mark.parametrize(
    "overrides",
    [
        {"price": "280000"},
        {
            "price": "280000",
            "payment_mode": "instalments",
            "instalments-0-due": "2026-01-01",
            "instalments-0-amount": "280000",
        },
        {
            "price": "280000",
            "payment_mode": "entry_plus_royalty",
            "entry_fee": "50000",
            "royalty_base": "sales",
            "royalty_rate": "3",
            "royalty_trend": "fixed",
        },
    ],
    ids=["lump_sum", "instalments", "entry_plus_royalty"],
)
def test_a_draft_at_another_price_is_refused_and_nothing_is_saved(
    db, deal, people, client_for, overrides
):
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft", data=contract_form(**overrides)
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert MISMATCH in page
    assert _contracts(db) == 0


def test_a_draft_at_the_agreed_price_is_saved(db, deal, people, client_for):
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft", data=contract_form(price="300,000.00")
    )
    assert r.status_code == 302
    assert db.session.scalar(db.select(Contract)).latest.body["price_fen"] == (
        deal.agreed_price_fen
    )


def test_an_entry_fee_contract_keeps_the_agreed_price_as_its_contract_price(
    db, deal, people, client_for
):
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft",
        data=contract_form(
            payment_mode="entry_plus_royalty",
            entry_fee="50000",
            royalty_base="sales",
            royalty_rate="3",
            royalty_trend="fixed",
        ),
    )
    assert r.status_code == 302
    body = db.session.scalar(db.select(Contract)).latest.body
    assert (body["price_fen"], body["entry_fee_fen"]) == (30_000_000, 5_000_000)


def test_a_royalty_only_contract_is_not_compared(db, deal, people, client_for):
    # Nothing is fixed in a royalty-only contract: its stated price may be 0.
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft",
        data=contract_form(
            price="0",
            payment_mode="royalty",
            royalty_base="sales",
            royalty_rate="5",
            royalty_trend="fixed",
        ),
    )
    assert r.status_code == 302
    assert db.session.scalar(db.select(Contract)).latest.body["price_fen"] == 0


def test_an_edit_at_another_price_is_refused_and_keeps_one_version(
    app, db, deal, people, body, client_for
):
    with app.test_request_context():
        contract = services.draft_contract(deal, people["broker"], body())
    db.session.commit()
    r = client_for(people["firm"]).post(
        f"/contracts/{contract.id}/edit",
        data=contract_form(base_version="1", price="280000", note="降价"),
    )
    assert r.status_code == 422
    assert MISMATCH in r.get_data(as_text=True)
    db.session.expire_all()
    assert [v.number for v in contract.versions] == [1]


def test_the_draft_form_is_prefilled_with_the_agreed_price(deal, people, client_for):
    page = client_for(people["broker"]).get(f"/contracts/deal/{deal.id}/draft")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert _price_input(text) == "300000.00"
    assert "交易约定价格：¥300,000" in text


def test_the_edit_form_offers_a_newly_agreed_price(
    app, db, deal, people, body, client_for
):
    """A version saved before the price was agreed is edited toward the agreed price."""
    contract = _draft_before_a_price_is_agreed(app, db, deal, people, body)
    deal.agreed_price_fen = 30_000_000
    db.session.commit()
    page = client_for(people["broker"]).get(f"/contracts/{contract.id}/edit")
    assert _price_input(page.get_data(as_text=True)) == "300000.00"


def test_without_an_agreed_price_any_price_is_saved(app, db, deal, people, body):
    contract = _draft_before_a_price_is_agreed(app, db, deal, people, body)
    assert contract.latest.body["price_fen"] == 28_000_000


def test_a_version_at_another_price_cannot_be_signed(
    app, db, deal, people, body, client_for
):
    """The price may be agreed after the version was saved: signing checks it again."""
    contract = _draft_before_a_price_is_agreed(app, db, deal, people, body)
    deal.agreed_price_fen = 30_000_000
    db.session.commit()
    with app.test_request_context(), pytest.raises(InvalidTransition, match="约定价格"):
        services.sign(contract, people["supplier"], 1)
    db.session.rollback()

    supplier = client_for(people["supplier"])
    page = supplier.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert MISMATCH in page and "修改合同后才能签署" in page
    assert "确认并签署第 1 版" not in page
    r = supplier.post(
        f"/contracts/{contract.id}/sign", data={"version": 1}, follow_redirects=True
    )
    assert MISMATCH in r.get_data(as_text=True)
    assert db.session.scalar(db.select(ContractSignature)) is None


def test_the_service_refuses_another_price_with_a_price_field_error(
    app, db, deal, people, body
):
    with app.test_request_context(), pytest.raises(ValidationFailed) as exc:
        services.draft_contract(deal, people["broker"], body(price_fen=28_000_000))
    assert exc.value.errors == [("price", MISMATCH)]
