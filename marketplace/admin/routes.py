"""The operator's pages: overview, organisations, accounts, staff and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_LABELS, Organization, Role, User, Verification
from ..achievements.models import Achievement
from ..core.audit import AuditEntry
from ..core.timeutil import SHANGHAI
from ..core.transaction import button, form_status, submit
from ..extensions import db, login_manager
from ..listings.lifecycle import ListingStatus, NeedStatus
from ..needs.models import Need
from . import bp, services
from .forms import AuditFilterForm, OrgFilterForm, StaffForm, VerifyForm


@bp.before_request
def operators_only():
    """Every page here is the operator's: sign in first, others get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_operator:
        abort(403)
    return None


def _count(model, *conditions) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*conditions)
    )


def _paginate(query):
    return db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)


@bp.route("/")
def index():
    counts = {
        "orgs_pending": _count(
            Organization, Organization.verification == Verification.PENDING
        ),
        "achievements_in_review": _count(
            Achievement, Achievement.status == ListingStatus.IN_REVIEW
        ),
        "needs_awaiting_translation": _count(Need, Need.status == NeedStatus.SUBMITTED),
        "users": _count(User),
    }
    return render_template(
        "admin/index.html",
        counts=counts,
        has_endpoint=lambda name: name in current_app.view_functions,
    )


@bp.route("/organizations")
def organizations():
    form = OrgFilterForm(request.args)
    query = sa.select(Organization).order_by(
        Organization.created_at.desc(), Organization.id.desc()
    )
    valid = form.validate()
    if valid and form.state.data:
        query = query.where(Organization.verification == form.state.data)
    page = _paginate(query)
    return render_template("admin/organizations.html", form=form, page=page), (
        200 if valid else 422
    )


def _render_organization(org, form, status=200):
    history = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "organization", AuditEntry.object_id == org.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
    members = sorted(org.members, key=lambda u: u.id)
    return render_template(
        "admin/organization.html", org=org, form=form, history=history, members=members
    ), status


@bp.route("/organizations/<int:org_id>")
def organization(org_id: int):
    org = db.get_or_404(Organization, org_id)
    return _render_organization(org, VerifyForm())


@bp.route("/organizations/<int:org_id>/verify", methods=["POST"])
def verify_organization(org_id: int):
    org = db.get_or_404(Organization, org_id)
    form = VerifyForm()
    return submit(
        form,
        lambda: services.verify_organization(
            org, current_user, form.decision.data, form.reason.data or ""
        ),
        lambda _result: _(
            "已记录审核结论：%(org)s — %(state)s。",
            org=org.name,
            state=org.verification_label,
        ),
        url_for("admin.organization", org_id=org.id),
        lambda: _render_organization(org, form, 422),
    )


@bp.route("/users")
def users():
    q = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role") or ""
    query = sa.select(User).order_by(User.id.desc())
    if q:
        query = query.where(
            sa.or_(
                User.email.icontains(q, autoescape=True),
                User.name.icontains(q, autoescape=True),
            )
        )
    if role in set(Role):
        query = query.where(User.role == role)
    return render_template(
        "admin/users.html",
        page=_paginate(query),
        q=q,
        role=role,
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/<int:user_id>/toggle", methods=["POST"])
def user_toggle(user_id: int):
    user = db.get_or_404(User, user_id)
    return button(
        lambda: services.set_user_active(user, current_user, not user.active),
        lambda _result: (
            _("已启用账户 %(email)s。", email=user.email)
            if user.active
            else _("已停用账户 %(email)s。", email=user.email)
        ),
        url_for("admin.users", q=request.args.get("q") or None),
        category=lambda _result: "success" if user.active else "warning",
    )


@bp.route("/staff/new", methods=["GET", "POST"])
def create_staff():
    form = StaffForm()
    # The form's e-mail is already the account's (trimmed, lower case).
    return submit(
        form,
        lambda: services.create_staff(
            current_user,
            role=form.role.data,
            name=form.name.data,
            email=form.email.data,
            broker_fields=form.broker_fields.data or [],
        ),
        _("已创建账户 %(email)s，并发送了设置密码的邮件。", email=form.email.data),
        lambda user: url_for("admin.users", q=user.email),
        lambda: (
            render_template("admin/create_staff.html", form=form),
            form_status(form),
        ),
    )


def _shanghai_day_start(day) -> datetime:
    """Midnight in Shanghai of `day`, as the naive UTC the database stores."""
    return (
        datetime.combine(day, time.min, tzinfo=SHANGHAI)
        .astimezone(UTC)
        .replace(tzinfo=None)
    )


@bp.route("/audit")
def audit():
    form = AuditFilterForm(request.args)
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    valid = form.validate()
    if valid:
        if form.action.data:
            query = query.where(
                AuditEntry.action.startswith(form.action.data, autoescape=True)
            )
        if form.actor.data:
            query = query.join(User, AuditEntry.actor_id == User.id).where(
                User.email.icontains(form.actor.data, autoescape=True)
            )
        if form.date_from.data:
            query = query.where(
                AuditEntry.at >= _shanghai_day_start(form.date_from.data)
            )
        if form.date_to.data:
            end = _shanghai_day_start(form.date_to.data + timedelta(days=1))
            query = query.where(AuditEntry.at < end)
    page = _paginate(query)
    return render_template(
        "admin/audit.html", form=form, page=page
    ), 200 if valid else 422
