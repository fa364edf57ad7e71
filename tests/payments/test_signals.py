"""Payments listen to the contracts and deals signals: one receiver each, however many apps are built,
and the requests are written in the deal's own transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.config import TestingConfig
from marketplace.contracts import services as contract_services
from marketplace.contracts.signals import contract_signed
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import auctions
from marketplace.deals.services import apply_action
from marketplace.deals.signals import auction_bidder_registered, deal_action_applied
from marketplace.payments import hooks, services
from marketplace.payments.models import PaymentRequest

from .conftest import contract_body


def _kinds(db, deal) -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(PaymentRequest.kind).where(PaymentRequest.deal_id == deal.id)
        )
    )


@pytest.fixture
def second_app(app, app_config):
    """Another create_app, as the suite builds many: it connects the receivers again."""
    create_app(TestingConfig, **app_config)
    return app


@pytest.fixture
def signed_calls(monkeypatch):
    """The (deal id, version id) of each on_contract_signed call, which still runs."""
    calls = []
    real = services.on_contract_signed

    def spy(deal, version, actor):
        calls.append((deal.id, version.id))
        return real(deal, version, actor)

    monkeypatch.setattr(services, "on_contract_signed", spy)
    return calls


def test_each_receiver_is_connected_once_after_two_create_apps(second_app, deal):
    assert list(deal_action_applied.receivers_for(deal)) == [hooks.on_deal_action]
    assert list(contract_signed.receivers_for(object())) == [hooks.on_contract_signed]
    assert list(auction_bidder_registered.receivers_for(object())) == [
        hooks.on_bidder_registered
    ]


def test_signing_creates_the_payments_once_in_the_same_transaction(
    second_app, db, deal, people, signed_calls
):
    with second_app.test_request_context():
        contract = contract_services.draft_contract(
            deal, people.broker, contract_body()
        )
        contract_services.sign(contract, people.supplier, 1)
        db.session.commit()
        assert _kinds(db, deal) == []  # one signature: nothing due yet
        contract_services.sign(contract, people.firm, 1)
        # Written before the commit, by the receiver, in this transaction.
        assert _kinds(db, deal) == ["broker_fee", "lump_sum"]
        db.session.commit()
    assert signed_calls == [(deal.id, contract.latest.id)]
    assert _kinds(db, deal) == ["broker_fee", "lump_sum"]


def test_sending_contract_signed_again_adds_nothing(
    second_app, db, deal, people, signed_calls
):
    with second_app.test_request_context():
        contract = contract_services.draft_contract(
            deal, people.broker, contract_body()
        )
        contract_services.sign(contract, people.supplier, 1)
        contract_services.sign(contract, people.firm, 1)
        db.session.commit()
        contract_signed.send(contract, version=contract.latest, actor=people.firm)
        db.session.commit()
    assert len(signed_calls) == 2
    assert _kinds(db, deal) == ["broker_fee", "lump_sum"]


def test_a_rolled_back_signing_leaves_no_payments(second_app, db, deal, people):
    """The receiver flushes but never commits: the route's rollback takes it all back."""
    with second_app.test_request_context():
        contract = contract_services.draft_contract(
            deal, people.broker, contract_body()
        )
        contract_services.sign(contract, people.supplier, 1)
        db.session.commit()
        contract_services.sign(contract, people.firm, 1)
        assert _kinds(db, deal) == ["broker_fee", "lump_sum"]
        db.session.rollback()
    assert _kinds(db, deal) == []
    assert deal.stage == DealStage.NEGOTIATION


def test_other_actions_and_unsigned_contracts_create_no_payments(
    second_app, db, deal, people, signed_calls
):
    deal_action_applied.send(
        deal, action="sign_contract", actor=people.firm, event=None
    )  # payments listen to contracts, not to the deal's action
    with second_app.test_request_context():
        apply_action(deal, "terminate", people.broker, reason="双方放弃")
        db.session.commit()
    assert signed_calls == [] and _kinds(db, deal) == []


def test_registering_a_bidder_opens_one_deposit_request_before_the_commit(
    second_app, db, deal, people, create_user, create_auction
):
    deal.pricing_mode = "auction"
    auction = create_auction(
        deal, start_price_fen=20_000_000, increment_fen=100_000, deposit_fen=1_000_000
    )
    with second_app.test_request_context():
        auctions.register_bidder(auction, people.firm)
        assert _kinds(db, deal) == ["deposit"]
        db.session.rollback()
        assert _kinds(db, deal) == []
        auctions.register_bidder(auction, create_user(role=Role.FIRM))
        db.session.commit()
    reqs = db.session.scalars(sa.select(PaymentRequest)).all()
    assert [(r.kind, r.amount_fen) for r in reqs] == [("deposit", 1_000_000)]
