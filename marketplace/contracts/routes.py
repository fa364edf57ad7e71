"""Contract pages: draft, versions and their diff, signing, the print view and the PDF."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.pdf import download
from ..core.transaction import button, form_status, submit
from ..core.web import visible_or_404
from ..deals.models import Deal
from ..extensions import db
from . import bp, documents, services
from .forms import ContractForm, SignForm, form_data_from_body
from .models import Contract
from .registration import can_record
from .rules import contract_of


def visible_deal(deal_id: int) -> Deal:
    return visible_or_404(Deal, deal_id)


def visible_contract(contract_id: int) -> Contract:
    contract = db.get_or_404(Contract, contract_id)
    if not contract.deal.can_view(current_user):
        abort(404)
    return contract


def _version_or_404(contract: Contract, number):
    if number is None:
        return contract.latest
    return contract.version(number) or abort(404)


@bp.route("/deal/<int:deal_id>")
@login_required
def for_deal(deal_id: int):
    deal = visible_deal(deal_id)
    contract = contract_of(deal)
    if contract is not None:
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    return render_template(
        "contracts/none.html",
        deal=deal,
        can_draft=services.can_draft(deal, current_user),
    )


@bp.route("/deal/<int:deal_id>/draft", methods=["GET", "POST"])
@login_required
def draft(deal_id: int):
    deal = visible_deal(deal_id)
    if not services.can_draft(deal, current_user):
        abort(403)
    if (existing := contract_of(deal)) is not None:
        return redirect(url_for("contracts.detail", contract_id=existing.id))
    form = ContractForm(
        data=form_data_from_body(services.prefill_body(deal))
        if request.method == "GET"
        else None
    )
    return submit(
        form,
        lambda: services.draft_contract(
            deal, current_user, form.to_body(), form.note.data
        ),
        _("合同草稿已保存（第 1 版）。"),
        lambda contract: url_for("contracts.detail", contract_id=contract.id),
        lambda: (
            render_template("contracts/form.html", form=form, deal=deal, contract=None),
            form_status(form),
        ),
    )


@bp.route("/<int:contract_id>")
@login_required
def detail(contract_id: int):
    contract = visible_contract(contract_id)
    version = _version_or_404(contract, request.args.get("version", type=int))
    return render_template(
        "contracts/detail.html",
        contract=contract,
        version=version,
        rows=documents.field_rows(version.body),
        my_party=services.signing_party(contract, current_user),
        can_edit=services.can_edit(contract, current_user),
        can_register=can_record(contract, current_user),
        price_errors=services.price_errors(contract.deal, contract.latest.body),
    )


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contract_id: int):
    contract = visible_contract(contract_id)
    if not services.can_edit(contract, current_user):
        abort(403)
    latest = contract.latest
    form = ContractForm(
        data={
            **form_data_from_body(services.form_body(contract)),
            "base_version": latest.number,
        }
        if request.method == "GET"
        else None
    )
    return submit(
        form,
        lambda: services.save_version(
            contract,
            current_user,
            form.to_body(),
            form.base_version.data,
            form.note.data,
        ),
        lambda version: _("已保存为第 %(n)s 版。", n=version.number),
        url_for("contracts.detail", contract_id=contract.id),
        lambda: (
            render_template(
                "contracts/form.html", form=form, deal=contract.deal, contract=contract
            ),
            form_status(form),
        ),
    )


@bp.route("/<int:contract_id>/diff")
@login_required
def diff(contract_id: int):
    contract = visible_contract(contract_id)
    latest = contract.latest.number
    a = _version_or_404(contract, request.args.get("a", max(latest - 1, 1), type=int))
    b = _version_or_404(contract, request.args.get("b", latest, type=int))
    return render_template(
        "contracts/diff.html",
        contract=contract,
        a=a,
        b=b,
        changes=documents.diff_versions(a.body, b.body),
    )


@bp.route("/<int:contract_id>/sign", methods=["POST"])
@login_required
def sign(contract_id: int):
    contract = visible_contract(contract_id)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    if services.signing_party(contract, current_user) is None:
        abort(403)
    return button(
        lambda: services.sign(contract, current_user, form.version.data),
        lambda _signed: (
            _("双方已签署同一版本，合同已签订。")
            if contract.latest_fully_signed
            else _("已签署第 %(n)s 版，已通知对方确认。", n=form.version.data)
        ),
        url_for("contracts.detail", contract_id=contract.id),
    )


@bp.route("/<int:contract_id>/request-signature", methods=["POST"])
@login_required
def request_signature(contract_id: int):
    contract = visible_contract(contract_id)
    if not services.can_edit(contract, current_user):
        abort(403)
    return button(
        lambda: services.request_signature(contract, current_user),
        lambda told: _("已提醒 %(n)s 人确认签署。", n=told),
        url_for("contracts.detail", contract_id=contract.id),
    )


@bp.route("/<int:contract_id>/print")
@login_required
def print_view(contract_id: int):
    contract = visible_contract(contract_id)
    version = _version_or_404(contract, request.args.get("version", type=int))
    sup, firm = documents._party_titles(version.body.get("type") or "")
    return render_template(
        "contracts/print.html",
        contract=contract,
        version=version,
        sections=documents.sections(version.body),
        supplier_title=sup,
        firm_title=firm,
    )


@bp.route("/<int:contract_id>/pdf")
@login_required
def pdf(contract_id: int):
    contract = visible_contract(contract_id)
    version = _version_or_404(contract, request.args.get("version", type=int))
    return download(
        lambda: documents.render_pdf(contract, version),
        f"contract-{contract.id}-v{version.number}.pdf",
        url_for("contracts.print_view", contract_id=contract.id),
    )
