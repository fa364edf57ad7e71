"""Telling people that something needs them: one notification, maybe one e-mail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from ..core.mail import send_mail
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Notification


def notify(
    user,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Add a notification for `user` (once per dedupe_key); e-mail it if they opted in."""
    if user is None or not user.active:
        return None
    if dedupe_key and db.session.scalar(
        sa.select(Notification.id).where(
            Notification.user_id == user.id, Notification.dedupe_key == dedupe_key
        )
    ):
        return None
    note = Notification(
        user_id=user.id,
        kind=kind,
        title=title[:200],
        body=body,
        link=link,
        dedupe_key=dedupe_key,
    )
    db.session.add(note)
    if email and user.email_notifications:
        # The mail speaks the recipient's language, not the acting user's.
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            sent = send_mail(user.email, title, "notification", user=user, note=note)
        if sent:
            note.emailed_at = utcnow()
    db.session.flush()
    return note


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user, note_ids: list[int] | None = None) -> int:
    stmt = sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if note_ids is not None:
        stmt = stmt.where(Notification.id.in_(note_ids))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount
