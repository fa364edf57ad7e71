"""Payment mail leaves after the commit, never while the request's row lock is held."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from .test_bank_transfer import _price
from .test_notification_language import _pay_by_transfer

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
        reason="row locks need PostgreSQL",
    ),
]


def test_confirming_a_transfer_mails_the_payer_after_the_lock_is_released(
    app, db, deal, people, sign_contract, login, client, smtp_server
):
    sign_contract()
    req = _price(db, deal)
    engine = db.engine
    seen = []

    def row_locked(msg) -> None:
        # Called by the SMTP server as each message arrives: is the request's row
        # still locked by the transaction that confirmed the payment?
        with engine.connect() as conn:
            try:
                conn.execute(
                    sa.text(
                        "SELECT id FROM payment_requests WHERE id = :id FOR UPDATE NOWAIT"
                    ),
                    {"id": req.id},
                )
                seen.append((msg["To"], False))
            except sa.exc.OperationalError:
                seen.append((msg["To"], True))
            conn.rollback()

    smtp_server.clear()
    smtp_server.on_message = row_locked
    _pay_by_transfer(app, db, client, login, people, req)
    payer_mail = [locked for to, locked in seen if to == people.firm.email]
    assert payer_mail and not any(payer_mail)
    assert not any(locked for _, locked in seen)
