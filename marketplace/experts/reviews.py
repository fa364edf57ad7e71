"""An expert's record of reviews (评审记录) and their scoring tasks, across every kind
of work a panel does.

Each kind registers a source at import (as uploads.register_owner_rule): a function of
the expert answering rows, one query each. Evaluations register theirs
(evaluation/panel_record.py). Open calls sit a floor above and cannot be imported
from here; until challenges registers its own source, `_call_reviews` reads their
scores by table name (a stopgap: move it to challenges/judging.py, registered there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..accounts.models import Organization
from ..extensions import db
from .models import Panel


@dataclass(frozen=True)
class Review:
    """One piece of work an expert scored."""

    kind: str
    title: str
    #: The organisation whose work was scored (a solver, an achievement's owner).
    organization: str
    panel: str
    scored_at: datetime
    url: str


@dataclass(frozen=True)
class Task:
    """One piece of work waiting for the expert's scores."""

    kind: str
    title: str
    panel: str
    since: datetime
    url: str


@dataclass(frozen=True)
class Work:
    """What a panel was formed for (a call, an evaluation)."""

    kind: str
    title: str
    url: str


ReviewSource = Callable[[int], list[Review]]
TaskSource = Callable[[object], list[Task]]
WorkSource = Callable[[list[int]], list[tuple[int, Work]]]
_review_sources: dict[str, ReviewSource] = {}
_task_sources: dict[str, TaskSource] = {}
_work_sources: dict[str, WorkSource] = {}


def register_review_source(kind: str, source: ReviewSource) -> None:
    _review_sources[kind] = source


def register_task_source(kind: str, source: TaskSource) -> None:
    _task_sources[kind] = source


def register_work_source(kind: str, source: WorkSource) -> None:
    _work_sources[kind] = source


def works_of(panel_ids: list[int]) -> dict[int, list[Work]]:
    """Panel id → the work it does, one query per kind however many panels."""
    out: dict[int, list[Work]] = {}
    if not panel_ids:
        return out
    for source in _work_sources.values():
        for panel_id, work in source(panel_ids):
            out.setdefault(panel_id, []).append(work)
    return out


def record_of(expert_id: int) -> list[Review]:
    """Every proposal and evaluation the expert scored, newest first."""
    rows = [r for source in _review_sources.values() for r in source(expert_id)]
    return sorted(rows, key=lambda r: r.scored_at, reverse=True)


def tasks_of(expert) -> list[Task]:
    rows = [t for source in _task_sources.values() for t in source(expert)]
    return sorted(rows, key=lambda t: t.since)


_scores = sa.table(
    "challenge_scores",
    sa.column("proposal_id"),
    sa.column("expert_id"),
    sa.column("submitted_at", sa.DateTime),
    sa.column("revised_at", sa.DateTime),
)
_proposals = sa.table(
    "challenge_proposals",
    sa.column("id"),
    sa.column("challenge_id"),
    sa.column("organization_id"),
)
_calls = sa.table(
    "challenges", sa.column("id"), sa.column("title"), sa.column("panel_id")
)


def _call_reviews(expert_id: int) -> list[Review]:
    rows = db.session.execute(
        sa.select(
            _proposals.c.id,
            _calls.c.title,
            Organization.name,
            Panel.name,
            sa.func.coalesce(
                _scores.c.revised_at, _scores.c.submitted_at, type_=sa.DateTime
            ),
        )
        .select_from(_scores)
        .join(_proposals, _proposals.c.id == _scores.c.proposal_id)
        .join(_calls, _calls.c.id == _proposals.c.challenge_id)
        .join(Organization, Organization.id == _proposals.c.organization_id)
        .outerjoin(Panel, Panel.id == _calls.c.panel_id)
        .where(_scores.c.expert_id == expert_id)
    )
    return [
        Review(
            kind=str(_l("揭榜方案")),
            title=title,
            organization=org,
            panel=panel or "",
            scored_at=at,
            url=url_for("challenges.proposal", proposal_id=pid),
        )
        for pid, title, org, panel, at in rows
    ]


register_review_source("challenge", _call_reviews)


def _call_works(panel_ids: list[int]) -> list[tuple[int, Work]]:
    rows = db.session.execute(
        sa.select(_calls.c.panel_id, _calls.c.id, _calls.c.title)
        .where(_calls.c.panel_id.in_(panel_ids))
        .order_by(_calls.c.id)
    )
    return [
        (
            panel_id,
            Work(str(_l("揭榜挂帅")), title, url_for("challenges.detail", call_id=cid)),
        )
        for panel_id, cid, title in rows
    ]


register_work_source("challenge", _call_works)
