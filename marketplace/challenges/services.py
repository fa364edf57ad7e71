"""Calls: preparing, approving, questions, proposals, scoring, ranking, award, clock.

Flushes, never commits; raises the typed errors of core/errors.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import ORG_TYPE_LABELS, Role, User
from ..core import audit
from ..core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from ..core.timeutil import SHANGHAI, utcnow
from ..deals import starting
from ..deals.services import path_for
from ..experts.models import Panel
from ..experts.services import tied_org_ids
from ..extensions import db
from ..legal.models import TextKind
from ..legal.texts import accepted_version
from ..needs.models import Need
from ..notifications.services import notify
from ..payments.models import PaymentKind
from ..payments.services import PAY_WITHIN_DAYS, add_request, tell_payer
from .models import (
    CallStatus,
    Challenge,
    ChallengeQuestion,
    Proposal,
    ProposalVersion,
    Score,
    Stage,
)

TEXT_MAX = 5000
QUESTION_MAX = 1000
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
    from ..core.money import yuan_to_fen

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


def board_query():
    return (
        sa.select(Challenge)
        .where(Challenge.status != CallStatus.DRAFT)
        .order_by(Challenge.deadline_at.desc(), Challenge.id.desc())
    )


def public_calls_for_need(need_id: int) -> list[Challenge]:
    """The approved calls published from a need (for the need's page): drafts never."""
    return list(db.session.scalars(board_query().where(Challenge.need_id == need_id)))


def public_calls_matching(q: str, limit: int = 5) -> list[Challenge]:
    """Public calls whose title or problem holds every word of `q` (for /search/):
    the board's public text only, never a draft."""
    terms = [t for t in (q or "").split() if t][:5]
    if not terms:
        return []
    select = board_query()
    for term in terms:
        select = select.where(
            sa.or_(
                Challenge.title.icontains(term[:100], autoescape=True),
                Challenge.problem.icontains(term[:100], autoescape=True),
            )
        )
    return list(db.session.scalars(select.limit(limit)))


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


# --- questions ---------------------------------------------------------------------


def ask_question(user, call: Challenge, body: str, now: datetime | None = None):
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("请先登录再提问。"))
    now = now or utcnow()
    if call.stage(now) != Stage.OPEN:
        raise InvalidTransition(_("征集已结束，不能再提问。"))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed([("body", _("请填写问题。"))])
    if len(body) > QUESTION_MAX:
        raise ValidationFailed([("body", _("问题不能超过 %(n)d 字。", n=QUESTION_MAX))])
    question = ChallengeQuestion(
        challenge=call, author_id=user.id, body=body, created_at=now
    )
    db.session.add(question)
    db.session.flush()
    broker = db.session.get(User, call.broker_id)
    notify(
        broker,
        "challenge.question",
        _l("榜单有新问题：%(t)s", t=call.title),
        body,
        path_for("challenges.detail", call_id=call.id),
        dedupe_key=f"challenge-question:{question.id}",
    )
    return question


def answer_question(actor, question: ChallengeQuestion, answer: str) -> None:
    call = question.challenge
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_operator or actor.id == call.broker_id)
    ):
        raise PermissionDenied(_("只有本榜单的经纪人可以答复问题。"))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed([("answer", _("请填写答复。"))])
    if len(answer) > TEXT_MAX:
        raise ValidationFailed([("answer", _("答复不能超过 %(n)d 字。", n=TEXT_MAX))])
    question.answer = answer
    question.answered_at = utcnow()
    question.answered_by_id = actor.id
    db.session.flush()


def public_questions(call: Challenge) -> list[ChallengeQuestion]:
    return [q for q in call.questions if q.answered_at is not None]


# --- proposals ---------------------------------------------------------------------


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
    )
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "challenge.submit", proposal, version=version.version)
    return version


def _beijing(moment: datetime) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%d %H:%M:%S")


def visible_proposals(user, call: Challenge) -> list[Proposal]:
    return [p for p in call.proposals if p.can_view(user)]


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
    if len(values) != len(call.criteria) or any(
        v is None or not 0 <= v <= 100 for v in values
    ):
        raise ValidationFailed(
            [("scores", _("请为每项评审标准打 0 到 100 之间的整数分。"))]
        )
    if len((comment or "").strip()) > TEXT_MAX:
        raise ValidationFailed([("comment", _("内容不能超过 %(n)d 字。", n=TEXT_MAX))])
    score = Score(
        proposal=proposal,
        expert_id=expert.id,
        marks=[int(v) for v in values],
        comment=(comment or "").strip(),
        submitted_at=now,
    )
    db.session.add(score)
    db.session.flush()
    return score


