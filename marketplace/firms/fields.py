"""Field briefing pages (领域简报): per technical field, the public listings, the deals by
stage and the monthly trend of new listings, drawn as an inline SVG bar chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import aliased

from ..achievements.models import Achievement
from ..core.domain import FIELD_LABELS
from ..core.timeutil import SHANGHAI, utcnow
from ..deals.models import STAGE_LABELS, Deal, DealStage
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need

MONTHS = 12


@dataclass
class Briefing:
    code: str
    label: str
    achievements: int = 0
    needs: int = 0
    recent: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    trend: list = field(default_factory=list)

    @property
    def deals(self) -> int:
        return sum(n for _, _, n in self.stages)

    @property
    def chart(self) -> Markup:
        return bar_chart(self.trend)


def _public_needs():
    """Needs anyone may see on a briefing: published and never confidential."""
    return sa.and_(public_filter(Need), Need.confidential.is_(False))


def counts() -> dict[str, tuple[int, int]]:
    """{field code: (public achievements, public needs)} for the index."""
    out = {code: [0, 0] for code in FIELD_LABELS}
    for i, (model, cond) in enumerate(
        ((Achievement, public_filter(Achievement)), (Need, _public_needs()))
    ):
        rows = db.session.execute(
            sa.select(model.field, sa.func.count())
            .where(cond, model.field.is_not(None))
            .group_by(model.field)
        )
        for code, n in rows:
            if code in out:
                out[code][i] = n
    return {code: (a, n) for code, (a, n) in out.items()}


def _months(now: datetime) -> list[tuple[int, int]]:
    local = now + SHANGHAI.utcoffset(now)
    y, m = local.year, local.month
    months = []
    for _ in range(MONTHS):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def _utc_month_start(y: int, m: int) -> datetime:
    midnight = datetime(y, m, 1)
    return midnight - SHANGHAI.utcoffset(midnight)


def briefing(code: str, now: datetime | None = None) -> Briefing | None:
    """The briefing of field `code`, or None for a code that is no field."""
    if code not in FIELD_LABELS:
        return None
    now = now or utcnow()
    b = Briefing(code=code, label=str(FIELD_LABELS[code]))
    a_cond = sa.and_(public_filter(Achievement), Achievement.field == code)
    n_cond = sa.and_(_public_needs(), Need.field == code)
    count = sa.select(sa.func.count())
    b.achievements = db.session.scalar(count.select_from(Achievement).where(a_cond))
    b.needs = db.session.scalar(count.select_from(Need).where(n_cond))
    recent = [
        ("achievement", x)
        for x in db.session.scalars(
            sa.select(Achievement)
            .where(a_cond)
            .order_by(Achievement.published_at.desc(), Achievement.id.desc())
            .limit(10)
        )
    ] + [
        ("need", x)
        for x in db.session.scalars(
            sa.select(Need)
            .where(n_cond)
            .order_by(Need.published_at.desc(), Need.id.desc())
            .limit(10)
        )
    ]
    recent.sort(key=lambda kx: kx[1].published_at or datetime.min, reverse=True)
    b.recent = recent[:10]

    ach = aliased(Achievement)
    need = aliased(Need)
    rows = dict(
        db.session.execute(
            sa.select(Deal.stage, sa.func.count())
            .outerjoin(ach, Deal.achievement_id == ach.id)
            .outerjoin(need, Deal.need_id == need.id)
            .where(sa.func.coalesce(ach.field, need.field) == code)
            .group_by(Deal.stage)
        ).all()
    )
    b.stages = [
        (stage, STAGE_LABELS[stage], rows.get(stage, 0))
        for stage in DealStage
        if rows.get(stage)
    ]

    months = _months(now)
    start = _utc_month_start(*months[0])
    buckets = dict.fromkeys(months, 0)
    for model, cond in ((Achievement, a_cond), (Need, n_cond)):
        for at in db.session.scalars(
            sa.select(model.published_at).where(cond, model.published_at >= start)
        ):
            local = at + SHANGHAI.utcoffset(at)
            key = (local.year, local.month)
            if key in buckets:
                buckets[key] += 1
    b.trend = [(f"{y}-{m:02d}", buckets[(y, m)]) for y, m in months]
    return b


def bar_chart(
    trend: list[tuple[str, int]], width: int = 600, height: int = 180
) -> Markup:
    """An inline SVG bar chart of (label, value) pairs, drawn here: no script, no network."""
    top = max((v for _, v in trend), default=0) or 1
    pad, base = 20, height - 24
    slot = (width - 2 * pad) / max(len(trend), 1)
    bar = slot * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="field-trend">',
        f'<line x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(trend):
        h = (base - 20) * value / top
        x = pad + i * slot + (slot - bar) / 2
        y = base - h
        lab = escape(label)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="#0d6efd"><title>{lab}: {value}</title></rect>'
        )
        if value:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
                f'text-anchor="middle">{value}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 8}" font-size="10" '
            f'text-anchor="middle">{escape(label[2:])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)
