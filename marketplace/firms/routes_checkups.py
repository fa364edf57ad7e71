"""Check-up pages (/checkups/): the list, the form, the report with its gaps and
recommendations, and posting the problems as a need."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.pdf import download
from ..core.transaction import Write, form_status
from ..core.web import visible_or_404
from ..extensions import db
from ..needs.forms import NeedForm
from . import checkups, checkups_bp, finance, report_pdf
from .forms import CheckupForm
from .models import Checkup, RosterFirm


@checkups_bp.route("/")
@login_required
def index():
    if not (current_user.is_staff or current_user.organization_id):
        abort(403)
    page = db.paginate(
        checkups.visible_checkups(current_user),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "firms/checkups_index.html",
        page=page,
        can_start=checkups.can_start(current_user),
    )


@checkups_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    firm = None
    firm_id = request.args.get("firm", type=int)
    if firm_id:
        firm = db.get_or_404(RosterFirm, firm_id)
    if not checkups.can_start(current_user, firm):
        abort(403)
    form = CheckupForm()
    repeat_id = request.args.get("repeat", type=int)
    if repeat_id and request.method == "GET":
        last = visible_or_404(Checkup, repeat_id)
        if firm is not None and last.roster_firm_id not in (None, firm.id):
            abort(404)
        form.fill_from(last)
    if form.validate_on_submit():
        with Write(form) as write:
            c = checkups.save_checkup(current_user, form.to_data(), firm)
        if write.ok:
            flash(_("科技体检已保存。"), "success")
            return redirect(url_for(".report", checkup_id=c.id))
    return render_template(
        "firms/checkup_form.html", form=form, firm=firm
    ), form_status(form)


@checkups_bp.route("/<int:checkup_id>")
@login_required
def report(checkup_id: int):
    c = visible_or_404(Checkup, checkup_id)
    return render_template(
        "firms/checkup_report.html",
        r=checkups.report(c),
        history=checkups.history_rows(c),
        financing=finance.linked_requests(current_user, checkup_id=c.id),
        can_post_need=c.need_id is None and current_user.belongs_to(c.organization_id),
        can_repeat=(current_user.is_staff and c.roster_firm_id is not None)
        or (
            current_user.belongs_to(c.organization_id)
            and checkups.can_start(current_user)
        ),
    )


@checkups_bp.route("/<int:checkup_id>.pdf")
@login_required
def pdf(checkup_id: int):
    c = visible_or_404(Checkup, checkup_id)
    return download(
        lambda: report_pdf.render_pdf(checkups.report(c)),
        f"checkup-{c.id}.pdf",
        url_for(".report", checkup_id=c.id),
    )


@checkups_bp.route("/<int:checkup_id>/need", methods=["GET", "POST"])
@login_required
def post_need(checkup_id: int):
    c = visible_or_404(Checkup, checkup_id)
    if not current_user.belongs_to(c.organization_id):
        abort(403)
    form = NeedForm()
    if request.method == "GET":
        first_line = c.problems.strip().splitlines()[0] if c.problems.strip() else ""
        form.title.data = first_line[:60]
        form.description.data = c.problems
    if form.validate_on_submit():
        with Write(form) as write:
            need = checkups.post_problem_as_need(c, current_user, form.to_data())
        if write.ok:
            flash(_("已将技术难题提交为需求，技术经纪人将与您联系。"), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render_template(
        "firms/checkup_need.html", form=form, checkup=c
    ), form_status(form)
