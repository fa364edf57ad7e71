"""Pricing pages: the public notice board (/notices, visible without login; objections
by members) and auctions (set-up by the broker, the bidding page, registration, bids)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.timeutil import SHANGHAI, utcnow
from ...core.transaction import button, form_status, submit
from ...extensions import db
from ...legal import texts
from ...legal.models import TextKind
from .. import bp, notices_bp, pipeline
from ..forms import AuctionForm, BidForm, HandleObjectionForm, ObjectionForm
from ..room.routes import refusal_status, visible_deal
from . import auctions, notices
from .models import Auction, NoticeOutcome, Objection, PublicNotice


# -- the public notice board ---------------------------------------------------------
@notices_bp.route("/")
def index():
    now = utcnow()
    page = db.paginate(
        notices.board_query(now),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    # Auctions (拍卖) are public too: firms find them here and register as bidders.
    open_auctions = db.session.scalars(
        sa.select(Auction)
        .where(Auction.outcome.is_(None), Auction.ends_at > now)
        .order_by(Auction.ends_at)
        .limit(50)
    ).all()
    return render_template(
        "notices/index.html",
        page=page,
        now=now,
        open_auctions=open_auctions,
        procedure=texts.current(TextKind.OBJECTION_PROCEDURE),
    )


@notices_bp.route("/objection-procedure")
def procedure():
    """The objection procedure the board publishes with every notice (§18)."""
    return render_template(
        "notices/procedure.html", text=texts.current(TextKind.OBJECTION_PROCEDURE)
    )


def _visible(notice_id: int) -> PublicNotice:
    notice = db.get_or_404(PublicNotice, notice_id)
    if notice.outcome == NoticeOutcome.WITHDRAWN and not notice.deal.can_view(
        current_user
    ):
        abort(404)  # a withdrawn notice left the board
    return notice


def render_notice(notice: PublicNotice, status: int = 200, form=None, handle_form=None):
    parties = notice.deal.parties(current_user)
    staff = bool(parties & {pipeline.BROKER, pipeline.OPERATOR})
    if staff:
        objections = list(notice.objections)
    elif current_user.is_authenticated:
        objections = [o for o in notice.objections if o.user_id == current_user.id]
    else:
        objections = []
    return render_template(
        "notices/detail.html",
        notice=notice,
        now=utcnow(),
        objections=objections,
        staff=staff,
        objection_count=len(notice.objections),
        form=form or ObjectionForm(),
        handle_form=handle_form or HandleObjectionForm(),
        procedure=texts.current(TextKind.OBJECTION_PROCEDURE),
    ), status


@notices_bp.route("/<int:notice_id>")
def detail(notice_id: int):
    return render_notice(_visible(notice_id))


@notices_bp.route("/<int:notice_id>/object", methods=["POST"])
@login_required
def object_to(notice_id: int):
    notice = _visible(notice_id)
    form = ObjectionForm()
    return submit(
        form,
        lambda: notices.file_objection(notice, current_user, form.reasons.data),
        _("异议已提交，经纪人将处理并告知结果。"),
        url_for("notices.detail", notice_id=notice.id),
        lambda: render_notice(notice, 422, form=form),
        refused=lambda error: render_notice(
            notice, refusal_status(error, form), form=form
        ),
    )


@notices_bp.route("/objections/<int:objection_id>/handle", methods=["POST"])
@login_required
def handle(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    notice = objection.notice
    if not notice.deal.can_view(current_user):
        abort(404)
    form = HandleObjectionForm()
    return submit(
        form,
        lambda: notices.handle_objection(
            objection, current_user, form.decision.data, form.note.data
        ),
        _("已记录异议处理结果。"),
        url_for("notices.detail", notice_id=notice.id),
        lambda: render_notice(notice, 422, handle_form=form),
        refused=lambda error: render_notice(
            notice, refusal_status(error, form), handle_form=form
        ),
    )


# -- auctions ------------------------------------------------------------------------


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
    return submit(
        form,
        lambda: auctions.create_auction(
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
        ),
        _("拍卖已设置。"),
        lambda auction: url_for("deals.auction", auction_id=auction.id),
        lambda: (
            render_template("deals/auction_form.html", form=form, deal=deal),
            form_status(form),
        ),
    )


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
    return button(
        lambda: auctions.register_bidder(auction, current_user),
        _("报名成功。保证金到账后方可出价。"),
        url_for("deals.auction", auction_id=auction.id),
    )


@bp.route("/auctions/<int:auction_id>/bid", methods=["POST"])
@login_required
def bid(auction_id: int):
    auction = _visible_auction(auction_id)
    form = BidForm()
    # Not registered, or no deposit paid by the deadline, is a PermissionDenied whose
    # reason the 403 page shows; another refusal shows the auction as it is now.
    return submit(
        form,
        lambda: auctions.place_bid(auction, current_user, form.amount.fen),
        _("出价成功。"),
        url_for("deals.auction", auction_id=auction.id),
        lambda: render_auction(auction, 422, form),
        refused=lambda error: render_auction(
            db.session.get(Auction, auction_id), refusal_status(error, form), form
        ),
    )
