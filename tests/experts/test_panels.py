"""Experts invited by the operator, their declared ties, panels and /experts/."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role, User
from marketplace.experts import services
from marketplace.experts.models import ExpertTie, Panel


@pytest.fixture
def operator(create_user):
    return create_user(role=Role.OPERATOR)


def test_operator_invites_an_expert_by_mail_with_declared_ties(
    client, db, login, operator, create_org, smtp_server
):
    institute = create_org(type=OrgType.INSTITUTE)
    login(operator)
    response = client.post(
        "/experts/invite",
        data={
            "name": "王教授",
            "email": "Wang@Expert.example.com",
            "ties": [institute.id],
        },
    )
    assert response.status_code == 302
    expert = db.session.scalar(
        sa.select(User).where(User.email == "wang@expert.example.com")
    )
    assert expert.role == Role.EXPERT and expert.organization_id is None
    assert services.tied_org_ids(expert.id) == {institute.id}
    assert [m["To"] for m in smtp_server] == ["wang@expert.example.com"]
    assert "/account/reset/" in smtp_server[0].get_body(("plain",)).get_content()


def test_invitation_with_bad_input_is_refused_and_saves_nothing(
    client, db, login, operator, create_user
):
    taken = create_user(role=Role.BROKER)
    login(operator)
    response = client.post(
        "/experts/invite", data={"name": "", "email": "not-an-email", "ties": ["x"]}
    )
    assert response.status_code == 422
    assert "请填写姓名。" in response.text
    response = client.post(
        "/experts/invite", data={"name": "李工", "email": taken.email}
    )
    assert response.status_code == 422
    assert "该电子邮箱已注册。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(ExpertTie.id))) == 0
    assert not db.session.scalar(sa.select(User).where(User.role == Role.EXPERT))


def test_only_the_operator_invites_and_forms_panels(client, db, login, create_user):
    login(create_user(role=Role.BROKER))
    assert client.get("/experts/invite").status_code == 403
    assert client.post("/experts/panels/new", data={"name": "x"}).status_code == 403


def test_panel_with_chair_and_members_shown_to_its_experts_only(
    client, app, db, login, operator, create_user
):
    a, b, outsider = (create_user(role=Role.EXPERT) for _ in range(3))
    login(operator)
    response = client.post(
        "/experts/panels/new",
        data={"name": "表面处理专家组", "chair": a.id, "members": [a.id, b.id]},
    )
    assert response.status_code == 302
    panel = db.session.scalar(sa.select(Panel))
    assert panel.chair_id == a.id and {e.id for e in panel.experts} == {a.id, b.id}

    member = app.test_client()
    login(b, c=member)
    page = member.get("/experts/")
    assert page.status_code == 200 and "表面处理专家组" in page.text
    assert member.get(f"/experts/panels/{panel.id}").status_code == 200

    other = app.test_client()
    login(outsider, c=other)
    assert "表面处理专家组" not in other.get("/experts/").text
    assert other.get(f"/experts/panels/{panel.id}").status_code == 404

    firm_user = app.test_client()
    login(create_user(role=Role.FIRM), c=firm_user)
    assert firm_user.get("/experts/").status_code == 403


def test_panel_needs_a_name_and_invited_experts(
    client, db, login, operator, create_user
):
    broker = create_user(role=Role.BROKER)
    login(operator)
    response = client.post(
        "/experts/panels/new", data={"name": "", "chair": broker.id, "members": []}
    )
    assert response.status_code == 422
    with pytest.raises(Exception) as exc:
        services.create_panel(
            operator, name="组", chair_id=broker.id, member_ids=[broker.id]
        )
    assert "只能选择已邀请的评审专家。" in str(exc.value)
    assert db.session.scalar(sa.select(sa.func.count(Panel.id))) == 0


def test_an_expert_signs_in_and_finds_their_pages(client, db, login, create_user):
    expert = create_user(role=Role.EXPERT)
    response = login(expert)
    assert response.status_code == 302
    landing = client.get(response.headers["Location"], follow_redirects=True)
    assert landing.status_code == 200
    home = client.get("/")
    assert (
        home.status_code == 200
        and "/experts/" in home.text
        and "/challenges/" in home.text
    )
    assert client.get("/experts/").status_code == 200
    assert client.get("/challenges/").status_code == 200
