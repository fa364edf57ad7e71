"""`flask jobs tick`: closes due notices and auctions, flags overdue deals, idempotently."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.clock import run_due
from marketplace.core.timeutil import utcnow
from marketplace.deals import services
from marketplace.deals.models import DealEvent, DealStage
from marketplace.deals.pricing import auctions
from marketplace.notifications.models import Notification


def test_tick_closes_notice_once_and_pages_are_right_before_it(make_deal, client, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    t0 = utcnow() - timedelta(days=16)
    services.agree_price(ns.deal, ns.broker, 5_000_000, now=t0)
    db.session.commit()
    page = client.get(f"/notices/{ns.deal.notice.id}").get_data(as_text=True)
    assert 'data-outcome="passed"' in page  # late tick: the page computes it
    first = run_due()
    db.session.commit()
    second = run_due()
    db.session.commit()
    assert first["notices_closed"] == 1 and second["notices_closed"] == 0
    assert ns.deal.notice.outcome == "passed"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DealEvent)
            .where(DealEvent.action == "notice_close")
        )
        == 1
    )


def test_tick_closes_auction_once(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow() - timedelta(hours=3)
    a = auctions.create_auction(
        ns.deal,
        ns.broker,
        {
            "start_price_fen": 1000,
            "increment_fen": 100,
            "reserve_fen": 1000,
            "deposit_fen": 0,
            "starts_at": t0,
            "ends_at": t0 + timedelta(hours=1),
        },
        now=t0,
    )
    auctions.register_bidder(a, ns.firm, now=t0)
    auctions.place_bid(a, ns.firm, 1500, now=t0 + timedelta(minutes=5))
    db.session.commit()
    assert run_due()["auctions_closed"] == 1
    db.session.commit()
    assert run_due()["auctions_closed"] == 0
    assert a.outcome == "won" and ns.deal.agreed_price_fen == 1500


def test_tick_notifies_overdue_once(make_deal, db):
    ns = make_deal()
    ns.deal.stage_entered_at = utcnow() - timedelta(days=10)
    db.session.commit()
    assert run_due()["overdue_notified"] == 1
    db.session.commit()
    assert run_due()["overdue_notified"] == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(
                Notification.kind == "deal.overdue",
                Notification.user_id == ns.broker.id,
            )
        )
        == 1
    )


def test_cli_tick_runs(app, make_deal, db):
    make_deal()
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "notices_closed=0" in result.output
