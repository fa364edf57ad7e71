"""The mail outbox: e-mail is queued in the caller's transaction and sent after commit.

`queue_mail` renders the message now (in the current locale, so a caller inside
`force_locale` gets the recipient's language) and adds one `MailOutbox` row to the
session. A transaction that rolls back takes its mail with it; one that commits wakes
the sender (`core.mail_sender`, per MAIL_SYNC), which never runs while the caller's
row locks are held because they end with the commit (the after_commit hook that
wakes it lives in `core.mail_sender`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import make_msgid

import sqlalchemy as sa
from flask import render_template
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .timeutil import utcnow

#: Session.info key: mail was queued in the transaction under way.
QUEUED_KEY = "mail_outbox_queued"

#: What to do once a message with `ref` "<kind>:<id>" went out: kind -> fn(conn, id, at).
_sent_handlers: dict[str, Callable[[Connection, int, datetime], None]] = {}


class MailOutbox(db.Model):
    """One e-mail to send, written in the same transaction as what it tells about."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.Index("ix_mail_outbox_due", "sent_at", "failed_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Message-ID header, fixed at queueing: a resend after a crash is the same mail.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: Recipient addresses.
    recipients: Mapped[list[str]] = mapped_column(sa.JSON)
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    #: What the mail is about, "<kind>:<id>" (e.g. "notification:12"), for the sent hook.
    ref: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Delivery attempts so far (a claim counts as one).
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not tried before this time: the retry backoff, or a running sender's claim.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: Set after MAIL_MAX_ATTEMPTS failures; the operator can queue it again.
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "pending"


def register_sent_handler(
    kind: str, handler: Callable[[Connection, int, datetime], None]
) -> None:
    """Call `handler(conn, id, sent_at)` in the sender's transaction when a message
    whose ref is "<kind>:<id>" went out (a feature records it on its own rows)."""
    _sent_handlers[kind] = handler


def run_sent_handler(conn: Connection, ref: str | None, sent_at: datetime) -> None:
    kind, _, ident = (ref or "").partition(":")
    handler = _sent_handlers.get(kind)
    if handler is not None and ident.isdigit():
        handler(conn, int(ident), sent_at)


def queue_mail(
    to: str | list[str],
    subject: str,
    template: str,
    ref: str | None = None,
    **context,
) -> MailOutbox:
    """Render templates/email/<template>.txt and .html and queue them for sending.

    Nothing leaves before the caller's transaction commits; flushes, never commits.
    """
    row = MailOutbox(
        message_id=make_msgid(domain="ouhai-market.example"),
        recipients=[to] if isinstance(to, str) else list(to),
        subject=str(subject)[:300],
        text_body=render_template(f"email/{template}.txt", **context),
        html_body=render_template(f"email/{template}.html", **context),
        ref=ref,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    db.session.info[QUEUED_KEY] = True
    return row


def requeue(row: MailOutbox, now: datetime | None = None) -> None:
    """Give a failed (or waiting) message a fresh set of attempts, starting now."""
    if row.sent_at is not None:
        return
    row.failed_at = None
    row.attempts = 0
    row.next_attempt_at = now or utcnow()
    db.session.flush()
    db.session.info[QUEUED_KEY] = True


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(QUEUED_KEY, None)
