"""Calls: preparing, approving, the board, the clock (questions.py, proposals.py,
judging.py and awards.py: the rest).

Flushes, never commits; raises the typed errors of core/errors.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import ORG_TYPE_LABELS
from ..core import audit
from ..core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from ..core.money import yuan_to_fen
from ..core.timeutil import utcnow
from ..deals.services import path_for
from ..experts.models import Panel
from ..extensions import db
from ..listings.lifecycle import NeedStatus
from ..needs.models import Need
from ..notifications.services import notify
from .invitations import invite_solvers
from .models import (
    CallStatus,
    Challenge,
)

TEXT_MAX = 5000
CRITERIA_MAX = 10
AWARDS_MAX = 5


# --- preparing and approving ------------------------------------------------------


def parse_criteria(text: str) -> list[dict]:
    """One criterion a line, "name | weight" (weight an integer percentage)."""
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, _sep, weight = line.rpartition("|")
        try:
            value = int(weight.strip())
        except ValueError:
            raise ValidationFailed(
                [("criteria", _("每行写“评审标准 | 权重”，权重为整数。"))]
            ) from None
        rows.append({"name": name.strip(), "weight": value})
    return rows


def parse_awards(text: str) -> list[dict]:
    """One prize grade a line, "grade | amount in yuan"."""

    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        grade, _sep, amount = line.rpartition("|")
        try:
            fen = yuan_to_fen(amount.strip())
        except ValueError:
            raise ValidationFailed(
                [("awards", _("每行写“奖项 | 金额（元）”，金额为有效数字。"))]
            ) from None
        rows.append({"grade": grade.strip(), "amount_fen": fen})
    return rows


def _check_call(data: dict, now: datetime) -> list[tuple[str | None, str]]:
    errors: list[tuple[str | None, str]] = []
    if not (data.get("title") or "").strip():
        errors.append(("title", _("请填写榜单名称。")))
    if not (data.get("problem") or "").strip():
        errors.append(("problem", _("请填写技术难题。")))
    deadline = data.get("deadline_at")
    if deadline is None:
        errors.append(("deadline", _("请填写截止时间。")))
    elif deadline <= now:
        errors.append(("deadline", _("截止时间必须晚于现在。")))
    criteria = data.get("criteria") or []
    if not criteria:
        errors.append(("criteria", _("请至少填写一项评审标准。")))
    elif len(criteria) > CRITERIA_MAX:
        errors.append(("criteria", _("评审标准最多 %(n)d 项。", n=CRITERIA_MAX)))
    elif any(not c["name"] or c["weight"] <= 0 for c in criteria):
        errors.append(("criteria", _("每项评审标准须有名称和正的权重。")))
    elif sum(c["weight"] for c in criteria) != 100:
        errors.append(("criteria", _("评审标准的权重合计必须为 100。")))
    awards = data.get("awards") or []
    if not awards:
        errors.append(("awards", _("请至少填写一个奖项。")))
    elif len(awards) > AWARDS_MAX:
        errors.append(("awards", _("奖项最多 %(n)d 个。", n=AWARDS_MAX)))
    elif any(not a["grade"] or a["amount_fen"] <= 0 for a in awards):
        errors.append(("awards", _("每个奖项须有名称和大于零的金额。")))
    types = data.get("eligible_org_types") or []
    if not types:
        errors.append(("eligible_org_types", _("请选择可以揭榜的机构类型。")))
    elif any(t not in ORG_TYPE_LABELS for t in types):
        errors.append(("eligible_org_types", _("机构类型无效。")))
    trl = data.get("trl_min")
    if trl is not None and not 1 <= trl <= 9:
        errors.append(("trl_min", _("技术就绪度须在 1 到 9 之间。")))
    panel_id = data.get("panel_id")
    if panel_id is not None and db.session.get(Panel, panel_id) is None:
        errors.append(("panel", _("所选专家组不存在。")))
    return errors


def prepare_call(
    broker, need: Need, data: dict, now: datetime | None = None
) -> Challenge:
    """A broker (or the operator) prepares a call from a published need."""
    if not (broker and broker.is_authenticated and broker.is_staff):
        raise PermissionDenied(_("只有技术经纪人可以发起揭榜挂帅。"))
    if not need.is_public:
        raise InvalidTransition(_("只有已发布的需求可以发起揭榜挂帅。"))
    now = now or utcnow()
    errors = _check_call(data, now)
    if errors:
        raise ValidationFailed(errors)
    call = Challenge(
        need=need,
        sponsor_org_id=need.organization_id,
        broker_id=broker.id,
        title=data["title"].strip(),
        problem=data["problem"].strip(),
        indicators=list(data.get("indicators") or []),
        eligible_org_types=list(data["eligible_org_types"]),
        region=(data.get("region") or "").strip(),
        trl_min=data.get("trl_min"),
        deadline_at=data["deadline_at"],
        awards=data["awards"],
        criteria=data["criteria"],
        panel_id=data.get("panel_id"),
        status=CallStatus.DRAFT,
        created_at=now,
    )
    db.session.add(call)
    db.session.flush()
    audit.record(broker, "challenge.prepare", call)
    return call


def approve_call(operator, call: Challenge, now: datetime | None = None) -> None:
    if not (operator and operator.is_authenticated and operator.is_operator):
        raise PermissionDenied(_("只有运营方可以审核榜单。"))
    if call.status != CallStatus.DRAFT:
        raise InvalidTransition(_("该榜单已审核。"))
    now = now or utcnow()
    if call.deadline_at <= now:
        raise InvalidTransition(_("截止时间已过，请让经纪人修改后再审核。"))
    if call.panel_id is None:
        raise InvalidTransition(_("请先为榜单指定专家组。"))
    call.status = CallStatus.APPROVED
    call.approved_at = now
    call.approved_by_id = operator.id
    db.session.flush()
    audit.record(operator, "challenge.approve", call)
    invite_solvers(call, now)


def board_query():
    return (
        sa.select(Challenge)
        .where(Challenge.status != CallStatus.DRAFT)
        .order_by(Challenge.deadline_at.desc(), Challenge.id.desc())
    )


def public_calls_for_need(need_id: int) -> list[Challenge]:
    """The approved calls published from a need (for the need's page): drafts never."""
    return list(db.session.scalars(board_query().where(Challenge.need_id == need_id)))


def drafts() -> list[Challenge]:
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.status == CallStatus.DRAFT)
            .order_by(Challenge.id)
        )
    )


