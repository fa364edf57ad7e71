"""Evaluation by an expert panel (DB3710/T 184, GB/T 34670): the handler forms the panel
(组建专家组), each expert scores every item alone (分项评价), the chair writes the group
opinion and members record dissent (专家评价), the handler closes it: the report.

Rules: a scored evaluation is blind (an expert sees the others' scores only after
submitting their own) and a submitted score is final (no revision: an expert who has
seen the others cannot move towards them). An expert who declared a tie to the
achievement's owner organisation cannot sit on the panel, nor score if the tie is
declared later. Flushes, never commits.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..core import audit
from ..core.domain import TRL_LABELS
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..core.urls import site_path
from ..experts import services as experts
from ..experts.blind import blind, has_scored, optional_text, required_text
from ..experts.models import Panel, PanelMember
from ..extensions import db
from ..notifications.services import notify
from .models import (
    CONCLUSIONS,
    CRITERIA,
    SCORE_LABELS,
    Evaluation,
    EvaluationDissent,
    EvaluationScore,
)
from .services import can_evaluate_achievement, can_evaluate_deal, prefill


def owner_org_id_of(deal=None, achievement=None) -> int | None:
    if achievement is not None:
        return achievement.organization_id
    return deal.supplier_org_id if deal is not None else None


def suggestions(deal, achievement, owner_org_id: int | None):
    """Experts of the subject's field, those tied to its owner left out."""
    subject = achievement if achievement is not None else deal
    field = getattr(subject, "field", None)
    return experts.suggest_experts(field, {owner_org_id} if owner_org_id else set())


def start(
    actor,
    *,
    deal=None,
    achievement=None,
    panel_id: int | None = None,
    name: str = "",
    chair_id: int | None = None,
    member_ids: list[int] | None = None,
) -> Evaluation:
    """A panel evaluation of a deal's achievement (its broker or the operator) or of an
    achievement (the staff): an existing panel assigned, or a new one formed; no
    member may be tied to the owner organisation."""
    if deal is not None:
        if not can_evaluate_deal(deal, actor):
            raise PermissionDenied(_("只有该交易的技术经纪人或运营方可以组织评价。"))
        achievement = deal.achievement
    elif achievement is None or not can_evaluate_achievement(achievement, actor):
        raise PermissionDenied(_("只有技术经纪人或运营方可以组织评价。"))
    owner = owner_org_id_of(deal, achievement)
    if panel_id:
        panel = db.session.get(Panel, panel_id)
        if panel is None:
            raise ValidationFailed([("panel", _("所选专家组不存在。"))])
        tied = experts.tied_members(panel, {owner} if owner else set())
        if tied:
            raise ValidationFailed(
                [
                    (
                        "panel",
                        _(
                            "%(names)s 申报了与成果所属机构的关联关系，应回避，"
                            "不能使用该专家组。",
                            names="、".join(e.name for e in tied),
                        ),
                    )
                ]
            )
    else:
        panel = experts.form_panel(
            actor,
            name=name,
            chair_id=chair_id,
            member_ids=member_ids or [],
            exclude_tied_to={owner} if owner else set(),
        )
    data = prefill(achievement, actor)
    data.pop("trl", None)
    evaluation = Evaluation(
        deal=deal, achievement=achievement, panel=panel, created_by_id=actor.id, **data
    )
    db.session.add(evaluation)
    db.session.flush()
    audit.record(actor, "evaluation.panel_start", evaluation, panel_id=panel.id)
    for expert in panel.experts:
        notify(
            expert,
            "evaluation.panel",
            _l("请为成果评价评分：%(t)s", t=evaluation.subject_title),
            "",
            site_path("evaluation.score", evaluation_id=evaluation.id),
            dedupe_key=f"evaluation-panel:{evaluation.id}:{expert.id}",
        )
    return evaluation


# --- scoring ----------------------------------------------------------------------


