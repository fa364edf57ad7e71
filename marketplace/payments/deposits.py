"""Auction deposits (保证金): a request per registered bidder, refunds to the losers when
the auction closes, and the winner's deposit counted toward the price."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.errors import ServiceError
from ..extensions import db
from . import ledger
from .models import EntryKind, PaymentKind, PaymentRequest

log = logging.getLogger(__name__)


def ensure_deposit_request(bidder) -> PaymentRequest | None:
    """The bidder's deposit request, created once (None when the deposit is zero)."""
    from .services import add_request

    auction = bidder.auction
    if not bidder.deposit_fen:
        return None
    req, _created = add_request(
        f"deposit:{bidder.id}",
        deal_id=auction.deal_id,
        kind=PaymentKind.DEPOSIT,
        service_kind=None,
        amount_fen=bidder.deposit_fen,
        currency=auction.currency,
        due_on=auction.ends_at.date(),
        payer_org_id=bidder.organization_id,
        payee_org_id=None,
        bidder_id=bidder.id,
        created_by_id=bidder.user_id,
        title=_(
            "%(t)s：竞买保证金（竞买人%(n)s）",
            t=auction.deal.title[:100],
            n=bidder.number,
        ),
    )
    return req


def deposit_request(bidder_id: int) -> PaymentRequest | None:
    return db.session.scalar(
        sa.select(PaymentRequest).where(
            PaymentRequest.source_key == f"deposit:{bidder_id}"
        )
    )


def on_paid(req: PaymentRequest) -> None:
    """Mark the bidder's deposit as paid once the request is settled."""
    if (
        req.kind == PaymentKind.DEPOSIT
        and req.bidder is not None
        and req.bidder.deposit_status == "recorded"
        and ledger.balance(req).status == "paid"
    ):
        req.bidder.deposit_status = "paid"


def refund_losing_deposits(now: datetime | None = None) -> int:
    """For every closed auction, refund each non-winner's paid deposit (once).

    Add to deals/commands.py run_due: `"deposits_refunded": refund_losing_deposits(now)`.
    """
    from ..deals.models_pricing import Auction, AuctionBidder
    from .paying import refund

    done = 0
    rows = db.session.execute(
        sa.select(AuctionBidder, Auction)
        .join(Auction, AuctionBidder.auction_id == Auction.id)
        .where(Auction.outcome.is_not(None), AuctionBidder.deposit_status == "paid")
        .order_by(AuctionBidder.id)
    ).all()
    for bidder, auction in rows:
        if (
            auction.outcome == "won"
            and auction.high_bidder_id == bidder.id
            and _won_by(auction, bidder)
        ):
            continue
        req = deposit_request(bidder.id)
        if req is None:
            continue
        bal = ledger.balance(req)
        if bal.refundable > 0:
            try:
                refund(req, None, bal.refundable, _("拍卖结束，未中标保证金退还"))
            except ServiceError as exc:
                # Stripe unreachable: leave it "paid" so the next tick tries again.
                log.warning("deposit refund for bidder %s failed: %s", bidder.id, exc)
                continue
            done += 1
        bidder.deposit_status = "refunded"
    db.session.flush()
    return done


def _won_by(auction, bidder) -> bool:
    from ..deals.models_pricing import Bid

    if auction.winning_bid_id is None:
        return False
    bid = db.session.get(Bid, auction.winning_bid_id)
    return bid is not None and bid.bidder_id == bidder.id


def apply_winner_deposit(deal, made: list[PaymentRequest], actor) -> None:
    """Count the auction winner's paid deposit toward the first contract payment."""
    from ..deals.models_pricing import AuctionBidder, Bid

    auction = deal.auction
    if auction is None or auction.outcome != "won" or auction.winning_bid_id is None:
        return
    bid = db.session.get(Bid, auction.winning_bid_id)
    bidder = db.session.get(AuctionBidder, bid.bidder_id)
    dep = deposit_request(bidder.id)
    targets = [
        r
        for r in made
        if r.kind
        in (PaymentKind.LUMP_SUM, PaymentKind.INSTALMENT, PaymentKind.ENTRY_FEE)
    ]
    if dep is None or not targets:
        return
    bal = ledger.balance(dep)
    amount = bal.refundable
    for target in targets:
        if amount <= 0:
            break
        part = min(amount, target.amount_fen)
        ledger.book(
            target,
            EntryKind.TRANSFER_IN,
            part,
            "deposit",
            f"deposit:{dep.id}:to:{target.id}",
            actor=actor,
            note=_("竞买保证金转为价款"),
        )
        ledger.book(
            dep,
            EntryKind.TRANSFER_OUT,
            part,
            "deposit",
            f"deposit:{dep.id}:out:{target.id}",
            actor=actor,
        )
        amount -= part
    bidder.deposit_status = "applied"
