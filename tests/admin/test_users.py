"""Accounts on the operator's side: search, disable/enable, staff creation, audit browsing."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role, User
from marketplace.core import audit
from marketplace.core.audit import AuditEntry


@pytest.fixture
def operator(create_user, login):
    user = create_user(role=Role.OPERATOR, email="ops@example.com", name="运营小周")
    login(user)
    return user


def test_user_search_by_email_and_name(client, db, create_user, operator):
    create_user(email="zhang@lens.example.com", name="张镜片")
    create_user(email="li@frame.example.com", name="李镜架")
    text = client.get("/admin/users?q=lens").get_data(as_text=True)
    assert "zhang@lens.example.com" in text and "li@frame.example.com" not in text
    text = client.get("/admin/users?q=镜架").get_data(as_text=True)
    assert "li@frame.example.com" in text and "zhang@lens.example.com" not in text
    # LIKE wildcards are searched literally.
    assert "zhang@lens" not in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_disable_and_enable_are_audited_and_block_login(
    client, db, create_user, operator, login
):
    target = create_user(email="target@example.com")
    assert client.post(f"/admin/users/{target.id}/toggle").status_code == 302
    db.session.refresh(target)
    assert not target.active
    assert client.post(f"/admin/users/{target.id}/toggle").status_code == 302
    db.session.refresh(target)
    assert target.active
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.object_id == target.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["user.disable", "user.enable"]

    client.post(f"/admin/users/{target.id}/toggle")
    other = client.application.test_client()
    with client.application.app_context():
        response = login(target, c=other)
    assert response.status_code == 422
    assert "已被停用" in response.get_data(as_text=True)


def test_toggling_says_which_way_it_went(client, db, create_user, operator):
    target = create_user(email="flash@example.com")
    client.post(f"/admin/users/{target.id}/toggle")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("warning", "已停用账户 flash@example.com。")]
        session.pop("_flashes")
    client.post(f"/admin/users/{target.id}/toggle")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("success", "已启用账户 flash@example.com。")]


def test_operator_cannot_disable_themself(client, db, operator):
    response = client.post(f"/admin/users/{operator.id}/toggle", follow_redirects=True)
    assert "不能停用您自己的账户" in response.get_data(as_text=True)
    db.session.refresh(operator)
    assert operator.active
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_disabling_yourself_by_hand_is_a_403(client, db, operator):
    # The list offers no button for one's own account: a forged request is refused
    # like every PermissionDenied, not flashed back as if it were a slip.
    response = client.post(f"/admin/users/{operator.id}/toggle")
    assert response.status_code == 403
    assert "不能停用您自己的账户" in response.get_data(as_text=True)
    db.session.refresh(operator)
    assert operator.active


def test_create_broker_with_fields_sends_invitation(client, db, operator, smtp_server):
    response = client.post(
        "/admin/staff/new",
        data={
            "role": "broker",
            "name": "经纪人老林",
            "email": "Lin@Broker.example.com",
            "broker_fields": ["surface_treatment", "frame_materials"],
        },
    )
    assert response.status_code == 302
    broker = db.session.scalar(
        sa.select(User).where(User.email == "lin@broker.example.com")
    )
    assert broker.role == Role.BROKER and broker.organization_id is None
    assert sorted(broker.broker_fields) == ["frame_materials", "surface_treatment"]
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "user.create_staff")
    ).all()
    assert entry.actor_id == operator.id and entry.detail["role"] == "broker"
    assert [m["To"] for m in smtp_server] == ["lin@broker.example.com"]
    assert "/account/reset/" in smtp_server[0].get_body(("plain",)).get_content()


def test_create_operator(client, db, operator):
    response = client.post(
        "/admin/staff/new",
        data={"role": "operator", "name": "新运营", "email": "op2@example.com"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "op2@example.com"))
    assert user.role == Role.OPERATOR and user.broker_fields == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": "broker", "name": "无领域", "email": "b1@example.com"},
        {
            "role": "broker",
            "name": "坏领域",
            "email": "b2@example.com",
            "broker_fields": ["astrology"],
        },
        {"role": "firm", "name": "企业", "email": "b3@example.com"},
        {"role": "operator", "name": "", "email": "b4@example.com"},
        {"role": "operator", "name": "<script>x</script>", "email": "b5@example.com"},
        {"role": "operator", "name": "重复", "email": "ops@example.com"},
    ],
)
def test_bad_staff_input_is_422_and_unsaved(client, db, operator, data):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert client.post("/admin/staff/new", data=data).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def _entry(db, actor, action, at):
    entry = audit.record(actor, action)
    entry.at = at
    db.session.commit()
    return entry


def test_audit_filters_and_shanghai_times(client, db, create_user, operator):
    broker = create_user(role=Role.BROKER, email="broker@example.com")
    _entry(
        db, operator, "organization.verify", datetime(2024, 5, 1, 16, 30)
    )  # 5-2 00:30 CST
    _entry(db, broker, "need.claim", datetime(2024, 5, 3, 2, 0))
    _entry(db, operator, "user.disable", datetime(2024, 4, 1, 1, 0))

    text = client.get("/admin/audit").get_data(as_text=True)
    assert "2024-05-02 00:30:00" in text  # stored UTC, shown in Asia/Shanghai
    text = client.get("/admin/audit?action=organization.").get_data(as_text=True)
    assert "organization.verify" in text and "need.claim" not in text
    text = client.get("/admin/audit?actor=broker@").get_data(as_text=True)
    assert "need.claim" in text and "organization.verify" not in text
    text = client.get("/admin/audit?date_from=2024-05-02&date_to=2024-05-02").get_data(
        as_text=True
    )
    assert "organization.verify" in text
    assert "need.claim" not in text and "user.disable" not in text
    assert client.get("/admin/audit?date_from=yesterday").status_code == 422


def test_audit_is_paginated(app, client, db, operator):
    for i in range(app.config["PER_PAGE"] + 5):
        audit.record(operator, f"test.item{i:02d}")
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "test.item24" in first and "test.item00" not in first
    assert "test.item00" in second
    assert client.get("/admin/audit?page=abc").status_code == 200
