"""Bulk pages: upload, preview in chunks (with progress), confirm or cancel, error file,
templates, and XLSX exports of the member's own organisation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import Organization
from ..core import exports
from ..core.transaction import Write
from ..core.web import visible_or_404
from ..extensions import db
from ..listings.lifecycle import STATUS_LABELS
from . import bp, services, sheets
from .checks import allowed_kinds, organizations_for, status_choices
from .forms import KIND_LABELS, ConfirmForm, UploadForm
from .models import BulkImport, BulkImportRow, ImportState, RowOutcome


def _kinds_or_403() -> list[str]:
    kinds = allowed_kinds(current_user)
    if not kinds:
        abort(403)
    return kinds


def _import_or_404(import_id: int) -> BulkImport:
    return visible_or_404(BulkImport, import_id)


def _upload_form(kinds: list[str]) -> UploadForm:
    form = UploadForm()
    form.kind.choices = [(k, KIND_LABELS[k]) for k in kinds]
    statuses = []
    for k in kinds:
        statuses += [s for s in status_choices(current_user, k) if s not in statuses]
    form.target_status.choices = [(s, STATUS_LABELS[s]) for s in statuses]
    orgs = []
    if current_user.is_operator:
        orgs = [o for k in kinds for o in organizations_for(k)]
    form.organization_id.choices = [(0, _("（按文件中的机构名称）"))] + [
        (o.id, o.name) for o in orgs
    ]
    return form


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    kinds = _kinds_or_403()
    form = _upload_form(kinds)
    if form.validate_on_submit():
        upload = form.file.data
        org = (
            db.session.get(Organization, form.organization_id.data)
            if current_user.is_operator and form.organization_id.data
            else None
        )
        with Write(form) as write:
            bi = services.start_import(
                current_user,
                form.kind.data,
                form.target_status.data,
                upload.filename or "",
                upload.read(),
                org,
            )
        if write.ok:
            return redirect(url_for(".show", import_id=bi.id))
    recent = db.session.scalars(
        sa.select(BulkImport)
        .where(BulkImport.user_id == current_user.id)
        .order_by(BulkImport.id.desc())
        .limit(10)
    ).all()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "bulk/index.html",
        form=form,
        kinds=kinds,
        recent=recent,
        kind_labels=KIND_LABELS,
    ), status


@bp.route("/<int:import_id>")
@login_required
def show(import_id: int):
    bi = _import_or_404(import_id)
    only_errors = request.args.get("only") == "errors"
    query = sa.select(BulkImportRow).where(BulkImportRow.bulk_import_id == bi.id)
    if only_errors:
        query = query.where(BulkImportRow.outcome == RowOutcome.ERROR)
    page = db.paginate(query.order_by(BulkImportRow.line), per_page=50, error_out=False)
    return render_template(
        "bulk/show.html",
        bi=bi,
        page=page,
        only_errors=only_errors,
        form=ConfirmForm(),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        progress=services.PROGRESS.get(bi.id),
    )


def _status(bi: BulkImport) -> dict:
    if bi.state == ImportState.IMPORTING:
        done = services.PROGRESS.get(bi.id)
        text = (
            _("正在导入：%(d)s / %(t)s 行", d=done, t=bi.good_rows)
            if done is not None
            else _("正在导入，请稍候…")
        )
        return {
            "state": bi.state,
            "processed": done,
            "total": bi.good_rows,
            "finished": False,
            "message": text,
        }
    return {
        "state": bi.state,
        "processed": bi.processed_rows,
        "total": bi.total_rows,
        "finished": bi.state != ImportState.PREVIEWING,
        "message": _("已检查 %(d)s / %(t)s 行", d=bi.processed_rows, t=bi.total_rows),
    }


@bp.route("/<int:import_id>/status")
@login_required
def status(import_id: int):
    return jsonify(_status(_import_or_404(import_id)))


@bp.route("/<int:import_id>/step", methods=["POST"])
@login_required
def step(import_id: int):
    bi = _import_or_404(import_id)
    services.preview_step(bi)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(_status(bi))
    return redirect(url_for(".show", import_id=bi.id))


@bp.route("/<int:import_id>/confirm", methods=["POST"])
@login_required
def confirm(import_id: int):
    bi = _import_or_404(import_id)
    if bi.user_id != current_user.id:
        abort(403)  # the operator may look at a member's import, not run it
    inline = bi.good_rows <= services.inline_limit()
    with Write() as write:
        services.confirm(bi, current_user, inline=inline)
    if not write.ok:
        return redirect(url_for(".show", import_id=bi.id))
    if inline:
        services.discard_file(bi)
        services.match_imported(bi.id)
        flash(
            _(
                "导入完成：新增 %(c)s 条，更新 %(u)s 条。",
                c=bi.created_count,
                u=bi.updated_count,
            ),
            "success",
        )
    else:
        services.launch_background(
            current_app._get_current_object(), bi.id, current_user.id
        )
    return redirect(url_for(".show", import_id=bi.id))


@bp.route("/<int:import_id>/cancel", methods=["POST"])
@login_required
def cancel(import_id: int):
    bi = _import_or_404(import_id)
    if bi.user_id != current_user.id:
        abort(403)
    with Write() as write:
        services.cancel(bi, current_user)
    if not write.ok:
        return redirect(url_for(".show", import_id=bi.id))
    services.discard_file(bi)
    flash(_("已取消导入，未保存任何数据。"), "info")
    return redirect(url_for(".index"))


@bp.route("/<int:import_id>/errors.csv")
@login_required
def errors_csv(import_id: int):
    bi = _import_or_404(import_id)
    rows = [
        [
            row.line,
            row.organization_name,
            row.external_ref or "",
            row.title,
            "；".join(row.errors),
        ]
        for row in db.session.scalars(
            sa.select(BulkImportRow)
            .where(
                BulkImportRow.bulk_import_id == bi.id,
                BulkImportRow.outcome == RowOutcome.ERROR,
            )
            .order_by(BulkImportRow.line)
        )
    ]
    header = [_("行号"), _("机构名称"), _("编号"), _("标题"), _("错误原因")]
    return exports.download(
        exports.to_csv(header, rows), "csv", f"import-{bi.id}-errors"
    )


@bp.route("/template/<kind>.<fmt>")
@login_required
def template(kind: str, fmt: str):
    if kind not in _kinds_or_403() or fmt not in ("csv", "xlsx"):
        abort(404)
    org = None if current_user.is_operator else current_user.organization.name
    make = sheets.template_csv if fmt == "csv" else sheets.template_xlsx
    return exports.download(make(kind, org), fmt, f"{kind}-template")


@bp.route("/export/<what>.xlsx")
@login_required
def export(what: str):
    _kinds_or_403()
    if current_user.is_operator:
        org_id = request.args.get("org_id", type=int)
        org = db.get_or_404(Organization, org_id) if org_id else abort(404)
    else:
        org = current_user.organization
    if what == "deals":
        body = sheets.export_deals(org)
    elif what in ("achievements", "needs"):
        body = sheets.export_listings(org, what[:-1])
    else:
        abort(404)
    return exports.download(body, "xlsx", f"{what}-{org.id}")
