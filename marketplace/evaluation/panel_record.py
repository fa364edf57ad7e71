"""Panel evaluations in the experts' record of reviews and their scoring tasks."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..achievements.models import Achievement
from ..experts.reviews import (
    Review,
    Task,
    register_review_source,
    register_task_source,
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


register_review_source("evaluation", _reviews)
register_task_source("evaluation", _tasks)
