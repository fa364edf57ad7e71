"""Auction deposits: a request per bidder, refunds to the losers, the winner's applied."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.timeutil import utcnow
from marketplace.deals import auctions
from marketplace.deals.models_pricing import AuctionBidder
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
