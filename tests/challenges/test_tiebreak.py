"""Equal weighted means are ordered by a recorded decision: who, why, when, shown in
the ranking."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.challenges import judging
from marketplace.challenges.models import TieBreak
from marketplace.core.errors import PermissionDenied, ValidationFailed

from .conftest import past_deadline, submit


@pytest.fixture
def tied(db, cast, call):
    a = submit(db, cast.solver_a, call, "甲方案").proposal
    b = submit(db, cast.solver_b, call, "乙方案").proposal
    past_deadline(db, call)
    judging.score_proposal(cast.e1, a, [80, 80])
    judging.score_proposal(cast.e2, a, [70, 70])
    for e in (cast.e1, cast.e2, cast.e3):
        judging.score_proposal(e, b, [75, 75])
    db.session.commit()
    return a, b


def test_a_tie_is_shown_and_broken_by_a_recorded_decision(
    app, db, client, login, cast, call, tied
):
    a, b = tied
    rows = judging.ranking(call)
    assert [r.mean for r in rows] == [75.0, 75.0]
    assert rows[0].tied_with == sorted([a.id, b.id]) and rows[0].tiebreak is None
    login(cast.broker)
    page = client.get(f"/challenges/{call.id}").text
    assert "并列" in page and 'class="border rounded p-2 mt-1 tie-form"' in page

    response = client.post(
        f"/challenges/{call.id}/tiebreak", data={"first": b.id, "reason": ""}
    )
    assert response.status_code == 422 and "请说明决定的理由。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(TieBreak.id))) == 0

    solver = app.test_client()
    login(cast.solver_a, c=solver)
    response = solver.post(
        f"/challenges/{call.id}/tiebreak", data={"first": a.id, "reason": "我方更好"}
    )
    assert response.status_code == 403

    response = client.post(
        f"/challenges/{call.id}/tiebreak",
        data={"first": b.id, "reason": "三位专家均评分，评价更充分"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    rows = judging.ranking(call)
    assert [r.proposal.id for r in rows] == [b.id, a.id]
    decision = rows[0].tiebreak
    assert decision.decided_by_id == cast.broker.id and decision.proposal_ids == [
        b.id,
        a.id,
    ]
    sponsor = app.test_client()
    login(cast.sponsor, c=sponsor)
    page = sponsor.get(f"/challenges/{call.id}").text
    assert f"名次由 {cast.broker.name} 于" in page
    assert "三位专家均评分，评价更充分" in page
    ranking = page[page.index('id="ranking"') :]
    assert ranking.index(cast.inst_b.name) < ranking.index(cast.inst_a.name)


def test_only_tied_proposals_and_only_the_broker(db, cast, call, tied):
    a, b = tied
    with pytest.raises(PermissionDenied):
        judging.break_tie(cast.solver_a, call, a.id, "理由")
    with pytest.raises(ValidationFailed):
        judging.break_tie(cast.broker, call, 999_999, "理由")
