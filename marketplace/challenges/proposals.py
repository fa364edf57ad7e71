"""Proposals to a call: who may submit, versions until the deadline (to the second),
who sees them. Flushes, never commits."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..accounts.models import Role
from ..achievements.models import Achievement
from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import SHANGHAI, utcnow
from ..extensions import db
from ..legal.models import TextKind
from ..legal.texts import accepted_version
from ..listings.models import public_filter
from ..uploads.services import attachments_of, register_owner_rule, save_upload
from .models import Challenge, Proposal, ProposalVersion, Stage
from .services import TEXT_MAX

#: The uploads' owner type of a proposal's attachments.
OWNER_TYPE = "challenge_proposal"


def _lock(call: Challenge) -> None:
    """Serialise submissions to one call (a row lock on PostgreSQL)."""
    db.session.execute(
        sa.select(Challenge.id).where(Challenge.id == call.id).with_for_update()
    )


def can_submit(user, call: Challenge) -> bool:
    org = getattr(user, "organization", None)
    return bool(
        user
        and user.is_authenticated
        and user.role in (Role.SUPPLIER, Role.FIRM)
        and org is not None
        and org.is_verified
        and org.id != call.sponsor_org_id
        and str(org.type) in call.eligible_org_types
    )


def own_proposal(user, call: Challenge) -> Proposal | None:
    if not (user and user.is_authenticated and user.organization_id):
        return None
    return db.session.scalar(
        sa.select(Proposal).where(
            Proposal.challenge_id == call.id,
            Proposal.organization_id == user.organization_id,
        )
    )


def submit_proposal(
    actor, call: Challenge, data: dict, now: datetime | None = None
) -> ProposalVersion:
    """A new version of the actor organisation's proposal; refused once the deadline
    passed, to the second, by the server's clock."""
    if not can_submit(actor, call):
        raise PermissionDenied(
            _("只有符合条件且已认证机构的成员可以提交方案（发榜企业除外）。")
        )
    _lock(call)
    now = now or utcnow()
    if call.stage(now) != Stage.OPEN:
        raise InvalidTransition(
            _("提交截止时间已过（%(t)s），方案未被接收。", t=_beijing(call.deadline_at))
        )
    approach = (data.get("approach") or "").strip()
    errors: list[tuple[str | None, str]] = []
    if not approach:
        errors.append(("approach", _("请填写技术方案。")))
    for name in ("approach", "promised_indicators", "team", "schedule"):
        if len((data.get(name) or "").strip()) > TEXT_MAX:
            errors.append((name, _("内容不能超过 %(n)d 字。", n=TEXT_MAX)))
    budget = data.get("budget_fen")
    if budget is not None and budget < 0:
        errors.append(("budget", _("预算不能为负数。")))
    if not data.get("nda"):
        errors.append(("nda", _("提交方案须接受保密协议。")))
    cited = list(dict.fromkeys(data.get("achievement_ids") or []))
    own = {a.id for a in own_achievements(actor.organization_id)}
    if any(i not in own for i in cited):
        errors.append(("achievements", _("只能关联本机构已发布的成果。")))
    if errors:
        raise ValidationFailed(errors)
    terms = accepted_version(TextKind.NDA, data.get("nda_version"), field="nda")
    proposal = own_proposal(actor, call)
    if proposal is None:
        proposal = Proposal(
            challenge=call, organization_id=actor.organization_id, created_at=now
        )
        db.session.add(proposal)
        db.session.flush()
    version = ProposalVersion(
        proposal=proposal,
        version=len(proposal.versions) + 1,
        approach=approach,
        promised_indicators=(data.get("promised_indicators") or "").strip(),
        team=(data.get("team") or "").strip(),
        budget_fen=budget,
        schedule=(data.get("schedule") or "").strip(),
        submitted_at=now,
        submitted_by_id=actor.id,
        nda_version_id=terms.id,
        achievement_ids=cited,
    )
    db.session.add(version)
    db.session.flush()
    upload = data.get("file")
    if upload is not None and getattr(upload, "filename", ""):
        # Last, once everything else holds: the upload rules check size and bytes.
        save_upload(upload, OWNER_TYPE, proposal.id, actor, confidential=True)
    audit.record(actor, "challenge.submit", proposal, version=version.version)
    return version


def own_achievements(org_id: int | None) -> list[Achievement]:
    """The organisation's own published achievements, which a proposal may cite."""
    if org_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Achievement)
            .where(Achievement.organization_id == org_id, public_filter(Achievement))
            .order_by(Achievement.title, Achievement.id)
        )
    )


def cited_achievements(version: ProposalVersion) -> list[Achievement]:
    ids = version.achievement_ids or []
    if not ids:
        return []
    rows = db.session.scalars(sa.select(Achievement).where(Achievement.id.in_(ids)))
    return sorted(rows, key=lambda a: ids.index(a.id))


def attachments(proposal: Proposal) -> list:
    return attachments_of(OWNER_TYPE, proposal.id)


def _attached_proposal(attachment) -> Proposal | None:
    return db.session.get(Proposal, attachment.owner_id)


def _can_download(user, attachment) -> bool:
    """Whoever may see the proposal (its organisation, the organisers, the panel save
    an expert tied to the solver)."""
    proposal = _attached_proposal(attachment)
    return bool(proposal and proposal.can_view(user))


def _can_delete(user, attachment) -> bool:
    """The submitting organisation, while the call still collects proposals."""
    proposal = _attached_proposal(attachment)
    return bool(
        proposal
        and user.is_authenticated
        and user.belongs_to(proposal.organization_id)
        and proposal.challenge.stage() == Stage.OPEN
    )


def _owner_url(attachment) -> str:
    """Back to the proposal's page after a file is removed."""
    return url_for("challenges.proposal", proposal_id=attachment.owner_id)


register_owner_rule(OWNER_TYPE, _can_download, _can_delete, _owner_url)


def _beijing(moment: datetime) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%d %H:%M:%S")


def visible_proposals(user, call: Challenge) -> list[Proposal]:
    return [p for p in call.proposals if p.can_view(user)]
