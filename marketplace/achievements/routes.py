"""Achievement pages: list, detail, create/edit, lifecycle actions, NDA requests, uploads."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..core.transaction import form_status, status_of, submit
from ..dashboard.events import record_match_view
from ..extensions import db
from ..listings.lifecycle import ACTION_LABELS
from ..listings.services import apply_listing_action, available_actions
from ..search.queries import match_panel
from ..uploads.services import UploadTooLarge, attachments_of
from . import bp, queries, services
from .forms import (
    AchievementForm,
    ActionForm,
    NdaDecisionForm,
    NdaRequestForm,
    UploadForm,
)
from .models import Achievement, NdaRequest, NdaState


def _visible_or_404(achievement_id: int) -> Achievement:
    achievement = db.get_or_404(Achievement, achievement_id)
    # Drafts and other private states do not exist for outsiders.
    if not achievement.can_view(current_user):
        abort(404)
    return achievement


def _render_detail(a: Achievement, status: int = 200, **forms):
    user = current_user
    can_detail = a.can_view_detail(user)
    my_requests = []
    if user.is_authenticated and not can_detail:
        my_requests = sorted(
            (r for r in a.nda_requests if r.requester_id == user.id), key=lambda r: r.id
        )
    context = {
        "a": a,
        "can_detail": can_detail,
        "is_owner": a.is_owned_by(user),
        "actions": available_actions(a, user),
        "action_labels": ACTION_LABELS,
        "attachments": [
            att
            for att in attachments_of("achievement", a.id)
            if can_detail or not att.confidential
        ],
        "nda_requests": queries.nda_requests_of(a) if a.is_owned_by(user) else [],
        "my_pending": any(r.state == NdaState.PENDING for r in my_requests),
        "my_declined": bool(my_requests) and my_requests[-1].state == NdaState.DECLINED,
        "nda_form": forms.get("nda_form") or NdaRequestForm(formdata=None),
        "upload_form": forms.get("upload_form") or UploadForm(formdata=None),
        "error": forms.get("error"),
    } | (match_panel(a, user) or {"matches": None})
    if context["matches"] is not None:
        record_match_view(a, user)
    return render_template("achievements/detail.html", **context), status


@bp.route("/")
def index():
    filters = queries.parse_filters(request.args)
    page = db.paginate(
        queries.achievement_select(filters),
        page=filters.page,
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("achievements/index.html", page=page, filters=filters)


@bp.route("/<int:achievement_id>")
def detail(achievement_id: int):
    return _render_detail(_visible_or_404(achievement_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.may_create(current_user):
        abort(403)
    form = AchievementForm()
    return submit(
        form,
        lambda: services.create_achievement(
            current_user.organization,
            current_user,
            form.to_data(),
            submit=form.save_submit.data,
        ),
        _("成果已提交审核。") if form.save_submit.data else _("草稿已保存。"),
        lambda achievement: url_for(".detail", achievement_id=achievement.id),
        lambda: (
            render_template("achievements/form.html", form=form, achievement=None),
            form_status(form),
        ),
    )


@bp.route("/<int:achievement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(achievement_id: int):
    achievement = _visible_or_404(achievement_id)
    if not achievement.can_edit(current_user):
        abort(403)
    form = AchievementForm(data=AchievementForm.text_from(achievement))
    return submit(
        form,
        lambda: services.update_achievement(
            achievement, current_user, form.to_data(), submit=form.save_submit.data
        ),
        _("成果已提交审核。") if form.save_submit.data else _("修改已保存。"),
        url_for(".detail", achievement_id=achievement.id),
        lambda: (
            render_template(
                "achievements/form.html", form=form, achievement=achievement
            ),
            form_status(form),
        ),
    )


@bp.route("/<int:achievement_id>/action", methods=["POST"])
@login_required
def action(achievement_id: int):
    achievement = _visible_or_404(achievement_id)
    form = ActionForm()
    # The buttons live on the detail page: a refusal shows it again with the error
    # (409 for a step the listing's status does not allow).
    return submit(
        form,
        lambda: apply_listing_action(
            achievement, form.action.data, current_user, form.reason.data or ""
        ),
        lambda t: _(
            "操作成功：%(label)s。", label=ACTION_LABELS.get(t.action, t.action)
        ),
        lambda _t: (
            url_for(".review_queue")
            if form.from_queue.data and current_user.is_operator
            else url_for(".detail", achievement_id=achievement.id)
        ),
        lambda: _render_detail(
            achievement, 422, error=_("操作无效，请刷新页面后重试。")
        ),
        refused=lambda error: _render_detail(
            achievement, status_of(error), error=str(error)
        ),
    )


@bp.route("/<int:achievement_id>/nda", methods=["POST"])
@login_required
def request_nda(achievement_id: int):
    achievement = _visible_or_404(achievement_id)
    form = NdaRequestForm()
    return submit(
        form,
        lambda: services.request_nda(
            achievement,
            current_user,
            form.message.data or "",
            nda_version=request.form.get("nda_version", type=int),
        ),
        _("保密申请已提交，成果方同意后即可查看技术详情。"),
        url_for(".detail", achievement_id=achievement.id),
        lambda: _render_detail(achievement, 422, nda_form=form),
    )


@bp.route("/nda/<int:request_id>/decide", methods=["POST"])
@login_required
def decide_nda(request_id: int):
    nda = db.get_or_404(NdaRequest, request_id)
    achievement = nda.achievement
    # Requests are private to the owner: anyone else gets "not found".
    if not achievement.is_owned_by(current_user):
        abort(404)
    form = NdaDecisionForm()
    # A refusal (409 for a request decided already) shows the detail page again.
    return submit(
        form,
        lambda: services.decide_nda(nda, current_user, form.decision.data),
        lambda _r: (
            _("已同意该保密申请。")
            if form.decision.data == "accept"
            else _("已拒绝该保密申请。")
        ),
        url_for(".detail", achievement_id=achievement.id),
        lambda: _render_detail(achievement, 422, error=_("请选择同意或拒绝。")),
        refused=lambda error: _render_detail(
            achievement, status_of(error), error=str(error)
        ),
    )


@bp.route("/<int:achievement_id>/upload", methods=["POST"])
@login_required
def upload(achievement_id: int):
    achievement = _visible_or_404(achievement_id)
    if not achievement.can_edit(current_user):
        abort(403)
    form = UploadForm()
    return submit(
        form,
        lambda: services.attach_file(
            achievement, current_user, form.file.data, bool(form.confidential.data)
        ),
        _("附件已上传。"),
        url_for(".detail", achievement_id=achievement.id),
        lambda: _render_detail(achievement, 422, upload_form=form),
        refused=lambda error: _render_detail(
            achievement,
            413 if isinstance(error, UploadTooLarge) else 422,
            upload_form=form,
        ),
    )


@bp.route("/review")
@roles_required(Role.OPERATOR)
def review_queue():
    page_arg = request.args.get("page", "1")
    page = db.paginate(
        queries.review_queue_select(),
        page=int(page_arg) if page_arg.isdigit() and 0 < int(page_arg) < 100_000 else 1,
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("achievements/review_queue.html", page=page)
