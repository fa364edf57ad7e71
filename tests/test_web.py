"""Web plumbing: security headers, error pages in the user's language, money and time."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketplace import create_app
from marketplace.config import TestingConfig
from marketplace.core import money


def test_every_response_carries_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in r.headers
    secure = client.get("/", base_url="https://market.example")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_session_cookie_is_httponly_and_samesite(client, create_user, login):
    user = create_user()
    r = login(user)
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_in_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html and 'style="' not in html


@pytest.mark.parametrize(
    "lang, text", [("zh_CN", "页面不存在"), ("en", "does not exist")]
)
def test_404_page_speaks_the_users_language(client, lang, text):
    r = client.get(f"/no/such/page?lang={lang}")
    assert r.status_code == 404
    assert text.lower() in r.get_data(as_text=True).lower()


def test_malformed_ids_are_404_not_500(client):
    for url in (
        "/achievements/abc",
        "/needs/1%20OR%201=1",
        "/achievements/-1",
        "/needs/99999999999999999999",
        "/files/x",
    ):
        assert client.get(url).status_code == 404, url


def test_unexpected_errors_render_a_500_page_and_roll_back(app_config, db):
    app = create_app(TestingConfig, **app_config, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    with app.test_client() as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert "服务器出错了" in r.get_data(as_text=True)
    assert "kaboom" not in r.get_data(as_text=True)


def test_money_is_parsed_and_shown_in_fen():
    assert money.yuan_to_fen("300,000.5") == 30_000_050
    assert money.yuan_to_fen("¥12") == 1200
    for bad in ("", "abc", "1.234", "-5", "1e9", "99999999999999"):
        with pytest.raises(ValueError):
            money.yuan_to_fen(bad)
    assert money.format_fen(30_000_050) == "¥300,000.50"
    assert money.fen_to_yuan_str(5) == "0.05"


def test_times_are_shown_in_shanghai(app):
    from marketplace.core.web import _format_dt

    with app.test_request_context("/"):
        assert _format_dt(datetime(2026, 1, 1, 16, 30)) == "2026-01-02 00:30"


def test_a_nul_character_in_a_request_is_a_clear_400(client):
    r = client.get("/achievements/?q=a%00b")
    assert r.status_code == 400
    assert "NUL" in r.get_data(as_text=True)
    r = client.post(
        "/account/login", data={"email": "a\x00@b.example", "password": "x"}
    )
    assert r.status_code == 400
