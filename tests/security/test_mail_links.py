"""Every link in an e-mail comes from MARKET_BASE_URL, never from the request's Host or
X-Forwarded-Host (issue 12 item 1: a reset link to evil.example is an account takeover)."""

from __future__ import annotations

import re

import pytest

from marketplace.core.urls import external_url, site_path

BASE = "https://market.example"
EVIL = "evil.example"


def _links(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return re.findall(r"https?://[^\s\"'<>]+", text + html)


def _assert_only_base(message) -> None:
    links = _links(message)
    assert links, "the mail carries a link"
    assert all(link.startswith(BASE + "/") for link in links), links
    assert EVIL not in message.as_string()


@pytest.fixture
def base_url(app):
    saved = app.config["MARKET_BASE_URL"]
    app.config["MARKET_BASE_URL"] = BASE
    yield BASE
    app.config["MARKET_BASE_URL"] = saved


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": EVIL},
        {"X-Forwarded-Host": EVIL},
        {"Host": EVIL, "X-Forwarded-Host": EVIL},
    ],
)
def test_reset_mail_ignores_foreign_host_in_the_test_client(
    client, create_user, smtp_server, base_url, headers
):
    create_user(email="victim@example.com")
    response = client.post(
        "/account/forgot", data={"email": "victim@example.com"}, headers=headers
    )
    assert response.status_code == 302
    assert len(smtp_server) == 1
    _assert_only_base(smtp_server[0])


def _mail_settings(app) -> dict:
    return {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}


@pytest.mark.parametrize("proxy_fix", [False, True])
@pytest.mark.parametrize("header", ["Host", "X-Forwarded-Host"])
def test_reset_mail_ignores_foreign_host_on_a_served_app(
    app, make_served, create_user, smtp_server, db, proxy_fix, header
):
    """Raw HTTP to a real server, with PROXY_FIX=1 (production) trusting X-Forwarded-*."""
    create_user(email="victim@example.com")
    served = make_served(
        PROXY_FIX=proxy_fix, MARKET_BASE_URL=BASE, **_mail_settings(app)
    )
    headers = (
        {header: EVIL} if header == "Host" else {"Host": "127.0.0.1", header: EVIL}
    )
    response = served.request(
        "POST", "/account/forgot", {"email": "victim@example.com"}, headers
    )
    assert response.status == 302
    assert len(smtp_server) == 1
    _assert_only_base(smtp_server[0])
    # The redirect itself stays relative, so it cannot be bent either.
    assert EVIL not in (response.getheader("Location") or "")


def test_invitation_mail_ignores_foreign_host(
    client, db, create_user, smtp_server, base_url
):
    inviter = create_user()
    # Signed in on the foreign host too, so the session cookie goes with the request.
    evil = {"Host": EVIL, "X-Forwarded-Host": EVIL}
    signed_in = client.post(
        "/account/login",
        data={"email": inviter.email, "password": "pass-word-123"},
        headers=evil,
    )
    assert signed_in.status_code == 302
    response = client.post(
        "/account/invite",
        data={"name": "新同事", "email": "new@example.com"},
        headers=evil,
    )
    assert response.status_code == 302
    assert len(smtp_server) == 1
    _assert_only_base(smtp_server[0])


def test_external_url_is_the_same_inside_and_outside_a_request(app, db, base_url):
    outside = external_url("accounts.reset_password", token="abc")
    with app.test_request_context("/", headers={"Host": EVIL}):
        inside = external_url("accounts.reset_password", token="abc")
        path = site_path("deals.detail", deal_id=3)
    assert outside == inside == f"{BASE}/account/reset/abc"
    assert path == site_path("deals.detail", deal_id=3) == "/deals/3"


def test_external_url_keeps_the_base_urls_path_prefix(app, db):
    saved = app.config["MARKET_BASE_URL"]
    app.config["MARKET_BASE_URL"] = "https://gov.example/market"
    try:
        assert (
            external_url("accounts.login") == "https://gov.example/market/account/login"
        )
        assert site_path("accounts.login") == "/account/login"
    finally:
        app.config["MARKET_BASE_URL"] = saved
