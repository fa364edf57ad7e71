"""Operator pages: confirming bank transfers, refunds, the fee schedule, exports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import submit
from ..extensions import db
from . import bp, exports, fees, ledger, paying, services
from .access import visible_request
from .forms import ConfirmTransferForm, FeeScheduleForm, RefundForm, RejectTransferForm
from .models import KIND_LABELS, BankTransfer, FeeSchedule, PaymentRequest
from .routes import _detail


def _operator() -> None:
    if not current_user.is_operator:
        abort(403)


def _run(form, req, action, success: str, **forms):
    """Submit `form` to `action`, back to the request page; or the page again with
    the form's errors (422)."""
    return submit(
        form,
        action,
        success,
        url_for("payments.detail", request_id=req.id),
        lambda: _detail(req, 422, **forms),
    )


@bp.post("/transfers/<int:transfer_id>/confirm")
@login_required
def confirm_transfer(transfer_id: int):
    _operator()
    transfer = db.get_or_404(BankTransfer, transfer_id)
    form = ConfirmTransferForm()
    return _run(
        form,
        transfer.request,
        lambda: paying.confirm_transfer(
            transfer, current_user, form.received.fen, form.note.data or ""
        ),
        _("已确认到账。"),
        confirm_form=form,
    )


@bp.post("/transfers/<int:transfer_id>/reject")
@login_required
def reject_transfer(transfer_id: int):
    _operator()
    transfer = db.get_or_404(BankTransfer, transfer_id)
    form = RejectTransferForm()
    return _run(
        form,
        transfer.request,
        lambda: paying.reject_transfer(transfer, current_user, form.note.data),
        _("已标记为未到账。"),
        reject_form=form,
    )


@bp.post("/<int:request_id>/refund")
@login_required
def refund(request_id: int):
    _operator()
    req = visible_request(request_id)
    form = RefundForm()
    return _run(
        form,
        req,
        lambda: paying.refund(req, current_user, form.amount.fen, form.reason.data),
        _("退款已办理。"),
        refund_form=form,
    )


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    _operator()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    reqs = db.session.scalars(
        services.visible_requests_query(current_user).order_by(PaymentRequest.id)
    ).all()
    data = exports.rows(reqs, ledger.balances(reqs))
    return exports.table_response(exports.HEADERS, data, fmt, "payments")


@bp.route("/fees", methods=["GET", "POST"])
@login_required
def fee_schedule():
    _operator()
    kind = request.values.get("kind", "broker_fee")
    if kind not in fees.DEFAULTS:
        abort(404)
    if request.method == "POST":
        form = FeeScheduleForm()
        return submit(
            form,
            lambda: fees.save_schedule(kind, current_user, form.to_data()),
            _("收费标准已保存。"),
            url_for("payments.fee_schedule", kind=kind),
            lambda: _fee_page(form, kind, 422),
        )
    saved = db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.kind == kind))
    base = saved or FeeSchedule(kind=kind, active=True, **fees.DEFAULTS[kind])
    form = FeeScheduleForm(
        data={
            "mode": base.mode,
            "rate_pct": base.rate_bp / 100,
            "minimum": base.min_fen,
            "cap": base.cap_fen or None,
            "fixed": base.fixed_fen,
            "payer": base.payer,
            "active": base.active,
        }
    )
    return _fee_page(form, kind, 200)


def _fee_page(form, kind: str, status: int):
    return render_template(
        "payments/fees.html",
        form=form,
        kind=kind,
        labels=KIND_LABELS,
        current=fees.schedules(),
        rule_text=fees.rule_text,
        kinds=list(fees.DEFAULTS),
    ), status
