"""Registering a person together with a new organisation."""

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Organization, OrgType, Role, User, Verification
from tests.fixtures.factories import make_credit_code

from .helpers import GOOD_PASSWORD, register_data


def _wrong_check(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


def _counts(db):
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Organization)),
    )


def test_register_page_shows_the_form(client):
    page = client.get("/account/register")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "统一社会信用代码" in text
    assert 'for="credit_code"' in text


def test_firm_registration_creates_pending_org_and_logs_in(client, db):
    response = client.post("/account/register", data=register_data())
    assert response.status_code == 302
    user = db.session.scalar(
        sa.select(User).where(User.email == "wang@mingshi.example.com")
    )
    assert user.role == Role.FIRM
    org = user.organization
    assert org.name == "温州明视眼镜有限公司"
    assert org.type == OrgType.FIRM
    assert org.verification == Verification.PENDING
    assert org.contact_email == user.email
    assert not org.state_funded
    assert user.check_password(GOOD_PASSWORD)
    assert user.last_login_at is not None
    workspace = client.get("/account/workspace")
    assert workspace.status_code == 200
    assert "待运营方审核" in workspace.get_data(as_text=True)


@pytest.mark.parametrize("org_type", ["university", "institute", "tto"])
def test_supplier_org_types_give_the_supplier_role(client, db, org_type):
    client.post(
        "/account/register",
        data=register_data(
            org_type=org_type, org_name="温州医科大学眼视光学院", state_funded="y"
        ),
    )
    user = db.session.scalar(sa.select(User))
    assert user.role == Role.SUPPLIER
    # Only universities and institutes are state-funded in the §18 sense.
    assert user.organization.state_funded == (org_type != "tto")


def test_state_funded_is_ignored_for_firms(client, db):
    client.post("/account/register", data=register_data(state_funded="y"))
    assert db.session.scalar(sa.select(Organization)).state_funded is False


def test_lowercase_full_width_credit_code_is_stored_normalised(client, db):
    code = make_credit_code(777002, kind="91")
    typed = " ".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    response = client.post("/account/register", data=register_data(credit_code=typed))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Organization)).credit_code == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9133030477700100", "应为 18 位"),
        (_wrong_check(make_credit_code(777003)), "校验位不正确"),
        ("91330304I77700300X", "不允许的字符"),
    ],
)
def test_bad_credit_code_is_refused(client, db, code, message):
    response = client.post("/account/register", data=register_data(credit_code=code))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_duplicate_org_name_code_and_email_are_form_errors(
    client, db, create_user, create_org
):
    org = create_org(name="温州明视眼镜有限公司", credit_code=make_credit_code(777001))
    create_user(org=org, email="wang@mingshi.example.com")
    before = _counts(db)
    response = client.post(
        "/account/register", data=register_data(email="WANG@mingshi.example.com")
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "该机构名称已注册" in text
    assert "该统一社会信用代码已注册" in text
    assert "该电子邮箱已注册" in text
    assert _counts(db) == before


def test_duplicate_email_alone_saves_no_organisation(client, db, create_user):
    create_user(email="wang@mingshi.example.com")
    before = _counts(db)
    response = client.post("/account/register", data=register_data())
    assert response.status_code == 422
    assert _counts(db) == before
    assert (
        db.session.scalar(
            sa.select(Organization).where(Organization.name == "温州明视眼镜有限公司")
        )
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short-1", "confirm": "short-1"}, "至少需要 10 个字符"),
        ({"password": "1234567890123", "confirm": "1234567890123"}, "不能全部是数字"),
        ({"confirm": "something-else-1"}, "两次输入的密码不一致"),
        ({"password": "x" * 129, "confirm": "x" * 129}, "128"),
    ],
)
def test_password_rules(client, db, overrides, message):
    response = client.post("/account/register", data=register_data(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize(
    "overrides",
    [
        {"org_name": ""},
        {"name": "   "},
        {"email": ""},
        {"email": "not-an-email"},
        {"org_type": "government"},
        {"org_name": "镜" * 121},
        {"address": "路" * 201},
        {"name": "<script>alert(1)</script>"},
        {"org_name": "<b>明视</b>眼镜"},
        {"contact_name": "javascript:alert(1)"},
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, db, overrides):
    response = client.post("/account/register", data=register_data(**overrides))
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_sql_looking_text_is_stored_verbatim(client, db):
    name = "明视'; DROP TABLE users; --"
    response = client.post("/account/register", data=register_data(org_name=name))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Organization)).name == name


def test_signed_in_user_is_sent_away_from_register(client, create_user, login):
    login(create_user())
    assert client.get("/account/register").status_code == 302
