"""The statutes' pricing rules: counting a notice's days (民法典 §201, §203) and which
agreed-price deals need a notice at all (促进科技成果转化法 §18)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from marketplace.core.errors import ValidationFailed
from marketplace.deals import services
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import rules as pricing_rules


@pytest.mark.parametrize(
    ("posted_utc", "first", "last", "ends_utc"),
    [
        # 12-03 00:00:01 Beijing is 12-02 16:00:01 UTC: still posted on 12-03.
        (datetime(2026, 12, 2, 16, 0, 1), "2026-12-04", "2026-12-18", (12, 18)),
        # 12-03 23:59:59 Beijing is 12-03 15:59:59 UTC.
        (datetime(2026, 12, 3, 15, 59, 59), "2026-12-04", "2026-12-18", (12, 18)),
        # 12-02 23:59:59 Beijing (12-02 15:59:59 UTC): one day earlier.
        (datetime(2026, 12, 2, 15, 59, 59), "2026-12-03", "2026-12-17", (12, 17)),
        # 12-04 00:00 Beijing exactly (12-03 16:00 UTC): posted on 12-04.
        (datetime(2026, 12, 3, 16, 0, 0), "2026-12-05", "2026-12-19", (12, 19)),
    ],
)
def test_notice_end_is_24h_beijing_of_the_15th_day(posted_utc, first, last, ends_utc):
    assert pricing_rules.notice_period(posted_utc) == (
        date.fromisoformat(first),
        date.fromisoformat(last),
    )
    end = pricing_rules.notice_end(posted_utc)
    assert end == datetime(2026, ends_utc[0], ends_utc[1], 16, 0)
    assert pricing_rules.period_of(posted_utc, end) == (
        date.fromisoformat(first),
        date.fromisoformat(last),
    )


def test_notice_end_across_a_month_end():
    # Posted 31 January (Beijing) → 1 to 15 February; 20 February → 21 Feb to 7 Mar.
    assert pricing_rules.notice_end(datetime(2027, 1, 31, 8)) == datetime(
        2027, 2, 15, 16, 0
    )
    posted = datetime(2027, 2, 20, 10)  # Feb has 28 days in 2027
    assert pricing_rules.notice_period(posted) == (date(2027, 2, 21), date(2027, 3, 7))
    assert pricing_rules.notice_end(posted) == datetime(2027, 3, 7, 16, 0)
    # Posted late on 30 November Beijing, stored as 30 November 15:30 UTC.
    late = datetime(2026, 11, 30, 15, 30)
    assert pricing_rules.notice_period(late) == (date(2026, 12, 1), date(2026, 12, 15))


def test_a_notice_posted_12_03_runs_to_12_18_24h(noticed_at):
    notice = noticed_at(datetime(2026, 12, 3, 1, 0))  # 09:00 Beijing
    assert notice.ends_at == datetime(2026, 12, 18, 16, 0)
    assert notice.effective_outcome(datetime(2026, 12, 18, 15, 59, 59)) == "running"
    assert notice.effective_outcome(datetime(2026, 12, 18, 16, 0)) == "passed"
    assert notice.period_text == "2026-12-04 至 2026-12-18（北京时间 24:00 止）"


def test_the_board_and_the_notice_page_show_the_dates(client, noticed_at):
    notice = noticed_at(datetime(2026, 12, 3, 15, 59))
    for path in ("/notices/", f"/notices/{notice.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "2026-12-04 至 2026-12-18（北京时间 24:00 止）" in html, path


@pytest.fixture
def noticed_at(make_deal, db):
    def make(posted_at: datetime):
        ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
        services.agree_price(
            ns.deal, ns.broker, 1_000_000, {"transfer_mode": "licence"}, now=posted_at
        )
        db.session.commit()
        return ns.deal.notice

    return make


@pytest.mark.parametrize(
    ("state_funded", "pricing", "mode", "required"),
    [
        (True, "agreement", "assignment", True),
        (True, "agreement", "licence", True),
        (True, "agreement", "equity", True),
        (True, "agreement", "joint_development", False),
        (True, "agreement", "service", False),
        (True, "agreement", None, True),  # unknown: never let through unnoticed
        (True, "listing", "licence", False),
        (True, "auction", "assignment", False),
        (False, "agreement", "licence", False),
    ],
)
def test_which_deals_need_a_notice(state_funded, pricing, mode, required):
    assert pricing_rules.notice_required(state_funded, pricing, mode) is required


@pytest.mark.parametrize(
    ("mode", "stage"),
    [
        ("service", DealStage.NEGOTIATION),
        ("joint_development", DealStage.NEGOTIATION),
        ("licence", DealStage.PUBLIC_NOTICE),
        ("assignment", DealStage.PUBLIC_NOTICE),
        ("equity", DealStage.PUBLIC_NOTICE),
    ],
)
def test_only_a_disposal_of_a_held_achievement_is_noticed(make_deal, db, mode, stage):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(ns.deal, ns.broker, 2_000_000, {"transfer_mode": mode})
    db.session.commit()
    assert ns.deal.stage == stage
    assert ns.deal.cooperation_mode == mode
    assert (ns.deal.notice is not None) is (stage == DealStage.PUBLIC_NOTICE)


def test_a_service_deal_signs_without_a_notice(make_deal, contract_rules, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(ns.deal, ns.broker, 2_000_000, {"transfer_mode": "service"})
    contract_rules.signed.add(ns.deal.id)
    services.apply_action(ns.deal, "sign_contract", ns.broker)
    assert ns.deal.stage == DealStage.CONTRACT_SIGNED


def test_an_unknown_mode_is_refused(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    with pytest.raises(ValidationFailed):
        services.agree_price(ns.deal, ns.broker, 2_000_000, {"transfer_mode": "gift"})


def test_the_price_form_posts_a_service_deal_without_notice(
    client, make_deal, login, db
):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    login(ns.broker)
    r = client.post(
        f"/deals/{ns.deal.id}/price",
        data={"price": "20000", "transfer_mode": "service", "version": ns.deal.version},
    )
    assert r.status_code == 302
    db.session.refresh(ns.deal)
    assert ns.deal.stage == DealStage.NEGOTIATION and ns.deal.notice is None
    assert ns.deal.agreed_price_fen == 2_000_000


def test_the_queue_shows_the_notice_end_as_24h_of_its_last_day(
    client, login, noticed_at, db
):
    notice = noticed_at(datetime(2026, 12, 3, 1, 0))
    login(notice.deal.broker)
    html = client.get("/deals/queue").get_data(as_text=True)
    assert "2026-12-18 24:00" in html and "2026-12-19 00:00" not in html


def test_the_service_says_which_modes_are_open_and_who_may_price(make_deal, db):
    funded = make_deal(DealStage.NEGOTIATION, state_funded=True)
    plain = make_deal(DealStage.NEGOTIATION)
    assert "negotiable" not in services.allowed_pricing_modes(funded.deal)
    assert "negotiable" in services.allowed_pricing_modes(plain.deal)
    assert services.can_set_price(funded.deal, funded.broker)
    assert not services.can_set_price(funded.deal, funded.firm)
    services.agree_price(plain.deal, plain.broker, 1000)
    assert not services.can_set_price(plain.deal, plain.broker)  # price agreed
