"""Phone numbers: what the registration and organisation forms accept and refuse."""

import pytest
import sqlalchemy as sa

from marketplace.accounts.forms import is_phone_number
from marketplace.accounts.models import Organization, User

from .helpers import register_data

GOOD = [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 138 1234 5678",
    "+8613812345678",
    "0086 13812345678",
    "19912345678",
    "0577-88888888",
    "0577 8888 8888",
    "(0577)88888888",
    "010-12345678",
    "0577-88888888 转 123",
    "0577-88888888分机8",
    "0577-88888888 ext. 123",
    "0577-88888888-123",
    "+86 577 8888 8888",
]
BAD = [
    "abc",
    "123",
    "1381234567",  # one digit short
    "138123456789",  # one digit too many
    "12812345678",  # no mobile block starts 12
    "88888888",  # a landline without its area code
    "+1 202 555 0143",  # not a mainland number
    "0577-88888888 转 abc",
    "电话 13812345678",
]


@pytest.mark.parametrize("value", GOOD)
def test_mainland_mobiles_and_landlines_are_accepted(value):
    assert is_phone_number(value)


@pytest.mark.parametrize("value", BAD)
def test_things_that_are_not_phone_numbers_are_refused(value):
    assert not is_phone_number(value)


def _counts(db):
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (User, Organization)
    )


@pytest.mark.parametrize(
    "lang, message", [("zh_CN", "请填写有效的电话号码"), ("en", "valid phone number")]
)
def test_registration_refuses_abc_as_phone_and_saves_nothing(client, db, lang, message):
    response = client.post(
        f"/account/register?lang={lang}", data=register_data(contact_phone="abc")
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_registration_accepts_a_mobile_with_spaces(client, db):
    response = client.post(
        "/account/register", data=register_data(contact_phone="+86 138 1234 5678")
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Organization)).contact_phone == (
        "+86 138 1234 5678"
    )


def test_editing_the_organisation_uses_the_same_check(client, db, create_user, login):
    user = create_user()
    org = user.organization
    before = org.contact_phone
    login(user)
    data = {
        "org_name": org.name,
        "credit_code": org.credit_code,
        "address": org.address or "瓯海大道 1 号",
        "contact_name": org.contact_name or "王经理",
        "contact_phone": "0577-1234",
        "contact_email": "",
    }
    response = client.post("/account/organization", data=data)
    assert response.status_code == 422
    assert "请填写有效的电话号码" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.contact_phone == before


def test_the_phone_field_is_a_tel_input_with_a_hint(client):
    html = client.get("/account/register").get_data(as_text=True)
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert "0577-88888888" in html
