"""对公转账: the payer files a receipt, the operator confirms what arrived; who sees what."""

from __future__ import annotations

import io

import sqlalchemy as sa

from marketplace.payments import ledger
from marketplace.payments.models import BankTransfer, LedgerEntry, PaymentRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _price(db, deal):
    return db.session.scalar(
        sa.select(PaymentRequest).where(
            PaymentRequest.deal_id == deal.id, PaymentRequest.kind == "lump_sum"
        )
    )


def _receipt():
    return (io.BytesIO(PDF), "回单.pdf")


def test_a_bank_transfer_confirmed_by_the_operator_pays_the_request(
    app, db, deal, people, sign_contract, login, client
):
    sign_contract()
    req = _price(db, deal)
    login(people.firm)
    page = client.get(f"/payments/{req.id}").get_data(as_text=True)
    assert "在线支付" not in page  # Stripe is not configured: bank transfer is the way
    assert (
        client.post(
            f"/payments/{req.id}/transfer", data={"reference": "工行 1234"}
        ).status_code
        == 422
    )
    resp = client.post(
        f"/payments/{req.id}/transfer",
        data={"receipt": _receipt(), "reference": "工行 1234"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    transfer = db.session.scalar(sa.select(BankTransfer))
    # The payer cannot confirm their own transfer.
    assert (
        client.post(
            f"/payments/transfers/{transfer.id}/confirm", data={"received": "300000"}
        ).status_code
        == 403
    )
    op = app.test_client()
    login(people.operator, c=op)
    assert (
        op.post(
            f"/payments/transfers/{transfer.id}/confirm", data={"received": "300000.01"}
        ).status_code
        == 422
    )
    assert (
        op.post(
            f"/payments/transfers/{transfer.id}/confirm",
            data={"received": "300000", "note": "已到账"},
        ).status_code
        == 302
    )
    db.session.expire_all()
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    assert (bal.paid, bal.outstanding, bal.status) == (30_000_000, 0, "paid")
    assert (
        op.post(
            f"/payments/transfers/{transfer.id}/confirm", data={"received": "1"}
        ).status_code
        == 422
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    assert "已支付" in client.get(f"/payments/{req.id}").get_data(as_text=True)


def test_a_partial_transfer_leaves_the_rest_outstanding(
    app, db, deal, people, sign_contract, login, client
):
    sign_contract()
    req = _price(db, deal)
    login(people.firm)
    client.post(
        f"/payments/{req.id}/transfer",
        data={"receipt": _receipt()},
        content_type="multipart/form-data",
    )
    transfer = db.session.scalar(sa.select(BankTransfer))
    op = app.test_client()
    login(people.operator, c=op)
    op.post(f"/payments/transfers/{transfer.id}/confirm", data={"received": "100000"})
    db.session.expire_all()
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    assert (bal.outstanding, bal.status) == (20_000_000, "partial")


def test_only_payer_payee_broker_and_operator_see_a_payment(
    app, db, deal, people, sign_contract, login
):
    sign_contract()
    req = _price(db, deal)
    expected = {
        "firm": 200,
        "supplier": 200,
        "broker": 200,
        "operator": 200,
        "outsider": 404,
        "other_broker": 404,
    }
    for name, code in expected.items():
        c = app.test_client()
        login(getattr(people, name), c=c)
        assert c.get(f"/payments/{req.id}").status_code == code, name
        listing = c.get("/payments/").get_data(as_text=True)
        assert (req.title in listing) == (code == 200), name
    assert (
        app.test_client().get(f"/payments/{req.id}").status_code == 302
    )  # login first


def test_the_payee_cannot_pay_or_upload_and_amounts_come_from_the_server(
    app, db, deal, people, sign_contract, login, client
):
    sign_contract()
    req = _price(db, deal)
    login(people.supplier)
    assert (
        client.post(
            f"/payments/{req.id}/transfer",
            data={"receipt": _receipt()},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )
    assert client.post("/payments/999999/transfer").status_code == 404


def test_the_operator_exports_the_payments(
    app, db, deal, people, sign_contract, login, client
):
    sign_contract()
    login(people.operator)
    csv = client.get("/payments/export.csv")
    assert csv.status_code == 200 and "合同价款" in csv.get_data(as_text=True)
    xlsx = client.get("/payments/export.xlsx")
    assert xlsx.data[:2] == b"PK"
    c = app.test_client()
    login(people.firm, c=c)
    assert c.get("/payments/export.csv").status_code == 403
