"""Login throttling (issue 12 item 4): failures per address and per account, a 429 page
that says when to try again, and no lock-out of colleagues sharing one office address."""

from __future__ import annotations

import math
import re

import pytest

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.config import TestingConfig
from marketplace.extensions import limiter

PASSWORD = "pass-word-123"
WRONG = "wrong-password-9"


@pytest.fixture
def limited(app_config, db):
    """An app with the limiter on: 3 failures per address a minute, 3 per account in 15."""
    limited = create_app(
        TestingConfig,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes",
        **app_config,
    )
    try:
        yield limited
    finally:
        limiter.reset()
        limiter.enabled = False


def _post(app, email, password, ip="127.0.0.1", lang=None):
    path = "/account/login" + (f"?lang={lang}" if lang else "")
    return app.test_client().post(
        path,
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_staff_sharing_one_address_do_not_lock_each_other_out(limited, create_user):
    colleagues = [create_user(role=Role.BROKER) for _ in range(6)]
    for _round in range(2):
        for user in colleagues:
            assert (
                _post(limited, user.email, PASSWORD, ip="10.1.1.1").status_code == 302
            )
    # One colleague mistypes twice: the others (and she) still get in.
    for _ in range(2):
        assert (
            _post(limited, colleagues[0].email, WRONG, ip="10.1.1.1").status_code == 422
        )
    for user in colleagues:
        assert _post(limited, user.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_failures_from_one_address_are_limited(limited, create_user):
    users = [create_user() for _ in range(3)]
    for user in users:  # one failure each on three accounts: the address's limit
        assert _post(limited, user.email, WRONG, ip="10.2.2.2").status_code == 422
    blocked = _post(limited, create_user().email, PASSWORD, ip="10.2.2.2")
    assert blocked.status_code == 429
    # Another address is not affected.
    assert _post(limited, users[0].email, PASSWORD, ip="10.2.2.3").status_code == 302


def test_failures_on_one_account_from_many_addresses_are_limited(limited, create_user):
    victim, bystander = create_user(), create_user()
    for i in range(3):
        assert _post(limited, victim.email, WRONG, ip=f"10.3.0.{i}").status_code == 422
    # A fourth address, even with the right password (and the e-mail in capitals).
    blocked = _post(limited, victim.email.upper(), PASSWORD, ip="10.3.0.99")
    assert blocked.status_code == 429
    assert _post(limited, bystander.email, PASSWORD, ip="10.3.0.99").status_code == 302


def _retry_after(response) -> int:
    value = response.headers.get("Retry-After")
    assert value is not None and value.isdigit()
    return int(value)


def test_429_page_says_when_to_try_again_in_chinese_and_english(limited, create_user):
    user = create_user()
    for i in range(3):
        _post(limited, user.email, WRONG, ip=f"10.4.0.{i}")
    zh = _post(limited, user.email, WRONG, ip="10.4.0.50")
    assert zh.status_code == 429
    seconds = _retry_after(zh)
    assert 0 < seconds <= 15 * 60 + 1  # the window ends on a whole second
    minutes = math.ceil(seconds / 60)
    text = zh.get_data(as_text=True)
    assert re.search(rf"请在 ({minutes}|{minutes - 1}) 分钟后重试", text), text
    assert "操作过于频繁" in text

    en = _post(limited, user.email, WRONG, ip="10.4.0.51", lang="en")
    assert en.status_code == 429
    assert _retry_after(en) > 0
    assert re.search(r"try again in \d+ minute", en.get_data(as_text=True))


def test_blocked_attempts_do_not_extend_the_lock(limited, create_user):
    """Only answered failures count: the 429s themselves are not deducted."""
    user = create_user()
    for i in range(3):
        _post(limited, user.email, WRONG, ip=f"10.5.0.{i}")
    first = _retry_after(_post(limited, user.email, WRONG, ip="10.5.0.10"))
    for _ in range(5):
        _post(limited, user.email, WRONG, ip="10.5.0.11")
    assert _retry_after(_post(limited, user.email, WRONG, ip="10.5.0.12")) <= first


def test_per_account_limit_on_a_served_app_behind_the_proxy(make_served, create_user):
    """Raw HTTP to a real server with PROXY_FIX=1: each attempt from another
    X-Forwarded-For address; the account still locks, with Retry-After."""
    user = create_user()
    served = make_served(
        PROXY_FIX=True,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes",
    )
    form = {"email": user.email, "password": WRONG}
    for i in range(3):
        r = served.request(
            "POST", "/account/login", form, {"X-Forwarded-For": f"203.0.113.{i}"}
        )
        assert r.status == 422
    r = served.request(
        "POST",
        "/account/login",
        {"email": user.email, "password": PASSWORD},
        {"X-Forwarded-For": "203.0.113.77"},
    )
    assert r.status == 429
    assert int(r.getheader("Retry-After")) > 0
    assert "分钟后重试" in r.text
