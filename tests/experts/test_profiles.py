"""Experts' fields, title and affiliation; panel members suggested by field, leaving
out experts tied to the sponsor."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role, User
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.experts import services
from marketplace.experts.models import ExpertProfile


@pytest.fixture
def operator(create_user):
    return create_user(role=Role.OPERATOR)


def test_invitation_records_fields_title_and_affiliation(client, db, login, operator):
    login(operator)
    response = client.post(
        "/experts/invite",
        data={
            "name": "王教授",
            "email": "wang@expert.example.com",
            "title": "教授",
            "affiliation": "温州大学",
            "expertise": ["surface_treatment"],
        },
    )
    assert response.status_code == 302
    expert = db.session.scalar(
        sa.select(User).where(User.email == "wang@expert.example.com")
    )
    profile = services.profile_of(expert.id)
    assert (profile.fields, profile.title, profile.affiliation) == (
        ["surface_treatment"],
        "教授",
        "温州大学",
    )
    page = client.get("/experts/").text
    assert "温州大学" in page and "教授" in page


def test_bad_profile_input_is_refused_and_saves_nothing(client, db, login, operator):
    login(operator)
    response = client.post(
        "/experts/invite",
        data={
            "name": "李工",
            "email": "li@expert.example.com",
            "expertise": ["no_such_field"],
            "title": "长" * 61,
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(ExpertProfile.id))) == 0
    with pytest.raises(ValidationFailed):
        services._checked_profile(["no_such_field"], "", "")


def test_expert_edits_own_profile_not_anothers(
    app, client, db, login, operator, create_user
):
    me = create_user(role=Role.EXPERT)
    other = create_user(role=Role.EXPERT)
    login(me)
    response = client.post(
        f"/experts/{me.id}/profile",
        data={
            "title": "高级工程师",
            "affiliation": "研究院",
            "expertise": ["lenses_coatings"],
        },
    )
    assert response.status_code == 302
    assert services.profile_of(me.id).title == "高级工程师"
    assert client.get(f"/experts/{other.id}/profile").status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_profile(me, other, fields=[], title="", affiliation="")


def test_panel_members_suggested_by_field_without_tied_experts(
    client, db, login, operator, create_user, create_need
):
    need = create_need()  # field surface_treatment
    fit, tied, elsewhere = (
        create_user(role=Role.EXPERT, name=n) for n in ("甲专家", "乙专家", "丙专家")
    )
    for e, f in ((fit, "surface_treatment"), (tied, "surface_treatment")):
        services.update_profile(operator, e, fields=[f], title="", affiliation="")
    services.update_profile(
        operator, elsewhere, fields=["lenses_coatings"], title="", affiliation=""
    )
    services.declare_tie(tied, need.organization_id)
    db.session.commit()
    assert services.suggest_experts("surface_treatment", {need.organization_id}) == [
        fit
    ]
    assert set(services.suggest_experts("surface_treatment")) == {fit, tied}
    login(operator)
    page = client.get(f"/experts/panels/new?need_id={need.id}").text
    suggested = page[
        page.index('id="suggested"') : page.index(
            "</div>", page.index('id="suggested"')
        )
    ]
    assert (
        "甲专家" in suggested
        and "乙专家" not in suggested
        and "丙专家" not in suggested
    )
    checked = set(
        re.findall(r'<input checked [^>]*name="members"[^>]*value="(\d+)"', page)
    )
    assert checked == {str(fit.id)}
