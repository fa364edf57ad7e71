"""The signed-in person's pages: profile, and the "my organisation" workspace."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..achievements.models import Achievement, NdaRequest, NdaState
from ..core.transaction import Write, form_status, submit
from ..extensions import db
from ..needs.models import Need
from . import bp, services, sessions
from .forms import InviteForm, OrganizationForm, ProfileForm


def _has_endpoint(name: str) -> bool:
    """Other features add their pages separately; link only to those that exist."""
    return name in current_app.view_functions


def _own_organization():
    org = current_user.organization
    if org is None:
        flash(_("您的账户不属于任何机构。"), "info")
    return org


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = (
            current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    if form.validate_on_submit():
        with Write(form) as write:
            services.update_profile(
                current_user,
                name=form.name.data,
                locale=form.locale.data,
                email_notifications=form.email_notifications.data,
            )
        if write.ok:
            # The session's language wins over the account's, so it follows the choice.
            session["lang"] = form.locale.data
            flash(_("个人资料已保存。"), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        user_sessions=sessions.active(current_user),
        this_session=sessions.current(),
        device=sessions.device,
    ), form_status(form)


@bp.route("/workspace")
@login_required
def workspace():
    org = _own_organization()
    if org is None:
        return redirect(url_for("accounts.profile"))
    model = Achievement if org.is_supplier else Need
    listings = db.session.scalars(
        sa.select(model)
        .where(model.organization_id == org.id)
        .order_by(model.updated_at.desc(), model.id.desc())
    ).all()
    nda_requests = []
    if org.is_supplier:
        nda_requests = db.session.scalars(
            sa.select(NdaRequest)
            .join(Achievement, NdaRequest.achievement_id == Achievement.id)
            .where(
                Achievement.organization_id == org.id,
                NdaRequest.state == NdaState.PENDING,
            )
            .order_by(NdaRequest.created_at)
        ).all()
    members = sorted(org.members, key=lambda u: u.id)
    return render_template(
        "accounts/workspace.html",
        org=org,
        listings=listings,
        nda_requests=nda_requests,
        members=members,
        has_endpoint=_has_endpoint,
    )


@bp.route("/organization", methods=["GET", "POST"])
@login_required
def edit_organization():
    org = _own_organization()
    if org is None:
        return redirect(url_for("accounts.profile"))
    form = OrganizationForm(obj=org)
    if request.method == "GET":
        form.org_name.data = org.name
    if form.validate_on_submit():
        with Write(form) as write:
            back_to_pending = services.update_organization(
                org,
                current_user,
                name=form.org_name.data,
                credit_code=form.credit_code.data,
                address=form.address.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                contact_email=form.contact_email.data or "",
                state_funded=form.state_funded.data,
            )
        if write.ok:
            if back_to_pending:
                flash(
                    _("机构资料已保存。名称或信用代码已变更，需重新提交运营方审核。"),
                    "warning",
                )
            else:
                flash(_("机构资料已保存。"), "success")
            return redirect(url_for("accounts.workspace"))
    return render_template(
        "accounts/organization_form.html", form=form, org=org
    ), form_status(form)


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite_member():
    org = _own_organization()
    if org is None:
        return redirect(url_for("accounts.profile"))
    form = InviteForm()
    return submit(
        form,
        lambda: services.invite_member(
            current_user, name=form.name.data, email=form.email.data
        ),
        _("已向 %(email)s 发送邀请邮件。", email=form.email.data),
        url_for("accounts.workspace"),
        lambda: (
            render_template("accounts/invite.html", form=form, org=org),
            form_status(form),
        ),
    )
