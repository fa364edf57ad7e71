"""Profile, the "my organisation" workspace, inviting colleagues, editing the organisation."""

import re

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role, User, Verification
from marketplace.achievements.models import NdaRequest
from marketplace.core.audit import AuditEntry
from marketplace.listings.lifecycle import ListingStatus, NeedStatus
from tests.fixtures.factories import make_credit_code

from .helpers import GOOD_PASSWORD


def test_profile_saves_name_language_and_notifications(client, db, create_user, login):
    user = create_user(email_notifications=True)
    login(user)
    response = client.post("/account/profile", data={"name": "陈工", "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.name, user.locale, user.email_notifications) == ("陈工", "en", False)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "locale": "zh_CN"},
        {"name": "陈" * 61, "locale": "zh_CN"},
        {"name": "<script>x</script>", "locale": "zh_CN"},
        {"name": "陈工", "locale": "fr"},
    ],
)
def test_profile_bad_input_is_422_and_unsaved(client, db, create_user, login, data):
    user = create_user(name="原名")
    login(user)
    assert client.post("/account/profile", data=data).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "原名"


def test_supplier_workspace_lists_achievements_and_pending_nda_requests(
    client, db, create_org, create_user, create_achievement, login
):
    org = create_org(type=OrgType.UNIVERSITY, name="温州医科大学眼视光学院")
    member = create_user(role=Role.SUPPLIER, org=org, name="李老师")
    mine = create_achievement(org=org, title="离焦镜片光学设计")
    draft = create_achievement(org=org, title="草稿成果", status=ListingStatus.DRAFT)
    create_achievement(title="别人的成果")
    firm_user = create_user(role=Role.FIRM, name="赵厂长")
    db.session.add(
        NdaRequest(achievement=mine, requester=firm_user, message="想了解参数")
    )
    db.session.commit()
    login(member)
    page = client.get("/account/workspace").get_data(as_text=True)
    assert "温州医科大学眼视光学院" in page
    assert "李老师" in page
    assert f"/achievements/{mine.id}" in page and "离焦镜片光学设计" in page
    assert "草稿成果" in page and f"/achievements/{draft.id}" in page
    assert "别人的成果" not in page
    assert "赵厂长" in page
    assert 'name="decision" value="accept"' in page
    assert 'name="decision" value="decline"' in page


def test_firm_workspace_lists_needs(client, db, create_user, create_need, login):
    user = create_user(role=Role.FIRM)
    need = create_need(
        org=user.organization, title="镜架电镀层脱落", status=NeedStatus.SUBMITTED
    )
    login(user)
    page = client.get("/account/workspace").get_data(as_text=True)
    assert f"/needs/{need.id}" in page
    assert "待翻译" in page


def test_workspace_shows_rejection_reason(client, db, create_org, create_user, login):
    org = create_org(verified=False, rejection_reason="营业执照照片不清晰")
    org.verification = Verification.REJECTED
    db.session.commit()
    login(create_user(org=org))
    page = client.get("/account/workspace").get_data(as_text=True)
    assert "营业执照照片不清晰" in page


def test_staff_without_organisation_is_sent_to_profile(client, create_user, login):
    login(create_user(role=Role.BROKER))
    assert client.get("/account/workspace").headers["Location"] == "/account/profile"


def test_invited_colleague_gets_mail_sets_password_and_logs_in(
    client, db, create_user, login, smtp_server
):
    inviter = create_user(role=Role.FIRM)
    login(inviter)
    response = client.post(
        "/account/invite", data={"name": "新同事", "email": "colleague@example.com"}
    )
    assert response.status_code == 302
    colleague = db.session.scalar(
        sa.select(User).where(User.email == "colleague@example.com")
    )
    assert colleague.organization_id == inviter.organization_id
    assert colleague.role == Role.FIRM
    assert len(smtp_server) == 1
    body = smtp_server[0].get_body(("plain",)).get_content()
    path = re.search(r"http://localhost(/account/reset/\S+)", body).group(1)
    client.post("/account/logout")
    assert client.get(path).status_code == 200
    assert (
        client.post(
            path, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
        ).status_code
        == 302
    )
    assert login(colleague, password=GOOD_PASSWORD).status_code == 302


def test_inviting_an_existing_email_is_a_form_error(client, db, create_user, login):
    inviter = create_user()
    create_user(email="taken@example.com")
    login(inviter)
    response = client.post(
        "/account/invite", data={"name": "x", "email": "taken@example.com"}
    )
    assert response.status_code == 422
    assert "该电子邮箱已注册" in response.get_data(as_text=True)


def _org_form(org, **changes):
    data = {
        "org_name": org.name,
        "credit_code": org.credit_code,
        "address": org.address,
        "contact_name": org.contact_name,
        "contact_phone": "0577-88881234",
        "contact_email": "",
    }
    data.update(changes)
    return data


def test_editing_contact_details_keeps_verification(client, db, create_user, login):
    user = create_user()
    org = user.organization
    login(user)
    response = client.post(
        "/account/organization", data=_org_form(org, address="瓯海大道 1 号")
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.address == "瓯海大道 1 号"
    assert org.verification == Verification.VERIFIED


@pytest.mark.parametrize("change", ["org_name", "credit_code"])
def test_changing_name_or_credit_code_sends_org_back_to_pending(
    client, db, create_user, login, change
):
    user = create_user()
    org = user.organization
    login(user)
    new = {"org_name": "改名后的眼镜公司", "credit_code": make_credit_code(778001)}[
        change
    ]
    response = client.post(
        "/account/organization", data=_org_form(org, **{change: new})
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.verification == Verification.PENDING
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.update")
    )
    assert entry.object_id == org.id


def test_taking_another_orgs_credit_code_is_refused(
    client, db, create_user, create_org, login
):
    other = create_org()
    user = create_user()
    login(user)
    response = client.post(
        "/account/organization",
        data=_org_form(user.organization, credit_code=other.credit_code),
    )
    assert response.status_code == 422
    db.session.refresh(user.organization)
    assert user.organization.credit_code != other.credit_code
