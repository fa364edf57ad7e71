"""Technology finance pages (/finance/): products, requests in scope, offers, outcome."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..accounts.models import Organization
from ..core.domain import FIELD_LABELS
from ..core.forms import ButtonForm
from ..core.transaction import Write, form_status
from ..core.web import visible_or_404
from ..extensions import db
from . import checkups, finance, finance_bp, rules
from .forms_finance import (
    InstitutionForm,
    OfferForm,
    OutcomeForm,
    ProductForm,
    RequestForm,
)
from .models_finance import (
    KIND_LABELS,
    FinanceInstitution,
    FinanceProduct,
    FinancingOffer,
    FinancingRequest,
    RequestStatus,
    institution_of,
)


@finance_bp.app_template_global("deal_financing")
def deal_financing(deal) -> list[FinancingRequest]:
    """For the deal room: the financing requests naming the deal the viewer may see."""
    return finance.linked_requests(current_user, deal_id=deal.id)


@finance_bp.app_template_global("deal_can_request_finance")
def deal_can_request_finance(deal) -> bool:
    """A firm member of one of the deal's parties may ask for finance for it."""
    return finance.can_request(current_user) and current_user.organization_id in (
        deal.firm_org_id,
        deal.supplier_org_id,
    )


@finance_bp.route("/")
def index():
    products = db.session.scalars(
        sa.select(FinanceProduct).order_by(FinanceProduct.id.desc())
    ).all()
    return render_template(
        "firms/finance_index.html",
        products=products,
        institution=institution_of(current_user),
        can_request=finance.can_request(current_user),
    )


@finance_bp.route("/institutions", methods=["GET", "POST"])
@login_required
def institutions():
    if not current_user.is_operator:
        abort(403)
    form = InstitutionForm()
    form.organization_id.choices = [
        (o.id, o.name)
        for o in db.session.scalars(sa.select(Organization).order_by(Organization.name))
    ]
    if form.validate_on_submit():
        org = db.get_or_404(Organization, form.organization_id.data)
        with Write(form) as write:
            finance.register_institution(
                current_user, org, form.kinds.data or [], form.fields.data or []
            )
        if write.ok:
            flash(_("已登记金融机构。"), "success")
            return redirect(url_for(".institutions"))
    rows = db.session.scalars(sa.select(FinanceInstitution)).all()
    return render_template(
        "firms/finance_institutions.html",
        form=form,
        rows=rows,
        kind_labels=KIND_LABELS,
        field_labels=FIELD_LABELS,
    ), form_status(form)


@finance_bp.route("/products/new", methods=["GET", "POST"])
@login_required
def new_product():
    if institution_of(current_user) is None:
        abort(403)
    form = ProductForm()
    if form.validate_on_submit():
        with Write(form) as write:
            finance.add_product(current_user, form.to_data())
        if write.ok:
            flash(_("金融产品已发布。"), "success")
            return redirect(url_for(".index"))
    return render_template("firms/finance_product_form.html", form=form), form_status(
        form
    )


@finance_bp.route("/requests/")
@login_required
def requests():
    return render_template(
        "firms/finance_requests.html",
        rows=finance.visible_requests(current_user),
        can_request=finance.can_request(current_user),
    )


@finance_bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    if not finance.can_request(current_user):
        abort(403)
    form = RequestForm()
    form.pledged.choices = [
        (a.id, a.title) for a in finance.pledgeable_ip(current_user.organization_id)
    ]
    form.deal_id.choices = [SelectChoice("", _("（不关联）"))] + [
        SelectChoice(str(d.id), f"#{d.id} {d.title}")
        for d in finance.linkable_deals(current_user)
    ]
    form.checkup_id.choices = [SelectChoice("", _("（不关联）"))] + [
        SelectChoice(
            str(c.id),
            _("%(d)s 的体检", d=format_datetime(c.created_at, "yyyy-MM-dd HH:mm")),
        )
        for c in finance.linkable_checkups(current_user)
    ]
    if request.method == "GET":
        form.deal_id.data = request.args.get("deal", "")
        form.checkup_id.data = request.args.get("checkup", "")
    if form.validate_on_submit():
        data = form.to_data()
        with Write(form) as write:
            req = finance.create_request(current_user, data)
        if write.ok:
            flash(_("融资需求已发布，业务范围内的金融机构可以报价。"), "success")
            return redirect(url_for(".request_detail", request_id=req.id))
    return render_template("firms/finance_request_form.html", form=form), form_status(
        form
    )


def _detail(req: FinancingRequest, offer_form=None, outcome_form=None, status=200):
    inst = institution_of(current_user)
    own = current_user.belongs_to(req.organization_id)
    offers = [
        o
        for o in req.offers
        if own or current_user.is_staff or (inst and o.institution_id == inst.id)
    ]
    summary = None
    if req.checkup is not None:
        # The figures the firm shared by linking its check-up: everyone who may see
        # the request (the institutions in scope, staff) sees them, the report not.
        f = checkups.facts(req.checkup, req.checkup.created_at.date())
        summary = {"c": req.checkup, "sme": rules.sme(f), "hnte": rules.hnte(f)}
    return render_template(
        "firms/finance_request.html",
        req=req,
        summary=summary,
        offers=offers,
        own=own,
        can_offer=inst is not None
        and inst.covers(req)
        and req.status == RequestStatus.OPEN,
        offer_form=offer_form or OfferForm(),
        outcome_form=outcome_form or OutcomeForm(),
        action_form=ButtonForm(),
        field_labels=FIELD_LABELS,
        pledged=[
            a
            for a in finance.pledgeable_ip(req.organization_id)
            if a.id in req.pledged_achievement_ids
        ],
    ), status


@finance_bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _detail(visible_or_404(FinancingRequest, request_id))


@finance_bp.route("/requests/<int:request_id>/offers", methods=["POST"])
@login_required
def offer(request_id: int):
    req = visible_or_404(FinancingRequest, request_id)
    form = OfferForm()
    if form.validate_on_submit():
        with Write(form) as write:
            finance.make_offer(req, current_user, form.to_data())
        if write.ok:
            flash(_("报价已提交。"), "success")
            return redirect(url_for(".request_detail", request_id=req.id))
    return _detail(req, offer_form=form, status=form_status(form))


@finance_bp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@login_required
def accept(offer_id: int):
    offer = db.get_or_404(FinancingOffer, offer_id)
    req = visible_or_404(FinancingRequest, offer.request_id)
    with Write():
        finance.accept_offer(offer, current_user)
    return redirect(url_for(".request_detail", request_id=req.id))


@finance_bp.route("/requests/<int:request_id>/outcome", methods=["POST"])
@login_required
def outcome(request_id: int):
    req = visible_or_404(FinancingRequest, request_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        with Write(form) as write:
            finance.record_outcome(req, current_user, form.outcome.data or "")
        if write.ok:
            flash(_("结果已记录。"), "success")
            return redirect(url_for(".request_detail", request_id=req.id))
    return _detail(req, outcome_form=form, status=form_status(form))
