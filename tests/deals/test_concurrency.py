"""Simultaneous actions and bids on PostgreSQL: one wins, the other is told to reload."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.core.errors import ServiceError, StaleObject
from marketplace.core.timeutil import utcnow
from marketplace.deals import services
from marketplace.deals.models import Deal, DealEvent, DealStage
from marketplace.deals.pricing import auctions
from marketplace.deals.pricing.models import Auction, Bid

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
]


def run_together(app, jobs):
    """Run each job(barrier) in its own thread and app context; collect results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        with app.app_context():
            from marketplace.extensions import db

            try:
                results[i] = job(barrier)
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_simultaneous_actions_one_wins_one_is_stale(app, make_deal, db):
    ns = make_deal()
    deal_id, broker_id, firm_id = ns.deal.id, ns.broker.id, ns.firm.id
    v0 = ns.deal.version

    def act(action, user_id, reason=""):
        def job(barrier):
            from marketplace.accounts.models import User
            from marketplace.extensions import db as tdb

            deal, user = tdb.session.get(Deal, deal_id), tdb.session.get(User, user_id)
            barrier.wait()
            return services.apply_action(deal, action, user, reason=reason).action

        return job

    results = run_together(
        app, [act("start_matchmaking", broker_id), act("terminate", firm_id, "不做了")]
    )
    stale = [r for r in results if isinstance(r, StaleObject)]
    won = [r for r in results if isinstance(r, str)]
    assert len(stale) == 1 and len(won) == 1
    db.session.expire_all()
    deal = db.session.get(Deal, deal_id)
    expected = "matchmaking" if won == ["start_matchmaking"] else "terminated"
    assert deal.stage == expected and deal.version == v0 + 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DealEvent)
            .where(DealEvent.deal_id == deal_id, DealEvent.action != "create")
        )
        == 1
    )


@pytest.fixture
def open_auction(make_deal, create_user, db):
    from marketplace.accounts.models import Role

    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow() - timedelta(minutes=1)
    a = auctions.create_auction(
        ns.deal,
        ns.broker,
        {
            "start_price_fen": 10_000,
            "increment_fen": 1_000,
            "reserve_fen": 10_000,
            "deposit_fen": 0,
            "starts_at": t0,
            "ends_at": t0 + timedelta(hours=1),
        },
        now=t0,
    )
    ns.bidders = [create_user(Role.FIRM) for _ in range(6)]
    for u in ns.bidders:
        auctions.register_bidder(a, u, now=t0)
    db.session.commit()
    ns.auction_id = a.id
    return ns


def _bid(auction_id, user_id, amount):
    def job(barrier):
        from marketplace.accounts.models import User
        from marketplace.extensions import db as tdb

        auction, user = (
            tdb.session.get(Auction, auction_id),
            tdb.session.get(User, user_id),
        )
        barrier.wait()
        return auctions.place_bid(auction, user, amount).amount_fen

    return job


def test_simultaneous_equal_bids_accept_exactly_one(app, open_auction, db):
    a_id = open_auction.auction_id
    results = run_together(
        app, [_bid(a_id, u.id, 10_000) for u in open_auction.bidders]
    )
    assert sum(1 for r in results if r == 10_000) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bid)) == 1


def test_racing_bids_never_break_the_increment(app, open_auction, db):
    a_id = open_auction.auction_id
    amounts = [10_000, 10_500, 11_000, 11_000, 12_000, 12_500]
    run_together(
        app,
        [
            _bid(a_id, u.id, amt)
            for u, amt in zip(open_auction.bidders, amounts, strict=True)
        ],
    )
    db.session.expire_all()
    accepted = db.session.scalars(sa.select(Bid.amount_fen).order_by(Bid.id)).all()
    assert accepted, "at least one bid goes through"
    assert accepted[0] >= 10_000
    assert all(b - a >= 1_000 for a, b in zip(accepted, accepted[1:], strict=False))
    auction = db.session.get(Auction, a_id)
    assert auction.high_bid_fen == accepted[-1] and auction.bid_count == len(accepted)


def test_simultaneous_closes_decide_once(app, open_auction, db):
    a_id = open_auction.auction_id
    db.session.get(Auction, a_id)
    auctions.place_bid(db.session.get(Auction, a_id), open_auction.bidders[0], 20_000)
    db.session.commit()
    later = utcnow() + timedelta(hours=2)

    def close(barrier):
        from marketplace.extensions import db as tdb

        auction = tdb.session.get(Auction, a_id)
        barrier.wait()
        return auctions.close_auction(auction, now=later)

    results = run_together(app, [close, close, close])
    assert sorted(r is True for r in results) == [False, False, True]
    db.session.expire_all()
    assert db.session.get(Auction, a_id).outcome == "won"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DealEvent)
            .where(DealEvent.action == "auction_close")
        )
        == 1
    )


