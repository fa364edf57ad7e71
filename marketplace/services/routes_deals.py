"""Service network panels on other packages' pages: orders on deals, services for needs."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write
from ..deals.models import Deal
from ..extensions import db
from . import bp, deal_links, orders, suggest
from .forms import AttachDealForm
from .models import ServiceOrder
from .rules import ORDER_STATUS_LABELS


@bp.app_template_global()
def service_orders_of_deal(deal: Deal) -> list[dict]:
    """For templates/services/_deal_orders.html, included by the deal page."""
    return [
        {
            "order": o,
            "status": ORDER_STATUS_LABELS.get(o.status, o.status),
            "viewable": orders.can_view(current_user, o),
        }
        for o in deal_links.orders_of_deal(deal)
    ]


@bp.post("/orders/<int:order_id>/deal")
@login_required
def order_deal(order_id: int):
    order = db.get_or_404(ServiceOrder, order_id)
    if not current_user.is_broker:
        abort(403)
    form = AttachDealForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请重试。"), "error")
        return redirect(url_for("services.order", order_id=order.id))
    deal = None
    if form.deal.data:
        deal = db.session.get(Deal, form.deal.data)
        if deal is None:
            abort(404)
    with Write() as write:
        deal_links.attach(current_user, order, deal)
    if write.ok:
        flash(_("已关联到交易。") if deal else _("已取消与交易的关联。"), "success")
    return redirect(url_for("services.order", order_id=order.id))


@bp.app_template_global()
def services_for_need(need) -> dict:
    """For templates/services/_need_services.html on the need page (firm and brokers):
    catalogue services and shared instruments that could answer it."""
    if not need.can_view_original(current_user):
        return {"offerings": [], "instruments": []}
    return {
        "offerings": suggest.suggest_for_need(need),
        "instruments": suggest.instruments_for_need(need),
    }
