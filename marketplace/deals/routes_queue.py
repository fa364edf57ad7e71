"""The broker's queue, the operator's overview, "my deals", and conflict declarations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import roles_required
from ..accounts.models import Organization, Role, User, Verification
from ..core.errors import ValidationFailed
from ..core.timeutil import utcnow
from ..core.transaction import form_status, submit
from ..extensions import db
from . import assignment, bp, queue
from .forms import ConflictForm
from .models import OPEN_STAGES, STAGE_LABELS, BrokerConflict


@bp.route("/queue", endpoint="queue")
@roles_required(Role.BROKER, Role.OPERATOR)
def queue_page():
    stage = request.args.get("stage")
    if stage not in {str(s) for s in OPEN_STAGES}:
        stage = None
    sort = request.args.get("sort")
    sort = sort if sort in queue.SORTS else "due"
    overdue = request.args.get("overdue") == "1"
    broker_id = (
        request.args.get("broker", type=int) if current_user.is_operator else None
    )
    now = utcnow()
    rows = queue.queue_rows(current_user, stage, overdue, sort, broker_id, now)
    return render_template(
        "deals/queue.html",
        rows=rows,
        stage=stage,
        sort=sort,
        overdue=overdue,
        broker_id=broker_id,
        counts=queue.stage_counts(current_user, broker_id),
        stages=[str(s) for s in OPEN_STAGES],
        stage_labels=STAGE_LABELS,
        needs=queue.untranslated_needs(current_user),
        workload=queue.workload() if current_user.is_operator else [],
        age_text=queue.age_text,
        now=now,
    )


@bp.route("/mine")
@login_required
def mine():
    if not current_user.organization_id:
        return redirect(url_for("deals.queue"))
    return render_template("deals/mine.html", deals=queue.my_deals(current_user))


def _org_choices() -> list[tuple[str, str]]:
    orgs = db.session.scalars(
        sa.select(Organization)
        .where(Organization.verification == Verification.VERIFIED)
        .order_by(Organization.name)
    )
    return [("", _("请选择"))] + [(str(o.id), o.name) for o in orgs]


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required(Role.BROKER, Role.OPERATOR)
def conflicts():
    form = ConflictForm()
    form.organization_id.choices = _org_choices()
    if request.method == "POST" and not current_user.is_broker:
        abort(403)
    return submit(
        form,
        lambda: assignment.declare_conflict(
            current_user, _chosen_org(form), form.reason.data
        ),
        _("已登记利益冲突声明，相关交易已改派。"),
        url_for("deals.conflicts"),
        lambda: _conflicts_page(form),
    )


def _chosen_org(form: ConflictForm) -> Organization:
    raw = form.organization_id.data or ""
    org = db.session.get(Organization, int(raw)) if raw.isdigit() else None
    if org is None:
        raise ValidationFailed([("organization_id", _("请选择机构。"))])
    return org


def _conflicts_page(form: ConflictForm):
    query = sa.select(BrokerConflict).order_by(BrokerConflict.declared_at.desc())
    if not current_user.is_operator:
        query = query.where(BrokerConflict.broker_id == current_user.id)
    return render_template(
        "deals/conflicts.html",
        form=form,
        conflicts=db.session.scalars(query).all(),
        brokers={
            u.id: u
            for u in db.session.scalars(sa.select(User).where(User.role == Role.BROKER))
        },
    ), form_status(form)
