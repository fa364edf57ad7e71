"""Experts' own pages (/experts/): their panels; the operator invites and forms panels."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import Organization, Role, User
from ..core.domain import FIELD_LABELS
from ..core.transaction import Write, form_status
from ..extensions import db
from ..needs.models import Need
from . import bp, reviews, services
from .forms import InviteExpertForm, PanelForm, ProfileForm
from .models import Panel


def _expert_or_staff() -> None:
    if not (current_user.role == Role.EXPERT or current_user.is_staff):
        abort(403)


def _operator() -> None:
    if not current_user.is_operator:
        abort(403)


@bp.route("/")
@login_required
def index():
    _expert_or_staff()
    panels = services.panels_of(current_user)
    return render_template(
        "experts/index.html",
        works=reviews.works_of([p.id for p in panels]),
        tasks=reviews.tasks_of(current_user)
        if current_user.role == Role.EXPERT
        else [],
        panels=panels,
        experts=services.experts() if current_user.is_staff else [],
        ties=services.tied_org_ids(current_user.id),
        profiles=services.profiles_by_expert(),
        field_labels=FIELD_LABELS,
    )


@bp.route("/<int:expert_id>/profile", methods=["GET", "POST"])
@login_required
def profile(expert_id: int):
    expert = db.get_or_404(User, expert_id)
    if expert.role != Role.EXPERT or not (
        current_user.is_operator or current_user.id == expert.id
    ):
        abort(404)
    form = ProfileForm()
    current = services.profile_of(expert.id)
    if request.method == "GET" and current is not None:
        form.expertise.data = list(current.fields or [])
        form.title.data = current.title
        form.affiliation.data = current.affiliation
    if form.validate_on_submit():
        with Write(form) as write:
            services.update_profile(
                current_user,
                expert,
                fields=form.expertise.data,
                title=form.title.data,
                affiliation=form.affiliation.data,
            )
        if write.ok:
            flash(_("专家资料已保存。"), "success")
            return redirect(url_for("experts.index"))
    return render_template(
        "experts/profile.html", form=form, expert=expert
    ), form_status(form)


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    _operator()
    form = InviteExpertForm()
    form.set_organizations(
        db.session.scalars(sa.select(Organization).order_by(Organization.name))
    )
    if form.validate_on_submit():
        with Write(form) as write:
            services.invite_expert(
                current_user,
                name=form.name.data,
                email=form.email.data,
                tie_org_ids=form.ties.data,
                fields=form.expertise.data,
                title=form.title.data,
                affiliation=form.affiliation.data,
            )
        if write.ok:
            flash(_("邀请邮件已发送。"), "success")
            return redirect(url_for("experts.index"))
    return render_template("experts/invite.html", form=form), form_status(form)


@bp.route("/panels/new", methods=["GET", "POST"])
@login_required
def new_panel():
    _operator()
    form = PanelForm()
    form.set_experts(services.experts())
    need = db.session.get(Need, request.args.get("need_id", 0, type=int))
    field = request.args.get("field") or (need.field if need else None)
    suggested = services.suggest_experts(
        field, {need.organization_id} if need else set()
    )
    if request.method == "GET" and suggested:
        form.members.data = [e.id for e in suggested]
        form.chair.data = suggested[0].id
        if need is not None:
            form.name.data = _("%(t)s 评审专家组", t=need.title[:100])
    if form.validate_on_submit():
        with Write(form) as write:
            panel = services.create_panel(
                current_user,
                name=form.name.data,
                chair_id=form.chair.data,
                member_ids=form.members.data,
            )
        if write.ok:
            flash(_("专家组已建立。"), "success")
            return redirect(url_for("experts.panel", panel_id=panel.id))
    return render_template(
        "experts/panel_form.html",
        form=form,
        suggested=suggested,
        field_label=FIELD_LABELS.get(field, field) if field else None,
        need=need,
        profiles=services.profiles_by_expert(),
    ), form_status(form)


@bp.route("/panels/<int:panel_id>")
@login_required
def panel(panel_id: int):
    panel = db.get_or_404(Panel, panel_id)
    if not panel.can_view(current_user):
        abort(404)
    return render_template(
        "experts/panel.html", panel=panel, works=reviews.works_of([panel.id])
    )


@bp.route("/reviews", defaults={"expert_id": None})
@bp.route("/<int:expert_id>/reviews")
@login_required
def record(expert_id: int | None):
    """An expert's record of reviews (评审记录): theirs, or any expert's for the operator."""
    expert = current_user if expert_id is None else db.get_or_404(User, expert_id)
    if expert.role != Role.EXPERT or not (
        current_user.is_operator or current_user.id == expert.id
    ):
        abort(404)
    return render_template(
        "experts/reviews.html", expert=expert, rows=reviews.record_of(expert.id)
    )
