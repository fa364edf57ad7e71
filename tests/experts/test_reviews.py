"""An expert's record of reviews (评审记录) and scoring tasks on /experts/: every call
proposal and panel evaluation they scored, with dates; their own record only."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketplace.accounts.models import Role
from marketplace.challenges import judging
from marketplace.evaluation import panel
from marketplace.pages.querycount import counting
from tests.challenges.conftest import past_deadline, submit

SCORES = {
    "trl": 6,
    "trl_evidence": "中试线运行报告",
    "novelty_score": 4,
    "advancement_score": 4,
    "ip_score": 3,
    "market_score": 4,
    "team_score": 3,
}


@pytest.fixture
def evaluation(db, cast, create_achievement):
    achievement = create_achievement(title="树脂镜片加硬膜工艺")
    ev = panel.start(cast.operator, achievement=achievement, panel_id=cast.panel.id)
    db.session.commit()
    return ev


def test_tasks_then_record_list_calls_and_evaluations_with_dates(
    db, app, client, login, cast, call, evaluation
):
    version = submit(db, cast.solver_a, call)
    past_deadline(db, call)
    login(cast.e1)
    tasks = client.get("/experts/").text.split('id="tasks"')[1].split("</ul>")[0]
    assert (
        "树脂镜片加硬膜工艺" in tasks and f"/evaluations/{evaluation.id}/score" in tasks
    )

    judging.score_proposal(cast.e1, version.proposal, [80, 70], "可行")
    panel.submit_score(
        cast.e1, evaluation, SCORES, now=datetime(2026, 12, 1, 2, 30)
    )  # 10:30 Beijing time
    db.session.commit()
    tasks = client.get("/experts/").text.split('id="tasks"')[1].split("</ul>")[0]
    assert "树脂镜片加硬膜工艺" not in tasks
    page = client.get("/experts/reviews")
    assert page.status_code == 200
    rows = page.text.split('id="reviews"')[1]
    assert "揭榜方案" in rows and call.title in rows and "温州光学研究所" in rows
    assert "成果评价" in rows and "树脂镜片加硬膜工艺" in rows
    assert "2026-12-01 10:30" in rows and "镀膜专家组" in rows


def test_a_record_is_its_experts_and_the_operators_only(
    app, client, login, cast, create_user
):
    url = f"/experts/{cast.e1.id}/reviews"
    login(cast.e2)
    assert client.get(url).status_code == 404
    assert client.get(f"/experts/{cast.e2.id}/reviews").status_code == 200
    firm = app.test_client()
    login(create_user(role=Role.FIRM), c=firm)
    assert firm.get("/experts/reviews").status_code == 404
    operator = app.test_client()
    login(cast.operator, c=operator)
    assert operator.get(url).status_code == 200


def test_the_panel_list_says_what_each_panel_reviews(
    client, login, cast, call, evaluation
):
    login(cast.e2)
    page = client.get("/experts/").text
    assert f'揭榜挂帅 · <a href="/challenges/{call.id}">{call.title}</a>' in page
    assert (
        f'成果评价 · <a href="/evaluations/{evaluation.id}">树脂镜片加硬膜工艺</a>'
        in page
    )
    panel_page = client.get(f"/experts/panels/{cast.panel.id}").text
    assert "树脂镜片加硬膜工艺" in panel_page.split('id="works"')[1]


def test_the_record_costs_the_same_queries_at_ten_times_the_reviews(
    db, client, login, cast, create_achievement
):
    def review(n):
        for _ in range(n):
            ev = panel.start(
                cast.operator, achievement=create_achievement(), panel_id=cast.panel.id
            )
            panel.submit_score(cast.e1, ev, SCORES)
        db.session.commit()

    def count():
        client.get("/experts/reviews")
        with counting() as found:
            assert client.get("/experts/reviews").status_code == 200
        return len(found)

    login(cast.e1)
    review(2)
    small = count()
    review(18)
    large = count()
    assert 0 < large == small, (small, large)