def countdown(call: Challenge, now: datetime | None = None) -> str:
    """Time left until the deadline, in days, hours and minutes (empty once past)."""
    left = call.deadline_at - (now or utcnow())
    if left <= timedelta(0):
        return ""
    minutes = int(left.total_seconds()) // 60
    days, rest = divmod(minutes, 1440)
    return _("%(d)d 天 %(h)d 小时 %(m)d 分", d=days, h=rest // 60, m=rest % 60)


# --- clock -------------------------------------------------------------------------


def close_due_calls(now: datetime | None = None) -> int:
    """For `flask jobs tick`: close the calls whose deadline passed (judging opens) and
    tell each panel expert. Idempotent; returns how many calls it closed."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Challenge).where(
            Challenge.status == CallStatus.APPROVED,
            Challenge.closed_at.is_(None),
            Challenge.deadline_at <= now,
        )
    ).all()
    for call in due:
        call.closed_at = now
        for expert in call.panel.experts if call.panel else []:
            notify(
                expert,
                "challenge.judging",
                _l("榜单已截止，请评审：%(t)s", t=call.title),
                "",
                path_for("challenges.detail", call_id=call.id),
                dedupe_key=f"challenge:{call.id}:judging",
            )
    db.session.flush()
    return len(due)


# --- work lists --------------------------------------------------------------------


def needs_for_calls(limit: int = 20) -> list[Need]:
    """Published needs without a call yet, for the brokers to start one from."""
    has_call = sa.select(Challenge.id).where(Challenge.need_id == Need.id).exists()
    rows = db.session.scalars(
        sa.select(Need)
        .where(Need.status == NeedStatus.PUBLISHED, ~has_call)
        .order_by(Need.published_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return [n for n in rows if n.is_public]
