"""What a check-up report recommends for the firm's stated problems: published
achievements (the matcher), open calls, service offerings and shared instruments."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from search_index import match_achievement, match_need

from ..achievements.models import Achievement
from ..challenges.models import CallStatus, Challenge
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need
from ..search.service import get_index
from ..services import suggest
from ..services.models import Instrument, Offering
from .models import Checkup

log = logging.getLogger("marketplace.firms")


def problem_doc(c: Checkup) -> dict:
    """The check-up's problems as the matcher's need document (public text only)."""
    return {
        "id": 0,
        "title": c.problems[:200],
        "body": "\n".join(p for p in (c.problems, c.products) if p),
        "keywords": [],
        "indicators": [],
        "field": None,
        "trl_min": None,
        "cooperation_modes": [],
        "budget_min_fen": None,
        "budget_max_fen": None,
        "org_id": c.organization_id,
    }


def recommended_achievements(
    c: Checkup, limit: int = 5
) -> list[tuple[Achievement, float]]:
    """Published achievements the matcher finds for the stated problems, best first."""
    if not c.problems.strip():
        return []
    try:
        found = match_need(get_index(), problem_doc(c), limit=limit)
    except Exception:  # noqa: BLE001 - a report without suggestions beats no report
        log.exception("matching check-up %s failed", c.id)
        return []
    ids = [m.id for m in found]
    if not ids:
        return []
    rows = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Achievement).where(
                Achievement.id.in_(ids), public_filter(Achievement)
            )
        )
    }
    return [(rows[m.id], m.score) for m in found if m.id in rows]


def problem_field(c: Checkup, achievements=()) -> str | None:
    """The technical field of the stated problems: the field of the need they were
    posted as, else the field most of the recommended achievements share."""
    need = db.session.get(Need, c.need_id) if c.need_id is not None else None
    if need is not None and need.field:
        return need.field
    seen = Counter(a.field for a, _ in achievements if a.field)
    return seen.most_common(1)[0][0] if seen else None


def _as_source(c: Checkup, field_code: str | None) -> dict:
    """The problems shaped as an achievement, to find the needs (and calls) they meet."""
    return {
        "id": 0,
        "title": c.problems[:200],
        "body": "\n".join(p for p in (c.problems, c.products) if p),
        "keywords": [],
        "indicators": [],
        "field": field_code,
        "trl": None,
        "cooperation_modes": [],
        "pricing_mode": None,
        "price_fen": None,
        "org_id": c.organization_id,
    }


def recommended_calls(
    c: Checkup,
    field_code: str | None,
    now: datetime | None = None,
    limit: int = 5,
) -> list[Challenge]:
    """Calls now collecting (征集中) whose need shares the problems' field or whose
    need the matcher finds for the problem text; the firm's own calls left out."""
    now = now or utcnow()
    matched: list[int] = []
    if c.problems.strip():
        try:
            matched = [
                m.id
                for m in match_achievement(
                    get_index(), _as_source(c, field_code), limit=20
                )
            ]
        except Exception:  # noqa: BLE001 - a report without suggestions beats no report
            log.exception("matching calls for check-up %s failed", c.id)
    cond = []
    if field_code:
        cond.append(Need.field == field_code)
    if matched:
        cond.append(Challenge.need_id.in_(matched))
    if not cond:
        return []
    query = (
        sa.select(Challenge)
        .join(Need, Challenge.need_id == Need.id)
        .where(
            Challenge.status == CallStatus.APPROVED,
            Challenge.deadline_at > now,
            sa.or_(*cond),
        )
        .order_by(Challenge.deadline_at, Challenge.id)
    )
    if c.organization_id is not None:
        query = query.where(Challenge.sponsor_org_id != c.organization_id)
    calls = list(db.session.scalars(query))
    rank = {need_id: i for i, need_id in enumerate(matched)}
    calls.sort(key=lambda x: rank.get(x.need_id, len(rank)))
    return calls[:limit]


def _problem_text(c: Checkup) -> str:
    return "\n".join(p for p in (c.problems, c.products) if p)


def recommended_services(
    c: Checkup, field_code: str | None, limit: int = 5
) -> list[Offering]:
    """Service offerings that answer the stated problems (the matcher's service
    suggestions, services/suggest.py: a named standard, a shared test word)."""
    return [
        s.item for s in suggest.services_for_text(_problem_text(c), field_code, limit)
    ]


def recommended_instruments(
    c: Checkup, field_code: str | None, limit: int = 5
) -> list[Instrument]:
    """Shared instruments that test what the stated problems name (the same way)."""
    text = _problem_text(c)
    return [s.item for s in suggest.instruments_for_text(text, field_code, limit)]
