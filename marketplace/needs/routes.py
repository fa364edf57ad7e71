"""Pages for needs: list, detail, posting and editing, lifecycle actions and uploads."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import form_status, status_of, submit
from ..core.web import visible_or_404
from ..dashboard.events import record_match_view
from ..extensions import db, login_manager
from ..listings.lifecycle import ACTION_LABELS
from ..search.queries import match_panel
from ..uploads.services import UploadTooLarge, attachments_of
from . import bp, services
from .diff import version_diffs
from .forms import ActionForm, NeedForm, UploadForm
from .models import Need
from .queries import public_needs, read_filters


def _visible_need(need_id: int) -> Need:
    """The need if this user may see it; a private one of others is simply not there."""
    return visible_or_404(Need, need_id)


@bp.route("/")
def index():
    form, filters = read_filters(request.args)
    page = db.paginate(
        public_needs(current_user, filters),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("needs/index.html", form=form, page=page)


@bp.route("/<int:need_id>")
def detail(need_id: int):
    need = db.get_or_404(Need, need_id)
    if not need.can_view(current_user):
        # A confidential published need is there for members: ask the visitor to sign in.
        if need.is_public and not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(404)
    return render_detail(need)


def render_detail(need: Need, status: int = 200, **extra):
    show_original = need.can_view_original(current_user)
    panel = match_panel(need, current_user)
    if panel is not None:
        record_match_view(need, current_user)
    translations = list(need.translations)
    # The firm and the staff review the newest version; everyone else the approved one.
    shown = need.current_translation if show_original else need.approved_translation
    return (
        render_template(
            "needs/detail.html",
            need=need,
            shown=shown,
            show_original=show_original,
            translations=translations if show_original else [],
            diffs=version_diffs(translations) if show_original else [],
            attachments=attachments_of("need", need.id) if show_original else [],
            actions=services.visible_actions(need, current_user),
            action_labels=ACTION_LABELS,
            **(panel or {"matches": None}),
            **extra,
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_post_needs(current_user):
        abort(403)
    form = NeedForm()
    sending = request.form.get("intent") == "submit"
    return submit(
        form,
        lambda: services.create_need(
            current_user.organization, current_user, form.to_data(), submit=sending
        ),
        _saved_message(sending),
        lambda need: url_for("needs.detail", need_id=need.id),
        lambda: (
            render_template("needs/form.html", form=form, need=None),
            form_status(form),
        ),
    )


def _saved_message(sending: bool) -> str:
    """Sent, the need waits for the brokers (the service submits it or refuses)."""
    if sending:
        return _("需求已提交，技术经纪人将尽快为您整理成技术需求。")
    return _("草稿已保存。")


def _initial(need: Need) -> dict:
    return {
        "title": need.title,
        "description": need.description,
        "budget_min": need.budget_min_fen,
        "budget_max": need.budget_max_fen,
        "deadline": need.deadline,
        "cooperation_modes": list(need.cooperation_modes or []),
        "trl_min": str(need.trl_min) if need.trl_min else "",
        "confidential": need.confidential,
        "valid_until": need.valid_until,
        "external_ref": need.external_ref,
    }


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    need = _visible_need(need_id)
    if not need.is_owned_by(current_user):
        abort(403)
    if not need.can_edit(current_user):
        flash(_("只有草稿或被退回的需求可以修改。"), "warning")
        return redirect(url_for("needs.detail", need_id=need.id))
    form = NeedForm(data=_initial(need)) if request.method == "GET" else NeedForm()
    sending = request.form.get("intent") == "submit"
    return submit(
        form,
        lambda: services.update_need(
            need, current_user, form.to_data(), submit=sending
        ),
        _saved_message(sending),
        url_for("needs.detail", need_id=need.id),
        lambda: (
            render_template("needs/form.html", form=form, need=need),
            form_status(form),
        ),
    )


@bp.route("/<int:need_id>/action", methods=["POST"])
@login_required
def action(need_id: int):
    need = _visible_need(need_id)
    form = ActionForm()
    raw_tid = form.translation_id.data or ""

    def again():
        messages = [m for errors in form.errors.values() for m in errors]
        return render_detail(need, 422, action_error=messages[0] if messages else "")

    def done(_result) -> str:
        if form.action.data == "approve":
            # The firm's part is done, but the need is not public yet: say who acts next.
            return _("已确认翻译。技术经纪人发布后，需求才会在市场上公开。")
        label = ACTION_LABELS.get(form.action.data, form.action.data)
        return _("操作已完成：%(action)s", action=label)

    def back(_result) -> str:
        if form.action.data == "claim":
            return url_for("needs.translate", need_id=need.id)
        if request.form.get("back") == "queue" and current_user.is_staff:
            return url_for("needs.translation_queue")
        return url_for("needs.detail", need_id=need.id)

    # The buttons live on the detail page: a refusal shows it again with the error.
    return submit(
        form,
        lambda: services.need_action(
            need,
            form.action.data,
            current_user,
            form.reason.data or "",
            version=form.version.data or None,
            translation_id=int(raw_tid) if raw_tid.isdigit() else None,
        ),
        done,
        back,
        again,
        refused=lambda error: render_detail(
            need, status_of(error), action_error=str(error)
        ),
    )


@bp.route("/<int:need_id>/upload", methods=["POST"])
@login_required
def upload(need_id: int):
    need = _visible_need(need_id)
    if not need.can_view_original(current_user):
        abort(403)
    form = UploadForm()
    return submit(
        form,
        lambda: services.attach_file(need, current_user, form.file.data),
        _("附件已上传。"),
        url_for("needs.detail", need_id=need.id),
        lambda: render_detail(
            need, 422, upload_error=_("请求有误，请刷新页面后重试。")
        ),
        refused=lambda error: render_detail(
            need,
            413 if isinstance(error, UploadTooLarge) else 422,
            upload_error=str(error),
        ),
    )


from . import routes_translation  # noqa: E402,F401  (the broker's pages)
