"""Demo data of a panel evaluation (专家组评价) in progress: the demo achievement of the
surface-treatment field, assigned to the demo call's panel (expert1..3), one expert
(expert2) has scored, the chair and expert3 still have to.

Through the evaluation services (as the operator and the expert would do it); a
second run finds the evaluation by its achievement and panel and creates nothing.
Run after seed_challenges, which creates the experts and the panel.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from ..accounts.models import User
from ..achievements.models import Achievement
from ..evaluation import panel as panels
from ..evaluation.models import Evaluation
from ..experts.models import Panel
from ..extensions import db
from .loader import DATA


def _one(model, column, value):
    return db.session.scalar(sa.select(model).where(column == value))


def seed_evaluations() -> int:
    """Create the demo panel evaluation if missing; returns how many were new (0, 1)."""
    data = json.loads((DATA / "evaluations.json").read_text(encoding="utf-8"))
    operator = _one(User, User.email, data["operator"])
    scorer = _one(User, User.email, data["scored_by"])
    panel = _one(Panel, Panel.name, data["panel"])
    achievement = _one(Achievement, Achievement.title, data["achievement"])
    if None in (operator, scorer, panel, achievement):
        return 0
    if db.session.scalar(
        sa.select(Evaluation.id).where(
            Evaluation.achievement_id == achievement.id,
            Evaluation.panel_id == panel.id,
        )
    ):
        return 0
    evaluation = panels.start(operator, achievement=achievement, panel_id=panel.id)
    panels.submit_score(scorer, evaluation, data["scores"])
    db.session.flush()
    return 1
