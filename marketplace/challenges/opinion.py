"""The panel's evaluation of a call (专家评价): after each expert scored alone, the chair
writes the group opinion and any member records dissent, by name; the report shows the
panel, each score, the aggregate, the opinion and the dissent, prints and exports to
PDF (the contracts' embedded Chinese font).

Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied
from ..core.pdf import sections_pdf
from ..core.timeutil import SHANGHAI, utcnow
from ..experts.blind import required_text
from ..experts.models import ExpertProfile
from ..extensions import db
from .judging import Ranked, ranking
from .models import Challenge, Dissent, PanelOpinion, Stage


def opinion_of(call: Challenge) -> PanelOpinion | None:
    return db.session.scalar(
        sa.select(PanelOpinion).where(PanelOpinion.challenge_id == call.id)
    )


def dissents_of(call: Challenge) -> list[Dissent]:
    return list(
        db.session.scalars(
            sa.select(Dissent)
            .where(Dissent.challenge_id == call.id)
            .order_by(Dissent.recorded_at, Dissent.id)
        )
    )


def is_chair(user, call: Challenge) -> bool:
    return bool(
        user and user.is_authenticated and call.panel and call.panel.chair_id == user.id
    )


def can_view_report(user, call: Challenge) -> bool:
    return call.is_organiser(user) or call.is_panel_member(user)


def write_opinion(
    chair, call: Challenge, text: str, now: datetime | None = None
) -> PanelOpinion:
    """The chair's group opinion, after the deadline and before the sponsor decides;
    rewriting it keeps one opinion (the newest text)."""
    if not is_chair(chair, call):
        raise PermissionDenied(_("只有专家组组长可以撰写专家组意见。"))
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有评审中的榜单可以撰写专家组意见。"))
    text = required_text(text, "opinion", _("请填写专家组意见。"))
    opinion = opinion_of(call)
    if opinion is None:
        opinion = PanelOpinion(challenge_id=call.id, chair_id=chair.id)
        db.session.add(opinion)
    opinion.opinion, opinion.written_at = text, now
    db.session.flush()
    audit.record(chair, "challenge.opinion", call)
    return opinion


def record_dissent(
    expert, call: Challenge, text: str, now: datetime | None = None
) -> Dissent:
    """A member (not the chair) records dissent from the group opinion, by name."""
    if not call.is_panel_member(expert) or is_chair(expert, call):
        raise PermissionDenied(_("只有专家组成员（组长除外）可以记录不同意见。"))
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有评审中的榜单可以记录不同意见。"))
    if opinion_of(call) is None:
        raise InvalidTransition(_("组长尚未撰写专家组意见。"))
    text = required_text(text, "dissent", _("请填写不同意见。"))
    dissent = db.session.scalar(
        sa.select(Dissent).where(
            Dissent.challenge_id == call.id, Dissent.expert_id == expert.id
        )
    )
    if dissent is None:
        dissent = Dissent(challenge_id=call.id, expert_id=expert.id)
        db.session.add(dissent)
    dissent.text, dissent.recorded_at = text, now
    db.session.flush()
    audit.record(expert, "challenge.dissent", call)
    return dissent


@dataclass
class Member:
    name: str
    is_chair: bool
    title: str
    affiliation: str


@dataclass
class Report:
    call: Challenge
    members: list[Member]
    rows: list[Ranked]
    opinion: PanelOpinion | None
    dissents: list[Dissent]


def report(user, call: Challenge) -> Report:
    """What `user` may see of the evaluation: the proposals they may see (a tied expert
    not the tied one), each expert's scores by name, the aggregate, opinion, dissent."""
    experts = call.panel.experts if call.panel else []
    profiles = {
        p.expert_id: p
        for p in db.session.scalars(
            sa.select(ExpertProfile).where(
                ExpertProfile.expert_id.in_([e.id for e in experts] or [0])
            )
        )
    }
    members = [
        Member(
            e.name,
            is_chair(e, call),
            getattr(profiles.get(e.id), "title", ""),
            getattr(profiles.get(e.id), "affiliation", ""),
        )
        for e in experts
    ]
    rows = [r for r in ranking(call) if r.proposal.can_view(user)]
    return Report(call, members, rows, opinion_of(call), dissents_of(call))


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def render_pdf(r: Report) -> bytes:
    """The report as a PDF; raises core.pdf.FontUnavailable without a font."""
    call = r.call
    title = f"{_('专家评审报告')}：{call.title}"
    criteria = "；".join(f"{c['name']}（{c['weight']}%）" for c in call.criteria)
    sections = [
        (
            _("专家组"),
            [
                f"{m.name}{'（' + _('组长') + '）' if m.is_chair else ''}"
                f"{' · ' + m.title if m.title else ''}"
                f"{' · ' + m.affiliation if m.affiliation else ''}"
                for m in r.members
            ],
        ),
        (_("评审标准及权重"), [criteria]),
    ]
    for i, row in enumerate(r.rows, start=1):
        lines = [
            f"{s.expert.name}：{'、'.join(str(x) for x in s.marks)} → "
            f"{s.weighted(call.criteria)}" + (f"（{s.comment}）" if s.comment else "")
            for s in row.proposal.scores
        ]
        mean = row.mean if row.mean is not None else _("尚无评分")
        lines.append(f"{_('加权平均分')}：{mean}")
        if row.tiebreak is not None:
            t = row.tiebreak
            lines.append(
                _(
                    "名次由 %(who)s 于 %(when)s 决定：%(why)s",
                    who=t.decided_by.name,
                    when=_local(t.decided_at),
                    why=t.reason,
                )
            )
        sections.append((f"{i}. {row.proposal.organization.name}", lines))
    if r.opinion is not None:
        sections.append(
            (
                _("专家组意见"),
                [
                    r.opinion.opinion,
                    f"{r.opinion.chair.name} · {_local(r.opinion.written_at)}",
                ],
            )
        )
    sections.append(
        (
            _("不同意见"),
            [f"{d.expert.name}：{d.text}" for d in r.dissents] or [_("无。")],
        )
    )
    return sections_pdf(title, None, sections)
