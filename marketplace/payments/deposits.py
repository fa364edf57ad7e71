"""Auction deposits (保证金): a request per registered bidder, refunds to the losers when
the auction closes, the winner's deposit counted toward the price, or forfeited when the
winner does not sign within the auction's terms."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import ServiceError
from ..core.timeutil import SHANGHAI, utcnow
from ..deals.models import Deal, DealStage
from ..deals.pricing.models import (
    Auction,
    AuctionBidder,
    AuctionStatus,
    Bid,
    DepositStatus,
)
from ..deals.services import path_for
from ..extensions import db
from ..notifications.services import notify
from . import ledger
from .models import EntryKind, PaymentKind, PaymentRequest, PaymentStatus

log = logging.getLogger(__name__)


def ensure_deposit_request(bidder) -> PaymentRequest | None:
    """The bidder's deposit request, created once (None when the deposit is zero)."""
    # services, deposits and paying call each other: imported at call time
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
        # Due by the registration deadline, as a date where the market is.
        due_on=auction.registration_ends_at.replace(tzinfo=UTC)
        .astimezone(SHANGHAI)
        .date(),
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


def on_paid(req: PaymentRequest, now: datetime | None = None) -> None:
    """Mark the bidder's deposit as paid once the request is settled.

    The time is kept: only a deposit paid by the registration deadline lets the firm
    bid (a late one is refunded when the auction closes).
    """
    if (
        req.kind == PaymentKind.DEPOSIT
        and req.bidder is not None
        and req.bidder.deposit_status == DepositStatus.RECORDED
        and ledger.balance(req).status == PaymentStatus.PAID
    ):
        req.bidder.deposit_status = DepositStatus.PAID
        req.bidder.deposit_paid_at = now or utcnow()


def registration_closed(req: PaymentRequest, now: datetime | None = None) -> bool:
    """A deposit request whose auction no longer takes deposits."""
    return (
        req.kind == PaymentKind.DEPOSIT
        and req.bidder is not None
        and not req.bidder.auction.registration_open(now)
    )


def refund_losing_deposits(now: datetime | None = None) -> int:
    """For every closed auction, refund each non-winner's paid deposit (once).

    The market clock (clock.py) runs it on every tick.
    """
    # services, deposits and paying call each other: imported at call time
    from .paying import refund

    now = now or utcnow()
    _cancel_unpayable(now)
    done = 0
    rows = db.session.execute(
        sa.select(AuctionBidder, Auction)
        .join(Auction, AuctionBidder.auction_id == Auction.id)
        .where(
            Auction.outcome.is_not(None),
            AuctionBidder.deposit_status == DepositStatus.PAID,
        )
        .order_by(AuctionBidder.id)
    ).all()
    for bidder, auction in rows:
        if _won_by(auction, bidder) and not _winner_released(auction):
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
        bidder.deposit_status = DepositStatus.REFUNDED
    db.session.flush()
    return done


def _cancel_unpayable(now: datetime) -> int:
    """Cancel the deposit requests nobody paid anything on once registration closed:
    they can no longer be paid, so they must not stay on the firm's list as overdue."""

    reqs = db.session.scalars(
        sa.select(PaymentRequest)
        .join(AuctionBidder, PaymentRequest.bidder_id == AuctionBidder.id)
        .join(Auction, AuctionBidder.auction_id == Auction.id)
        .where(
            PaymentRequest.kind == PaymentKind.DEPOSIT,
            PaymentRequest.cancelled_at.is_(None),
            AuctionBidder.deposit_status == DepositStatus.RECORDED,
            Auction.registration_ends_at < now,
        )
        .order_by(PaymentRequest.id)
    ).all()
    cancelled = 0
    for req in reqs:
        if ledger.balance(req).settled == 0:
            req.cancelled_at = now
            cancelled += 1
    return cancelled


def _won_by(auction, bidder) -> bool:

    if auction.outcome != AuctionStatus.WON or auction.winning_bid_id is None:
        return False
    bid = db.session.get(Bid, auction.winning_bid_id)
    return bid is not None and bid.bidder_id == bidder.id


def _winner_released(auction) -> bool:
    """The winner's paid deposit goes back: the contract is signed without counting it
    toward a payment, or the deal ended through no fault of the winner (see
    `on_deal_terminated`, which forfeits it otherwise)."""

    deal = auction.deal
    return deal.contract_signed_at is not None or deal.stage == DealStage.TERMINATED


def _winner(auction):

    bid = db.session.get(Bid, auction.winning_bid_id)
    return db.session.get(AuctionBidder, bid.bidder_id) if bid is not None else None


def forfeit(bidder, actor, reason: str) -> bool:
    """Keep the winner's paid deposit (the auction's terms); True when it changed.

    `reason` is a code for the audit log: not_signed_in_time / deal_terminated.
    """

    if bidder is None or bidder.deposit_status != DepositStatus.PAID:
        return False
    bidder.deposit_status = DepositStatus.FORFEITED
    audit.record(actor, "deposit.forfeit", bidder, reason=reason)
    db.session.flush()
    notify(
        bidder.user,
        "payment.deposit_forfeited",
        _l("竞买保证金不予退还：%(t)s", t=bidder.auction.deal.title),
        _l(
            "竞得后未在拍卖规定的 %(n)s 天内签订合同。",
            n=bidder.auction.sign_within_days,
        ),
        path_for("deals.auction", auction_id=bidder.auction_id),
        dedupe_key=f"deposit:{bidder.id}:forfeited",
    )
    return True


def forfeit_unsigned_winners(now: datetime | None = None) -> int:
    """The winners who did not sign within the auction's days forfeit their deposit.

    The market clock (clock.py) runs it on every tick.
    """

    now = now or utcnow()
    done = 0
    auctions = db.session.scalars(
        sa.select(Auction)
        .join(Deal, Auction.deal_id == Deal.id)
        .where(
            Auction.outcome == AuctionStatus.WON.value,
            Deal.contract_signed_at.is_(None),
        )
        .order_by(Auction.id)
    ).all()
    for auction in auctions:
        if auction.sign_deadline is None or now <= auction.sign_deadline:
            continue
        if forfeit(_winner(auction), None, "not_signed_in_time"):
            done += 1
    return done


def on_deal_terminated(deal, actor) -> None:
    """A deal ended after a won auction and before signing: the winner's firm walking
    away, or the signing days having passed, forfeits its deposit; otherwise the next
    tick refunds it (`_winner_released`)."""
    auction = deal.auction
    if auction is None or deal.contract_signed_at is not None:
        return
    if auction.outcome != AuctionStatus.WON or auction.winning_bid_id is None:
        return
    bidder = _winner(auction)
    late = auction.sign_deadline is not None and utcnow() > auction.sign_deadline
    walked_away = actor is not None and actor.belongs_to(bidder.organization_id)
    if late or walked_away:
        forfeit(bidder, actor, "deal_terminated")


def apply_winner_deposit(deal, made: list[PaymentRequest], actor) -> None:
    """Count the auction winner's paid deposit toward the first contract payment."""

    auction = deal.auction
    if (
        auction is None
        or auction.outcome != AuctionStatus.WON
        or auction.winning_bid_id is None
    ):
        return
    bid = db.session.get(Bid, auction.winning_bid_id)
    bidder = db.session.get(AuctionBidder, bid.bidder_id)
    dep = deposit_request(bidder.id)
    if bidder.deposit_status != DepositStatus.PAID:
        return  # forfeited (signed too late) or never paid: nothing to count
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
    bidder.deposit_status = DepositStatus.APPLIED
