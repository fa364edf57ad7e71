"""Roster pages (/roster/): the list with coverage, import preview and confirm, a firm's
service history and outreach log. Operator and brokers only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write, form_status
from ..extensions import db
from . import roster, roster_bp
from .forms import ConfirmForm, OutreachForm, RosterUploadForm
from .models import SIZE_LABELS, RosterFirm, RosterImport


@roster_bp.before_request
@login_required
def _staff_only():
    if not roster.can_manage(current_user):
        abort(403)


@roster_bp.route("/")
def index():
    query = sa.select(RosterFirm).order_by(RosterFirm.town, RosterFirm.name)
    town = request.args.get("town", "").strip()
    if town:
        query = query.where(RosterFirm.town == town)
    page = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "firms/roster_index.html",
        page=page,
        town=town,
        coverage=roster.coverage(),
        size_labels=SIZE_LABELS,
    )


@roster_bp.route("/import", methods=["GET", "POST"])
def upload():
    form = RosterUploadForm()
    if form.validate_on_submit():
        f = form.file.data
        with Write(form) as write:
            ri = roster.preview_import(current_user, f.filename or "", f.read())
        if write.ok:
            return redirect(url_for(".preview", import_id=ri.id))
    return render_template("firms/roster_upload.html", form=form), form_status(form)


def _import_or_404(import_id: int) -> RosterImport:
    ri = db.get_or_404(RosterImport, import_id)
    if ri.user_id != current_user.id and not current_user.is_operator:
        abort(404)
    return ri


@roster_bp.route("/import/<int:import_id>")
def preview(import_id: int):
    ri = _import_or_404(import_id)
    return render_template(
        "firms/roster_preview.html", ri=ri, form=ConfirmForm(), size_labels=SIZE_LABELS
    )


@roster_bp.route("/import/<int:import_id>/confirm", methods=["POST"])
def confirm(import_id: int):
    ri = _import_or_404(import_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with Write() as write:
        count = roster.confirm_import(ri, current_user)
    if write.ok:
        flash(_("已导入 %(n)s 家企业。", n=count), "success")
        return redirect(url_for(".index"))
    return redirect(url_for(".preview", import_id=ri.id))


@roster_bp.route("/<int:firm_id>", methods=["GET", "POST"])
def firm(firm_id: int):
    f = db.get_or_404(RosterFirm, firm_id)
    form = OutreachForm()
    if form.validate_on_submit():
        with Write(form) as write:
            roster.log_outreach(
                f,
                current_user,
                form.happened_on.data,
                form.contact.data or "",
                form.outcome.data or "",
                form.next_step.data or "",
            )
        if write.ok:
            flash(_("已记录走访。"), "success")
            return redirect(url_for(".firm", firm_id=f.id))
    return render_template(
        "firms/roster_firm.html",
        firm=f,
        form=form,
        history=roster.service_history(f),
    ), form_status(form)
