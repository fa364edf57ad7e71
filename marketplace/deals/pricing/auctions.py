"""拍卖: set-up by the broker, bidder registration with deposit, bids, extension, close.

Bids are serialised on the auction row: SELECT … FOR UPDATE on PostgreSQL, and the
auction's version column catches a race anywhere (SQLite has no row locks). Only a
bidder whose deposit was paid by the registration deadline may bid; its registration row
is read under a lock too, so a bid never acts on a stale deposit state. A bid must
reach the start price (first bid) or beat the high bid by the increment; a bid in the
last AUCTION_EXTENSION_MINUTES (5) pushes the close back by as many minutes; at the close
the highest bid at or above the reserve wins and the deal moves on, else the auction fails.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core import audit
from ...core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ...core.money import fen_to_yuan_str, format_fen
from ...core.timeutil import utcnow
from ...extensions import db
from ...notifications.services import notify
from .. import pipeline
from ..models import Deal, DealStage
from ..services import apply_action, deal_parties, flush_deal, path_for
from ..signals import auction_bidder_registered
from .models import (
    DEFAULT_SIGN_WITHIN_DAYS,
    Auction,
    AuctionBidder,
    AuctionStatus,
    Bid,
    DepositState,
    DepositStatus,
)


def extension() -> timedelta:
    return timedelta(
        minutes=int(current_app.config.get("AUCTION_EXTENSION_MINUTES", 5))
    )


def create_auction(
    deal: Deal, actor, data: dict, now: datetime | None = None
) -> Auction:
    """The broker sets up the auction for the supplier: prices in fen and the window."""
    now = now or utcnow()
    if not deal_parties(deal, actor) & {pipeline.BROKER, pipeline.OPERATOR}:
        raise PermissionDenied(_("只有本交易的经纪人可以设置拍卖。"))
    if deal.stage != DealStage.NEGOTIATION or deal.pricing_mode != "auction":
        raise InvalidTransition(_("只有采用拍卖方式且处于议价阶段的交易可以设置拍卖。"))
    if deal.auction is not None and deal.auction.outcome != AuctionStatus.FAILED:
        raise InvalidTransition(_("该交易已有进行中的拍卖。"))
    errors = []
    for name in ("start_price_fen", "increment_fen", "reserve_fen", "deposit_fen"):
        value = data.get(name)
        if value is None or value < 0 or (value == 0 and name != "deposit_fen"):
            errors.append((name.removesuffix("_fen"), _("请填写大于 0 的金额。")))
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None or ends is None or ends <= starts:
        errors.append(("ends_at", _("结束时间须晚于开始时间。")))
    elif ends <= now:
        errors.append(("ends_at", _("结束时间须晚于现在。")))
    if not errors and data["reserve_fen"] < data["start_price_fen"]:
        errors.append(("reserve", _("保留价不能低于起拍价。")))
    registration_ends = data.get("registration_ends_at") or starts
    if not errors and not now <= registration_ends <= ends:
        errors.append(
            (
                "registration_ends_at",
                _("报名截止时间不能早于现在，也不能晚于结束时间。"),
            )
        )
    sign_days = data.get("sign_within_days")
    sign_days = DEFAULT_SIGN_WITHIN_DAYS if sign_days is None else sign_days
    if not 1 <= sign_days <= 90:
        errors.append(("sign_within_days", _("签约期限应为 1 至 90 天。")))
    if errors:
        raise ValidationFailed(errors)
    auction = Auction(
        deal_id=deal.id,
        start_price_fen=data["start_price_fen"],
        increment_fen=data["increment_fen"],
        reserve_fen=data["reserve_fen"],
        deposit_fen=data["deposit_fen"],
        currency=deal.currency,
        starts_at=starts,
        ends_at=ends,
        scheduled_end_at=ends,
        registration_ends_at=registration_ends,
        sign_within_days=sign_days,
        created_by_id=actor.id,
    )
    db.session.add(auction)
    db.session.flush()
    db.session.expire(deal, ["auctions"])
    audit.record(actor, "auction.create", auction, deal_id=deal.id)
    return auction


def can_take_part(auction: Auction, user) -> bool:
    """Firm members may register and bid (other firms too: an auction is open)."""
    return bool(
        user and user.is_authenticated and user.role == "firm" and user.organization_id
    )


def bidder_of(auction: Auction, user) -> AuctionBidder | None:
    if not (user and user.is_authenticated and user.organization_id):
        return None
    return db.session.scalar(
        sa.select(AuctionBidder).where(
            AuctionBidder.auction_id == auction.id,
            AuctionBidder.organization_id == user.organization_id,
        )
    )


def register_bidder(
    auction: Auction, user, now: datetime | None = None
) -> AuctionBidder:
    """Register the user's firm as a bidder; the deposit is recorded (paid later).

    Sends `signals.auction_bidder_registered` (payments opens the deposit request).
    """
    if not can_take_part(auction, user):
        raise PermissionDenied(_("只有企业用户可以报名竞买。"))
    if auction.effective_status(now) not in (
        AuctionStatus.SCHEDULED,
        AuctionStatus.OPEN,
    ):
        raise InvalidTransition(_("拍卖已结束，不能报名。"))
    if not auction.registration_open(now):
        raise InvalidTransition(
            _("报名已于 %(t)s 截止。", t=_local(auction.registration_ends_at))
        )
    if bidder_of(auction, user) is not None:
        raise ValidationFailed([(None, _("贵单位已报名。"))])
    number = (
        db.session.scalar(
            sa.select(sa.func.max(AuctionBidder.number)).where(
                AuctionBidder.auction_id == auction.id
            )
        )
        or 0
    ) + 1
    bidder = AuctionBidder(
        auction_id=auction.id,
        user_id=user.id,
        organization_id=user.organization_id,
        number=number,
        deposit_fen=auction.deposit_fen,
        deposit_status=(
            DepositStatus.RECORDED
            if auction.deposit_fen
            else DepositStatus.NOT_REQUIRED
        ),
        registered_at=now or utcnow(),
    )
    db.session.add(bidder)
    db.session.flush()
    auction_bidder_registered.send(bidder, actor=user)
    return bidder


def _locked(auction_id: int) -> Auction:
    """The auction row, locked until commit where the database can (PostgreSQL)."""
    return db.session.execute(
        sa.select(Auction)
        .where(Auction.id == auction_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _local(moment: datetime) -> str:
    return format_datetime(moment, "yyyy-MM-dd HH:mm")


def _locked_bidder(auction: Auction, user) -> AuctionBidder | None:
    """The user's registration, re-read under a row lock with its committed deposit."""
    if not (user and user.is_authenticated and user.organization_id):
        return None
    return db.session.execute(
        sa.select(AuctionBidder)
        .where(
            AuctionBidder.auction_id == auction.id,
            AuctionBidder.organization_id == user.organization_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def refusal(auction: Auction, bidder: AuctionBidder | None, now: datetime) -> str:
    """Why `bidder` may not bid, in the user's language; "" when it may."""
    if bidder is None:
        return _("请先报名竞买并缴纳保证金。")
    if bidder.qualified:
        return ""
    if bidder.deposit_state(now) == DepositState.UNPAID:
        return _(
            "保证金到账后才能出价：请于 %(t)s 前缴纳竞买保证金 %(d)s。",
            t=_local(auction.registration_ends_at),
            d=format_fen(bidder.deposit_fen, auction.currency),
        )
    return _(
        "贵单位的保证金未在报名截止（%(t)s）前到账，不能参与本次竞价。",
        t=_local(auction.registration_ends_at),
    )


def place_bid(
    auction: Auction, user, amount_fen: int | None, now: datetime | None = None
) -> Bid:
    """Record a bid that reaches the minimum; extend the close near the end.

    Refused (PermissionDenied) unless the bidder's deposit was paid by the deadline.
    """
    now = now or utcnow()
    auction = _locked(auction.id)
    bidder = _locked_bidder(auction, user)
    if reason := refusal(auction, bidder, now):
        raise PermissionDenied(reason)
    if auction.effective_status(now) != AuctionStatus.OPEN:
        raise InvalidTransition(_("拍卖不在竞价时间内。"))
    minimum = auction.minimum_bid()
    if amount_fen is None or amount_fen < minimum:
        raise ValidationFailed(
            [("amount", _("出价不能低于 %(m)s 元。", m=f"{minimum / 100:,.2f}"))]
        )
    previous = auction.high_bidder
    extended = auction.ends_at - now <= extension()
    if extended:
        auction.ends_at = auction.ends_at + extension()
    bid = Bid(
        auction_id=auction.id,
        bidder_id=bidder.id,
        amount_fen=amount_fen,
        placed_at=now,
        extended=extended,
    )
    db.session.add(bid)
    auction.high_bid_fen = amount_fen
    auction.high_bidder_id = bidder.id
    auction.bid_count = auction.bid_count + 1
    flush_deal()
    if previous is not None and previous.id != bidder.id:
        notify(
            previous.user,
            "deal.outbid",
            _l("您的出价已被超过"),
            _l("当前最高价 %(p)s 元", p=f"{amount_fen / 100:,.2f}"),
            path_for("deals.auction", auction_id=auction.id),
            dedupe_key=f"auction:{auction.id}:outbid:{bid.id}",
        )
    return bid


def close_auction(auction: Auction, now: datetime | None = None) -> bool:
    """Decide an auction past its close (once); the winner's price goes to the deal."""
    now = now or utcnow()
    auction = _locked(auction.id)
    if auction.outcome is not None or now < auction.ends_at:
        return False
    deal = auction.deal
    top = db.session.scalars(
        sa.select(Bid)
        .where(Bid.auction_id == auction.id)
        .order_by(Bid.amount_fen.desc(), Bid.id)
    ).first()
    if top is not None and top.amount_fen >= auction.reserve_fen:
        auction.outcome, auction.winning_bid_id = AuctionStatus.WON.value, top.id
        winner_org = top.bidder.organization_id
        if deal.firm_org_id != winner_org:
            deal.firm_org_id = winner_org  # the auction decides who the buyer is
        deal.agreed_price_fen = top.amount_fen
        reason = _("拍卖成交，成交价 %(p)s 元", p=fen_to_yuan_str(top.amount_fen))
    else:
        auction.outcome = AuctionStatus.FAILED.value
        reason = _("拍卖流拍（无出价或未达保留价）")
    auction.closed_at = now
    flush_deal()
    if deal.stage == DealStage.NEGOTIATION:
        apply_action(deal, "auction_close", None, reason=reason, now=now)
    return True


def close_due_auctions(now: datetime | None = None) -> int:
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Auction.id)
        .where(Auction.outcome.is_(None), Auction.ends_at <= now)
        .order_by(Auction.id)
    ).all()
    return sum(
        1
        for auction_id in due
        if close_auction(db.session.get(Auction, auction_id), now)
    )


