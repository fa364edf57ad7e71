"""Sends the mail outbox: claims due rows, delivers them, retries failures with backoff.

Delivery is at least once and, between senders, exactly once: a row is claimed (its
attempt counted and its next_attempt_at pushed past a lease) in a short transaction
before it is sent, so a second sender skips it; a sender that dies mid-send leaves the
row to be sent again once the lease ran out. The sender works on connections of its
own, never on the request's session, so it also runs from that session's after_commit
hook (MAIL_SYNC=inline) without touching the transaction that just ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from ..extensions import db
from .background import Waker
from .mail import build_message, deliver
from .mail_outbox import QUEUED_KEY, MailOutbox, run_sent_handler
from .timeutil import utcnow

log = logging.getLogger("marketplace.mail")
_T = MailOutbox.__table__
#: The longest wait between two attempts at one message.
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class SendResult:
    sent: int = 0
    #: Failed this time; tried again after the backoff.
    retried: int = 0
    #: Failed for the last allowed time; waits for the operator.
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: MAIL_RETRY_SECONDS, doubled each time."""
    first = current_app.config["MAIL_RETRY_SECONDS"]
    return min(timedelta(seconds=first * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _due(now: datetime):
    return sa.and_(
        _T.c.sent_at.is_(None), _T.c.failed_at.is_(None), _T.c.next_attempt_at <= now
    )


def _begin_write(conn: Connection) -> None:
    # SQLite: take the write lock at BEGIN, so two senders queue on the busy timeout
    # instead of one failing when both upgrade a read lock.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _claim(conn: Connection, now: datetime, batch: int) -> list[Row]:
    lease = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    claim = {"attempts": _T.c.attempts + 1, "next_attempt_at": lease}
    due = sa.select(_T.c.id).where(_due(now)).order_by(_T.c.id).limit(batch)
    _begin_write(conn)
    if conn.dialect.name == "postgresql":
        # Rows another sender is claiming right now are skipped, not waited for.
        ids = conn.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            conn.execute(sa.update(_T).where(_T.c.id.in_(ids)).values(**claim))
    else:
        # No row locks: BEGIN IMMEDIATE serialises the claims, and an UPDATE that
        # still finds the row due is the claim (it stays right under any isolation).
        ids = [
            i
            for i in conn.scalars(due).all()
            if conn.execute(
                sa.update(_T).where(_T.c.id == i, _due(now)).values(**claim)
            ).rowcount
            == 1
        ]
    rows = (
        conn.execute(sa.select(_T).where(_T.c.id.in_(ids)).order_by(_T.c.id)).all()
        if ids
        else []
    )
    conn.commit()
    return rows


def _send_one(conn: Connection, row: Row, now: datetime, result: SendResult) -> None:
    msg = build_message(
        row.recipients, row.subject, row.text_body, row.html_body, row.message_id
    )
    try:
        deliver(msg)
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
        values: dict = {"last_error": f"{type(exc).__name__}: {exc}"[:2000]}
        if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            values["failed_at"] = now
            result.failed += 1
        else:
            values["next_attempt_at"] = now + backoff(row.attempts)
            result.retried += 1
        log.warning(
            "mail not delivered",
            extra={"mail_id": row.id, "attempts": row.attempts, "error": str(exc)},
        )
        _begin_write(conn)
        conn.execute(sa.update(_T).where(_T.c.id == row.id).values(**values))
        conn.commit()
        return
    _begin_write(conn)
    conn.execute(
        sa.update(_T).where(_T.c.id == row.id).values(sent_at=now, last_error=None)
    )
    run_sent_handler(conn, row.ref, now)
    conn.commit()
    result.sent += 1


def send_pending(now: datetime | None = None, batch: int = 10) -> SendResult:
    """Send every due message of the outbox; returns what happened.

    `now` fixes the clock (tests of the backoff); by default each claim reads it.
    """
    result = SendResult()
    with db.engine.connect() as conn:
        while True:
            rows = _claim(conn, now or utcnow(), batch)
            if not rows:
                return result
            for row in rows:
                _send_one(conn, row, now or utcnow(), result)


def safe_send() -> None:
    """Send after a commit; a problem is logged and the outbox keeps the mail."""
    try:
        send_pending()
    except Exception:  # noqa: BLE001 - the caller's change is committed already
        log.exception("mail sending failed; the outbox keeps the mail")


def _wake_sender() -> None:
    if not has_app_context():
        return
    app = current_app._get_current_object()
    mode = app.config.get("MAIL_SYNC", "thread")
    if mode == "off":
        return
    worker = app.extensions.get("mail_sender")
    if mode == "thread" and worker is not None and has_request_context():
        worker.poke()
        return
    # "inline", or a CLI command / script: no later moment in this process to wait for.
    safe_send()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(QUEUED_KEY, False):
        _wake_sender()


def init_app(app: Flask) -> None:
    """The process's sender thread, woken by commits that queued mail."""
    app.extensions["mail_sender"] = Waker(app, "mail-send", safe_send)
