"""Voucher rules: eligibility, validity, the per-fee share, the balance, and concurrency."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, ValidationFailed
from marketplace.core.timeutil import today_shanghai
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry, PaymentRequest
from marketplace.vouchers import services, settlement
from marketplace.vouchers.models import Voucher, VoucherRedemption


def test_a_voucher_pays_up_to_its_share_of_a_fee_and_the_rest_stays_due(
    app, db, world, fee_request, voucher, login, client
):
    req = fee_request(1_000_000)
    v = voucher(face=600_000, share=50)
    login(world.firm)
    page = client.get(f"/payments/{req.id}").get_data(as_text=True)
    assert v.code in page and "¥5,000" in page
    assert (
        client.post(f"/vouchers/apply/{req.id}", data={"voucher": v.id}).status_code
        == 302
    )
    db.session.expire_all()
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    assert (bal.voucher, bal.outstanding) == (500_000, 500_000)
    assert db.session.get(Voucher, v.id).balance_fen == 100_000
    # The share is used up on this fee: a second use adds nothing.
    client.post(f"/vouchers/apply/{req.id}", data={"voucher": v.id})
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(VoucherRedemption))
        == 1
    )
    entry = db.session.scalar(sa.select(LedgerEntry))
    assert (entry.kind, entry.method, entry.amount_fen) == (
        "voucher",
        "voucher",
        500_000,
    )


def test_a_voucher_never_pays_more_than_its_balance(
    app, db, world, fee_request, voucher
):
    v = voucher(face=300_000, share=100)
    first, second = fee_request(1_000_000), fee_request(1_000_000)
    with app.test_request_context():
        assert services.redeem(v, first, world.firm).amount_fen == 300_000
        db.session.commit()
        with pytest.raises(ValidationFailed):
            services.redeem(db.session.get(Voucher, v.id), second, world.firm)
    db.session.rollback()
    assert db.session.get(Voucher, v.id).balance_fen == 0


def test_an_expired_voucher_cannot_be_used(app, db, world, fee_request, voucher):
    today = today_shanghai()
    v = voucher(
        valid_from=today - timedelta(days=200), valid_until=today - timedelta(days=1)
    )
    with app.test_request_context(), pytest.raises(InvalidTransition):
        services.redeem(v, fee_request(), world.firm)


def test_a_voucher_only_pays_eligible_services_of_its_own_firm(
    app, db, world, fee_request, voucher, create_user
):
    v = voucher(kinds=("testing",))
    with app.test_request_context():
        with pytest.raises(ValidationFailed):
            services.redeem(v, fee_request(service_kind="brokerage"), world.firm)
        other = create_user(role=Role.FIRM)
        from marketplace.core.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.redeem(v, fee_request(service_kind="testing"), other)


def test_only_the_operator_issues_vouchers_and_only_to_verified_firms(
    app, db, world, create_org, login, client
):
    login(world.firm)
    assert client.get("/vouchers/new").status_code == 403
    op = app.test_client()
    login(world.operator, c=op)
    today = today_shanghai()
    data = {
        "organization": world.firm_org.id,
        "face_value": "5000",
        "valid_from": today.isoformat(),
        "valid_until": (today - timedelta(days=1)).isoformat(),
        "service_kinds": ["testing"],
        "max_share_pct": "50",
    }
    assert op.post("/vouchers/new", data=data).status_code == 422
    data["valid_until"] = (today + timedelta(days=90)).isoformat()
    assert op.post("/vouchers/new", data=data).status_code == 302
    unverified = create_org(verified=False)
    with app.test_request_context(), pytest.raises(ValidationFailed):
        services.issue(world.operator, unverified, 1000, today, today, ["testing"], 50)


def test_the_settlement_report_lists_redemptions_per_provider(
    app, db, world, fee_request, voucher, login, client
):
    v = voucher(face=600_000, share=100)
    with app.test_request_context():
        services.redeem(v, fee_request(200_000, payee=world.uni.id), world.firm)
        services.redeem(db.session.get(Voucher, v.id), fee_request(100_000), world.firm)
    db.session.commit()
    today = today_shanghai()
    half = 1 if today.month <= 6 else 2
    rows = settlement.settlement_rows(today.year, half)
    assert sorted((r["provider"], r["amount_fen"]) for r in rows) == sorted(
        [(world.uni.name, 200_000), ("瓯海科技大市场", 100_000)]
    )
    login(world.operator)
    resp = client.get(f"/vouchers/settlement?year={today.year}&half={half}&fmt=csv")
    assert world.uni.name in resp.get_data(as_text=True)
    assert client.get("/vouchers/settlement?year=abc&half=1").status_code == 422


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
    reason="row-level concurrency is proven on PostgreSQL",
)
def test_two_simultaneous_redemptions_never_overspend_a_voucher(
    app, db, world, fee_request, voucher
):
    v = voucher(face=600_000, share=100)
    reqs = [fee_request(1_000_000) for _ in range(4)]
    barrier = threading.Barrier(len(reqs))
    outcomes = []

    def redeem(req_id):
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                services.redeem(
                    db.session.get(Voucher, v.id),
                    db.session.get(PaymentRequest, req_id),
                    db.session.get(type(world.firm), world.firm.id),
                )
                db.session.commit()
                outcomes.append("ok")
            except ValidationFailed:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=redeem, args=(r.id,)) for r in reqs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.expire_all()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert db.session.get(Voucher, v.id).balance_fen == 0
    assert (
        db.session.scalar(sa.select(sa.func.sum(VoucherRedemption.amount_fen)))
        == 600_000
    )
