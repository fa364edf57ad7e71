"""Auction deposits: a request per bidder, refunds to the losers, the winner's applied."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.timeutil import utcnow
from marketplace.deals.pricing import auctions
from marketplace.deals.pricing.models import AuctionBidder
from marketplace.payments import deposits, ledger, paying
from marketplace.payments.models import BankTransfer, PaymentRequest


def _pay_by_bank(db, req, payer, operator):
    transfer = BankTransfer(payment_request_id=req.id, submitted_by_id=payer.id)
    db.session.add(transfer)
    db.session.flush()
    paying.confirm_transfer(transfer, operator, req.amount_fen)


def test_losing_deposits_are_refunded_and_the_winners_counts_toward_the_price(
    app, db, deal, people, create_user, sign_contract, create_auction
):
    deal.pricing_mode = "auction"
    now = utcnow()
    auction = create_auction(
        deal, start_price_fen=20_000_000, increment_fen=100_000, deposit_fen=1_000_000
    )
    rival = create_user(role=Role.FIRM)
    with app.test_request_context():
        for user in (people.firm, rival):
            auctions.register_bidder(auction, user)
        db.session.commit()  # the hook opens one deposit request per bidder
        bidders = db.session.scalars(
            sa.select(AuctionBidder).order_by(AuctionBidder.id)
        ).all()
        reqs = [deposits.deposit_request(b.id) for b in bidders]
        assert [r.amount_fen for r in reqs] == [1_000_000, 1_000_000]
        assert (
            reqs[1].payer_org_id == rival.organization_id
            and reqs[1].payee_org_id is None
        )
        for req, user in zip(reqs, (people.firm, rival), strict=True):
            _pay_by_bank(db, req, user, people.operator)
        db.session.commit()
        assert [b.deposit_status for b in bidders] == ["paid", "paid"]
        auctions.place_bid(auction, rival, 20_000_000, now=now + timedelta(minutes=1))
        auctions.place_bid(
            auction, people.firm, 25_000_000, now=now + timedelta(minutes=2)
        )
        auctions.close_auction(auction, now=now + timedelta(hours=2))
        db.session.commit()
        assert deposits.refund_losing_deposits() == 1
        db.session.commit()
        assert (
            deposits.refund_losing_deposits() == 0
        )  # the tick runs again: nothing twice
        db.session.commit()
    db.session.expire_all()
    loser = ledger.balance(reqs[1])
    assert (loser.refunded, loser.status) == (1_000_000, "refunded")
    assert ledger.balance(reqs[0]).refunded == 0
    assert [b.deposit_status for b in bidders] == ["paid", "refunded"]
    sign_contract(price_fen=25_000_000)
    price = db.session.scalar(
        sa.select(PaymentRequest).where(
            PaymentRequest.deal_id == deal.id, PaymentRequest.kind == "lump_sum"
        )
    )
    bal = ledger.balance(price)
    assert (bal.paid, bal.outstanding) == (1_000_000, 24_000_000)
    assert ledger.balance(reqs[0]).status == "applied"
    db.session.expire_all()
    assert bidders[0].deposit_status == "applied"


def _won(app, db, deal, people, create_user, create_auction):
    """A closed auction won by the deal's firm over a rival; both deposits paid."""
    deal.pricing_mode = "auction"
    now = utcnow()
    auction = create_auction(
        deal, start_price_fen=20_000_000, increment_fen=100_000, deposit_fen=1_000_000
    )
    rival = create_user(role=Role.FIRM)
    with app.test_request_context():
        winner = auctions.register_bidder(auction, people.firm)
        loser = auctions.register_bidder(auction, rival)
        db.session.commit()
        for bidder, user in ((winner, people.firm), (loser, rival)):
            _pay_by_bank(db, deposits.deposit_request(bidder.id), user, people.operator)
        db.session.commit()
        auctions.place_bid(auction, rival, 20_000_000, now=now + timedelta(minutes=1))
        auctions.place_bid(
            auction, people.firm, 25_000_000, now=now + timedelta(minutes=2)
        )
        auctions.close_auction(auction, now=now + timedelta(hours=2))
        db.session.commit()
    return auction, winner, loser


