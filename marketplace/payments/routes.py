"""Payment pages for payers, payees and brokers: lists, a request, paying it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write, submit
from ..core.web import CSP
from ..deals.models import Deal
from ..deals.pricing.models import AuctionBidder
from ..extensions import db
from ..vouchers.services import usable_vouchers
from . import bp, ledger, paying, services, stripe_gateway
from .access import visible_request
from .deposits import ensure_deposit_request
from .forms import (
    ConfirmTransferForm,
    RefundForm,
    RejectTransferForm,
    RoyaltyForm,
    TransferForm,
)
from .models import PaymentRequest, PaymentStatus


def visible_deal(deal_id: int):

    deal = db.get_or_404(Deal, deal_id)
    if not deal.can_view(current_user):
        abort(404)
    return deal


@bp.get("/")
@login_required
def index():
    q = services.visible_requests_query(current_user)
    status = request.args.get("status", "")
    reqs = db.session.scalars(
        q.order_by(PaymentRequest.due_on, PaymentRequest.id)
    ).all()
    bal = ledger.balances(reqs)
    if status:
        reqs = [r for r in reqs if bal[r.id].status == status]
    totals = {
        k: sum(getattr(bal[r.id], k) for r in reqs)
        for k in ("due", "settled", "refunded", "outstanding")
    }
    totals["overdue"] = sum(
        bal[r.id].outstanding for r in reqs if bal[r.id].status == PaymentStatus.OVERDUE
    )
    return render_template(
        "payments/index.html", reqs=reqs, bal=bal, totals=totals, status=status
    )


def _detail(req: PaymentRequest, status: int = 200, **forms):
    roles = req.viewer_roles(current_user)
    forms.setdefault("transfer_form", TransferForm())
    forms.setdefault("refund_form", RefundForm(formdata=None))
    forms.setdefault("confirm_form", ConfirmTransferForm(formdata=None))
    forms.setdefault("reject_form", RejectTransferForm(formdata=None))

    vouchers = usable_vouchers(req, current_user) if "payer" in roles else []
    return render_template(
        "payments/detail.html",
        req=req,
        bal=ledger.balance(req),
        roles=roles,
        stripe_enabled=stripe_gateway.enabled(),
        vouchers=vouchers,
        **forms,
    ), status


@bp.get("/<int:request_id>")
@login_required
def detail(request_id: int):
    return _detail(visible_request(request_id))


@bp.post("/<int:request_id>/pay")
@login_required
def pay(request_id: int):
    req = visible_request(request_id)
    with Write() as write:
        paying.start_stripe_payment(req, current_user)
    if not write.ok:
        return redirect(url_for("payments.detail", request_id=req.id))
    return redirect(url_for("payments.checkout", request_id=req.id))


def checkout_csp() -> str:
    """The market's CSP plus Stripe.js, its frames and its API, for the checkout only."""
    parts = {p.split(" ", 1)[0]: p for p in CSP.split("; ")}
    parts["script-src"] = "script-src 'self' https://js.stripe.com"
    parts["frame-src"] = "frame-src https://js.stripe.com https://hooks.stripe.com"
    parts["connect-src"] = "connect-src 'self' https://api.stripe.com"
    return "; ".join(parts.values())


@bp.get("/<int:request_id>/checkout")
@login_required
def checkout(request_id: int):
    req = visible_request(request_id)
    if not req.can_pay(current_user):
        abort(403)
    intent = paying.open_intent(req)
    if intent is None:
        return redirect(url_for("payments.detail", request_id=req.id))
    resp = current_app.make_response(
        render_template(
            "payments/checkout.html",
            req=req,
            intent=intent,
            publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY") or "",
        )
    )
    resp.headers["Content-Security-Policy"] = checkout_csp()
    return resp


@bp.get("/<int:request_id>/return")
@login_required
def stripe_return(request_id: int):
    req = visible_request(request_id)
    flash(_("支付已提交，到账以支付机构通知为准，请稍后刷新查看。"), "info")
    return redirect(url_for("payments.detail", request_id=req.id))


@bp.post("/<int:request_id>/transfer")
@login_required
def transfer(request_id: int):
    req = visible_request(request_id)
    form = TransferForm()
    return submit(
        form,
        lambda: paying.submit_transfer(
            req, current_user, form.receipt.data, form.reference.data
        ),
        _("转账回单已提交，待运营方确认到账。"),
        url_for("payments.detail", request_id=req.id),
        lambda: _detail(req, 422, transfer_form=form),
    )


@bp.get("/deal/<int:deal_id>")
@login_required
def for_deal(deal_id: int):
    deal = visible_deal(deal_id)
    reqs = [
        r
        for r in db.session.scalars(
            sa.select(PaymentRequest)
            .where(PaymentRequest.deal_id == deal.id)
            .order_by(PaymentRequest.due_on, PaymentRequest.id)
        )
        if r.can_view(current_user)
    ]
    return render_template(
        "payments/deal.html",
        deal=deal,
        reqs=reqs,
        bal=ledger.balances(reqs),
        totals=ledger.deal_totals(deal.id),
        royalty=services.royalty_terms(deal),
        can_report=current_user.belongs_to(deal.firm_org_id),
        form=RoyaltyForm(formdata=None),
    )


@bp.post("/deal/<int:deal_id>/royalty")
@login_required
def report_royalty(deal_id: int):
    deal = visible_deal(deal_id)
    form = RoyaltyForm()
    return submit(
        form,
        lambda: services.report_royalty(
            deal,
            current_user,
            form.period_start.data,
            form.period_end.data,
            form.base.fen,
        ),
        lambda req: _("提成已申报，应付 %(a)s。", a=f"¥{req.amount_fen / 100:,.2f}"),
        lambda req: url_for("payments.detail", request_id=req.id),
        lambda: _royalty_again(deal, form),
    )


def _royalty_again(deal: Deal, form: RoyaltyForm):
    """The deal's payments page with the royalty form's errors."""
    reqs = [
        r
        for r in db.session.scalars(
            sa.select(PaymentRequest).where(PaymentRequest.deal_id == deal.id)
        )
        if r.can_view(current_user)
    ]
    return render_template(
        "payments/deal.html",
        deal=deal,
        reqs=reqs,
        bal=ledger.balances(reqs),
        totals=ledger.deal_totals(deal.id),
        royalty=services.royalty_terms(deal),
        can_report=True,
        form=form,
    ), 422


@bp.post("/deposit/<int:bidder_id>")
@login_required
def deposit(bidder_id: int):
    """Open (or find) the deposit request of a bidder; the deals page links here."""

    bidder = db.get_or_404(AuctionBidder, bidder_id)
    if not (
        current_user.belongs_to(bidder.organization_id) or current_user.is_operator
    ):
        abort(404)
    req = ensure_deposit_request(bidder)
    if req is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("payments.detail", request_id=req.id))