def visible_scores(user, proposal: Proposal) -> list[Score]:
    """Blind scoring: an expert sees the others' scores only after submitting their
    own; the organisers see every score; the solver none."""
    call = proposal.challenge
    if call.is_organiser(user) or (user.is_authenticated and user.is_staff):
        return list(proposal.scores)
    if call.is_panel_member(user) and own_score(user, proposal) is not None:
        return list(proposal.scores)
    if call.is_panel_member(user):
        return [s for s in proposal.scores if s.expert_id == user.id]
    return []


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
    call = proposal.challenge
    if len(values) != len(call.criteria) or any(
        v is None or not 0 <= v <= 100 for v in values
    ):
        raise ValidationFailed(
            [("scores", _("请为每项评审标准打 0 到 100 之间的整数分。"))]
        )
    score = own_score(expert, proposal)
    score.marks = [int(v) for v in values]
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


def ranking(call: Challenge) -> list[Ranked]:
    """Proposals by the mean of their experts' weighted scores, best first; unscored last."""
    rows = []
    for proposal in call.proposals:
        totals = [s.weighted(call.criteria) for s in proposal.scores]
        mean = round(sum(totals) / len(totals), 2) if totals else None
        rows.append(Ranked(proposal, mean, len(totals), spread(call, proposal)))
    rows.sort(key=lambda r: (r.mean is None, -(r.mean or 0), r.proposal.id))
    return rows


# --- award -------------------------------------------------------------------------


def _sponsor(actor, call: Challenge) -> None:
    if not (
        actor
        and actor.is_authenticated
        and (actor.belongs_to(call.sponsor_org_id) or actor.is_operator)
    ):
        raise PermissionDenied(_("只有发榜企业可以揭榜。"))


def award(
    actor,
    call: Challenge,
    winners: dict[int, int],
    now: datetime | None = None,
) -> list[Proposal]:
    """The sponsor picks winners: {proposal id: index of the prize grade}. Each winner
    gets a deal (sponsor = firm, solver = supplier) and a payment request for its prize."""
    _sponsor(actor, call)
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有截止后、尚未揭榜的榜单可以揭榜。"))
    if not winners:
        raise ValidationFailed([("winners", _("请至少选择一个中榜方案。"))])
    by_id = {p.id: p for p in call.proposals}
    if any(pid not in by_id for pid in winners) or any(
        not 0 <= g < len(call.awards) for g in winners.values()
    ):
        raise ValidationFailed([("winners", _("所选方案或奖项无效。"))])
    picked = []
    for pid, grade in winners.items():
        proposal = by_id[pid]
        prize = call.awards[grade]
        proposal.award_grade = prize["grade"]
        proposal.award_fen = prize["amount_fen"]
        deal = _open_deal(actor, call, proposal, now)
        proposal.deal_id = deal.id
        req, _created = add_request(
            f"challenge:{call.id}:award:{proposal.id}",
            deal_id=deal.id,
            kind=PaymentKind.LUMP_SUM,
            amount_fen=prize["amount_fen"],
            currency="CNY",
            due_on=(now + timedelta(days=PAY_WITHIN_DAYS)).date(),
            payer_org_id=call.sponsor_org_id,
            payee_org_id=proposal.organization_id,
            title=_("揭榜奖金：%(t)s（%(g)s）", t=call.title[:100], g=prize["grade"]),
            created_by_id=actor.id,
        )
        tell_payer(req, _l("揭榜奖金待支付：%(t)s", t=call.title))
        picked.append(proposal)
    call.status = CallStatus.AWARDED
    call.decided_at = now
    db.session.flush()
    audit.record(actor, "challenge.award", call, winners=sorted(winners))
    return picked


def _open_deal(actor, call: Challenge, proposal: Proposal, now: datetime):
    """The winning proposal as a deal in the pipeline (firm = sponsor, supplier = solver),
    through the deals package's own opening."""
    existing = starting.open_deal_for(
        proposal.organization_id, call.sponsor_org_id, None, call.need_id
    )
    if existing is not None:
        return existing
    text = _(
        "揭榜挂帅“%(t)s”中榜方案（第 %(v)d 版）：\n%(a)s",
        t=call.title,
        v=proposal.current.version,
        a=proposal.current.approach,
    )
    return starting._create(
        actor,
        "challenge",
        proposal.organization_id,
        call.sponsor_org_id,
        None,
        call.need,
        text[: starting.MESSAGE_MAX],
        now,
    )


def no_winner(actor, call: Challenge, reason: str, now: datetime | None = None) -> None:
    _sponsor(actor, call)
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有截止后、尚未揭榜的榜单可以宣布未揭榜。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("请说明未揭榜的原因。"))])
    if len(reason) > TEXT_MAX:
        raise ValidationFailed([("reason", _("内容不能超过 %(n)d 字。", n=TEXT_MAX))])
    call.status = CallStatus.NO_WINNER
    call.no_winner_reason = reason
    call.decided_at = now
    db.session.flush()
    audit.record(actor, "challenge.no_winner", call)


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
        .where(Need.status == "published", ~has_call)
        .order_by(Need.published_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return [n for n in rows if n.is_public]


def awaiting_scores(expert, now: datetime | None = None) -> list[Proposal]:
    """Proposals of calls in judging on the expert's panels that they still may score."""
    from ..experts.models import PanelMember

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
    from ..core.timeutil import today_shanghai

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
