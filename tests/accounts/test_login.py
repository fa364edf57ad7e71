"""Signing in and out: credentials, disabled accounts, redirects, rate limit, CSRF, i18n."""

import flask_babel
import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.config import TestingConfig
from marketplace.extensions import limiter

from .helpers import register_data


def test_login_with_right_password_signs_in_and_records_time(
    client, db, create_user, login
):
    user = create_user()
    assert user.last_login_at is None
    response = login(user)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert user.name in client.get("/account/profile").get_data(as_text=True)


def test_login_email_is_case_insensitive(client, create_user):
    create_user(email="li@example.com")
    response = client.post(
        "/account/login", data={"email": "LI@Example.com", "password": "pass-word-123"}
    )
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, create_user):
    user = create_user()
    wrong = client.post(
        "/account/login", data={"email": user.email, "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/account/login",
        data={"email": "nobody@example.com", "password": "nope-nope-nope"},
    )
    assert wrong.status_code == unknown.status_code == 422
    assert "电子邮箱或密码不正确" in wrong.get_data(as_text=True)
    assert "电子邮箱或密码不正确" in unknown.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302  # still anonymous


def test_disabled_user_cannot_log_in(client, create_user, login):
    user = create_user(active=False)
    response = login(user)
    assert response.status_code == 422
    assert "该账户已被停用" in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302


def test_disabled_user_with_wrong_password_learns_nothing(client, create_user, login):
    user = create_user(active=False)
    response = login(user, password="wrong-password-1")
    assert "已被停用" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "", "password": ""},
        {"email": "a@example.com"},
        {"email": "x" * 300, "password": "p"},
    ],
)
def test_incomplete_login_form_is_422(client, data):
    assert client.post("/account/login", data=data).status_code == 422


def test_next_is_honoured_for_relative_paths(client, create_user):
    user = create_user()
    response = client.post(
        "/account/login?next=/account/profile",
        data={"email": user.email, "password": "pass-word-123"},
    )
    assert response.headers["Location"] == "/account/profile"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/x",
        "/\\evil.example.com",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_site_is_ignored(client, create_user, target):
    user = create_user()
    response = client.post(
        "/account/login",
        query_string={"next": target},
        data={"email": user.email, "password": "pass-word-123"},
    )
    assert response.headers["Location"] == "/"


def test_login_required_page_redirects_to_login_with_next(client):
    response = client.get("/account/workspace")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


def test_logout_is_post_only(client, create_user, login):
    login(create_user())
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/profile").status_code == 200
    assert client.post("/account/logout").status_code == 302
    assert client.get("/account/profile").status_code == 302


def test_login_page_is_chinese_by_default_and_english_on_request(client):
    zh = client.get("/account/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh
    assert "忘记密码" in zh
    # The db fixture's app context is shared by the client's requests; drop the
    # locale Flask-Babel cached on `g` so the next request chooses again.
    flask_babel.refresh()
    en = client.get("/account/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("path", ["/account/login", "/account/register"])
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_missing_or_forged_csrf_token_is_400_in_chinese(
    client, db, csrf_on, create_user, path, token
):
    user = create_user(email="csrf@example.com")
    data = (
        register_data()
        if path.endswith("register")
        else {"email": user.email, "password": "pass-word-123"}
    )
    if token:
        data["csrf_token"] = token
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "CSRF 校验失败" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_login_with_the_page_csrf_token_works(client, csrf_on, create_user):
    import re

    user = create_user()
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": "pass-word-123", "csrf_token": token},
    )
    assert response.status_code == 302


@pytest.fixture
def limited_client(app_config, db):
    """A second app with the limiter on (it is off in TestingConfig, and read at start)."""
    limited = create_app(
        TestingConfig,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        **app_config,
    )
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False


def test_login_posts_are_rate_limited_with_a_429_page_in_the_users_language(
    limited_client, create_user
):
    user = create_user()
    bad = {"email": user.email, "password": "wrong-password-9"}
    for _ in range(3):
        assert limited_client.post("/account/login", data=bad).status_code == 422
    blocked = limited_client.post("/account/login", data=bad)
    assert blocked.status_code == 429
    assert "操作过于频繁" in blocked.get_data(as_text=True)
    # GET is not limited; and the error page follows the language switch.
    assert limited_client.get("/account/login").status_code == 200
    english = limited_client.post("/account/login?lang=en", data=bad)
    assert english.status_code == 429
    assert '<html lang="en">' in english.get_data(as_text=True)
