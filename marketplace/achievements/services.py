"""Writes on achievements: create and edit with the domain's rules, NDA requests, uploads."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.domain import CooperationMode, Field, IpForm, PricingMode
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..legal.models import TextKind
from ..legal.texts import accepted_version
from ..listings.services import apply_listing_action
from ..uploads import services as uploads
from . import rules
from .models import Achievement, Inventor, NdaRequest, NdaState

#: The fields an owner writes (forms, the API, bulk import).
EDITABLE_FIELDS = (
    "title",
    "summary",
    "detail",
    "field",
    "keywords",
    "trl",
    "ip_form",
    "patent_number",
    "patent_status",
    "patent_filing_date",
    "cooperation_modes",
    "pricing_mode",
    "price_fen",
    "indicators",
    "application_scenarios",
    "valid_until",
    "external_ref",
)


def _check(org, data: dict, achievement: Achievement | None) -> None:
    errors: list[tuple[str, str]] = []
    if data.get("field") not in {f.value for f in Field}:
        errors.append(("field", _("请选择技术领域。")))
    if data.get("trl") not in range(1, 10):
        errors.append(("trl", _("技术成熟度应为 1–9。")))
    if data.get("ip_form") not in {f.value for f in IpForm}:
        errors.append(("ip_form", _("请选择知识产权形式。")))
    errors += rules.patent_errors(data)
    inventors = data.get("inventors") or []
    if not inventors:
        errors.append(("inventors", _("请至少填写一位发明人。")))
    elif any(share <= 0 for _name, share in inventors):
        errors.append(("inventors", _("每位发明人的份额须大于 0。")))
    elif sum(share for _name, share in inventors) != 100:
        errors.append(
            (
                "inventors",
                _(
                    "发明人份额合计须为 100%%，现为 %(n)s%%。",
                    n=sum(s for _n, s in inventors),
                ),
            )
        )
    modes = data.get("cooperation_modes") or []
    if not modes or any(m not in {c.value for c in CooperationMode} for m in modes):
        errors.append(("cooperation_modes", _("请至少选择一种合作方式。")))
    mode = data.get("pricing_mode")
    if mode not in {p.value for p in PricingMode}:
        errors.append(("pricing_mode", _("请选择定价方式。")))
    elif org.state_funded and mode not in rules.STATE_FUNDED_PRICING:
        errors.append(
            (
                "pricing_mode",
                _(
                    "财政资助的高校院所须采用协议定价、挂牌交易或拍卖方式定价（促进科技成果转化法第十八条），不能选择面议。"
                ),
            )
        )
    elif mode != PricingMode.NEGOTIABLE:
        price = data.get("price_fen")
        if price is None:
            errors.append(("price", _("请填写价格（面议除外）。")))
        elif price <= 0:
            errors.append(("price", _("价格须大于 0。")))
    valid_until: date | None = data.get("valid_until")
    if valid_until is not None and valid_until <= today_shanghai():
        errors.append(("valid_until", _("有效期须晚于今天。")))
    if ref := data.get("external_ref"):
        clash = sa.select(Achievement.id).where(
            Achievement.organization_id == org.id, Achievement.external_ref == ref
        )
        if achievement is not None and achievement.id is not None:
            clash = clash.where(Achievement.id != achievement.id)
        if db.session.scalar(clash) is not None:
            errors.append(("external_ref", _("本机构已有使用此内部编号的成果。")))
    if errors:
        raise ValidationFailed(errors)


def _assign(achievement: Achievement, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        setattr(achievement, name, data.get(name))
    if achievement.patent_number:
        achievement.patent_number = rules.normalise_patent_number(
            achievement.patent_number
        )
    if achievement.pricing_mode == PricingMode.NEGOTIABLE:
        achievement.price_fen = None  # 面议 has no price, whatever was typed
    achievement.detail = achievement.detail or ""
    achievement.application_scenarios = achievement.application_scenarios or ""
    achievement.inventors = [
        Inventor(name=name, share_percent=share, position=i)
        for i, (name, share) in enumerate(data.get("inventors") or [])
    ]


def may_create(actor) -> bool:
    org = getattr(actor, "organization", None)
    return bool(
        actor and actor.is_authenticated and org is not None and org.is_supplier
    )


def create_achievement(org, actor, data: dict, submit: bool = False) -> Achievement:
    """A new draft owned by `org` (a supplier the actor belongs to); `submit` sends it to review."""
    if not (may_create(actor) and actor.belongs_to(org.id)):
        raise PermissionDenied(
            _("只有高校、科研院所或技术转移机构的成员可以发布成果。")
        )
    _check(org, data, None)
    achievement = Achievement(organization=org, created_by_id=actor.id)
    _assign(achievement, data)
    db.session.add(achievement)
    db.session.flush()
    if submit:
        apply_listing_action(achievement, "submit", actor)
    return achievement


def update_achievement(
    achievement: Achievement, actor, data: dict, submit: bool = False
) -> Achievement:
    """Edit a draft or returned achievement; `submit` sends it (back) to review."""
    if not achievement.can_edit(actor):
        raise PermissionDenied(_("只有草稿或被退回的成果可以修改。"))
    _check(achievement.organization, data, achievement)
    _assign(achievement, data)
    achievement.updated_at = utcnow()
    db.session.flush()
    if submit:
        apply_listing_action(achievement, "submit", actor)
    return achievement


def request_nda(
    achievement: Achievement, actor, message: str = "", nda_version: int | None = None
) -> NdaRequest:
    """Ask to see the confidential detail under the NDA; one pending request per person.

    The acceptance records the NDA version (the one the page showed: `nda_version`),
    the time and the account.
    """
    if not (actor and actor.is_authenticated and achievement.can_view(actor)):
        raise PermissionDenied(_("请先登录。"))
    if achievement.can_view_detail(actor):
        raise ValidationFailed([(None, _("您已可以查看技术详情，无需申请。"))])
    pending = db.session.scalar(
        sa.select(NdaRequest.id).where(
            NdaRequest.achievement_id == achievement.id,
            NdaRequest.requester_id == actor.id,
            NdaRequest.state == NdaState.PENDING,
        )
    )
    if pending is not None:
        raise ValidationFailed([(None, _("您已提交过申请，请等待成果方处理。"))])
    terms = accepted_version(TextKind.NDA, nda_version)
    now = utcnow()
    nda = NdaRequest(
        achievement=achievement,
        requester_id=actor.id,
        message=message or "",
        nda_accepted_at=now,
        nda_version_id=terms.id,
        created_at=now,
    )
    db.session.add(nda)
    db.session.flush()
    audit.record(
        actor,
        "achievement.nda_request",
        achievement,
        request_id=nda.id,
        nda_version=terms.version,
    )
    return nda


def decide_nda(nda: NdaRequest, actor, decision: str) -> NdaRequest:
    """The owner accepts or declines a pending NDA request; recorded in the audit trail."""
    if not nda.achievement.is_owned_by(actor):
        raise PermissionDenied(_("只有成果所属机构的成员可以处理保密申请。"))
    if nda.state != NdaState.PENDING:
        raise InvalidTransition(_("该申请已处理过。"))
    if decision not in ("accept", "decline"):
        raise ValidationFailed([("decision", _("请选择同意或拒绝。"))])
    nda.state = NdaState.ACCEPTED if decision == "accept" else NdaState.DECLINED
    nda.decided_at = utcnow()
    nda.decided_by_id = actor.id
    audit.record(
        actor,
        f"achievement.nda_{decision}",
        nda.achievement,
        request_id=nda.id,
        requester_id=nda.requester_id,
    )
    db.session.flush()
    return nda


def attach_file(achievement: Achievement, actor, file_storage, confidential: bool):
    """Store an upload on an editable achievement of the actor's organisation."""
    if not achievement.can_edit(actor):
        raise PermissionDenied(_("只有草稿或被退回的成果可以添加附件。"))
    return uploads.save_upload(
        file_storage, "achievement", achievement.id, actor, confidential=confidential
    )


def _can_download(user, attachment) -> bool:
    achievement = db.session.get(Achievement, attachment.owner_id)
    if achievement is None:
        return False
    if attachment.confidential:
        return achievement.can_view_detail(user)
    return achievement.can_view(user)


def _can_delete(user, attachment) -> bool:
    achievement = db.session.get(Achievement, attachment.owner_id)
    uploader = attachment.uploaded_by
    same_org = uploader is None or (
        user.is_authenticated and user.belongs_to(uploader.organization_id)
    )
    return bool(achievement and same_org and achievement.can_edit(user))


uploads.register_owner_rule("achievement", _can_download, _can_delete)
