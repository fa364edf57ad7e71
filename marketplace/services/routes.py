"""/services/: the provider directory and catalogue, provider pages, service orders."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import Organization
from ..core.domain import FIELD_LABELS
from ..core.forms import ButtonForm
from ..core.timeutil import today_shanghai
from ..core.transaction import Write, button, form_status
from ..extensions import db
from ..vouchers import eligibility as listing
from ..vouchers.models import EligibleProvider
from ..vouchers.rules import SERVICE_KINDS
from . import bp, deal_links, orders, providers
from .forms import (
    AccreditationForm,
    AttachDealForm,
    DeliverForm,
    DisputeForm,
    EligibilityForm,
    OfferingForm,
    OrderForm,
    ProfileForm,
    QuoteForm,
    RateForm,
)
from .models import Offering, Provider, ServiceOrder
from .rules import (
    ACCREDITATION_SCHEMES,
    ORDER_STATUS_LABELS,
    PRICE_MODES,
    PROVIDER_KINDS,
    TOWN_LABELS,
)

LABELS = {
    "kinds": PROVIDER_KINDS,
    "price_modes": PRICE_MODES,
    "schemes": ACCREDITATION_SCHEMES,
    "order_status": ORDER_STATUS_LABELS,
    "towns": TOWN_LABELS,
    "fields": {str(k): v for k, v in FIELD_LABELS.items()},
    "service_kinds": SERVICE_KINDS,
}


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()
    field = request.args.get("field", "")
    if field and field not in LABELS["fields"]:
        field = ""
    standard = request.args.get("standard", "").strip()
    offerings = providers.directory(q, field, standard)
    all_providers = db.session.scalars(sa.select(Provider).order_by(Provider.id)).all()
    return render_template(
        "services/index.html",
        offerings=offerings,
        providers=all_providers,
        q=q,
        field=field,
        standard=standard,
        eligible={
            p.id for p in all_providers if listing.is_eligible(p.organization_id)
        },
        labels=LABELS,
        own=providers.provider_of(getattr(current_user, "organization_id", None)),
    )


def _provider_page(provider: Provider, status: int = 200, **forms):
    manager = providers.can_manage(current_user, provider)
    return render_template(
        "services/provider.html",
        provider=provider,
        manager=manager,
        today=today_shanghai(),
        ratings=providers.ratings(provider),
        listing=db.session.get(EligibleProvider, provider.organization_id),
        labels=LABELS,
        acc_form=forms.get("acc_form") or AccreditationForm(),
        offering_form=forms.get("offering_form") or OfferingForm(),
        order_form=forms.get("order_form") or OrderForm(),
        eligibility_form=forms.get("eligibility_form") or EligibilityForm(),
    ), status


@bp.get("/providers/<int:provider_id>")
def provider(provider_id: int):
    return _provider_page(db.get_or_404(Provider, provider_id))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    own = providers.provider_of(current_user.organization_id)
    form = ProfileForm(obj=own)
    if form.validate_on_submit():
        with Write(form) as write:
            own = providers.save_profile(
                current_user,
                form.kind.data,
                form.description.data,
                form.fields.data,
                form.town.data,
            )
        if write.ok:
            flash(_("服务机构信息已保存。"), "success")
            return redirect(url_for("services.provider", provider_id=own.id))
    return render_template("services/profile.html", form=form), form_status(form)


@bp.post("/providers/<int:provider_id>/accreditations")
@login_required
def add_accreditation(provider_id: int):
    provider = db.get_or_404(Provider, provider_id)
    form = AccreditationForm()
    if form.validate_on_submit():
        with Write(form) as write:
            providers.add_accreditation(
                current_user,
                provider,
                form.scheme.data,
                form.number.data,
                form.valid_from.data,
                form.valid_until.data,
            )
        if write.ok:
            flash(_("资质已添加。"), "success")
            return redirect(url_for("services.provider", provider_id=provider.id))
    elif not providers.can_manage(current_user, provider):
        abort(403)
    return _provider_page(provider, 422, acc_form=form)


@bp.post("/providers/<int:provider_id>/offerings")
@login_required
def add_offering(provider_id: int):
    provider = db.get_or_404(Provider, provider_id)
    form = OfferingForm()
    if form.validate_on_submit():
        with Write(form) as write:
            providers.add_offering(
                current_user,
                provider,
                name=form.name.data,
                standard=form.standard.data,
                field=form.field.data,
                service_kind=form.service_kind.data,
                turnaround_days=form.turnaround_days.data,
                price_mode=form.price_mode.data,
                price_fen=form.price.fen,
                client_sends=form.client_sends.data,
            )
        if write.ok:
            flash(_("服务已加入目录。"), "success")
            return redirect(url_for("services.provider", provider_id=provider.id))
    elif not providers.can_manage(current_user, provider):
        abort(403)
    return _provider_page(provider, 422, offering_form=form)


@bp.post("/providers/<int:provider_id>/eligibility")
@login_required
def eligibility(provider_id: int):
    provider = db.get_or_404(Provider, provider_id)
    form = EligibilityForm()
    if form.validate_on_submit():
        with Write(form) as write:
            listing.set_eligibility(
                current_user,
                db.session.get(Organization, provider.organization_id),
                form.eligible.data,
                form.reason.data,
            )
        if write.ok:
            flash(_("创新券服务机构认定已更新。"), "success")
            return redirect(url_for("services.provider", provider_id=provider.id))
    elif not current_user.is_operator:
        abort(403)
    return _provider_page(provider, 422, eligibility_form=form)


@bp.post("/offerings/<int:offering_id>/order")
@login_required
def order_new(offering_id: int):
    offering = db.get_or_404(Offering, offering_id)
    form = OrderForm()
    if form.validate_on_submit():
        with Write(form) as write:
            order = orders.request_order(
                current_user, offering, form.quantity.data, form.note.data
            )
        if write.ok:
            flash(_("已提交服务委托，请等待服务机构报价或确认。"), "success")
            return redirect(url_for("services.order", order_id=order.id))
    return _provider_page(offering.provider, 422, order_form=form)


@bp.get("/orders")
@login_required
def order_list():
    q = sa.select(ServiceOrder).order_by(ServiceOrder.id.desc())
    if not current_user.is_staff:
        if not current_user.organization_id:
            abort(403)
        org = current_user.organization_id
        q = q.where(
            sa.or_(ServiceOrder.firm_org_id == org, ServiceOrder.provider_org_id == org)
        )
    return render_template(
        "services/orders.html",
        orders=db.session.scalars(q.limit(200)).all(),
        labels=LABELS,
    )


def _visible_order(order_id: int) -> ServiceOrder:
    order = db.get_or_404(ServiceOrder, order_id)
    if not orders.can_view(current_user, order):
        abort(404)
    return order


def _order_page(order: ServiceOrder, status: int = 200, **forms):
    return render_template(
        "services/order.html",
        order=order,
        labels=LABELS,
        firm_side=orders.is_firm_side(current_user, order),
        provider_side=orders.is_provider_side(current_user, order),
        listed=orders.listed_price(order),
        action_form=ButtonForm(),
        deal_form=AttachDealForm(),
        deals=deal_links.attachable_deals(current_user, order),
        quote_form=forms.get("quote_form") or QuoteForm(),
        deliver_form=forms.get("deliver_form") or DeliverForm(),
        dispute_form=forms.get("dispute_form") or DisputeForm(),
        rate_form=forms.get("rate_form") or RateForm(),
    ), status


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int):
    return _order_page(_visible_order(order_id))


@bp.post("/orders/<int:order_id>/quote")
@login_required
def order_quote(order_id: int):
    order = _visible_order(order_id)
    form = QuoteForm()
    if form.validate_on_submit():
        with Write(form) as write:
            orders.quote(current_user, order, form.price.fen, form.note.data)
        if write.ok:
            flash(_("报价已发送。"), "success")
            return redirect(url_for("services.order", order_id=order.id))
    return _order_page(order, 422, quote_form=form)


#: Steps that are a bare POST: name → (service, message on success).
STEPS = {
    "accept_listed": (orders.accept_listed, _l("已按目录价格接单。")),
    "confirm": (orders.confirm, _l("已确认委托，服务机构将开始服务。")),
    "cancel": (orders.cancel, _l("订单已取消。")),
    "accept": (orders.accept, _l("已验收，付款通知已生成。")),
}


@bp.post("/orders/<int:order_id>/<any(accept_listed, confirm, cancel, accept):step>")
@login_required
def order_step(order_id: int, step: str):
    order = _visible_order(order_id)
    service, message = STEPS[step]
    return button(
        lambda: service(current_user, order),
        message,
        url_for("services.order", order_id=order.id),
    )


@bp.post("/orders/<int:order_id>/deliver")
@login_required
def order_deliver(order_id: int):
    order = _visible_order(order_id)
    form = DeliverForm()
    if form.validate_on_submit():
        with Write(form) as write:
            orders.deliver(current_user, order, request.files.get("report"))
        if write.ok:
            flash(_("报告已上传，等待企业验收。"), "success")
            return redirect(url_for("services.order", order_id=order.id))
    return _order_page(order, 422, deliver_form=form)


@bp.post("/orders/<int:order_id>/dispute")
@login_required
def order_dispute(order_id: int):
    order = _visible_order(order_id)
    form = DisputeForm()
    if form.validate_on_submit():
        with Write(form) as write:
            orders.dispute(current_user, order, form.reason.data)
        if write.ok:
            flash(_("异议已提交，服务机构将处理。"), "success")
            return redirect(url_for("services.order", order_id=order.id))
    return _order_page(order, 422, dispute_form=form)


@bp.post("/orders/<int:order_id>/rate")
@login_required
def order_rate(order_id: int):
    order = _visible_order(order_id)
    form = RateForm()
    if form.validate_on_submit():
        with Write(form) as write:
            orders.rate(current_user, order, form.rating.data, form.comment.data)
        if write.ok:
            flash(_("感谢评价。"), "success")
            return redirect(url_for("services.order", order_id=order.id))
    return _order_page(order, 422, rate_form=form)
