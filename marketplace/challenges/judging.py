"""Judging a call: blind scores per criterion, consensus, ranking (ties broken by a
recorded decision), and the experts' work list (awards.py: the sponsor's pick).

Flushes, never commits; raises the typed errors of core/errors.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..core import audit
from ..core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from ..core.timeutil import today_shanghai, utcnow
from ..deals.services import path_for
from ..experts.blind import TEXT_MAX, blind, has_scored, optional_text, required_text
from ..experts.models import PanelMember
from ..experts.services import tied_org_ids
from ..extensions import db
from ..notifications.services import notify
from .models import (
    CallStatus,
    Challenge,
    Proposal,
    Score,
    Stage,
    TieBreak,
)

# --- judging -----------------------------------------------------------------------


def can_score(expert, proposal: Proposal) -> bool:
    call = proposal.challenge
    return bool(
        expert
        and expert.is_authenticated
        and expert.role == Role.EXPERT
        and call.is_panel_member(expert)
        and proposal.organization_id not in tied_org_ids(expert.id)
    )


def own_score(expert, proposal: Proposal) -> Score | None:
    return next((s for s in proposal.scores if s.expert_id == expert.id), None)


def score_proposal(
    expert,
    proposal: Proposal,
    values: list[int | None],
    comment: str = "",
    now: datetime | None = None,
) -> Score:
    """An expert's scores of one proposal, once, after the deadline; refused to an
    expert who declared a tie to the submitting organisation."""
    call = proposal.challenge
    if not call.is_panel_member(expert):
        raise PermissionDenied(_("您不是本榜单专家组的成员。"))
    if proposal.organization_id in tied_org_ids(expert.id):
        raise PermissionDenied(_("您申报了与该机构的关联关系，应回避，不能评分。"))
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有截止后、揭榜前可以评分。"))
    if own_score(expert, proposal) is not None:
        raise InvalidTransition(_("您已提交对该方案的评分。"))
    marks = _marks(call, values)
    score = Score(
        proposal=proposal,
        expert_id=expert.id,
        marks=marks,
        comment=optional_text(comment, "comment"),
        submitted_at=now,
    )
    db.session.add(score)
    db.session.flush()
    return score


def _marks(call: Challenge, values: list[int | None]) -> list[int]:
    if len(values) != len(call.criteria) or any(
        v is None or not 0 <= v <= 100 for v in values
    ):
        raise ValidationFailed(
            [("scores", _("请为每项评审标准打 0 到 100 之间的整数分。"))]
        )
    return [int(v) for v in values]


def visible_scores(user, proposal: Proposal) -> list[Score]:
    """Blind scoring (experts/blind.py): an expert sees the others' scores only after
    submitting their own; the organisers see every score; the solver none."""
    call = proposal.challenge
    scores = proposal.scores
    if call.is_organiser(user) or (user.is_authenticated and user.is_staff):
        return blind(scores, None, sees_all=True)
    if call.is_panel_member(user):
        return blind(scores, user.id, sees_all=has_scored(scores, user.id))
    return blind(scores, None, sees_all=False)


#: Weighted scores of one proposal further apart than this call for a consensus round.
CONSENSUS_MARGIN = 15


def spread(call: Challenge, proposal: Proposal) -> float:
    totals = [s.weighted(call.criteria) for s in proposal.scores]
    return round(max(totals) - min(totals), 2) if len(totals) > 1 else 0.0


def needs_consensus(proposal: Proposal) -> bool:
    return spread(proposal.challenge, proposal) > CONSENSUS_MARGIN


def open_consensus(actor, proposal: Proposal, now: datetime | None = None) -> None:
    """The broker calls a consensus round on a proposal whose scores differ by more
    than the margin: each expert who scored it may revise once, seeing the others'."""
    call = proposal.challenge
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_operator or actor.id == call.broker_id)
    ):
        raise PermissionDenied(_("只有本榜单的经纪人可以召开合议。"))
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有评审中的榜单可以召开合议。"))
    if proposal.consensus_at is not None:
        raise InvalidTransition(_("该方案已召开合议。"))
    if not needs_consensus(proposal):
        raise InvalidTransition(
            _("专家评分差距未超过 %(m)d 分，无需合议。", m=CONSENSUS_MARGIN)
        )
    proposal.consensus_at = now
    db.session.flush()
    for score in proposal.scores:
        notify(
            score.expert,
            "challenge.consensus",
            _l("请参加合议并复核评分：%(t)s", t=call.title),
            "",
            path_for("challenges.proposal", proposal_id=proposal.id),
            dedupe_key=f"challenge-consensus:{proposal.id}",
        )
    audit.record(actor, "challenge.consensus", proposal)


def can_revise(expert, proposal: Proposal) -> bool:
    own = own_score(expert, proposal) if expert.is_authenticated else None
    return bool(
        own is not None
        and proposal.consensus_at is not None
        and own.revised_at is None
        and proposal.challenge.stage() == Stage.JUDGING
    )


