"""The brokers' pages: the translation queue and the translation form."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.forms import keyword_list
from ..core.timeutil import utcnow
from ..core.transaction import form_status, submit
from ..extensions import db
from ..listings.lifecycle import STATUS_LABELS, NeedStatus
from . import bp, queries, services
from .forms import TranslationForm
from .models import Need


@bp.route("/queue")
@roles_required(Role.BROKER, Role.OPERATOR)
def translation_queue():
    status = request.args.get("status")
    if status not in queries.QUEUE_STATUSES:
        status = None
    mine = request.args.get("mine") == "1"
    page = db.paginate(
        queries.translation_queue(current_user, status, mine),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "needs/queue.html",
        page=page,
        status=status,
        mine=mine,
        counts=queries.queue_counts(current_user, mine),
        statuses=[str(s) for s in queries.QUEUE_STATUSES],
        status_labels=STATUS_LABELS,
        age_text=queries.age_text,
        waiting_since=queries.waiting_since,
        can_publish=_can_publish,
        now=utcnow(),
    )


def _can_publish(need: Need) -> bool:
    """The queue's publish button: the same rule as the need page's (listings workflow)."""
    return any(
        t.action == "publish" for t in services.visible_actions(need, current_user)
    )


def _initial(need: Need) -> dict:
    current = need.current_translation
    if current is None:
        return {"field": need.field}
    return {
        "technical_problem": current.technical_problem,
        "indicators": services.indicators_text(current.indicators),
        "existing_conditions": current.existing_conditions,
        "field": current.field,
        "keywords": "、".join(current.keywords or []),
    }


@bp.route("/<int:need_id>/translate", methods=["GET", "POST"])
@roles_required(Role.BROKER, Role.OPERATOR)
def translate(need_id: int):
    need = db.get_or_404(Need, need_id)
    if not need.can_translate(current_user):
        if need.effective_status == NeedStatus.TRANSLATING:
            abort(403)  # claimed by another broker
        flash(_("只有处于“翻译中”的需求可以编写翻译。"), "warning")
        return redirect(url_for("needs.detail", need_id=need.id))
    if request.method == "GET":
        form = TranslationForm(data=_initial(need))
    else:
        form = TranslationForm()
    propose = request.form.get("intent") == "propose"
    return submit(
        form,
        lambda: services.save_translation(
            need, current_user, _data(form), propose=propose
        ),
        lambda t: (
            _("翻译第 %(v)d 版已提交企业确认。", v=t.version)
            if propose
            else _("已保存为第 %(v)d 版。", v=t.version)
        ),
        url_for("needs.detail" if propose else "needs.translate", need_id=need.id),
        lambda: (
            render_template("needs/translate.html", form=form, need=need),
            form_status(form),
        ),
    )


def _data(form: TranslationForm) -> dict:
    return {
        "technical_problem": form.technical_problem.data,
        "indicators": form.indicators.data,
        "existing_conditions": form.existing_conditions.data or "",
        "field": form.field.data,
        "keywords": keyword_list(form.keywords.data),
    }
