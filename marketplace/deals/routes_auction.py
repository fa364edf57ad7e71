"""Auction pages: set-up by the broker, the bidding page, registration and bids."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.timeutil import SHANGHAI, utcnow
from ..core.transaction import Write, form_status
from ..extensions import db
from . import auctions, bp, pipeline
from .forms import AuctionForm, BidForm
from .models_pricing import Auction
from .routes import refusal_status, visible_deal


def _utc(local: datetime | None) -> datetime | None:
    """A Beijing-time form value as the naive UTC the database stores."""
    if local is None:
        return None
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


@bp.route("/<int:deal_id>/auction/new", methods=["GET", "POST"])
@login_required
def new_auction(deal_id: int):
    deal = visible_deal(deal_id)
    if not deal.parties(current_user) & {pipeline.BROKER, pipeline.OPERATOR}:
        abort(403)
    form = AuctionForm()
    if form.validate_on_submit():
        with Write(form) as write:
            auction = auctions.create_auction(
                deal,
                current_user,
                {
                    "start_price_fen": form.start_price.fen,
                    "increment_fen": form.increment.fen,
                    "reserve_fen": form.reserve.fen,
                    "deposit_fen": form.deposit.fen,
                    "starts_at": _utc(form.starts_at.data),
                    "ends_at": _utc(form.ends_at.data),
                    "registration_ends_at": _utc(form.registration_ends_at.data),
                    "sign_within_days": form.sign_within_days.data,
                },
            )
        if write.ok:
            flash(_("拍卖已设置。"), "success")
            return redirect(url_for("deals.auction", auction_id=auction.id))
    return render_template(
        "deals/auction_form.html", form=form, deal=deal
    ), form_status(form)


def _visible_auction(auction_id: int) -> Auction:
    auction = db.get_or_404(Auction, auction_id)
    # Bidders, would-be bidders (firms) and the deal's parties see the auction.
    if not (
        auctions.can_take_part(auction, current_user)
        or auction.deal.can_view(current_user)
    ):
        abort(404)
    return auction


def render_auction(auction: Auction, status: int = 200, bid_form=None):
    now = utcnow()
    bidder = auctions.bidder_of(auction, current_user)
    return render_template(
        "deals/auction.html",
        auction=auction,
        now=now,
        bids=auctions.bid_rows(auction, current_user),
        bidder=bidder,
        refusal=auctions.refusal(auction, bidder, now) if bidder else "",
        registrations=auctions.registration_rows(auction, current_user, now),
        may_register=auctions.can_take_part(auction, current_user)
        and auction.registration_open(now),
        bid_form=bid_form or BidForm(),
    ), status


@bp.route("/auctions/<int:auction_id>")
@login_required
def auction(auction_id: int):
    return render_auction(_visible_auction(auction_id))


@bp.route("/auctions/<int:auction_id>/register", methods=["POST"])
@login_required
def register_bidder(auction_id: int):
    auction = _visible_auction(auction_id)
    with Write() as write:
        auctions.register_bidder(auction, current_user)
    if write.ok:
        flash(_("报名成功。保证金到账后方可出价。"), "success")
    return redirect(url_for("deals.auction", auction_id=auction.id))


@bp.route("/auctions/<int:auction_id>/bid", methods=["POST"])
@login_required
def bid(auction_id: int):
    auction = _visible_auction(auction_id)
    form = BidForm()
    if not form.validate():
        return render_auction(auction, 422, form)
    # Not registered, or no deposit paid by the deadline, is a PermissionDenied whose
    # reason the 403 page shows.
    with Write(form) as write:
        auctions.place_bid(auction, current_user, form.amount.fen)
    if write.ok:
        flash(_("出价成功。"), "success")
        return redirect(url_for("deals.auction", auction_id=auction.id))
    status = refusal_status(write)
    return render_auction(db.session.get(Auction, auction_id), status, form)