def revise_score(
    expert,
    proposal: Proposal,
    values: list[int | None],
    comment: str = "",
    now: datetime | None = None,
) -> Score:
    """An expert's revised scores in the consensus round (once)."""
    if not can_revise(expert, proposal):
        raise InvalidTransition(_("现在不能修改该方案的评分。"))
    marks = _marks(proposal.challenge, values)
    score = own_score(expert, proposal)
    score.marks = marks
    if (comment or "").strip():
        score.comment = comment.strip()[:TEXT_MAX]
    score.revised_at = now or utcnow()
    db.session.flush()
    return score


@dataclass
class Ranked:
    proposal: Proposal
    mean: float | None
    count: int
    spread: float = 0.0
    #: The proposals (ids) sharing this weighted mean, this one included; empty if none.
    tied_with: list[int] = field(default_factory=list)
    #: The recorded decision ordering that tie, if one was taken.
    tiebreak: TieBreak | None = None


def _tiebreaks(call: Challenge) -> dict[frozenset[int], TieBreak]:
    """The newest decision per group of tied proposals."""
    rows = db.session.scalars(
        sa.select(TieBreak)
        .where(TieBreak.challenge_id == call.id)
        .order_by(TieBreak.decided_at, TieBreak.id)
    )
    return {frozenset(t.proposal_ids): t for t in rows}


def ranking(call: Challenge) -> list[Ranked]:
    """Proposals by the mean of their experts' weighted scores, best first; unscored
    last. Equal means are ordered by the recorded tie-break decision, else by id."""
    rows = []
    for proposal in call.proposals:
        totals = [s.weighted(call.criteria) for s in proposal.scores]
        mean = round(sum(totals) / len(totals), 2) if totals else None
        rows.append(Ranked(proposal, mean, len(totals), spread(call, proposal)))
    groups: dict[float, list[int]] = {}
    for r in rows:
        if r.mean is not None:
            groups.setdefault(r.mean, []).append(r.proposal.id)
    decisions = _tiebreaks(call)
    position: dict[int, int] = {}
    for ids in groups.values():
        if len(ids) < 2:
            continue
        decision = decisions.get(frozenset(ids))
        order = decision.proposal_ids if decision else sorted(ids)
        for r in rows:
            if r.proposal.id in ids:
                r.tied_with = sorted(ids)
                r.tiebreak = decision
                position[r.proposal.id] = order.index(r.proposal.id)
    rows.sort(
        key=lambda r: (
            r.mean is None,
            -(r.mean or 0),
            position.get(r.proposal.id, 0),
            r.proposal.id,
        )
    )
    return rows


def break_tie(
    actor,
    call: Challenge,
    first_id: int | None,
    reason: str,
    now: datetime | None = None,
) -> TieBreak:
    """The broker records which of the proposals tied on the weighted mean ranks first,
    and why (the others keep their order); who, why and when show in the ranking."""
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_operator or actor.id == call.broker_id)
    ):
        raise PermissionDenied(_("只有本榜单的经纪人可以决定并列名次。"))
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有评审中的榜单可以决定并列名次。"))
    row = next((r for r in ranking(call) if r.proposal.id == first_id), None)
    if row is None or not row.tied_with:
        raise ValidationFailed([("first", _("所选方案没有与其他方案并列。"))])
    reason = required_text(reason, "reason", _("请说明决定的理由。"))
    order = [first_id] + [i for i in row.tied_with if i != first_id]
    decision = TieBreak(
        challenge_id=call.id,
        proposal_ids=order,
        reason=reason,
        decided_by_id=actor.id,
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "challenge.tiebreak", call, order=order)
    return decision


# --- the experts' work list ----------------------------------------------------


def awaiting_scores(expert, now: datetime | None = None) -> list[Proposal]:
    """Proposals of calls in judging on the expert's panels that they still may score."""

    now = now or utcnow()
    proposals = db.session.scalars(
        sa.select(Proposal)
        .join(Challenge)
        .join(PanelMember, PanelMember.panel_id == Challenge.panel_id)
        .where(
            PanelMember.expert_id == expert.id,
            Challenge.status == CallStatus.APPROVED,
            Challenge.deadline_at <= now,
        )
        .order_by(Challenge.deadline_at, Proposal.id)
    )
    return [
        p for p in proposals if can_score(expert, p) and own_score(expert, p) is None
    ]


def remind_unscored(now: datetime | None = None) -> int:
    """For `flask jobs tick`: once a (Shanghai) day, remind each panel expert who still
    has proposals to score. Returns how many experts were reminded."""

    now = now or utcnow()
    calls = db.session.scalars(
        sa.select(Challenge).where(
            Challenge.status == CallStatus.APPROVED, Challenge.deadline_at <= now
        )
    ).all()
    experts = {e.id: e for c in calls if c.panel for e in c.panel.experts}
    reminded = 0
    for expert in experts.values():
        pending = awaiting_scores(expert, now)
        if not pending:
            continue
        notify(
            expert,
            "challenge.remind",
            _l("您还有 %(n)d 份揭榜方案待评分", n=len(pending)),
            "",
            path_for("challenges.index"),
            dedupe_key=f"challenge-remind:{expert.id}:{today_shanghai().isoformat()}",
        )
        reminded += 1
    db.session.flush()
    return reminded
