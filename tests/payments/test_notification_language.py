"""Payment notifications reach payers and operators in their own language."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.notifications.models import Notification
from marketplace.payments.models import BankTransfer

from .test_bank_transfer import _price, _receipt


def _notes(db, user, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def _pay_by_transfer(app, db, client, login, people, req) -> None:
    """The firm files a receipt; the operator confirms the full amount."""
    login(people.firm)
    resp = client.post(
        f"/payments/{req.id}/transfer",
        data={"receipt": _receipt(), "reference": "工行 1234"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    transfer = db.session.scalar(sa.select(BankTransfer))
    op = app.test_client()
    login(people.operator, c=op)
    resp = op.post(
        f"/payments/transfers/{transfer.id}/confirm", data={"received": "300000"}
    )
    assert resp.status_code == 302


def test_an_english_operator_confirms_and_the_chinese_payer_reads_chinese(
    app, db, deal, people, sign_contract, login, client, smtp_server
):
    people.operator.locale, people.firm.locale = "en", "zh_CN"
    db.session.commit()
    sign_contract()
    req = _price(db, deal)
    smtp_server.clear()
    _pay_by_transfer(app, db, client, login, people, req)
    [receipt_note] = _notes(db, people.operator, "payment.transfer")
    assert receipt_note.title == "A new transfer receipt awaits confirmation"
    assert receipt_note.body == req.title  # the request's own title: data
    confirmed = _notes(db, people.firm, "payment.due")[-1]
    assert confirmed.title == f"对公转账已确认到账：{req.title}"
    [mail] = [m for m in smtp_server if m["To"] == people.firm.email]
    assert mail["Subject"] == confirmed.title
    text = mail.get_body(("plain",)).get_content()
    assert f"{people.firm.name}，您好：" in text and "Bank transfer" not in text
    # The dedupe key does not depend on who acted: the market's language.
    assert confirmed.dedupe_key == (
        f"payment:{req.id}:对公转账已确认到账：{req.title}:{people.firm.id}"
    )


def test_a_chinese_operator_confirms_and_the_english_payer_reads_english(
    app, db, deal, people, sign_contract, login, client
):
    people.operator.locale, people.firm.locale = "zh_CN", "en"
    db.session.commit()
    sign_contract()
    req = _price(db, deal)
    _pay_by_transfer(app, db, client, login, people, req)
    titles = [n.title for n in _notes(db, people.firm, "payment.due")]
    assert f"New payment request: {req.title}" in titles
    assert titles[-1] == f"Bank transfer confirmed as received: {req.title}"
    assert not any("到账" in t or "付款通知" in t for t in titles)
    [receipt_note] = _notes(db, people.operator, "payment.transfer")
    assert receipt_note.title == "有新的转账回单待确认"
