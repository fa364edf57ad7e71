"""The public notice board (/notices): visible without login; objections by members."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.timeutil import utcnow
from ..core.transaction import Write
from ..extensions import db
from ..legal import texts
from ..legal.models import TextKind
from . import notices, notices_bp, pipeline
from .forms import HandleObjectionForm, ObjectionForm
from .models_pricing import Auction, Objection, PublicNotice
from .routes import refusal_status


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
    if notice.outcome == "withdrawn" and not notice.deal.can_view(current_user):
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
    if not form.validate():
        return render_notice(notice, 422, form=form)
    with Write(form) as write:
        notices.file_objection(notice, current_user, form.reasons.data)
    if write.ok:
        flash(_("异议已提交，经纪人将处理并告知结果。"), "success")
        return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_notice(notice, refusal_status(write), form=form)


@notices_bp.route("/objections/<int:objection_id>/handle", methods=["POST"])
@login_required
def handle(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    notice = objection.notice
    if not notice.deal.can_view(current_user):
        abort(404)
    form = HandleObjectionForm()
    if not form.validate():
        return render_notice(notice, 422, handle_form=form)
    with Write(form) as write:
        notices.handle_objection(
            objection, current_user, form.decision.data, form.note.data
        )
    if write.ok:
        flash(_("已记录异议处理结果。"), "success")
        return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_notice(notice, refusal_status(write), handle_form=form)
