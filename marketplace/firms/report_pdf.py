"""A check-up report as a PDF (core.pdf: fpdf2 with an embedded Chinese font)."""

from __future__ import annotations

from datetime import UTC

from flask_babel import gettext as _

from ..core.pdf import sections_pdf
from ..core.timeutil import SHANGHAI
from .checkups import Report


def _verdict_lines(verdict) -> list[str]:
    lines = []
    for i in verdict.items:
        state = _("符合") if i.met else (_("否") if i.optional else _("不符合"))
        points = f" {i.points}/{i.max_points}" if i.points is not None else ""
        gap = f"；{i.gap}" if i.gap else ""
        lines.append(f"· {i.label}：{state}{points}{gap}（{i.source}）")
    return lines


def _innovation_lines(inn) -> list[str]:
    lines = [
        f"· {p.label} {p.low}–{p.high}/{p.max_points}："
        + "；".join(str(x) for x in p.lines)
        for p in inn.parts
    ]
    if not inn.met:
        lines += [f"  - {step}（+{gain}）" for gain, step in inn.steps if gain > 0]
    return lines


def render_pdf(r: Report) -> bytes:
    """The report as a PDF; raises core.pdf.FontUnavailable without a font."""

    c = r.checkup
    title = f"{_('科技体检报告')}：{c.firm_name}"
    when = c.created_at.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d")
    sections = [
        (
            f"{_('科技型中小企业')}（{_('综合得分 %(s)s 分', s=r.sme.score)}）",
            _verdict_lines(r.sme),
        ),
        (_("高新技术企业"), _verdict_lines(r.hnte)),
        (
            f"{_('创新能力评价估算')}（"
            f"{_('%(a)s–%(b)s 分（需 71 分）', a=r.innovation.low, b=r.innovation.high)}）",
            _innovation_lines(r.innovation),
        ),
        (_("当前技术难题"), [c.problems or _("未填写。")]),
        (
            _("推荐成果"),
            [a.title for a, _score in r.achievements] or [_("暂无匹配的成果。")],
        ),
    ]
    return sections_pdf(title, when, sections)
