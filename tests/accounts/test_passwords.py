"""Changing a password, and resetting it by a mailed link (through a real SMTP server)."""

import re
import time

import sqlalchemy as sa

from marketplace.accounts import tokens
from marketplace.accounts.models import User

from .helpers import GOOD_PASSWORD


def _link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/account/reset/\S+)", body).group(1)


def _reload(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_change_password_needs_the_current_one(client, db, create_user, login):
    user = create_user()
    login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "not-my-password",
            "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    assert _reload(db, user).check_password("pass-word-123")

    ok = client.post(
        "/account/password",
        data={
            "current_password": "pass-word-123",
            "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD,
        },
    )
    assert ok.status_code == 302
    assert _reload(db, user).check_password(GOOD_PASSWORD)


def test_change_password_applies_the_password_rules(client, db, create_user, login):
    user = create_user()
    login(user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "pass-word-123",
            "password": "12345678901",
            "confirm": "12345678901",
        },
    )
    assert response.status_code == 422
    assert _reload(db, user).check_password("pass-word-123")


def test_change_password_requires_login(client):
    assert client.get("/account/password").status_code == 302


def test_reset_by_mail_end_to_end(client, db, create_user, login, smtp_server):
    user = create_user(email="reset@example.com")
    response = client.post("/account/forgot", data={"email": "Reset@example.com"})
    assert response.status_code == 302
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "reset@example.com"
    assert "重置" in message["Subject"]
    assert message.get_body(("html",)) is not None
    path = _link_in(message)

    page = client.get(path)
    assert page.status_code == 200
    assert "reset@example.com" in page.get_data(as_text=True)
    done = client.post(path, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert done.status_code == 302

    assert login(user, password="pass-word-123").status_code == 422
    assert login(user, password=GOOD_PASSWORD).status_code == 302
    # The link is spent: the password it was made for has changed.
    used = client.get(path)
    assert used.status_code == 400
    assert "无效或已被使用" in used.get_data(as_text=True)


def test_unknown_email_gets_the_same_answer_and_no_mail(
    client, db, create_user, smtp_server
):
    create_user(email="known@example.com")
    known = client.post(
        "/account/forgot", data={"email": "known@example.com"}, follow_redirects=True
    )
    unknown = client.post(
        "/account/forgot", data={"email": "ghost@example.com"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert "如果该邮箱已注册" in unknown.get_data(as_text=True)
    assert "如果该邮箱已注册" in known.get_data(as_text=True)
    assert [m["To"] for m in smtp_server] == ["known@example.com"]


def test_disabled_account_gets_no_reset_mail(client, create_user, smtp_server):
    create_user(email="off@example.com", active=False)
    client.post("/account/forgot", data={"email": "off@example.com"})
    assert smtp_server == []


def test_bad_forgot_form_is_422(client):
    assert client.post("/account/forgot", data={"email": "<script>"}).status_code == 422


def test_forged_token_is_a_clear_400(client, db, create_user):
    create_user()
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 400
    assert "链接无效" in response.get_data(as_text=True)
    assert (
        client.post(
            "/account/reset/abc.def.ghi",
            data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
        ).status_code
        == 400
    )


def test_token_signed_with_another_key_is_refused(app, client, db, create_user):
    user = create_user()
    with app.test_request_context():
        app.config["SECRET_KEY"] = "another-key"
        try:
            token = tokens.make_token(user)
        finally:
            app.config["SECRET_KEY"] = "test-secret-key-not-for-production"
    assert client.get(f"/account/reset/{token}").status_code == 400


def test_expired_token_says_so(app, client, db, create_user):
    user = create_user()
    token = tokens.make_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = 1
    try:
        time.sleep(2.1)
        response = client.get(f"/account/reset/{token}")
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert response.status_code == 400
    assert "已过期" in response.get_data(as_text=True)
    assert _reload(db, user).check_password("pass-word-123")


def test_reset_form_applies_the_password_rules(client, db, create_user):
    user = create_user()
    token = tokens.make_token(user)
    response = client.post(
        f"/account/reset/{token}", data={"password": "short", "confirm": "short"}
    )
    assert response.status_code == 422
    assert _reload(db, user).check_password("pass-word-123")


def test_password_hash_is_not_the_password(db, create_user):
    user = create_user()
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert "pass-word-123" not in stored
