"""Guards of the pipeline: prices, notices, signatures, registration, terminate/reopen."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.core.errors import InvalidTransition, PermissionDenied
from marketplace.core.timeutil import utcnow
from marketplace.deals import services
from marketplace.deals.models import DealEvent, DealStage


def test_stages_advance_by_the_broker_and_each_step_is_an_event(make_deal, db):
    ns = make_deal()
    deal = ns.deal
    for action in ("start_matchmaking", "start_evaluation", "finish_evaluation"):
        services.apply_action(deal, action, ns.broker, reason="进展顺利")
    db.session.commit()
    assert deal.stage == DealStage.NEGOTIATION
    ev = deal.events[-1]
    assert (ev.action, ev.from_stage, ev.to_stage, ev.actor_id, ev.reason) == (
        "finish_evaluation",
        "evaluation",
        "negotiation",
        ns.broker.id,
        "进展顺利",
    )


def test_firm_cannot_move_the_broker_s_stages(make_deal):
    ns = make_deal()
    with pytest.raises(PermissionDenied):
        services.apply_action(ns.deal, "start_matchmaking", ns.firm)


def test_another_broker_is_no_party(make_deal, create_user):
    from marketplace.accounts.models import Role

    ns = make_deal()
    other = create_user(Role.BROKER)
    assert services.deal_parties(ns.deal, other) == set()
    with pytest.raises(PermissionDenied):
        services.apply_action(ns.deal, "start_matchmaking", other)


def test_events_are_append_only(make_deal, db):
    make_deal()
    ev = db.session.scalars(sa.select(DealEvent)).first()
    ev.reason = "篡改"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_private_supplier_agreed_price_needs_no_notice(make_deal, contract_rules, db):
    ns = make_deal(DealStage.NEGOTIATION)
    services.agree_price(ns.deal, ns.broker, 25_000_000)
    assert ns.deal.stage == DealStage.NEGOTIATION and ns.deal.notice is None
    with pytest.raises(InvalidTransition, match="签署"):
        services.apply_action(ns.deal, "sign_contract", ns.broker)
    contract_rules.signed.add(ns.deal.id)
    services.apply_action(ns.deal, "sign_contract", ns.supplier)
    assert ns.deal.stage == DealStage.CONTRACT_SIGNED and ns.deal.contract_signed_at


def test_state_funded_agreement_opens_a_notice(make_deal, contract_rules, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(
        ns.deal,
        ns.broker,
        25_000_000,
        {"related_party": True, "related_party_reason": "受让方股东为发明人"},
    )
    db.session.commit()
    assert ns.deal.stage == DealStage.PUBLIC_NOTICE
    notice = ns.deal.notice
    assert notice.proposed_price_fen == 25_000_000 and notice.related_party
    contract_rules.signed.add(ns.deal.id)
    with pytest.raises(InvalidTransition, match="公示"):
        services.apply_action(ns.deal, "sign_contract", ns.broker)


def test_related_party_needs_a_reason(make_deal, db):
    from marketplace.core.errors import ValidationFailed

    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    with pytest.raises(ValidationFailed):
        services.agree_price(ns.deal, ns.broker, 1000, {"related_party": True})


def test_signing_without_a_price_is_refused(make_deal, contract_rules):
    ns = make_deal(DealStage.NEGOTIATION)
    contract_rules.signed.add(ns.deal.id)
    with pytest.raises(InvalidTransition, match="价格"):
        services.apply_action(ns.deal, "sign_contract", ns.broker)


def test_unsigned_contract_blocks_signing(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION)
    services.agree_price(ns.deal, ns.broker, 1000)
    with pytest.raises(InvalidTransition):
        services.apply_action(ns.deal, "sign_contract", ns.broker)


def test_listing_price_accepted_by_the_firm(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="listing")
    services.apply_action(ns.deal, "accept_listing", ns.firm)
    assert ns.deal.agreed_price_fen == 30_000_000
    with pytest.raises(InvalidTransition):
        services.apply_action(ns.deal, "accept_listing", ns.firm)


def test_register_needs_the_registration_recorded(make_deal, contract_rules, db):
    ns = make_deal(DealStage.CONTRACT_SIGNED)
    with pytest.raises(InvalidTransition, match="登记"):
        services.apply_action(ns.deal, "register", ns.supplier)
    contract_rules.registered.add(ns.deal.id)
    services.apply_action(ns.deal, "register", ns.supplier)
    assert ns.deal.stage == DealStage.REGISTERED


def test_terminate_needs_reason_and_reopen_returns_within_30_days(make_deal, db):
    ns = make_deal(DealStage.EVALUATION)
    with pytest.raises(InvalidTransition):
        services.apply_action(ns.deal, "terminate", ns.firm)
    t0 = utcnow()
    services.apply_action(ns.deal, "terminate", ns.firm, reason="预算取消", now=t0)
    assert ns.deal.stage == DealStage.TERMINATED
    with pytest.raises(PermissionDenied):
        services.apply_action(ns.deal, "reopen", ns.broker, reason="恢复")
    services.apply_action(
        ns.deal,
        "reopen",
        ns.operator,
        reason="企业恢复预算",
        now=t0 + timedelta(days=29),
    )
    assert ns.deal.stage == DealStage.EVALUATION and ns.deal.terminated_at is None


def test_reopen_after_30_days_is_refused(make_deal, db):
    ns = make_deal(DealStage.MATCHMAKING)
    t0 = utcnow()
    services.apply_action(ns.deal, "terminate", ns.broker, reason="无进展", now=t0)
    with pytest.raises(InvalidTransition, match="30"):
        services.apply_action(
            ns.deal, "reopen", ns.operator, reason="x", now=t0 + timedelta(days=31)
        )


def test_after_signing_only_staff_may_terminate(make_deal):
    ns = make_deal(DealStage.CONTRACT_SIGNED)
    with pytest.raises(PermissionDenied):
        services.apply_action(ns.deal, "terminate", ns.firm, reason="反悔")


def test_stale_version_is_refused(make_deal, db):
    from marketplace.core.errors import StaleObject

    ns = make_deal()
    old = ns.deal.version
    services.apply_action(ns.deal, "start_matchmaking", ns.broker)
    db.session.commit()
    with pytest.raises(StaleObject):
        services.apply_action(
            ns.deal, "start_evaluation", ns.broker, expected_version=old
        )


def test_guards_take_now_as_an_argument_and_leave_nothing_on_the_deal(make_deal, db):
    """Issue 14: the clock guards read "now" from an attribute stashed on the deal, so
    one call's moment could leak into the next. `now` is an argument of each call."""
    ns = make_deal(DealStage.MATCHMAKING)
    t0 = utcnow() - timedelta(days=40)
    services.apply_action(ns.deal, "terminate", ns.broker, reason="无进展", now=t0)

    def offered(now=None) -> bool:
        actions = services.available_actions(ns.deal, ns.operator, now)
        return "reopen" in {t.action for t in actions}

    assert offered(t0 + timedelta(days=29))
    # The real clock (40 days on) answers the next call, not the moment just given.
    assert not offered()
    assert offered(t0 + timedelta(days=1))
    assert not [k for k in vars(ns.deal) if "now" in k or "clock" in k]
