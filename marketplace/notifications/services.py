"""Telling people that something needs them: one notification, maybe one e-mail.

A notification speaks the recipient's language, not the acting user's: a broker
working in English tells a Chinese factory owner in Chinese. So callers do not pass
finished text but *messages*, and `notify` renders them inside
`force_locale(recipient's locale)`, for the stored row and for the e-mail (subject,
body and the template's greeting) alike. A message is one of:

- `lazy_gettext("新需求与您的成果匹配：%(title)s", title=need.title)` (imported as
  `_l`): translated when rendered. Its %(name)s values are data shown as given
  (listing titles, reasons people typed); a lazy label among them (`deal.stage_label`)
  is translated in the same locale.
- a plain `str`: data, shown as is and never translated.
- a callable without arguments returning one of those, for text put together from
  several parts, e.g. `lambda: f"{objection.handling_label}: {note}"`.

An eager `gettext(...)` result is a plain str already in the actor's language, which is
the mistake this avoids; tests/notifications/test_callers.py checks that no caller
passes one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from ..core.mail_outbox import queue_mail, register_sent_handler
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Notification

#: What callers pass as a title or body (see the module docstring).
Message = str | LazyString | Callable[[], "str | LazyString"] | None


def recipient_locale(user) -> str:
    """The language `user` reads: their setting when the market offers it, else Chinese."""
    cfg = current_app.config
    locale = getattr(user, "locale", None)
    return locale if locale in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def render(message: Message, locale: str | None = None) -> str:
    """`message` as text, in `locale` (default: the current one)."""
    if locale is not None:
        with force_locale(locale):
            return render(message)
    if message is None:
        return ""
    if callable(message):
        message = message()
    return str(message)


def notify(
    user,
    kind: str,
    title: Message,
    body: Message = "",
    link: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Add a notification for `user` (once per dedupe_key); e-mail it if they opted in.

    The e-mail is queued in the caller's transaction and leaves after it commits;
    a rolled-back action sends nothing.

    `title` and `body` are rendered in the recipient's language (module docstring).
    """
    if user is None or not user.active:
        return None
    if dedupe_key and db.session.scalar(
        sa.select(Notification.id).where(
            Notification.user_id == user.id, Notification.dedupe_key == dedupe_key
        )
    ):
        return None
    with force_locale(recipient_locale(user)):
        note = Notification(
            user_id=user.id,
            kind=kind,
            title=render(title)[:200],
            body=render(body),
            link=link,
            dedupe_key=dedupe_key,
        )
        db.session.add(note)
        db.session.flush()
        if email and user.email_notifications:
            # Queued in this transaction, sent after commit: emailed_at is set then.
            queue_mail(
                user.email,
                note.title,
                "notification",
                ref=f"notification:{note.id}",
                user=user,
                note=note,
            )
    return note


def _mark_emailed(conn, note_id: int, sent_at) -> None:
    conn.execute(
        sa.update(Notification.__table__)
        .where(Notification.__table__.c.id == note_id)
        .values(emailed_at=sent_at)
    )


register_sent_handler("notification", _mark_emailed)


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
