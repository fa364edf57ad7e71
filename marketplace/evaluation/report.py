"""The evaluation report, single or by panel: what a reader may see of it (the page,
printable, and the PDF with the contracts' Chinese font)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import TRL_LABELS
from ..core.pdf import sections_pdf
from ..core.timeutil import SHANGHAI
from ..experts.services import profiles_by_expert
from . import panel, services
from .aggregate import Summary
from .models import CRITERIA, Evaluation, EvaluationScore
from .panel_forms import PanelDissentForm, PanelOpinionForm


@dataclass
class Member:
    id: int
    name: str
    is_chair: bool
    title: str
    affiliation: str
    scored: bool
    tied: bool


@dataclass
class Report:
    evaluation: Evaluation
    members: list[Member] = field(default_factory=list)
    #: The scores this reader may see (blind until they submit; all once closed).
    scores: list[EvaluationScore] = field(default_factory=list)
    #: The aggregate of those scores (None while the reader may not see them all).
    summary: Summary | None = None


def build(user, evaluation: Evaluation) -> Report:
    r = Report(evaluation)
    if not evaluation.is_panel:
        return r
    profiles = profiles_by_expert()
    eligible = {e.id for e in panel.eligible_experts(evaluation)}
    done = {s.expert_id for s in evaluation.panel_scores}
    for e in evaluation.panel.experts:
        p = profiles.get(e.id)
        r.members.append(
            Member(
                e.id,
                e.name,
                e.id == evaluation.panel.chair_id,
                getattr(p, "title", ""),
                getattr(p, "affiliation", ""),
                e.id in done,
                e.id not in eligible,
            )
        )
    r.scores = panel.visible_scores(user, evaluation)
    if r.scores and len(r.scores) == len(evaluation.panel_scores):
        r.summary = evaluation.panel_summary
    return r


def opinion_form(evaluation: Evaluation | None = None) -> PanelOpinionForm:
    if evaluation is None:
        return PanelOpinionForm()
    return PanelOpinionForm(
        formdata=None,
        data={
            "conclusion": evaluation.conclusion or "",
            "conclusion_text": evaluation.conclusion_text or "",
        },
    )


def dissent_form(evaluation: Evaluation | None = None, user=None) -> PanelDissentForm:
    if evaluation is None:
        return PanelDissentForm()
    mine = next(
        (d for d in evaluation.dissents if d.expert_id == getattr(user, "id", None)),
        None,
    )
    return PanelDissentForm(formdata=None, data={"dissent": mine.text if mine else ""})


def render_detail(evaluation: Evaluation, status: int = 200, **forms):
    """The report page (also for a panel still at work, with its forms)."""
    user = current_user
    valuation = evaluation.latest_valuation
    income = cost = None
    if valuation is not None:
        income, cost = services.compute(valuation.inputs)
    return render_template(
        "evaluation/detail.html",
        evaluation=evaluation,
        r=build(user, evaluation),
        criteria=CRITERIA,
        valuation=valuation,
        income=income,
        cost=cost,
        can_score=panel.can_score(user, evaluation) if evaluation.is_panel else False,
        is_chair=panel.is_chair(user, evaluation) if evaluation.is_panel else False,
        is_member=evaluation.is_eligible_expert(user),
        waiting=panel.waiting_for(evaluation) if evaluation.is_open else [],
        opinion_form=forms.get("opinion_form") or opinion_form(evaluation),
        dissent_form=forms.get("dissent_form") or dissent_form(evaluation, user),
    ), status


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _score_lines(r: Report) -> list[str]:
    lines = []
    for s in r.scores:
        items = "；".join(f"{label} {s.score(name)}" for name, label in CRITERIA)
        lines.append(
            f"{s.expert.name}（{_local(s.submitted_at)}）：TRL {s.trl}；{items}；"
            f"{_('合计')} {s.total}"
        )
        lines.append(f"　{_('成熟度依据')}：{s.trl_evidence}")
        for name, label in CRITERIA:
            if s.comments.get(name):
                lines.append(f"　{label}：{s.comments[name]}")
        if s.comment:
            lines.append(f"　{_('总体意见')}：{s.comment}")
    return lines or [_("尚无可见的评分。")]


def render_pdf(r: Report) -> bytes:
    """The report as a PDF; raises core.pdf.FontUnavailable without a Chinese font."""
    title = f"{_('科技成果评价报告')}：{r.evaluation.subject_title}"
    return sections_pdf(title, None, pdf_sections(r))


def pdf_sections(r: Report) -> list[tuple[str, list[str]]]:
    """The PDF's headed sections: what the page shows, and nothing confidential."""
    e = r.evaluation
    head = [f"{_('评价人')}：{e.evaluator_name}", f"{_('评价日期')}：{e.evaluated_on}"]
    if e.achievement is not None:
        head.insert(0, f"{_('成果完成单位')}：{e.achievement.organization.name}")
    sections: list[tuple[str, list[str]]] = [(_("基本信息"), head)]
    if e.is_panel:
        sections.append(
            (
                f"{_('专家组')}：{e.panel.name}",
                [
                    f"{m.name}{'（' + _('组长') + '）' if m.is_chair else ''}"
                    f"{' · ' + m.title if m.title else ''}"
                    f"{' · ' + m.affiliation if m.affiliation else ''}"
                    for m in r.members
                ],
            )
        )
        sections.append((_("各专家评分"), _score_lines(r)))
        if r.summary is not None and r.summary.count:
            s = r.summary
            lines = [
                f"TRL（{_('中位数')}）：{s.trl} · {TRL_LABELS.get(s.trl, '')}",
                *(f"{label}（{_('平均')}）：{s.means[n]}" for n, label in CRITERIA),
                f"{_('合计')}：{s.total} / 25",
            ]
            sections.append((_("专家组汇总"), lines))
    else:
        lines = [
            f"TRL {e.trl} · {TRL_LABELS.get(e.trl, '')}",
            f"{_('成熟度依据')}：{e.trl_evidence}",
            *(
                f"{label}：{getattr(e, n + '_score')}"
                + (
                    f"（{getattr(e, n + '_comment')}）"
                    if getattr(e, n + "_comment")
                    else ""
                )
                for n, label in CRITERIA
            ),
            f"{_('合计')}：{e.total_score} / 25",
        ]
        sections.append((_("分项评分"), lines))
    ip = [
        f"{_('法律状态')}：{e.ip_legal_status or '—'}",
        f"{_('剩余保护期')}：{e.ip_remaining_years if e.ip_remaining_years is not None else '—'}",
    ]
    sections.append((_("知识产权状况"), ip))
    heading = _("专家组意见") if e.is_panel else _("评价结论")
    if e.conclusion:
        opinion = [str(e.conclusion_label), e.conclusion_text]
        if e.is_panel and e.opinion_at:
            opinion.append(f"{e.panel.chair.name} · {_local(e.opinion_at)}")
        sections.append((heading, opinion))
    if e.is_panel:
        sections.append(
            (
                _("不同意见"),
                [
                    f"{d.expert.name}：{d.text}（{_local(d.recorded_at)}）"
                    for d in e.dissents
                ]
                or [_("无。")],
            )
        )
        if e.is_open:
            sections.append((_("状态"), [_("专家组评价进行中，本报告尚未定稿。")]))
    return sections
