"""Blind scoring by the panel, ties, the weighted ranking, the award and the clock."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.challenges import awards, judging
from marketplace.challenges.models import Score
from marketplace.core.errors import InvalidTransition, PermissionDenied
from marketplace.deals.models import Deal
from marketplace.payments.models import PaymentRequest

from .conftest import past_deadline, submit


@pytest.fixture
def judged(db, cast, call):
    a = submit(db, cast.solver_a, call, "甲方案").proposal
    b = submit(db, cast.solver_b, call, "乙方案").proposal
    past_deadline(db, call)
    return a, b


def test_no_scoring_before_the_deadline(db, cast, call):
    a = submit(db, cast.solver_a, call).proposal
    with pytest.raises(InvalidTransition):
        judging.score_proposal(cast.e1, a, [80, 80])


def test_scoring_is_blind_until_the_expert_submits(
    client, app, db, login, cast, judged
):
    a, _b = judged
    judging.score_proposal(cast.e1, a, [90, 70], "思路清晰")
    db.session.commit()
    c = app.test_client()
    login(cast.e2, c=c)
    page = c.get(f"/challenges/proposals/{a.id}").text
    assert "思路清晰" not in page and cast.e1.name not in page
    response = c.post(
        f"/challenges/proposals/{a.id}/score",
        data={"c0": "80", "c1": "60", "comment": "可行"},
    )
    assert response.status_code == 302
    page = c.get(f"/challenges/proposals/{a.id}").text
    assert "思路清晰" in page and "可行" in page
    # The solver never sees scores.
    s = app.test_client()
    login(cast.solver_a, c=s)
    assert "思路清晰" not in s.get(f"/challenges/proposals/{a.id}").text


def test_bad_scores_are_refused_and_saved_nowhere(client, db, login, cast, judged):
    a, _b = judged
    login(cast.e1)
    response = client.post(
        f"/challenges/proposals/{a.id}/score", data={"c0": "120", "c1": ""}
    )
    assert response.status_code == 422
    assert "分数须在 0 到 100 之间。" in response.text
    assert "请为每项评审标准打分。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Score.id))) == 0


def test_tied_expert_cannot_score_that_proposal_and_outsiders_none(
    client, db, login, cast, judged
):
    a, b = judged
    with pytest.raises(PermissionDenied):
        judging.score_proposal(cast.e3, a, [90, 90])  # e3 declared a tie to inst_a
    judging.score_proposal(cast.e3, b, [50, 50])
    with pytest.raises(PermissionDenied):
        judging.score_proposal(cast.outsider_expert, b, [50, 50])
    login(cast.e3)
    # The tied expert does not see that proposal at all (nor its scores).
    assert (
        client.post(
            f"/challenges/proposals/{a.id}/score", data={"c0": "90", "c1": "90"}
        ).status_code
        == 404
    )
    assert client.get(f"/challenges/proposals/{a.id}").status_code == 404
    page = client.get(f"/challenges/{a.challenge_id}").text
    assert cast.inst_b.name in page and cast.inst_a.name not in page
    with pytest.raises(InvalidTransition):
        judging.score_proposal(cast.e3, b, [60, 60])  # once only


def test_ranking_is_the_weighted_mean(db, cast, call, judged):
    a, b = judged
    judging.score_proposal(cast.e1, a, [90, 70])  # 0.6*90+0.4*70 = 82
    judging.score_proposal(cast.e2, a, [80, 60])  # 72
    judging.score_proposal(cast.e1, b, [100, 100])  # 100
    judging.score_proposal(cast.e2, b, [50, 50])  # 50
    judging.score_proposal(cast.e3, b, [30, 30])  # 30 -> mean 60
    ranked = judging.ranking(call)
    assert [(r.proposal.id, r.mean, r.count) for r in ranked] == [
        (a.id, 77.0, 2),
        (b.id, 60.0, 3),
    ]


def test_sponsor_awards_a_winner_deal_and_payment_request_open(
    client, app, db, login, cast, call, judged
):
    a, b = judged
    broker = app.test_client()
    login(cast.broker, c=broker)
    response = broker.post(f"/challenges/{call.id}/award", data={f"p{a.id}": "0"})
    assert response.status_code == 403  # the broker runs the call but does not pick
    login(cast.sponsor)
    response = client.post(
        f"/challenges/{call.id}/award", data={f"p{a.id}": "0", f"p{b.id}": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert call.status == "awarded"
    [deal] = db.session.scalars(sa.select(Deal)).all()
    assert (deal.firm_org_id, deal.supplier_org_id) == (cast.firm.id, cast.inst_a.id)
    assert deal.origin == "challenge" and deal.need_id == cast.need.id
    assert a.deal_id == deal.id and a.award_fen == 20_000_000
    [req] = db.session.scalars(sa.select(PaymentRequest)).all()
    assert req.kind == "prize" and req.kind_label == "揭榜奖金"
    assert (req.amount_fen, req.payer_org_id, req.payee_org_id) == (
        20_000_000,
        cast.firm.id,
        cast.inst_a.id,
    )
    page = app.test_client().get(f"/challenges/{call.id}").text
    assert (
        "已揭榜" in page and cast.inst_a.name in page and cast.inst_b.name not in page
    )
    with pytest.raises(InvalidTransition):
        awards.award(cast.sponsor, call, {b.id: 1})


def test_award_needs_a_winner_and_no_winner_needs_a_reason(
    client, db, login, cast, call, judged
):
    login(cast.sponsor)
    response = client.post(f"/challenges/{call.id}/award", data={})
    assert response.status_code == 422 and "请至少选择一个中榜方案。" in response.text
    response = client.post(f"/challenges/{call.id}/no-winner", data={"reason": ""})
    assert response.status_code == 422 and "请说明未揭榜的原因。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 0
    response = client.post(
        f"/challenges/{call.id}/no-winner", data={"reason": "方案均未达到附着力指标。"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert call.status == "no_winner"
    page = client.get(f"/challenges/{call.id}").text
    assert "未揭榜" in page and "方案均未达到附着力指标。" in page


def test_no_award_before_the_deadline(db, cast, call):
    a = submit(db, cast.solver_a, call).proposal
    with pytest.raises(InvalidTransition):
        awards.award(cast.sponsor, call, {a.id: 0})


def test_board_lists_what_each_expert_still_has_to_score(
    client, db, login, cast, call, judged
):
    a, b = judged
    login(cast.e3)  # tied to inst_a: only b is theirs to score
    page = client.get("/challenges/").text
    assert f"/challenges/proposals/{b.id}/score" in page
    assert f"/challenges/proposals/{a.id}/score" not in page
    judging.score_proposal(cast.e3, b, [60, 60])
    db.session.commit()
    assert f"/challenges/proposals/{b.id}/score" not in client.get("/challenges/").text


def test_clock_reminds_only_experts_with_proposals_left_once_a_day(db, cast, judged):
    from marketplace.notifications.models import Notification

    a, b = judged
    for expert in (cast.e1, cast.e3):
        for p in (a, b):
            if judging.can_score(expert, p):
                judging.score_proposal(expert, p, [70, 70])
    db.session.commit()
    assert judging.remind_unscored() == 1  # only e2 has proposals left
    assert judging.remind_unscored() == 1
    db.session.commit()
    kinds = (
        db.session.execute(
            sa.select(Notification.user_id).where(
                Notification.kind == "challenge.remind"
            )
        )
        .scalars()
        .all()
    )
    assert kinds == [cast.e2.id]  # deduplicated within the day


def test_consensus_round_when_scores_differ_beyond_the_margin(
    client, app, db, login, cast, call, judged
):
    a, b = judged
    judging.score_proposal(cast.e1, a, [90, 90])  # 90
    judging.score_proposal(cast.e2, a, [60, 60])  # 60: 30 apart > 15
    judging.score_proposal(cast.e1, b, [70, 70])
    judging.score_proposal(cast.e2, b, [65, 65])  # 5 apart
    db.session.commit()
    with pytest.raises(InvalidTransition):
        judging.open_consensus(cast.broker, b)  # within the margin
    with pytest.raises(PermissionDenied):
        judging.open_consensus(cast.sponsor, a)
    with pytest.raises(InvalidTransition):
        judging.revise_score(cast.e2, a, [80, 80])  # no round yet
    login(cast.broker)
    page = client.get(f"/challenges/{call.id}").text
    assert f"/challenges/proposals/{a.id}/consensus" in page
    assert f"/challenges/proposals/{b.id}/consensus" not in page
    assert client.post(f"/challenges/proposals/{a.id}/consensus").status_code == 302
    expert = app.test_client()
    login(cast.e2, c=expert)
    response = expert.post(
        f"/challenges/proposals/{a.id}/score", data={"c0": "85", "c1": "85"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    score = judging.own_score(cast.e2, a)
    assert score.marks == [85, 85] and score.revised_at is not None
    with pytest.raises(InvalidTransition):
        judging.revise_score(cast.e2, a, [10, 10])  # once only
    assert [r.mean for r in judging.ranking(call)][0] == 87.5
