"""Two submissions in the last second both count; none after (PostgreSQL, real threads)."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.challenges import proposals
from marketplace.challenges.models import Challenge, ProposalVersion
from marketplace.core.errors import InvalidTransition
from marketplace.core.timeutil import utcnow
from tests.deals.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
]


def test_two_last_second_submissions_count_and_a_late_one_does_not(app, db, cast, call):
    call.deadline_at = utcnow() + timedelta(seconds=2)
    db.session.commit()
    call_id = call.id

    def send(user_id, text):
        def job(barrier):
            from marketplace.accounts.models import User
            from marketplace.extensions import db as tdb

            user, c = (
                tdb.session.get(User, user_id),
                tdb.session.get(Challenge, call_id),
            )
            barrier.wait()
            return proposals.submit_proposal(
                user, c, {"approach": text, "nda": True}
            ).version

        return job

    results = run_together(
        app, [send(cast.solver_a.id, "甲"), send(cast.solver_b.id, "乙")]
    )
    assert results == [1, 1]
    while utcnow() < call.deadline_at:
        time.sleep(0.1)
    results = run_together(app, [send(cast.solver_a.id, "迟到")])
    assert isinstance(results[0], InvalidTransition)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(ProposalVersion.id))) == 2
