"""`flask seed-demo` loads one panel evaluation in progress, once: the demo call's
panel (expert1..3), expert2 has scored, the chair still has it to score."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.evaluation.models import Evaluation, EvaluationScore


def test_seed_demo_loads_a_panel_evaluation_in_progress_once(app, db, client, login):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "new panel evaluations: 1" in first.output
    [ev] = db.session.scalars(
        sa.select(Evaluation).where(Evaluation.panel_id.is_not(None))
    ).all()
    assert ev.achievement.title == "锌合金镜架无氰碱性镀铜打底工艺"
    assert ev.is_open and ev.panel.name == "镜架镀层附着力评审专家组"
    assert [e.email for e in ev.panel.experts] == [
        f"expert{i}@ouhai.example" for i in (1, 2, 3)
    ]
    [score] = ev.panel_scores
    assert score.expert.email == "expert2@ouhai.example" and score.trl == 6

    chair = ev.panel.chair
    assert login(chair, password="demo-expert-2026").status_code == 302
    tasks = client.get("/experts/").text.split('id="tasks"')[1].split("</ul>")[0]
    assert f"/evaluations/{ev.id}/score" in tasks
    page = client.get(f"/evaluations/{ev.id}/score")
    assert page.status_code == 200 and "镀铜打底" in page.text

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "new panel evaluations: 0" in second.output
    assert db.session.scalar(sa.select(sa.func.count(EvaluationScore.id))) == 1
