"""Writes on needs: posting and editing, translation versions, and lifecycle side effects.

Every function flushes and never commits; the route commits once per request.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import OrgType, Role
from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..listings import indicators
from ..listings.lifecycle import NeedStatus
from ..listings.services import apply_listing_action, available_actions
from ..uploads.services import register_owner_rule, save_upload
from .models import Need, NeedTranslation

#: The fields a firm writes; the services copy exactly these from `data`.
NEED_FIELDS = (
    "title",
    "description",
    "budget_min_fen",
    "budget_max_fen",
    "deadline",
    "cooperation_modes",
    "trl_min",
    "confidential",
    "valid_until",
    "external_ref",
)
#: States in which a claimed need belongs to its broker (and the operator).
_CLAIMED_STATES = (
    NeedStatus.TRANSLATING,
    NeedStatus.AWAITING_APPROVAL,
    NeedStatus.APPROVED,
)


def can_post_needs(user) -> bool:
    """Firm members whose organisation is a firm post needs; nobody else does."""
    return bool(
        user
        and user.is_authenticated
        and user.role == Role.FIRM
        and user.organization is not None
        and user.organization.type == OrgType.FIRM
    )


def _check_need_data(org, data: dict, need: Need | None = None) -> None:
    errors: list[tuple[str | None, str]] = []
    low, high = data.get("budget_min_fen"), data.get("budget_max_fen")
    if low is not None and high is not None and low > high:
        errors.append(("budget_max", _("预算上限不能低于预算下限。")))
    today = today_shanghai()
    if data.get("deadline") is not None and data["deadline"] <= today:
        errors.append(("deadline", _("期望解决日期必须是将来的日期。")))
    if data.get("valid_until") is not None and data["valid_until"] < today:
        errors.append(("valid_until", _("有效期不能早于今天。")))
    trl = data.get("trl_min")
    if trl is not None and not 1 <= trl <= 9:
        errors.append(("trl_min", _("成熟度须在 1 到 9 之间。")))
    ref = data.get("external_ref")
    if ref:
        query = sa.select(Need.id).where(
            Need.organization_id == org.id, Need.external_ref == ref
        )
        if need is not None and need.id is not None:
            query = query.where(Need.id != need.id)
        if db.session.scalar(query) is not None:
            errors.append(("external_ref", _("本机构已有使用此内部编号的需求。")))
    if errors:
        raise ValidationFailed(errors)


def create_need(org, actor, data: dict, submit: bool = False) -> Need:
    """Save a firm's need as a draft, and send it to the brokers when `submit`."""
    if not can_post_needs(actor) or not actor.belongs_to(org.id):
        raise PermissionDenied(_("只有企业用户可以发布技术需求。"))
    _check_need_data(org, data)
    need = Need(organization=org, created_by_id=actor.id, status=NeedStatus.DRAFT)
    for name in NEED_FIELDS:
        setattr(need, name, data.get(name))
    need.cooperation_modes = list(data.get("cooperation_modes") or [])
    need.confidential = bool(data.get("confidential"))
    db.session.add(need)
    db.session.flush()
    if submit:
        apply_listing_action(need, "submit", actor)
    db.session.flush()
    return need


def update_need(need: Need, actor, data: dict, submit: bool = False) -> Need:
    """Change the firm's own fields while the need is a draft or returned."""
    if not need.can_edit(actor):
        raise PermissionDenied(_("只有草稿或被退回的需求可以由本企业修改。"))
    _check_need_data(need.organization, data, need)
    for name in NEED_FIELDS:
        setattr(need, name, data.get(name))
    need.cooperation_modes = list(data.get("cooperation_modes") or [])
    need.confidential = bool(data.get("confidential"))
    need.updated_at = utcnow()
    db.session.flush()
    if submit:
        apply_listing_action(need, "submit", actor)
    return need


def parse_indicators(text: str) -> list[dict[str, str]]:
    """The translation's indicator lines (table or plain form, see listings.indicators)
    → rows with a "target"; ValidationFailed naming each bad line."""
    parsed = indicators.parse_indicators(text, "target", require_value=False)
    errors = [("indicators", message) for message in parsed.errors]
    if not errors and not any(r["target"] for r in parsed.rows):
        errors.append(("indicators", _("至少一项指标须有量化的目标值。")))
    if errors:
        raise ValidationFailed(errors)
    return parsed.rows


