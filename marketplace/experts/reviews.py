"""An expert's record of reviews (评审记录) and their scoring tasks, across every kind
of work a panel does.

Each kind registers a source at import (as uploads.register_owner_rule): a function of
the expert answering rows, one query each. Evaluations register theirs
(evaluation/panel_record.py), open calls theirs (challenges/record.py); this module
reads no other package's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


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
