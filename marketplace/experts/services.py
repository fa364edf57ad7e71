"""Inviting experts, declaring ties, forming panels. Flushes, never commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts import services as accounts
from ..accounts.models import Organization, Role, User
from ..core import audit
from ..core.domain import FIELD_LABELS
from ..core.errors import PermissionDenied, ValidationFailed
from ..extensions import db
from .models import ExpertProfile, ExpertTie, Panel, PanelMember
from .models import is_tied as models_is_tied

PANEL_MAX = 15


def _operator(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_operator):
        raise PermissionDenied(_("只有运营方可以管理评审专家和专家组。"))


def invite_expert(
    operator,
    *,
    name: str,
    email: str,
    tie_org_ids: list[int] | None = None,
    fields: list[str] | None = None,
    title: str = "",
    affiliation: str = "",
) -> User:
    """An expert account without a usable password; the e-mail invitation sets it."""
    _operator(operator)
    profile = _checked_profile(fields, title, affiliation)
    expert = accounts.create_user(email=email, name=name, role=Role.EXPERT)
    profile.expert_id = expert.id
    db.session.add(profile)
    for org_id in tie_org_ids or []:
        declare_tie(expert, org_id)
    audit.record(operator, "expert.invite", expert)
    accounts.send_invitation(expert, operator)
    return expert


def _checked_profile(
    fields: list[str] | None, title: str, affiliation: str
) -> ExpertProfile:
    fields = list(dict.fromkeys(fields or []))
    title, affiliation = (title or "").strip(), (affiliation or "").strip()
    errors: list[tuple[str | None, str]] = []
    known = {str(f) for f in FIELD_LABELS}
    if any(f not in known for f in fields):
        errors.append(("fields", _("所选专业领域无效。")))
    if len(title) > 60:
        errors.append(("title", _("职称不能超过 %(n)d 字。", n=60)))
    if len(affiliation) > 120:
        errors.append(("affiliation", _("工作单位不能超过 %(n)d 字。", n=120)))
    if errors:
        raise ValidationFailed(errors)
    return ExpertProfile(fields=fields, title=title, affiliation=affiliation)


def profile_of(expert_id: int) -> ExpertProfile | None:
    return db.session.scalar(
        sa.select(ExpertProfile).where(ExpertProfile.expert_id == expert_id)
    )


def profiles_by_expert() -> dict[int, ExpertProfile]:
    return {p.expert_id: p for p in db.session.scalars(sa.select(ExpertProfile))}


def update_profile(
    actor, expert: User, *, fields: list[str], title: str, affiliation: str
) -> ExpertProfile:
    """The operator, or the expert themselves, states the fields, title, affiliation."""
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_operator or actor.id == expert.id)
    ):
        raise PermissionDenied(_("只有运营方或专家本人可以修改专家资料。"))
    if expert.role != Role.EXPERT:
        raise PermissionDenied(_("只有评审专家有专家资料。"))
    checked = _checked_profile(fields, title, affiliation)
    profile = profile_of(expert.id)
    if profile is None:
        profile = ExpertProfile(expert_id=expert.id)
        db.session.add(profile)
    profile.fields, profile.title = checked.fields, checked.title
    profile.affiliation = checked.affiliation
    db.session.flush()
    audit.record(actor, "expert.profile", expert)
    return profile


def suggest_experts(
    field: str | None, exclude_tied_to: set[int] | None = None
) -> list[User]:
    """Panel suggestions: active experts whose fields include `field` (every expert
    when no field is given), leaving out anyone who declared a tie to one of the
    organisations in `exclude_tied_to` (e.g. the sponsor of a call)."""
    exclude_tied_to = exclude_tied_to or set()
    profiles = profiles_by_expert()
    out = []
    for expert in experts():
        profile = profiles.get(expert.id)
        if field and not (profile and field in (profile.fields or [])):
            continue
        if tied_org_ids(expert.id) & exclude_tied_to:
            continue
        out.append(expert)
    return out


def declare_tie(expert: User, organization_id: int, note: str = "") -> ExpertTie:
    if expert.role != Role.EXPERT:
        raise PermissionDenied(_("只有评审专家可以申报关联关系。"))
    if db.session.get(Organization, organization_id) is None:
        raise ValidationFailed([("ties", _("所选机构不存在。"))])
    existing = db.session.scalar(
        sa.select(ExpertTie).where(
            ExpertTie.expert_id == expert.id,
            ExpertTie.organization_id == organization_id,
        )
    )
    if existing is not None:
        return existing
    tie = ExpertTie(expert_id=expert.id, organization_id=organization_id, note=note)
    db.session.add(tie)
    db.session.flush()
    return tie


def tied_org_ids(expert_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ExpertTie.organization_id).where(ExpertTie.expert_id == expert_id)
        )
    )


def is_tied(expert_id: int, organization_id: int) -> bool:
    return models_is_tied(expert_id, organization_id)


def tied_members(panel: Panel, organization_ids: set[int]) -> list[User]:
    """The panel's experts who declared a tie to one of the organisations."""
    return [
        e for e in panel.experts if tied_org_ids(e.id) & (organization_ids or set())
    ]