def indicators_text(rows: list[dict] | None) -> str:
    """Indicator rows back into the lines the translation form edits."""
    return indicators.indicators_text(rows, "target")


def save_translation(
    need: Need, actor, data: dict, propose: bool = False
) -> NeedTranslation:
    """Add a NEW translation version (versions are never overwritten).

    `data`: technical_problem, indicators (the form's text), existing_conditions, field,
    keywords (a list). The need's field and keywords follow the newest version. With
    `propose`, the need then goes to the firm for approval.
    """
    if not need.can_translate(actor):
        if str(need.effective_status) != NeedStatus.TRANSLATING:
            raise InvalidTransition(_("只有处于“翻译中”的需求可以修改翻译。"))
        raise PermissionDenied(_("只有认领此需求的技术经纪人或运营方可以翻译。"))
    indicators = parse_indicators(data.get("indicators") or "")
    latest = db.session.scalar(
        sa.select(sa.func.max(NeedTranslation.version)).where(
            NeedTranslation.need_id == need.id
        )
    )
    translation = NeedTranslation(
        need=need,
        version=(latest or 0) + 1,
        technical_problem=data["technical_problem"],
        indicators=indicators,
        existing_conditions=data.get("existing_conditions") or "",
        field=data.get("field"),
        keywords=list(data.get("keywords") or []),
        author_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(translation)
    need.field = translation.field
    need.keywords = list(translation.keywords)
    need.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "need.translate", need, version=translation.version)
    if propose:
        need_action(need, "propose", actor)
    return translation


def _check_assigned_broker(need: Need, actor) -> None:
    """Once claimed, only the claiming broker (or the operator) works on a need."""
    if actor.is_operator or not actor.is_broker:
        return
    if need.broker_id is not None and need.broker_id != actor.id:
        raise PermissionDenied(_("此需求已由其他技术经纪人认领。"))


def need_action(
    need: Need,
    action: str,
    actor,
    reason: str = "",
    version: str | None = None,
    translation_id: int | None = None,
):
    """A lifecycle action with the need's own side effects; status changes only through
    listings.services.apply_listing_action.

    `translation_id` is the version the firm looked at when approving or asking for
    changes: if the broker saved a newer one meanwhile, the firm must look again.
    """
    if str(need.effective_status) in _CLAIMED_STATES:
        _check_assigned_broker(need, actor)
    current = need.current_translation
    if action in ("approve", "request_changes") and (
        translation_id is not None and (current is None or current.id != translation_id)
    ):
        raise InvalidTransition(_("翻译已更新，请查看最新版本后再确认。"))
    transition = apply_listing_action(need, action, actor, reason, version=version)
    if action == "claim":
        need.broker_id = actor.id
    elif action == "approve":
        current.approved_at = utcnow()
        current.approved_by_id = actor.id
    elif action == "request_changes":
        current.firm_comment = reason.strip()
    db.session.flush()
    return transition


def visible_actions(need: Need, user) -> list:
    """The lifecycle buttons for `user`, minus those another broker's claim blocks."""
    actions = available_actions(need, user)
    try:
        if str(need.effective_status) in _CLAIMED_STATES:
            _check_assigned_broker(need, user)
    except PermissionDenied:
        return []
    return actions


def attach_file(need: Need, actor, file_storage):
    """Add a file to the firm's original material (private like its own words)."""
    if not need.can_attach(actor):
        raise PermissionDenied(_("您无权为此需求上传附件。"))
    attachment = save_upload(file_storage, "need", need.id, actor, confidential=True)
    audit.record(actor, "need.attach", need, attachment_id=attachment.id)
    return attachment


def _attachment_need(attachment) -> Need | None:
    return db.session.get(Need, attachment.owner_id)


def _can_download(user, attachment) -> bool:
    need = _attachment_need(attachment)
    return bool(need and need.can_view_original(user))


def _can_delete(user, attachment) -> bool:
    need = _attachment_need(attachment)
    return bool(need and need.can_attach(user))


register_owner_rule("need", _can_download, _can_delete)
