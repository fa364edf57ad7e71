"""A firm posts and edits a need in its own words; bad input saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.core.timeutil import today_shanghai
from marketplace.listings.lifecycle import NeedStatus
from marketplace.needs.models import Need

from .conftest import ORIGINAL


def count_needs(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Need))


def test_firm_saves_a_draft_with_budget_in_fen(db, firm, client_for, need_form):
    c = client_for(firm)
    response = c.post("/needs/new", data=need_form())
    assert response.status_code == 302
    need = db.session.scalars(sa.select(Need)).one()
    assert need.status == NeedStatus.DRAFT
    assert need.organization_id == firm.organization_id
    assert need.budget_min_fen == 5_000_000 and need.budget_max_fen == 20_000_000
    assert need.cooperation_modes == ["joint_development", "service"]
    assert need.trl_min == 6
    assert need.description == ORIGINAL


def test_save_and_submit_sends_the_need_to_the_brokers(db, firm, client_for, need_form):
    c = client_for(firm)
    c.post("/needs/new", data=need_form(intent="submit"))
    need = db.session.scalars(sa.select(Need)).one()
    assert need.status == NeedStatus.SUBMITTED
    assert need.submitted_at is not None


def test_sql_looking_text_is_stored_verbatim(db, firm, client_for, need_form):
    text = "'; DROP TABLE needs; -- 镜片镀膜发花"
    client_for(firm).post("/needs/new", data=need_form(description=text))
    assert db.session.scalars(sa.select(Need)).one().description == text


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"description": ""}, "请用您自己的话描述"),
        ({"description": "   "}, "请用您自己的话描述"),
        ({"title": ""}, "请填写需求标题"),
        ({"budget_min": "300000", "budget_max": "100000"}, "预算上限不能低于预算下限"),
        ({"budget_min": "三十万"}, "请输入有效金额"),
        (
            {"deadline": (today_shanghai() - timedelta(days=1)).isoformat()},
            "将来的日期",
        ),
        ({"deadline": "not-a-date"}, None),
        ({"description": "<script>alert(1)</script>"}, "纯文本"),
        ({"title": "<b>镜架</b>"}, "纯文本"),
        ({"title": "镜" * 201}, None),
        ({"description": "镜" * 10_001}, None),
        ({"trl_min": "12"}, None),
        ({"cooperation_modes": ["barter"]}, None),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(
    db, firm, client_for, need_form, overrides, message
):
    response = client_for(firm).post("/needs/new", data=need_form(**overrides))
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert count_needs(db) == 0


def test_external_ref_is_unique_within_the_firm(db, firm, client_for, need_form):
    c = client_for(firm)
    assert c.post("/needs/new", data=need_form(external_ref="XQ-01")).status_code == 302
    response = c.post("/needs/new", data=need_form(external_ref="XQ-01"))
    assert response.status_code == 422
    assert count_needs(db) == 1


@pytest.mark.parametrize("who", ["supplier", "broker", "operator"])
def test_only_firm_members_may_post_a_need(db, request, client_for, need_form, who):
    c = client_for(request.getfixturevalue(who))
    assert c.get("/needs/new").status_code == 403
    assert c.post("/needs/new", data=need_form()).status_code == 403
    assert count_needs(db) == 0


def test_anonymous_is_sent_to_login(db, client, need_form):
    response = client.post("/needs/new", data=need_form())
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert count_needs(db) == 0


def test_firm_edits_its_draft_and_submits_it(
    db, firm, create_need, client_for, need_form
):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    c = client_for(firm)
    assert c.get(f"/needs/{need.id}/edit").status_code == 200
    response = c.post(
        f"/needs/{need.id}/edit", data=need_form(title="新标题", intent="submit")
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.title == "新标题"
    assert need.status == NeedStatus.SUBMITTED


def test_edit_with_bad_input_changes_nothing(
    db, firm, create_need, client_for, need_form
):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT, title="原标题")
    response = client_for(firm).post(
        f"/needs/{need.id}/edit",
        data=need_form(title="新标题", budget_min="9", budget_max="1"),
    )
    assert response.status_code == 422
    db.session.refresh(need)
    assert need.title == "原标题"


def test_firm_cannot_edit_a_need_once_submitted(
    db, firm, create_need, client_for, need_form
):
    need = create_need(
        org=firm.organization, status=NeedStatus.SUBMITTED, title="原标题"
    )
    c = client_for(firm)
    c.post(f"/needs/{need.id}/edit", data=need_form(title="新标题"))
    db.session.refresh(need)
    assert need.title == "原标题"


@pytest.mark.parametrize(
    "status", [NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.RETURNED]
)
def test_a_firm_member_can_never_edit_another_firms_private_need(
    db, other_firm, create_need, client_for, need_form, status
):
    need = create_need(status=status, title="原标题")
    c = client_for(other_firm)
    assert c.get(f"/needs/{need.id}/edit").status_code == 404
    assert (
        c.post(f"/needs/{need.id}/edit", data=need_form(title="x")).status_code == 404
    )
    db.session.refresh(need)
    assert need.title == "原标题"


def test_another_firms_published_need_is_seen_but_not_edited(
    db, other_firm, create_need, client_for, need_form
):
    need = create_need(status=NeedStatus.PUBLISHED, title="原标题")
    c = client_for(other_firm)
    assert c.get(f"/needs/{need.id}/edit").status_code == 403
    assert (
        c.post(f"/needs/{need.id}/edit", data=need_form(title="x")).status_code == 403
    )
    db.session.refresh(need)
    assert need.title == "原标题"


def test_malformed_ids_are_404(db, firm, client_for):
    c = client_for(firm)
    for url in ("/needs/abc", "/needs/-1/edit", "/needs/99999", "/needs/1e3/translate"):
        assert c.get(url).status_code == 404