def experts() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.EXPERT, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def create_panel(
    operator, *, name: str, chair_id: int | None, member_ids: list[int]
) -> Panel:
    """A panel of active experts; the chair is one of them."""
    _operator(operator)
    return _build_panel(operator, name, chair_id, member_ids, set())


def form_panel(
    actor,
    *,
    name: str,
    chair_id: int | None,
    member_ids: list[int],
    exclude_tied_to: set[int],
) -> Panel:
    """A panel a broker (or the operator) forms for a piece of work, e.g. an
    evaluation: as create_panel, and no expert tied to `exclude_tied_to` may sit on it."""
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("只有技术经纪人或运营方可以组建专家组。"))
    return _build_panel(actor, name, chair_id, member_ids, exclude_tied_to)


def _build_panel(
    actor,
    name: str,
    chair_id: int | None,
    member_ids: list[int],
    exclude_tied_to: set[int],
) -> Panel:
    name = (name or "").strip()
    errors: list[tuple[str | None, str]] = []
    if not name:
        errors.append(("name", _("请填写专家组名称。")))
    ids = list(dict.fromkeys(member_ids or []))
    if chair_id is not None and chair_id not in ids:
        ids.insert(0, chair_id)
    found = {u.id: u for u in experts() if u.id in ids}
    if len(found) != len(ids):
        errors.append(("members", _("只能选择已邀请的评审专家。")))
    if not ids:
        errors.append(("members", _("请至少选择一位专家。")))
    elif len(ids) > PANEL_MAX:
        errors.append(("members", _("专家组最多 %(n)d 人。", n=PANEL_MAX)))
    if chair_id is None:
        errors.append(("chair", _("请指定组长。")))
    if len(name) > 120:
        errors.append(("name", _("专家组名称不能超过 %(n)d 字。", n=120)))
    tied = [u.name for u in found.values() if tied_org_ids(u.id) & exclude_tied_to]
    if tied:
        errors.append(
            (
                "members",
                _(
                    "%(names)s 申报了与成果所属机构的关联关系，应回避，不能入选。",
                    names="、".join(tied),
                ),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    panel = Panel(name=name, chair_id=chair_id, created_by_id=actor.id)
    panel.members = [PanelMember(expert_id=i) for i in ids]
    db.session.add(panel)
    db.session.flush()
    audit.record(actor, "panel.create", panel)
    return panel


def panels_of(user) -> list[Panel]:
    """The panels an expert sits on; every panel for the staff."""
    query = sa.select(Panel).order_by(Panel.id.desc())
    if not user.is_staff:
        query = query.join(PanelMember).where(PanelMember.expert_id == user.id)
    return list(db.session.scalars(query))


def all_panels() -> list[Panel]:
    return list(db.session.scalars(sa.select(Panel).order_by(Panel.name, Panel.id)))
