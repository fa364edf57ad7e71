"""Voucher pages: the operator issues and reports; a firm sees and applies its vouchers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..accounts.models import Organization, OrgType, Verification
from ..core.timeutil import today_shanghai
from ..core.transaction import Write, button, form_status
from ..extensions import db
from ..payments.access import visible_request
from ..payments.exports import table_response
from . import bp, services
from . import quota as quotas
from . import settlement as report
from .forms import DecideForm, IssueForm, PeriodForm, QuotaForm
from .models import QuotaApplication, Voucher
from .rules import QUOTA_STATUS_LABELS, SERVICE_KINDS
from .verdict import verdict


@bp.app_template_global("voucher_verdict")
def voucher_verdict(req):
    """For the payment page (payments sits below vouchers): may vouchers pay part of
    the request, how much, and why."""
    return verdict(req, current_user)


def _operator() -> None:
    if not current_user.is_operator:
        abort(403)


@bp.get("/")
@login_required
def index():
    q = sa.select(Voucher).order_by(Voucher.id.desc())
    if not current_user.is_operator:
        if not current_user.organization_id:
            abort(403)
        q = q.where(Voucher.organization_id == current_user.organization_id)
    return render_template(
        "vouchers/index.html",
        vouchers=db.session.scalars(q).all(),
        kinds=SERVICE_KINDS,
        today=today_shanghai(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _operator()
    form = IssueForm()
    form.organization.choices = [
        SelectChoice(o.id, o.name)
        for o in db.session.scalars(
            sa.select(Organization)
            .where(
                Organization.type == OrgType.FIRM,
                Organization.verification == Verification.VERIFIED,
            )
            .order_by(Organization.name)
        )
    ]
    if form.validate_on_submit():
        with Write(form) as write:
            services.issue(
                current_user,
                db.session.get(Organization, form.organization.data),
                form.face_value.fen,
                form.valid_from.data,
                form.valid_until.data,
                form.service_kinds.data,
                form.max_share_pct.data,
            )
        if write.ok:
            flash(_("创新券已发放。"), "success")
            return redirect(url_for("vouchers.index"))
    return render_template("vouchers/new.html", form=form), form_status(form)


@bp.post("/apply/<int:request_id>")
@login_required
def apply(request_id: int):
    req = visible_request(request_id)
    back = url_for("payments.detail", request_id=req.id)
    voucher = db.session.get(Voucher, request.form.get("voucher", 0, type=int))
    if voucher is None or not current_user.belongs_to(voucher.organization_id):
        flash(_("请选择可用的创新券。"), "error")
        return redirect(back)
    # redeem() holds every rule (the payer, validity, service kind, listed provider,
    # share, balance) and refuses with its reason, flashed on the payment page.
    return button(
        lambda: services.redeem(voucher, req, current_user), _("创新券已抵扣。"), back
    )


@bp.get("/settlement")
@login_required
def settlement():
    """The half-year's settled claims by provider, and its redemptions; CSV/XLSX of
    either (`part=claims` for the claims)."""
    _operator()
    today = today_shanghai()
    form = PeriodForm(request.args, year=today.year, half=1 if today.month <= 6 else 2)
    if request.args and not form.validate():
        return render_template(
            "vouchers/settlement.html", form=form, rows=[], claims=[], by_provider=[]
        ), 422
    year, half = form.year.data, form.half.data
    rows = report.settlement_rows(year, half)
    claims = report.settled_claims(year, half)
    fmt = request.args.get("fmt")
    if fmt in ("csv", "xlsx") and request.args.get("part") == "claims":
        return table_response(
            report.CLAIM_HEADERS,
            report.claim_cells(claims),
            fmt,
            f"voucher-claims-{year}H{half}",
        )
    if fmt in ("csv", "xlsx"):
        headers = ["服务机构", "统一社会信用代码", "服务类别", "笔数", "兑付金额(元)"]
        data = [
            [
                r["provider"],
                r["credit_code"],
                r["service_kind"],
                r["count"],
                f"{r['amount_fen'] / 100:.2f}",
            ]
            for r in rows
        ]
        return table_response(headers, data, fmt, f"voucher-settlement-{year}H{half}")
    return render_template(
        "vouchers/settlement.html",
        form=form,
        rows=rows,
        claims=claims,
        by_provider=report.claims_by_provider(claims),
    )


def _quota_page(form=None, status: int = 200):
    q = sa.select(QuotaApplication).order_by(QuotaApplication.id.desc())
    if not current_user.is_operator:
        q = q.where(
            QuotaApplication.organization_id == (current_user.organization_id or -1)
        )
    per_application, per_year = quotas.caps()
    year = today_shanghai().year
    return render_template(
        "vouchers/apply.html",
        form=form or QuotaForm(),
        decide_form=DecideForm(),
        applications=db.session.scalars(q.limit(200)).all(),
        statuses=QUOTA_STATUS_LABELS,
        per_application=per_application,
        per_year=per_year,
        committed=(
            quotas.year_committed(current_user.organization_id, year)
            if current_user.organization_id
            else 0
        ),
    ), status


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def quota():
    """申领额度: a firm applies for a quota; the operator sees and decides the applications."""
    form = QuotaForm()
    if request.method == "POST" and form.validate_on_submit():
        with Write(form) as write:
            quotas.apply_for_quota(current_user, form.amount.fen, form.purpose.data)
        if write.ok:
            flash(_("申领已提交，等待运营方审批。"), "success")
            return redirect(url_for("vouchers.quota"))
    return _quota_page(form, form_status(form))


@bp.post("/applications/<int:application_id>/decide")
@login_required
def decide(application_id: int):
    _operator()
    application = db.get_or_404(QuotaApplication, application_id)
    form = DecideForm()
    if not form.validate_on_submit():
        flash(_("请填写有效的批准金额。"), "error")
        return redirect(url_for("vouchers.quota"))
    with Write() as write:
        quotas.decide_quota(
            current_user, application, form.approved.fen, form.reason.data
        )
    if write.ok:
        flash(_("审批已保存。"), "success")
    return redirect(url_for("vouchers.quota"))
