"""Public notices: at least 15 days, objections while running, outcome, the board."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.errors import InvalidTransition
from marketplace.core.timeutil import utcnow
from marketplace.deals import services
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import notices


@pytest.fixture
def noticed(make_deal, db):
    """A state-funded agreement deal whose notice started at t0."""
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    ns.t0 = utcnow()
    services.agree_price(ns.deal, ns.broker, 25_000_000, now=ns.t0)
    db.session.commit()
    ns.notice = ns.deal.notice
    return ns


def test_notice_runs_to_24h_beijing_of_its_15th_day(noticed):
    n = noticed.notice
    first, last = n.period
    assert (last - first).days == 14  # 15 days, the day of posting not counted
    assert n.ends_at.hour == 16 and n.ends_at.minute == 0  # 24:00 Beijing in UTC
    assert timedelta(days=15) < n.ends_at - n.starts_at <= timedelta(days=16)
    assert n.effective_outcome(n.ends_at - timedelta(seconds=1)) == "running"
    assert n.effective_outcome(n.ends_at) == "passed"


def test_configured_days_never_below_15(app, make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    app.config["PUBLIC_NOTICE_DAYS"] = 10
    try:
        services.agree_price(ns.deal, ns.broker, 1000)
    finally:
        app.config.pop("PUBLIC_NOTICE_DAYS")
    n = ns.deal.notice
    assert (n.period[1] - n.period[0]).days == 14
    assert notices.notice_days() == 15
    app.config["PUBLIC_NOTICE_DAYS"] = 20
    try:
        assert notices.notice_days() == 20
    finally:
        app.config.pop("PUBLIC_NOTICE_DAYS")


def test_signing_after_15_days_without_objection(noticed, contract_rules, db):
    contract_rules.signed.add(noticed.deal.id)
    with pytest.raises(InvalidTransition):
        services.apply_action(
            noticed.deal,
            "sign_contract",
            noticed.broker,
            now=noticed.notice.ends_at - timedelta(seconds=1),
        )
    services.apply_action(
        noticed.deal,
        "sign_contract",
        noticed.broker,
        now=noticed.notice.ends_at,
    )
    assert noticed.deal.stage == DealStage.CONTRACT_SIGNED


def test_sustained_objection_blocks_signing_and_fails_the_notice(
    noticed, contract_rules, db
):
    contract_rules.signed.add(noticed.deal.id)
    obj = notices.file_objection(
        noticed.notice,
        noticed.outsider,
        "价格明显偏低",
        now=noticed.t0 + timedelta(days=3),
    )
    notices.handle_objection(obj, noticed.broker, "sustained", "经核实价格偏低")
    end = noticed.t0 + timedelta(days=16)
    with pytest.raises(InvalidTransition, match="异议"):
        services.apply_action(noticed.deal, "sign_contract", noticed.broker, now=end)
    assert notices.close_due_notices(end) == 1
    assert noticed.notice.outcome == "failed"
    assert noticed.deal.events[-1].action == "notice_close"


def test_pending_objection_holds_the_outcome_until_handled(noticed, db):
    obj = notices.file_objection(
        noticed.notice, noticed.outsider, "有疑问", now=noticed.t0 + timedelta(days=1)
    )
    end = noticed.notice.ends_at
    assert noticed.notice.effective_outcome(end) == "awaiting_handling"
    assert notices.close_due_notices(end) == 0
    notices.handle_objection(obj, noticed.broker, "dismissed", "价格经评估合理")
    assert notices.close_due_notices(end) == 1
    assert noticed.notice.outcome == "passed"


def test_objection_after_the_end_is_refused(noticed):
    with pytest.raises(InvalidTransition):
        notices.file_objection(
            noticed.notice,
            noticed.outsider,
            "晚了",
            now=noticed.notice.ends_at,
        )


def test_only_the_deals_broker_handles_objections(noticed, create_user):
    from marketplace.accounts.models import Role
    from marketplace.core.errors import PermissionDenied

    obj = notices.file_objection(noticed.notice, noticed.outsider, "疑问")
    with pytest.raises(PermissionDenied):
        notices.handle_objection(obj, create_user(Role.BROKER), "dismissed", "x")
    with pytest.raises(PermissionDenied):
        notices.handle_objection(obj, noticed.supplier, "dismissed", "x")


def test_renegotiate_withdraws_the_notice(noticed, db):
    services.apply_action(noticed.deal, "renegotiate", noticed.broker)
    assert noticed.deal.stage == DealStage.NEGOTIATION
    assert (
        noticed.notice.outcome == "withdrawn" and noticed.deal.agreed_price_fen is None
    )


def test_board_is_public_and_objecting_needs_login(client, noticed, login, db):
    r = client.get("/notices/")
    assert r.status_code == 200 and noticed.notice.title in r.get_data(as_text=True)
    r = client.get(f"/notices/{noticed.notice.id}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "¥250,000" in page and "公示中" in page
    r = client.post(f"/notices/{noticed.notice.id}/object", data={"reasons": "x"})
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]
    login(noticed.outsider)
    assert (
        client.post(
            f"/notices/{noticed.notice.id}/object", data={"reasons": ""}
        ).status_code
        == 422
    )
    r = client.post(
        f"/notices/{noticed.notice.id}/object", data={"reasons": "价格偏低"}
    )
    assert r.status_code == 302
    assert len(noticed.notice.objections) == 1


def test_objector_sees_own_objection_but_not_others(
    client, noticed, login, create_user, db
):
    from marketplace.accounts.models import Role

    notices.file_objection(noticed.notice, noticed.outsider, "甲的理由")
    db.session.commit()
    login(create_user(Role.FIRM))
    page = client.get(f"/notices/{noticed.notice.id}").get_data(as_text=True)
    assert "甲的理由" not in page


def test_broker_handles_objection_through_the_page(client, noticed, login, db):
    obj = notices.file_objection(noticed.notice, noticed.outsider, "理由")
    db.session.commit()
    login(noticed.broker)
    r = client.post(
        f"/notices/objections/{obj.id}/handle",
        data={"decision": "dismissed", "note": "不成立"},
    )
    assert r.status_code == 302
    db.session.refresh(obj)
    assert obj.handling == "dismissed" and obj.handled_by_id == noticed.broker.id


def test_handling_an_objection_twice_is_409_with_the_reason(client, noticed, login, db):
    # The handling form is gone once the objection is handled: the reason is flashed.
    obj = notices.file_objection(noticed.notice, noticed.outsider, "理由")
    notices.handle_objection(obj, noticed.broker, "dismissed", "不成立")
    db.session.commit()
    login(noticed.broker)
    r = client.post(
        f"/notices/objections/{obj.id}/handle",
        data={"decision": "sustained", "note": "改判"},
    )
    assert r.status_code == 409 and "该异议已处理" in r.get_data(as_text=True)
    db.session.refresh(obj)
    assert obj.handling == "dismissed"
