"""Bearer-token authentication and per-token rate limits for the API.

Only `Authorization: Bearer <token>` counts: the session cookie is ignored, so a page
visited in a browser can never make API calls on the visitor's behalf (no CSRF).
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin

from ..extensions import db, limiter
from . import tokens
from .problems import ApiProblem

DEFAULT_RATE_LIMIT = "300 per minute"
_MISSING = object()


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def request_token() -> tokens.PersonalAccessToken | None:
    """The live token of this request (looked up once per request), or None."""
    found = g.get("api_token", _MISSING)
    if found is _MISSING:
        secret = _bearer()
        found = tokens.find_active(secret) if secret else None
        g.api_token = found
    return found


def rate_limit_key() -> str:
    """Requests are counted per token; without a valid one, per client address."""
    token = request_token()
    return f"token:{token.id}" if token is not None else f"ip:{get_remote_address()}"


def rate_limit_value() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def authenticate(scope: str):
    """The token's user, or an ApiProblem (401 without a live token, 403 without scope).

    Also makes the token's user Flask-Login's current_user for this request, so any code
    that reads current_user sees the token's user and never the cookie's.
    """
    token = request_token()
    g._login_user = AnonymousUserMixin()
    if token is None:
        detail = (
            _("令牌无效、已过期或已撤销。")
            if _bearer()
            else _("请在 Authorization 请求头中提供 Bearer 令牌。")
        )
        raise ApiProblem(401, detail)
    if not token.allows(scope):
        raise ApiProblem(
            403,
            _("此令牌没有 %(scope)s 权限。", scope=scope),
            slug="insufficient-scope",
        )
    if tokens.touch(token):
        # Its own small transaction: the request's work commits (or not) separately.
        db.session.commit()
    g._login_user = token.user
    return token.user


def init_blueprint(bp) -> None:
    # One budget per token shared by every API endpoint.
    limiter.shared_limit(rate_limit_value, scope="api", key_func=rate_limit_key)(bp)

    @bp.before_request
    def _forget_cookie_user():
        # Views call authenticate(); until then nobody is signed in for this request.
        g._login_user = AnonymousUserMixin()
