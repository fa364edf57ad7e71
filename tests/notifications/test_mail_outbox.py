"""The mail outbox: mail leaves after commit, once, survives a crash, retries, fails
visibly; a real SMTP server (aiosmtpd) receives it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.config import TestingConfig
from marketplace.core.mail_outbox import MailOutbox
from marketplace.core.mail_sender import send_pending
from marketplace.core.timeutil import utcnow
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from tests.fixtures.services import free_port


@pytest.fixture
def mail_sync(app):
    """Set MAIL_SYNC (and other settings) for one test."""
    saved = {}

    def set_(**values):
        for key in values:
            saved.setdefault(key, app.config.get(key))
        app.config.update(values)

    yield set_
    app.config.update(saved)


def _outbox(db) -> list[MailOutbox]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(MailOutbox).order_by(MailOutbox.id)))


def _tell(user, n: int = 1):
    return notify(
        user, "test", f"第 {n} 条消息", "报价单：每件 38 元", "/notifications/"
    )


def test_mail_waits_for_the_commit_and_a_rollback_sends_nothing(
    db, create_user, smtp_server
):
    user = create_user(Role.FIRM, email="firm@example.com")
    _tell(user)
    assert smtp_server == []  # queued, not sent, while the transaction is open
    db.session.rollback()
    assert smtp_server == [] and _outbox(db) == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0

    note = _tell(user, 2)
    db.session.commit()
    [mail] = smtp_server
    assert (mail["To"], mail["Subject"]) == ("firm@example.com", "第 2 条消息")
    [row] = _outbox(db)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert mail["Message-ID"] == row.message_id
    assert db.session.get(Notification, note.id).emailed_at == row.sent_at


def test_a_killed_process_sends_the_mail_on_restart(
    app, app_config, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_SYNC="off")  # the process dies right after the commit
    user = create_user(Role.FIRM, email="firm@example.com")
    note_id = _tell(user).id
    db.session.commit()
    assert smtp_server == []
    assert db.session.get(Notification, note_id).emailed_at is None

    restarted = create_app(
        TestingConfig,
        **app_config,
        SEARCH_WARM_UP=False,
        MAIL_SYNC="off",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
    )
    try:
        result = restarted.test_cli_runner().invoke(args=["mail", "send"])
        assert result.exit_code == 0, result.output
        assert "sent 1, to retry 0, failed 0" in result.output
        again = restarted.test_cli_runner().invoke(args=["mail", "send"])
        assert "sent 0" in again.output
    finally:
        with restarted.app_context():
            db.engine.dispose()
    assert [m["Subject"] for m in smtp_server] == ["第 1 条消息"]
    db.session.expire_all()
    assert db.session.get(Notification, note_id).emailed_at is not None


def test_a_sender_that_died_mid_send_is_replaced_after_its_claim_runs_out(
    app, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_SYNC="off")
    _tell(create_user(Role.FIRM))
    db.session.commit()
    [row] = _outbox(db)
    # What a sender leaves when it dies between claiming and sending.
    claimed_until = utcnow() + timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"])
    row.attempts, row.next_attempt_at = 1, claimed_until
    db.session.commit()
    assert send_pending().sent == 0  # someone holds the claim
    assert send_pending(now=claimed_until + timedelta(seconds=1)).sent == 1
    assert len(smtp_server) == 1
    assert _outbox(db)[0].attempts == 2


def test_two_senders_at_once_send_each_message_exactly_once(
    app, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_SYNC="off")
    users = [create_user(Role.FIRM, email=f"u{i}@example.com") for i in range(4)]
    for n in range(24):
        _tell(users[n % 4], n)
    db.session.commit()
    smtp_server.on_message = lambda msg: time.sleep(0.01)  # let the senders overlap
    barrier = threading.Barrier(3)
    results, errors = [], []

    def sender():
        with app.app_context():
            barrier.wait()
            try:
                results.append(send_pending(batch=3))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    ids = [m["Message-ID"] for m in smtp_server]
    assert len(ids) == 24 and len(set(ids)) == 24
    assert sum(r.sent for r in results) == 24
    assert {r.message_id for r in _outbox(db)} == set(ids)
    assert all(r.attempts == 1 for r in _outbox(db))


def test_a_failed_send_is_retried_with_a_growing_wait(
    app, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_PORT=free_port(), MAIL_RETRY_SECONDS=60)  # the server is down
    t0 = utcnow()
    note_id = _tell(create_user(Role.FIRM)).id
    db.session.commit()  # the first attempt fails, after the commit
    [row] = _outbox(db)
    assert (row.attempts, row.sent_at, row.failed_at) == (1, None, None)
    assert "Connection refused" in row.last_error or "ConnectionRefused" in (
        row.last_error
    )
    assert t0 + timedelta(seconds=59) < row.next_attempt_at
    assert row.next_attempt_at < utcnow() + timedelta(seconds=61)
    assert send_pending().sent == 0  # not due yet
    t1 = row.next_attempt_at + timedelta(seconds=1)
    assert send_pending(now=t1).retried == 1
    [row] = _outbox(db)
    assert row.attempts == 2 and row.next_attempt_at == t1 + timedelta(seconds=120)

    mail_sync(MAIL_PORT=smtp_server.port)  # the server is back
    assert send_pending(now=t1 + timedelta(seconds=119)).sent == 0
    assert send_pending(now=t1 + timedelta(seconds=121)).sent == 1
    assert len(smtp_server) == 1
    [row] = _outbox(db)
    assert row.attempts == 3 and row.last_error is None and row.sent_at is not None
    assert db.session.get(Notification, note_id).emailed_at == row.sent_at


def test_after_the_last_attempt_the_operator_sees_the_failure_and_sends_again(
    app, client, login, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_MAX_ATTEMPTS=2)
    smtp_server.reply = "451 4.3.0 mailbox busy, try later"
    operator = create_user(Role.OPERATOR, email_notifications=False)
    firm = create_user(Role.FIRM, email="firm@example.com")
    _tell(firm, 7)
    db.session.commit()
    [row] = _outbox(db)
    assert send_pending(now=row.next_attempt_at).failed == 1
    [row] = _outbox(db)
    assert row.failed_at is not None and row.attempts == 2 and "451" in row.last_error
    assert send_pending(now=utcnow() + timedelta(days=30)).sent == 0  # given up

    login(firm)
    assert client.get("/notifications/mail").status_code == 403
    assert client.post(f"/notifications/mail/{row.id}/retry").status_code == 403
    staff = app.test_client()
    login(operator, c=staff)
    page = staff.get("/notifications/mail").get_data(as_text=True)
    assert "发送失败：1 封" in page and "第 7 条消息" in page
    assert "mailbox busy" in page and "firm@example.com" in page
    assert "每件 38 元" not in page  # the operator sees why, not what was written

    smtp_server.reply = "250 OK"
    resp = staff.post(f"/notifications/mail/{row.id}/retry")
    assert resp.status_code == 302
    assert [m["Subject"] for m in smtp_server] == ["第 7 条消息"]
    page = staff.get("/notifications/mail").get_data(as_text=True)
    assert "没有等待发送或发送失败的邮件。" in page


def test_the_default_thread_mode_sends_right_after_the_request(
    client, db, create_user, smtp_server, mail_sync
):
    mail_sync(MAIL_SYNC="thread")
    create_user(email="reset@example.com")
    resp = client.post("/account/forgot", data={"email": "reset@example.com"})
    assert resp.status_code == 302
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        smtp_server and all(r.sent_at for r in _outbox(db))
    ):
        time.sleep(0.05)
    assert [m["To"] for m in smtp_server] == ["reset@example.com"]
    assert [r.sent_at is not None for r in _outbox(db)] == [True]
