"""Personal access tokens for the JSON API: the model and the services that issue them.

A token is shown once when created; only its SHA-256 is stored. The secret carries 256
bits from `secrets`, so a fast unsalted hash is enough (nothing to brute-force), and a
lookup by hash is a single indexed read.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import audit
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db

#: Every token starts with this, so leaked ones are easy to spot in logs and scanners.
TOKEN_PREFIX = "omk_"  # noqa: S105 (a public marker, not a secret)
SCOPES = ("read", "write")
NAME_MAX = 60
#: Longest lifetime a person may choose; tokens without expiry are the operator's call.
MAX_DAYS = 366
#: last_used_at is written at most this often, so reads do not all turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)
#: A person keeps at most this many live tokens.
MAX_ACTIVE = 20


class PersonalAccessToken(db.Model):
    __tablename__ = "personal_access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    #: Hex SHA-256 of the whole token string; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The first characters of the token, shown in lists to tell tokens apart.
    hint: Mapped[str] = mapped_column(sa.String(16))
    #: Granted scopes, a subset of SCOPES ("write" implies "read").
    scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: UTC; None means it never expires.
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or (scope == "read" and "write" in self.scopes)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check(user, name: str, scopes: list[str], days: int | None) -> list[str]:
    errors: list[tuple[str | None, str]] = []
    if not (user and user.is_authenticated and user.active):
        raise PermissionDenied(_("账户已停用，不能创建令牌。"))
    if not name.strip() or len(name.strip()) > NAME_MAX:
        errors.append(("name", _("请填写 1–%(n)s 个字的令牌名称。", n=NAME_MAX)))
    clean = [s for s in SCOPES if s in scopes]
    if not clean or len(set(scopes)) != len(clean):
        errors.append(("scopes", _("权限范围只能是 read 或 write。")))
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors.append(("days", _("有效期应为 1–%(n)s 天。", n=MAX_DAYS)))
    live = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PersonalAccessToken)
        .where(
            PersonalAccessToken.user_id == user.id,
            PersonalAccessToken.revoked_at.is_(None),
        )
    )
    if live >= MAX_ACTIVE:
        errors.append(
            (None, _("最多保留 %(n)s 个令牌，请先撤销不用的。", n=MAX_ACTIVE))
        )
    if errors:
        raise ValidationFailed(errors)
    return clean


def create_token(
    user, name: str, scopes: list[str], days: int | None, actor=None
) -> tuple[PersonalAccessToken, str]:
    """Issue a token for `user`; returns the row and the token text (shown only now).

    `days=None` makes a token without expiry. `actor` is who issued it (the operator on
    the command line), recorded in the audit trail.
    """
    clean = _check(user, name, scopes, days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = PersonalAccessToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=hash_token(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4],
        scopes=clean,
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor or user, "api_token.create", user, token_id=token.id, scopes=clean
    )
    return token, secret


def revoke_token(token: PersonalAccessToken, actor) -> None:
    """Revoke one of the actor's own tokens; revoking twice is harmless."""
    if not (actor and actor.is_authenticated and token.user_id == actor.id):
        raise PermissionDenied(_("只能撤销自己的令牌。"))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoke", actor, token_id=token.id)
    db.session.flush()


def find_active(secret: str) -> PersonalAccessToken | None:
    """The live token with this text, or None (unknown, revoked, expired, user disabled)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        sa.select(PersonalAccessToken).where(
            PersonalAccessToken.token_hash == hash_token(secret)
        )
    )
    if token is None or not token.is_active or not token.user.active:
        return None
    return token


def touch(token: PersonalAccessToken) -> bool:
    """Note the token's use (coarsely); True when the row changed."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        return True
    return False


def tokens_of(user) -> list[PersonalAccessToken]:
    """The user's tokens for the account page, newest first."""
    return list(
        db.session.scalars(
            sa.select(PersonalAccessToken)
            .where(PersonalAccessToken.user_id == user.id)
            .order_by(
                PersonalAccessToken.created_at.desc(), PersonalAccessToken.id.desc()
            )
        )
    )