def _locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation's row locked for this transaction (PostgreSQL), and its state
    read afresh: a score, the opinion and the close are checked against what the
    others committed, so a late score never slips in beside the close, and an
    expert's double submit is refused rather than failing on the unique key."""
    db.session.refresh(evaluation, with_for_update=True)
    db.session.expire(evaluation, ["panel_scores", "dissents"])
    return evaluation


def own_score(user, evaluation: Evaluation) -> EvaluationScore | None:
    uid = getattr(user, "id", None)
    return next((s for s in evaluation.panel_scores if s.expert_id == uid), None)


def can_score(user, evaluation: Evaluation) -> bool:
    return (
        evaluation.is_open
        and evaluation.is_eligible_expert(user)
        and own_score(user, evaluation) is None
    )


def _int_in(value, allowed, field: str, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed([(field, message)]) from None
    if number not in allowed:
        raise ValidationFailed([(field, message)])
    return number


def submit_score(expert, evaluation: Evaluation, data: dict, now=None):
    """An expert's scores of every item, once; final when submitted."""
    _locked(evaluation)
    if not evaluation.is_panel:
        raise InvalidTransition(_("该评价不是专家组评价。"))
    if not evaluation.is_eligible_expert(expert):
        if evaluation.panel.has_member(expert):
            raise PermissionDenied(
                _("您申报了与成果所属机构的关联关系，应回避，不能评分。")
            )
        raise PermissionDenied(_("您不是本评价专家组的成员。"))
    if not evaluation.is_open:
        raise InvalidTransition(_("专家组评价已结束，不能再评分。"))
    if own_score(expert, evaluation) is not None:
        raise InvalidTransition(_("您已提交评分，提交后不能修改。"))
    score = EvaluationScore(
        evaluation=evaluation,
        expert_id=expert.id,
        trl=_int_in(
            data.get("trl"), TRL_LABELS, "trl", _("请选择 1 到 9 级的技术成熟度。")
        ),
        trl_evidence=required_text(
            data.get("trl_evidence"), "trl_evidence", _("请写明判定成熟度的依据。")
        ),
        comments={},
        comment=optional_text(data.get("comment"), "comment"),
        submitted_at=now or utcnow(),
    )
    for name, _label in CRITERIA:
        value = _int_in(
            data.get(f"{name}_score"),
            SCORE_LABELS,
            f"{name}_score",
            _("请为每一项选择 1 到 5 分。"),
        )
        setattr(score, f"{name}_score", value)
        text = optional_text(data.get(f"{name}_comment"), f"{name}_comment")
        if text:
            score.comments[name] = text
    db.session.add(score)
    db.session.flush()
    audit.record(expert, "evaluation.score", evaluation)
    if not waiting_for(evaluation):
        notify(
            evaluation.panel.chair,
            "evaluation.scored",
            _l("专家已全部评分，请撰写专家组意见：%(t)s", t=evaluation.subject_title),
            "",
            site_path("evaluation.detail", evaluation_id=evaluation.id),
            dedupe_key=f"evaluation-scored:{evaluation.id}",
        )
    return score


def visible_scores(user, evaluation: Evaluation) -> list[EvaluationScore]:
    """Blind: the handling staff see every score; an expert the others' only after
    submitting their own; the parties (owner, firm) every score once it is closed."""
    rows = evaluation.panel_scores
    if not (user and user.is_authenticated):
        return []
    if user.role == Role.EXPERT:
        mine = has_scored(rows, user.id) and evaluation.is_eligible_expert(user)
        return blind(rows, user.id, sees_all=mine)
    return blind(rows, None, sees_all=user.is_staff or not evaluation.is_open)


def eligible_experts(evaluation: Evaluation):
    owner = evaluation.owner_org_id
    return [e for e in evaluation.panel.experts if not experts.is_tied(e.id, owner)]


def waiting_for(evaluation: Evaluation):
    """The eligible experts who have not scored yet."""
    done = {s.expert_id for s in evaluation.panel_scores}
    return [e for e in eligible_experts(evaluation) if e.id not in done]


# --- the group opinion, dissent, closing -------------------------------------------


def is_chair(user, evaluation: Evaluation) -> bool:
    return bool(
        evaluation.panel is not None
        and getattr(user, "id", None) == evaluation.panel.chair_id
        and evaluation.is_eligible_expert(user)
    )


def write_opinion(chair, evaluation: Evaluation, conclusion: str, text: str, now=None):
    """The chair's group opinion (a conclusion and its text) once every eligible
    expert has scored; rewritable until the evaluation is closed."""
    _locked(evaluation)
    if not is_chair(chair, evaluation):
        raise PermissionDenied(_("只有专家组组长可以撰写专家组意见。"))
    if not evaluation.is_open:
        raise InvalidTransition(_("专家组评价已结束。"))
    if waiting_for(evaluation):
        raise InvalidTransition(_("还有专家尚未评分，暂不能撰写专家组意见。"))
    if conclusion not in CONCLUSIONS:
        raise ValidationFailed([("conclusion", _("请选择评价结论。"))])
    evaluation.conclusion = conclusion
    evaluation.conclusion_text = required_text(
        text, "conclusion_text", _("请填写专家组意见。")
    )
    evaluation.opinion_at = now or utcnow()
    db.session.flush()
    audit.record(chair, "evaluation.opinion", evaluation, conclusion=conclusion)
    return evaluation


def record_dissent(expert, evaluation: Evaluation, text: str, now=None):
    """A member other than the chair records dissent from the opinion, by name."""
    _locked(evaluation)
    if not evaluation.is_eligible_expert(expert) or is_chair(expert, evaluation):
        raise PermissionDenied(_("只有专家组成员（组长除外）可以记录不同意见。"))
    if not evaluation.is_open:
        raise InvalidTransition(_("专家组评价已结束。"))
    if evaluation.opinion_at is None:
        raise InvalidTransition(_("组长尚未撰写专家组意见。"))
    text = required_text(text, "dissent", _("请填写不同意见。"))
    dissent = next((d for d in evaluation.dissents if d.expert_id == expert.id), None)
    if dissent is None:
        dissent = EvaluationDissent(evaluation_id=evaluation.id, expert_id=expert.id)
        db.session.add(dissent)
        evaluation.dissents.append(dissent)
    dissent.text, dissent.recorded_at = text, now or utcnow()
    db.session.flush()
    audit.record(expert, "evaluation.dissent", evaluation)
    return dissent


def close(actor, evaluation: Evaluation, now: datetime | None = None) -> Evaluation:
    """The handler closes the panel's work: every eligible expert has scored and the
    chair has written the opinion. The report's TRL is the panel's median."""
    _locked(evaluation)
    if not evaluation.can_edit(actor):
        raise PermissionDenied(_("只有组织评价的技术经纪人或运营方可以结束评价。"))
    if not evaluation.is_open:
        raise InvalidTransition(_("专家组评价已结束。"))
    if not evaluation.panel_scores or waiting_for(evaluation):
        raise InvalidTransition(_("还有专家尚未评分，不能结束评价。"))
    if evaluation.opinion_at is None:
        raise InvalidTransition(_("组长尚未撰写专家组意见，不能结束评价。"))
    evaluation.closed_at = now or utcnow()
    evaluation.evaluated_on = today_shanghai()
    evaluation.trl = evaluation.panel_summary.trl
    db.session.flush()
    audit.record(actor, "evaluation.close", evaluation, trl=evaluation.trl)
    return evaluation


def open_for(expert) -> list[Evaluation]:
    """The open panel evaluations the expert may still score (their tasks)."""
    rows = db.session.scalars(
        db.select(Evaluation)
        .join(PanelMember, PanelMember.panel_id == Evaluation.panel_id)
        .where(PanelMember.expert_id == expert.id, Evaluation.closed_at.is_(None))
        .order_by(Evaluation.created_at, Evaluation.id)
    )
    return [e for e in rows if can_score(expert, e)]
