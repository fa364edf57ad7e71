"""/vouchers/claims/: a provider's voucher claims (兑付) and the operator's queue."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.forms import ButtonForm
from ..core.transaction import Write, button
from ..extensions import db
from ..vouchers import eligibility
from ..vouchers.models import VoucherClaim, VoucherRedemption
from . import claims, claims_bp
from .forms import ClaimForm, RejectClaimForm
from .rules import CLAIM_STATUS_LABELS, ClaimStatus


def _provider_page(status: int = 200, claim_form: ClaimForm | None = None):
    org_id = current_user.organization_id
    if not org_id:
        abort(403)
    rows = db.session.scalars(
        sa.select(VoucherClaim)
        .where(VoucherClaim.provider_org_id == org_id)
        .order_by(VoucherClaim.id.desc())
        .limit(500)
    ).all()
    return render_template(
        "vouchers/claims.html",
        claims=rows,
        open_items=claims.claimable(org_id),
        eligible=eligibility.is_eligible(org_id),
        labels=CLAIM_STATUS_LABELS,
        form=claim_form or ClaimForm(),
    ), status


@claims_bp.get("/")
@login_required
def index():
    return _provider_page()


@claims_bp.post("/redemptions/<int:redemption_id>")
@login_required
def new(redemption_id: int):
    redemption = db.get_or_404(VoucherRedemption, redemption_id)
    if redemption.provider_org_id is None or not current_user.belongs_to(
        redemption.provider_org_id
    ):
        abort(404)
    form = ClaimForm()
    if form.validate_on_submit():
        with Write(form) as write:
            claims.claim(current_user, redemption, form.note.data)
        if write.ok:
            flash(_("兑付申请已提交，等待运营方审核。"), "success")
            return redirect(url_for("voucher_claims.index"))
    return _provider_page(422, form)


def _queue_page(status: int = 200, reject_form: RejectClaimForm | None = None):
    if not current_user.is_operator:
        abort(403)
    rows = db.session.scalars(
        sa.select(VoucherClaim)
        .order_by(
            sa.case((VoucherClaim.status == ClaimStatus.SUBMITTED, 0), else_=1),
            VoucherClaim.id.desc(),
        )
        .limit(500)
    ).all()
    return render_template(
        "vouchers/claims_queue.html",
        claims=rows,
        labels=CLAIM_STATUS_LABELS,
        action_form=ButtonForm(),
        reject_form=reject_form or RejectClaimForm(),
    ), status


@claims_bp.get("/queue")
@login_required
def queue():
    return _queue_page()


@claims_bp.post("/<int:claim_id>/settle")
@login_required
def settle(claim_id: int):
    if not current_user.is_operator:
        abort(403)
    row = db.get_or_404(VoucherClaim, claim_id)
    return button(
        lambda: claims.settle(current_user, row),
        _("已兑付。"),
        url_for("voucher_claims.queue"),
    )


@claims_bp.post("/<int:claim_id>/reject")
@login_required
def reject(claim_id: int):
    if not current_user.is_operator:
        abort(403)
    row = db.get_or_404(VoucherClaim, claim_id)
    form = RejectClaimForm()
    if form.validate_on_submit():
        with Write(form) as write:
            claims.reject(current_user, row, form.reason.data)
        if write.ok:
            flash(_("已驳回兑付申请。"), "success")
            return redirect(url_for("voucher_claims.queue"))
    return _queue_page(422, form)
