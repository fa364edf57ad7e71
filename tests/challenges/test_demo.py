"""`flask seed-demo` loads an open call with a panel of invited experts, once."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.challenges.models import Challenge, ChallengeInvitation
from marketplace.experts import services as experts
from marketplace.experts.models import Panel


def test_seed_demo_loads_an_open_call_with_its_panel_once(app, db, client, login):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    [call] = db.session.scalars(sa.select(Challenge)).all()
    assert call.status == "approved" and call.stage() == "open"
    assert call.need.title == "金属镜架电镀层起皮脱落问题求解"
    panel = db.session.get(Panel, call.panel_id)
    assert [e.email for e in panel.experts] == [
        "expert1@ouhai.example",
        "expert2@ouhai.example",
        "expert3@ouhai.example",
    ]
    assert panel.chair.email == "expert1@ouhai.example"
    profile = experts.profile_of(panel.chair_id)
    assert "surface_treatment" in profile.fields and profile.title
    assert experts.tied_org_ids(panel.experts[2].id)  # a declared tie
    # Approval ran the matcher: solvers owning matching achievements were invited.
    assert db.session.scalar(sa.select(sa.func.count(ChallengeInvitation.id))) >= 1
    board = client.get("/challenges/").text
    assert call.title in board and "征集中" in board
    page = client.get(f"/challenges/{call.id}").text
    assert "验证批量为连续三批" in page  # the public answer
    response = login(panel.chair, password="demo-expert-2026")
    assert response.status_code == 302
    assert "镜架镀层附着力评审专家组" in client.get("/experts/").text

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "new experts: 0, new calls: 0" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Challenge.id))) == 1
