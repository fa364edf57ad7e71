"""Registration pages: recording the 认定登记 and exporting contract data for the office."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.pdf import private_download
from ..core.transaction import form_status, submit
from ..uploads.services import UploadTooLarge
from . import bp, registration, registration_export
from .forms import ExportForm
from .forms_registration import RegistrationForm
from .routes import visible_contract
from .rules import REG_TRANSFER_TYPES

_FORMATS = {
    "csv": ("text/csv; charset=utf-8", registration_export.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        registration_export.to_xlsx,
    ),
}


@bp.route("/<int:contract_id>/registration", methods=["GET", "POST"])
@login_required
def register(contract_id: int):
    contract = visible_contract(contract_id)
    if not registration.can_record(contract, current_user):
        abort(403)
    if contract.registration is not None:
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    form = RegistrationForm(data=registration.initial_data(contract))

    def again():
        return render_template(
            "contracts/register.html",
            form=form,
            contract=contract,
            transfer=contract.latest.body.get("type") in REG_TRANSFER_TYPES,
        ), form_status(form)

    def refused(error):
        if isinstance(error, UploadTooLarge):
            abort(413)
        return again()

    return submit(
        form,
        lambda: registration.record_registration(
            contract, current_user, form.to_data(), request.files.get("certificate")
        ),
        _("认定登记信息已录入。"),
        url_for("contracts.detail", contract_id=contract.id),
        again,
        refused=refused,
    )


def _download(contracts, fmt: str, name: str):
    mimetype, render = _FORMATS.get(fmt) or abort(404)
    return private_download(render(contracts), mimetype, f"{name}.{fmt}")


@bp.route("/<int:contract_id>/export.<fmt>")
@login_required
def export_one(contract_id: int, fmt: str):
    contract = visible_contract(contract_id)
    if contract.signed_at is None:
        abort(404)
    return _download([contract], fmt, f"contract-{contract.id}")


@bp.route("/export")
@roles_required(Role.OPERATOR)
def export():
    form = ExportForm(formdata=request.args)
    if request.args.get("format") and form.validate():
        contracts = registration_export.registered_between(
            form.date_from.data, form.date_to.data
        )
        return _download(contracts, form.format.data, "registered-contracts")
    status = 422 if request.args.get("format") else 200
    return render_template("contracts/export.html", form=form), status
