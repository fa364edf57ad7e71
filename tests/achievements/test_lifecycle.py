"""Lifecycle through the pages: submit, operator review, return with reasons, withdraw."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.core.audit import AuditEntry
from marketplace.listings.lifecycle import ListingStatus


def _act(client, a, action, reason="", **extra):
    return client.post(
        f"/achievements/{a.id}/action",
        data={"action": action, "reason": reason, **extra},
    )


def test_draft_submit_then_operator_publishes(
    client, login, people, create_achievement, db
):
    a = create_achievement(
        org=people["org"], status=ListingStatus.DRAFT, title="待发布成果"
    )
    login(people["owner"])
    assert "提交审核" in client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert _act(client, a, "submit").status_code == 302
    db.session.expire_all()
    assert a.status == ListingStatus.IN_REVIEW
    client.post("/account/logout")

    login(people["operator"])
    queue = client.get("/achievements/review").get_data(as_text=True)
    assert "待发布成果" in queue
    response = _act(client, a, "publish", from_queue="1")
    assert response.status_code == 302 and response.location.endswith(
        "/achievements/review"
    )
    db.session.expire_all()
    assert a.status == ListingStatus.PUBLISHED and a.published_at is not None
    assert (
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "achievement.publish")
        )
        .one()
        .actor_id
        == people["operator"].id
    )
    client.post("/account/logout")
    assert "待发布成果" in client.get("/achievements/").get_data(as_text=True)


def test_return_with_reason_shows_note_to_owner(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], status=ListingStatus.IN_REVIEW)
    login(people["operator"])
    no_reason = _act(client, a, "return")
    assert no_reason.status_code == 409 and "请填写原因" in no_reason.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert a.status == ListingStatus.IN_REVIEW
    assert _act(client, a, "return", reason="请补充焊点强度测试报告").status_code == 302
    client.post("/account/logout")
    login(people["owner"])
    page = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert "请补充焊点强度测试报告" in page
    assert "请补充焊点强度测试报告" in client.get(
        f"/achievements/{a.id}/edit"
    ).get_data(as_text=True)
    db.session.expire_all()
    assert a.status == ListingStatus.RETURNED and a.can_edit(people["owner"])


def test_unverified_org_cannot_be_published(
    client, login, create_org, create_achievement, people, db
):
    org = create_org(type=OrgType.UNIVERSITY, verified=False)
    a = create_achievement(org=org, status=ListingStatus.IN_REVIEW)
    login(people["operator"])
    response = _act(client, a, "publish")
    assert response.status_code == 409
    assert "尚未通过认证" in response.get_data(as_text=True)
    db.session.expire_all()
    assert a.status == ListingStatus.IN_REVIEW


@pytest.mark.parametrize("viewer", ["owner", "broker"])
def test_only_operator_publishes(client, login, people, create_achievement, db, viewer):
    a = create_achievement(org=people["org"], status=ListingStatus.IN_REVIEW)
    login(people[viewer])
    assert _act(client, a, "publish").status_code == 403
    db.session.expire_all()
    assert a.status == ListingStatus.IN_REVIEW


def test_outsider_actions_on_private_listing_are_404(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], status=ListingStatus.DRAFT)
    login(people["firm"])
    assert _act(client, a, "submit").status_code == 404
    db.session.expire_all()
    assert a.status == ListingStatus.DRAFT


def test_outsider_cannot_withdraw_published(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"])
    login(people["other_supplier"])
    assert _act(client, a, "withdraw").status_code == 403
    client.post("/account/logout")
    login(people["owner"])
    assert _act(client, a, "withdraw").status_code == 302
    db.session.expire_all()
    assert a.status == ListingStatus.WITHDRAWN


def test_unknown_action_is_refused(client, login, people, create_achievement, db):
    a = create_achievement(org=people["org"], status=ListingStatus.DRAFT)
    login(people["owner"])
    assert _act(client, a, "publish'; --").status_code == 409
    assert _act(client, a, "").status_code == 422
    db.session.expire_all()
    assert a.status == ListingStatus.DRAFT


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.OPERATOR, 200), (Role.BROKER, 403), (Role.FIRM, 403), (Role.SUPPLIER, 403)],
)
def test_review_queue_is_for_operators(client, login, create_user, role, expected):
    login(create_user(role=role))
    assert client.get("/achievements/review").status_code == expected


def test_review_queue_lists_in_review_oldest_first(
    client, login, people, create_achievement, db
):
    from datetime import datetime

    newer = create_achievement(status=ListingStatus.IN_REVIEW, title="较新的申请")
    older = create_achievement(status=ListingStatus.IN_REVIEW, title="较早的申请")
    create_achievement(status=ListingStatus.DRAFT, title="草稿不进队列")
    newer.submitted_at = datetime(2025, 5, 2)
    older.submitted_at = datetime(2025, 5, 1)
    db.session.commit()
    login(people["operator"])
    html = client.get("/achievements/review").get_data(as_text=True)
    assert html.index("较早的申请") < html.index("较新的申请")
    assert "草稿不进队列" not in html


def test_review_queue_sends_anonymous_to_login(client, db):
    response = client.get("/achievements/review")
    assert response.status_code == 302 and "/account/login" in response.location