def test_a_winner_who_does_not_sign_in_time_forfeits_its_deposit(
    app, db, deal, people, create_user, create_auction, sign_contract
):
    from marketplace.clock import run_due

    auction, winner, loser = _won(app, db, deal, people, create_user, create_auction)
    assert auction.sign_deadline == auction.closed_at + timedelta(days=10)
    with app.test_request_context():
        inside = run_due(auction.sign_deadline)
        db.session.commit()
        assert (inside["deposits_refunded"], inside["deposits_forfeited"]) == (1, 0)
        assert winner.deposit_status == "paid"  # still within the signing days
        late = auction.sign_deadline + timedelta(minutes=1)
        assert run_due(late)["deposits_forfeited"] == 1
        db.session.commit()
        assert run_due(late)["deposits_forfeited"] == 0  # once
        db.session.commit()
    db.session.expire_all()
    assert (winner.deposit_status, loser.deposit_status) == ("forfeited", "refunded")
    assert winner.deposit_label() == "已没收（未按期签约）"
    from marketplace.notifications.models import Notification

    told = db.session.scalars(
        sa.select(Notification.title).where(
            Notification.user_id == people.firm.id,
            Notification.kind == "payment.deposit_forfeited",
        )
    ).all()
    assert told == [f"竞买保证金不予退还：{deal.title}"]
    kept = ledger.balance(deposits.deposit_request(winner.id))
    assert (kept.paid, kept.refunded) == (1_000_000, 0)  # the market keeps it
    sign_contract(price_fen=25_000_000)  # signing too late: nothing counted
    price = db.session.scalar(
        sa.select(PaymentRequest).where(PaymentRequest.kind == "lump_sum")
    )
    assert ledger.balance(price).paid == 0


def test_the_winners_firm_ending_the_deal_forfeits_its_deposit(
    app, db, deal, people, create_user, create_auction
):
    from marketplace.deals.services import apply_action

    _auction, winner, _loser = _won(app, db, deal, people, create_user, create_auction)
    with app.test_request_context():
        apply_action(deal, "terminate", people.firm, reason="不再购买")
        db.session.commit()
        deposits.refund_losing_deposits()
        db.session.commit()
    db.session.expire_all()
    assert winner.deposit_status == "forfeited"
    assert ledger.balance(deposits.deposit_request(winner.id)).refunded == 0


def test_a_deal_ended_by_the_supplier_refunds_the_winners_deposit(
    app, db, deal, people, create_user, create_auction
):
    from marketplace.deals.services import apply_action

    _auction, winner, _loser = _won(app, db, deal, people, create_user, create_auction)
    with app.test_request_context():
        apply_action(deal, "terminate", people.supplier, reason="成果方撤回")
        db.session.commit()
        assert deposits.refund_losing_deposits() == 2  # the loser's and the winner's
        db.session.commit()
    db.session.expire_all()
    assert winner.deposit_status == "refunded"
    assert ledger.balance(deposits.deposit_request(winner.id)).refunded == 1_000_000


def test_no_deposit_is_taken_after_the_registration_deadline(
    app, db, deal, people, create_auction
):
    from marketplace.core.errors import InvalidTransition

    deal.pricing_mode = "auction"
    auction = create_auction(
        deal, start_price_fen=20_000_000, increment_fen=100_000, deposit_fen=1_000_000
    )
    with app.test_request_context():
        bidder = auctions.register_bidder(auction, people.firm)
        db.session.commit()
        auction.registration_ends_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        req = deposits.deposit_request(bidder.id)
        with pytest.raises(InvalidTransition, match="报名已截止"):
            paying.submit_transfer(req, people.firm, None, "")
        deposits.refund_losing_deposits()  # the tick: an unpayable request is cancelled
        db.session.commit()
    assert ledger.balance(req).status == "cancelled"
    assert bidder.deposit_state() == "overdue"


def test_a_deposit_paid_through_the_stripe_webhook_lets_the_firm_bid(
    app, db, deal, people, create_auction, stripe_on, login, client, post_event
):
    from marketplace.core.errors import PermissionDenied

    from .test_stripe import _paid_intent, _succeeded

    deal.pricing_mode = "auction"
    auction = create_auction(
        deal, start_price_fen=20_000_000, increment_fen=100_000, deposit_fen=1_000_000
    )
    with app.test_request_context():
        bidder = auctions.register_bidder(auction, people.firm)
        db.session.commit()
        with pytest.raises(PermissionDenied):
            auctions.place_bid(auction, people.firm, 20_000_000)
        db.session.rollback()
    req = deposits.deposit_request(bidder.id)
    intent = _paid_intent(app, db, client, login, people, req)
    assert post_event(_succeeded(intent, event_id="evt_deposit_1")).status_code == 200
    db.session.expire_all()
    assert bidder.deposit_status == "paid" and bidder.qualified
    with app.test_request_context():
        assert auctions.place_bid(auction, people.firm, 20_000_000).amount_fen == (
            20_000_000
        )
        db.session.commit()
