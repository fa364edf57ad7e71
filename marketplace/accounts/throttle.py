"""Login throttling with Flask-Limiter: failed attempts per address and per account.

Only failures count (`deduct_when`), so colleagues signing in from one office address
never lock each other out by normal use; the per-account limit stops one account being
guessed at from many addresses. The 429 page says when to try again (core/web.py).
"""

from __future__ import annotations

import hashlib

from flask import current_app, request

from ..extensions import limiter


def _failed(response) -> bool:
    # The login form answers a wrong password (or a disabled account) with a 422.
    return response.status_code == 422


def _account_key() -> str:
    """The account being tried, hashed so the limiter's store holds no e-mail address;
    empty (no limit applied) when the form names none."""
    email = (request.form.get("email") or "").strip().lower()
    if not email:
        return ""
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


#: Failed sign-ins from one address (the limiter's key is the client address).
failures_per_address = limiter.limit(
    _address_limit, methods=["POST"], deduct_when=_failed
)
#: Failed sign-ins on one account, from whatever addresses.
failures_per_account = limiter.limit(
    _account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed
)
