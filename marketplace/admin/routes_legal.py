"""The operator edits the legal texts: each save publishes a new numbered version."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.transaction import form_status, submit
from ..legal import texts
from ..legal.models import TEXT_KIND_LABELS, TextKind
from . import bp
from .forms_legal import LegalTextForm, ObjectionProcedureForm


def _form_class(kind: str):
    return (
        ObjectionProcedureForm
        if kind == TextKind.OBJECTION_PROCEDURE
        else LegalTextForm
    )


@bp.route("/legal/<kind>", methods=["GET", "POST"])
def legal_text(kind: str):
    if kind not in set(TextKind):
        abort(404)
    current = texts.current(kind)
    form_class = _form_class(kind)
    if request.method == "GET":
        form = form_class(data={**(current.facts or {}), **_fields(current)})
    else:
        form = form_class()
    return submit(
        form,
        lambda: texts.publish(
            kind,
            current_user,
            form.title.data,
            form.body.data,
            form.body_en.data or "",
            form.facts() if hasattr(form, "facts") else {},
        ),
        lambda text: _("已发布第 %(n)d 版。", n=text.version),
        url_for("admin.legal_text", kind=kind),
        lambda: (
            render_template(
                "admin/legal_text.html",
                form=form,
                kind=kind,
                kind_label=TEXT_KIND_LABELS[TextKind(kind)],
                current=current,
                history=texts.history(kind),
            ),
            form_status(form),
        ),
    )


def _fields(text) -> dict:
    return {"title": text.title, "body": text.body, "body_en": text.body_en}
