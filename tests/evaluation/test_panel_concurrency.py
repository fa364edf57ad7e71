"""Panel evaluations under concurrent requests (PostgreSQL, real threads): an
expert's double submit counts once (the row lock, not the unique key, decides)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from marketplace.core.errors import InvalidTransition
from marketplace.evaluation import panel
from marketplace.evaluation.models import Evaluation, EvaluationScore
from tests.deals.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
]

DATA = {
    "trl": 6,
    "trl_evidence": "检测报告",
    "novelty_score": 4,
    "advancement_score": 4,
    "ip_score": 3,
    "market_score": 4,
    "team_score": 3,
}


def _score(user_id, evaluation_id):
    def job(barrier):
        from marketplace.accounts.models import User
        from marketplace.extensions import db as tdb

        user = tdb.session.get(User, user_id)
        ev = tdb.session.get(Evaluation, evaluation_id)
        barrier.wait()
        return panel.submit_score(user, ev, DATA).id

    return job


def test_a_double_submit_counts_once(app, db, started, panelists):
    job = _score(panelists["lin"].id, started.id)
    results = run_together(app, [job, job])
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(EvaluationScore.id))) == 1
