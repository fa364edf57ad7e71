"""Panel evaluations in the experts' record of reviews and their scoring tasks."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..achievements.models import Achievement
from ..experts.reviews import (
    Review,
    Task,
    Work,
    register_review_source,
    register_task_source,
    register_work_source,
)
from ..extensions import db
from . import panel
from .models import Evaluation, EvaluationScore


def _reviews(expert_id: int) -> list[Review]:
    rows = db.session.scalars(
        sa.select(EvaluationScore)
        .where(EvaluationScore.expert_id == expert_id)
        .options(
            sa.orm.joinedload(EvaluationScore.evaluation).joinedload(Evaluation.panel),
            sa.orm.joinedload(EvaluationScore.evaluation)
            .joinedload(Evaluation.achievement)
            .joinedload(Achievement.organization),
        )
    )
    out = []
    for s in rows:
        e = s.evaluation
        owner = e.achievement.organization.name if e.achievement else ""
        out.append(
            Review(
                kind=str(_l("成果评价")),
                title=e.subject_title,
                organization=owner,
                panel=e.panel.name if e.panel else "",
                scored_at=s.submitted_at,
                url=url_for("evaluation.detail", evaluation_id=e.id),
            )
        )
    return out


def _tasks(expert) -> list[Task]:
    return [
        Task(
            kind=str(_l("成果评价")),
            title=e.subject_title,
            panel=e.panel.name,
            since=e.created_at,
            url=url_for("evaluation.score", evaluation_id=e.id),
        )
        for e in panel.open_for(expert)
    ]


def _works(panel_ids: list[int]) -> list[tuple[int, Work]]:
    rows = db.session.scalars(
        sa.select(Evaluation)
        .where(Evaluation.panel_id.in_(panel_ids))
        .options(
            sa.orm.joinedload(Evaluation.achievement),
            sa.orm.joinedload(Evaluation.deal),
        )
        .order_by(Evaluation.id)
    )
    return [
        (
            e.panel_id,
            Work(
                str(_l("成果评价")),
                e.subject_title,
                url_for("evaluation.detail", evaluation_id=e.id),
            ),
        )
        for e in rows
    ]


register_review_source("evaluation", _reviews)
register_work_source("evaluation", _works)
register_task_source("evaluation", _tasks)
