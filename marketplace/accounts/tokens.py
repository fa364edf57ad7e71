"""Signed, expiring links for setting a password (reset and invitation)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from .models import User

SALT = "marketplace.accounts.set-password"
#: Invitations give a colleague time to notice the mail: a week unless configured.
DEFAULT_INVITATION_MAX_AGE = 7 * 24 * 3600


class Purpose(StrEnum):
    RESET = "reset"
    INVITE = "invite"


class TokenError(Exception):
    """The link is forged, expired or already used; `expired` tells which to say."""

    def __init__(self, expired: bool = False):
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age(purpose: str) -> int:
    cfg = current_app.config
    if purpose == Purpose.INVITE:
        return int(cfg.get("INVITATION_MAX_AGE", DEFAULT_INVITATION_MAX_AGE))
    return int(cfg["PASSWORD_RESET_MAX_AGE"])


def invitation_max_age() -> int:
    return _max_age(Purpose.INVITE)


def make_token(user: User, purpose: Purpose = Purpose.RESET) -> str:
    """A token naming the user and their current password version.

    Setting a password bumps `password_changed_at`, so a used or older link stops working.
    """
    return _serializer().dumps(
        {"uid": user.id, "pc": user.password_changed_at.isoformat(), "p": str(purpose)}
    )


def load_token(token: str) -> tuple[User, Purpose]:
    """The user a valid token names, and why it was issued; TokenError otherwise."""
    s = _serializer()
    longest = max(_max_age(Purpose.RESET), _max_age(Purpose.INVITE))
    try:
        data, signed_at = s.loads(token, max_age=longest, return_timestamp=True)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError() from None
    if not isinstance(data, dict) or data.get("p") not in set(Purpose):
        raise TokenError()
    purpose = Purpose(data["p"])
    # The serializer checked the longest lifetime; a reset link lives shorter.
    age = (datetime.now(UTC) - signed_at).total_seconds()
    if age > _max_age(purpose):
        raise TokenError(expired=True)
    uid = data.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or not user.active:
        raise TokenError()
    if user.password_changed_at.isoformat() != data.get("pc"):
        raise TokenError()
    return user, purpose
