"""Personal access tokens: created on the account page (shown once, stored hashed),
expiring, revocable, issued from the shell, and the only way into the API."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.api.tokens import PersonalAccessToken, create_token, find_active
from marketplace.core.timeutil import utcnow

TOKEN_RE = re.compile(r'value="(omk_[A-Za-z0-9_\-]+)"')


def _tokens(db):
    return db.session.scalars(sa.select(PersonalAccessToken)).all()


def test_account_page_creates_a_token_shown_once_and_stored_only_as_its_hash(
    client, db, create_user, login
):
    user = create_user(Role.SUPPLIER)
    login(user)
    assert "/account/tokens/" in client.get("/account/profile").get_data(as_text=True)
    page = client.post(
        "/account/tokens/",
        data={"name": "校内系统同步", "scopes": ["read", "write"], "days": "30"},
    )
    assert page.status_code == 200
    secret = TOKEN_RE.search(page.get_data(as_text=True)).group(1)
    [row] = _tokens(db)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.token_hash, row.hint) and secret.startswith(row.hint)
    assert row.scopes == ["read", "write"]
    assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    # The list shows it again, but never the token itself.
    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert "校内系统同步" in listing and secret not in listing
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["id"] == user.id


def test_token_form_rejects_bad_input_with_422_and_saves_nothing(
    client, db, create_user, login
):
    login(create_user())
    for data in (
        {"name": "", "scopes": ["read"], "days": "30"},
        {"name": "<script>x</script>", "scopes": ["read"], "days": "30"},
        {"name": "ok", "scopes": ["admin"], "days": "30"},
        {"name": "ok", "scopes": ["read"], "days": "0"},
        {"name": "ok", "scopes": ["read"], "days": "abc"},
        {"name": "x" * 61, "scopes": ["read"], "days": "30"},
    ):
        assert client.post("/account/tokens/", data=data).status_code == 422
    assert _tokens(db) == []


def test_token_pages_need_login_and_csrf(app, client, db, create_user, login):
    assert client.get("/account/tokens/").status_code == 302
    login(create_user())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/account/tokens/", data={"name": "x", "scopes": ["read"], "days": "30"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _tokens(db) == []


def test_revoked_token_is_refused_and_only_its_owner_can_revoke_it(
    client, db, create_user, login, make_token
):
    owner, other = create_user(), create_user()
    secret = make_token(owner)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    [row] = _tokens(db)
    login(other)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    client.post("/account/logout")
    login(owner)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_refused(client, db, create_user, make_token):
    secret = make_token(create_user(), days=1)
    row = _tokens(db)[0]
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert find_active(secret) is None
    assert (
        client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )


def test_token_of_a_disabled_user_is_refused(client, db, create_user, make_token):
    user = create_user()
    secret = make_token(user)
    user.active = False
    db.session.commit()
    assert (
        client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )


def test_use_is_recorded_in_last_used_at(client, db, create_user, make_token):
    secret = make_token(create_user())
    assert _tokens(db)[0].last_used_at is None
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    db.session.expire_all()
    assert _tokens(db)[0].last_used_at is not None


def test_cookie_session_is_not_api_authentication(client, db, create_user, login):
    login(create_user(Role.OPERATOR))
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert client.get("/api/v1/achievements").status_code == 401


def test_garbage_and_other_schemes_are_refused(client, db, create_user, make_token):
    secret = make_token(create_user())
    for header in (
        f"Basic {secret}",
        "Bearer",
        "Bearer omk_nope",
        f"Bearer {secret}x",
        "Bearer " + "omk_" + "a" * 500,
    ):
        assert (
            client.get("/api/v1/me", headers={"Authorization": header}).status_code
            == 401
        )


def test_cli_creates_a_token_for_a_user_and_prints_it(app, db, create_user):
    user = create_user(Role.FIRM, email="ops@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "tokens",
            "create",
            "--email",
            "OPS@example.com",
            "--name",
            "ERP 同步",
            "--scopes",
            "read,write",
            "--days",
            "7",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    row = find_active(secret)
    assert row is not None and row.user_id == user.id
    assert row.scopes == ["read", "write"] and row.name == "ERP 同步"
    assert timedelta(days=6) < row.expires_at - utcnow() <= timedelta(days=7)


def test_cli_without_days_makes_a_token_that_does_not_expire(app, db, create_user):
    create_user(email="reader@example.com")
    result = app.test_cli_runner().invoke(
        args=["tokens", "create", "--email", "reader@example.com", "--name", "只读"]
    )
    assert result.exit_code == 0
    assert find_active(result.output.strip()).expires_at is None


def test_cli_refuses_unknown_user_and_bad_scopes(app, db, create_user):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["tokens", "create", "--email", "nobody@example.com", "--name", "x"]
    )
    assert result.exit_code == 1 and "no user" in result.output
    create_user(email="a@example.com")
    result = runner.invoke(
        args=[
            "tokens",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "x",
            "--scopes",
            "read,admin",
        ]
    )
    assert result.exit_code == 1
    assert _tokens(db) == []


def test_scopes_are_validated_by_the_service(db, create_user):
    import pytest

    from marketplace.core.errors import ValidationFailed

    user = create_user()
    for scopes in ([], ["delete"], ["read", "admin"]):
        with pytest.raises(ValidationFailed):
            create_token(user, "x", scopes, 30)
