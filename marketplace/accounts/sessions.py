"""Server-side sessions: every sign-in is a row of user_sessions, so it can be ended.

Flask-Login's alternative id: `User.get_id()` returns the sign-in's random token, which
the session cookie and the remember-me cookie both carry; the user loader accepts it only
while its row is open and has not been idle too long. So logout, a password change, the
account page's "end this session" and staff idle expiry all end copied cookies too.
The database is the store today; a shared store (issue 15: Redis) can take over by
replacing the functions here, whose callers know nothing of the table.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from ua_parser import parse

from ..core.timeutil import utcnow
from ..extensions import db
from .models import User, UserSession

#: Tokens of this scheme; a cookie from before it (a bare user id) signs nobody in.
TOKEN_PREFIX = "s1."  # noqa: S105 (a prefix, not a secret)
#: last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    """How long a session may sit unused: short for staff, who see confidential detail."""
    cfg = current_app.config
    if user.is_staff:
        return timedelta(minutes=int(cfg["STAFF_SESSION_IDLE_MINUTES"]))
    return timedelta(days=int(cfg["SESSION_IDLE_DAYS"]))


def _is_idle(row: UserSession, user: User, now: datetime) -> bool:
    return now - row.last_seen_at > idle_limit(user)


def start(user: User, user_agent: str, ip: str) -> UserSession:
    """Open a session for `user`; Flask-Login then writes its token into the cookies."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_hash(token),
        user_id=user.id,
        user_agent=(user_agent or "")[:300],
        ip=(ip or "")[:45],
    )
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    g._user_session = row
    return row


def load(token: str) -> User | None:
    """The user of an open, recently used session; None ends the cookie's sign-in."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _hash(token))
    )
    if row is None or row.ended_at is not None:
        return None
    user = row.user
    now = utcnow()
    if not user.active or _is_idle(row, user, now):
        return None
    user.session_token = token
    g._user_session = row
    if now - row.last_seen_at >= TOUCH_EVERY:
        g._touch_session = (row.id, now)
    return user


def current() -> UserSession | None:
    """The session this request was signed in with (or signed in by)."""
    return g.get("_user_session")


def end(row: UserSession) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()
    db.session.flush()


def end_all(user: User, keep: UserSession | None = None) -> int:
    """End every open session of `user` except `keep`; returns how many were ended."""
    query = sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    rows = db.session.scalars(query).all()
    now = utcnow()
    for row in rows:
        row.ended_at = now
    db.session.flush()
    return len(rows)


def own_session(user: User, session_id: int) -> UserSession | None:
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return None
    return row


def active(user: User) -> list[UserSession]:
    """The user's sessions that still sign someone in, most recently used first."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [r for r in rows if not _is_idle(r, user, now)]


@lru_cache(maxsize=512)
def device(user_agent: str) -> str:
    """A person's name for the browser, e.g. "Chrome 120 · Windows 10"."""

    result = parse(user_agent or "")
    parts = []
    if result.user_agent:
        ua = result.user_agent
        parts.append(f"{ua.family} {ua.major}" if ua.major else ua.family)
    if result.os:
        os_ = result.os
        parts.append(f"{os_.family} {os_.major}" if os_.major else os_.family)
    if result.device and result.device.family not in ("Other", "Spider"):
        parts.append(result.device.family)
    return " · ".join(parts) or _("未知设备")


def _touch(response):
    """Record the use after the response is made, in its own short transaction."""
    pending = g.pop("_touch_session", None)
    if pending is not None:
        session_id, now = pending
        # Its own connection: the request's transaction is never committed from here.
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(UserSession)
                .where(UserSession.id == session_id)
                .values(last_seen_at=now)
            )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_touch)


def client_ip() -> str:
    """The address as the app sees it (ProxyFix rewrites it behind the proxy)."""
    return request.remote_addr or ""
