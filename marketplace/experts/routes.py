"""Experts' own pages (/experts/): their panels; the operator invites and forms panels."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import Organization, Role
from ..core.transaction import Write, form_status
from ..extensions import db
from . import bp, services
from .forms import InviteExpertForm, PanelForm
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
    return render_template(
        "experts/index.html",
        panels=services.panels_of(current_user),
        experts=services.experts() if current_user.is_staff else [],
        ties=services.tied_org_ids(current_user.id),
    )


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
    return render_template("experts/panel_form.html", form=form), form_status(form)


@bp.route("/panels/<int:panel_id>")
@login_required
def panel(panel_id: int):
    panel = db.get_or_404(Panel, panel_id)
    if not panel.can_view(current_user):
        abort(404)
    return render_template("experts/panel.html", panel=panel)
