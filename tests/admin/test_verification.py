"""The operator verifies or rejects organisations; every decision is in the audit trail."""

import sqlalchemy as sa

from marketplace.accounts.models import Organization, Role, Verification
from marketplace.core.audit import AuditEntry


def _entries(db, action=None):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def test_index_counts_work_waiting(
    client, db, create_user, create_org, create_achievement, create_need, login
):
    create_org(verified=False)
    create_org(verified=False)
    create_achievement(status="in_review")
    create_need(status="submitted")
    login(create_user(role=Role.OPERATOR))
    page = client.get("/admin/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/admin/organizations?state=pending" in text
    assert "待审核机构" in text


def test_organization_list_filters_by_state(client, db, create_user, create_org, login):
    pending = create_org(name="待审眼镜厂", verified=False)
    verified = create_org(name="已认证眼镜厂")
    login(create_user(role=Role.OPERATOR))
    text = client.get("/admin/organizations?state=pending").get_data(as_text=True)
    assert pending.name in text and verified.name not in text
    text = client.get("/admin/organizations").get_data(as_text=True)
    assert pending.name in text and verified.name in text
    assert client.get("/admin/organizations?state=bogus").status_code == 422


def test_verify_then_reject_with_reason_is_audited(
    client, db, create_user, create_org, login
):
    org = create_org(verified=False)
    operator = create_user(role=Role.OPERATOR)
    login(operator)
    detail = client.get(f"/admin/organizations/{org.id}")
    assert org.credit_code in detail.get_data(as_text=True)

    response = client.post(
        f"/admin/organizations/{org.id}/verify", data={"decision": "verify"}
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.verification == Verification.VERIFIED
    assert org.verified_by_id == operator.id and org.verified_at is not None
    [entry] = _entries(db, "organization.verify")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        operator.id,
        "organization",
        org.id,
    )
    assert entry.detail["to_state"] == "verified"

    response = client.post(
        f"/admin/organizations/{org.id}/verify",
        data={"decision": "reject", "reason": "信用代码与营业执照不符"},
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.verification == Verification.REJECTED
    assert org.rejection_reason == "信用代码与营业执照不符"
    [entry] = _entries(db, "organization.reject")
    assert entry.detail["reason"] == "信用代码与营业执照不符"


def test_reject_without_reason_is_refused(client, db, create_user, create_org, login):
    org = create_org(verified=False)
    login(create_user(role=Role.OPERATOR))
    response = client.post(
        f"/admin/organizations/{org.id}/verify",
        data={"decision": "reject", "reason": "  "},
    )
    assert response.status_code == 422
    assert "不通过时请填写原因" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.verification == Verification.PENDING
    assert _entries(db) == []


def test_bad_verification_input_is_422_and_unsaved(
    client, db, create_user, create_org, login
):
    org = create_org(verified=False)
    login(create_user(role=Role.OPERATOR))
    for data in (
        {},
        {"decision": "approve"},
        {"decision": "reject", "reason": "<script>alert(1)</script>"},
        {"decision": "reject", "reason": "理" * 1001},
    ):
        assert (
            client.post(f"/admin/organizations/{org.id}/verify", data=data).status_code
            == 422
        )
    db.session.refresh(org)
    assert org.verification == Verification.PENDING
    assert _entries(db) == []


def test_verifying_twice_is_a_clear_error(client, db, create_user, create_org, login):
    org = create_org(verified=True)
    login(create_user(role=Role.OPERATOR))
    response = client.post(
        f"/admin/organizations/{org.id}/verify", data={"decision": "verify"}
    )
    assert response.status_code == 422
    assert "已是此状态" in response.get_data(as_text=True)


def test_registered_org_reaches_the_operator_and_is_verified(
    client, db, create_user, login
):
    from tests.accounts.helpers import register_data

    client.post("/account/register", data=register_data())
    client.post("/account/logout")
    org = db.session.scalar(sa.select(Organization))
    assert org.verification == Verification.PENDING
    login(create_user(role=Role.OPERATOR))
    assert org.name in client.get("/admin/organizations?state=pending").get_data(
        as_text=True
    )
    client.post(f"/admin/organizations/{org.id}/verify", data={"decision": "verify"})
    db.session.refresh(org)
    assert org.is_verified