def registration_rows(auction: Auction, viewer, now: datetime) -> list[dict]:
    """Each registration's deposit state, for the deal's staff and the bidders.

    Named as in the bid record: 竞买人N to bidders, with the firm to the staff.
    """
    staff = bool(
        deal_parties(auction.deal, viewer) & {pipeline.BROKER, pipeline.OPERATOR}
    )
    mine = bidder_of(auction, viewer)
    if not staff and mine is None:
        return []
    rows = []
    for bidder in auction.bidders:
        name = _("竞买人%(n)d", n=bidder.number)
        if mine is not None and bidder.id == mine.id:
            name = _("%(name)s（我）", name=name)
        elif staff:
            name = f"{name} · {bidder.organization.name}"
        rows.append(
            {
                "bidder": name,
                "deposit_fen": bidder.deposit_fen,
                "state": bidder.deposit_state(now),
                "label": bidder.deposit_label(now),
                "paid_at": bidder.deposit_paid_at,
            }
        )
    return rows


def bid_rows(auction: Auction, viewer) -> list[dict]:
    """Bids newest first; bidders anonymised as 竞买人N except for the deal's staff."""
    staff = bool(
        deal_parties(auction.deal, viewer) & {pipeline.BROKER, pipeline.OPERATOR}
    )
    mine = bidder_of(auction, viewer)
    rows = []
    for bid in auction.bids:
        name = _("竞买人%(n)d", n=bid.bidder.number)
        if mine is not None and bid.bidder_id == mine.id:
            name = _("%(name)s（我）", name=name)
        elif staff:
            name = f"{name} · {bid.bidder.organization.name}"
        rows.append(
            {
                "bidder": name,
                "amount_fen": bid.amount_fen,
                "at": bid.placed_at,
                "extended": bid.extended,
            }
        )
    return rows