def test_two_simultaneous_interests_make_one_deal(
    app, db, create_user, create_achievement
):
    """Two colleagues of one firm click 表达合作意向 at the same moment: one deal."""
    from marketplace.accounts.models import Role
    from marketplace.deals.starting import express_interest

    create_user(role=Role.BROKER)
    achievement = create_achievement()
    first = create_user(role=Role.FIRM)
    second = create_user(role=Role.FIRM, org=first.organization)
    ids = (achievement.id, first.id, second.id)

    def interest(user_id):
        def job(barrier):
            from marketplace.accounts.models import User
            from marketplace.achievements.models import Achievement
            from marketplace.extensions import db as tdb

            a, u = tdb.session.get(Achievement, ids[0]), tdb.session.get(User, user_id)
            barrier.wait()
            return express_interest(a, u, "希望了解许可条件")[1]

        return job

    created = run_together(app, [interest(ids[1]), interest(ids[2])])
    assert sorted(created) == [False, True]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 1


@pytest.fixture
def deposit_auction(make_deal, create_user, db):
    """An open auction asking a deposit: three bidders paid, four not (one is paying)."""
    from marketplace.accounts.models import Role
    from marketplace.payments.deposits import deposit_request
    from marketplace.payments.models import BankTransfer

    from .test_auctions import pay_deposit

    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow() - timedelta(minutes=1)
    a = auctions.create_auction(
        ns.deal,
        ns.broker,
        {
            "start_price_fen": 10_000,
            "increment_fen": 1_000,
            "reserve_fen": 10_000,
            "deposit_fen": 5_000,
            "starts_at": t0,
            "ends_at": t0 + timedelta(hours=1),
            "registration_ends_at": t0 + timedelta(minutes=30),
        },
        now=t0,
    )
    ns.paid = [create_user(Role.FIRM) for _ in range(3)]
    ns.unpaid = [create_user(Role.FIRM) for _ in range(4)]
    bidders = {
        u.id: auctions.register_bidder(a, u, now=t0) for u in ns.paid + ns.unpaid
    }
    db.session.commit()
    for u in ns.paid:
        pay_deposit(db, bidders[u.id], ns.operator)
    paying_bidder = bidders[ns.unpaid[0].id]
    transfer = BankTransfer(
        payment_request_id=deposit_request(paying_bidder.id).id,
        submitted_by_id=paying_bidder.user_id,
    )
    db.session.add(transfer)
    db.session.commit()
    ns.transfer_id, ns.auction_id = transfer.id, a.id
    return ns


def test_racing_bids_are_accepted_only_from_paid_registrations(
    app, deposit_auction, db
):
    """Unpaid bidders bid higher, at the same moment as paid ones and as a deposit
    being confirmed: every accepted bid still comes from a paid registration."""
    from marketplace.deals.pricing.models import AuctionBidder
    from marketplace.payments import paying
    from marketplace.payments.models import BankTransfer

    ns, a_id = deposit_auction, deposit_auction.auction_id
    operator_id, transfer_id = ns.operator.id, ns.transfer_id

    def confirm(barrier):
        from marketplace.accounts.models import User
        from marketplace.extensions import db as tdb

        transfer = tdb.session.get(BankTransfer, transfer_id)
        operator = tdb.session.get(User, operator_id)
        barrier.wait()
        return paying.confirm_transfer(transfer, operator, 5_000).status

    jobs = [_bid(a_id, u.id, 10_000 + 1_000 * i) for i, u in enumerate(ns.paid)]
    jobs += [_bid(a_id, u.id, 20_000 + 1_000 * i) for i, u in enumerate(ns.unpaid)]
    results = run_together(app, [*jobs, confirm])
    assert results[-1] == "confirmed"
    refused = [r for r in results[len(ns.paid) + 1 : -1] if r is not None]
    assert all(isinstance(r, ServiceError) for r in refused), refused
    db.session.expire_all()
    accepted = db.session.execute(
        sa.select(Bid, AuctionBidder).join(
            AuctionBidder, Bid.bidder_id == AuctionBidder.id
        )
    ).all()
    assert accepted, "a paid bidder's first bid always reaches the start price"
    never_paid = {u.organization_id for u in ns.unpaid[1:]}
    assert not {bidder.organization_id for _b, bidder in accepted} & never_paid
    assert all(bidder.qualified for _bid_row, bidder in accepted)
    auction = db.session.get(Auction, a_id)
    assert auction.bid_count == len(accepted)
