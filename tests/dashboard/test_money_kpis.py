"""Payments received and vouchers issued / redeemed, read from the payments and vouchers
tables (issue 5) and counted into firms served."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.dashboard import kpis, kpis_contracts_payments

from .conftest import MARCH, utc

payments = pytest.importorskip("marketplace.payments.models")
vouchers = pytest.importorskip("marketplace.vouchers.models")


@pytest.fixture
def money(kpi_world, db):
    w = kpi_world
    d1, _d2, _d3, d4 = w["deals"]
    price = payments.PaymentRequest(
        source_key="deal:1:lump_sum",
        deal_id=d1.id,
        kind="lump_sum",
        title="价款",
        amount_fen=30_000_000,
        due_on=date(2024, 3, 31),
        payer_org_id=w["f2"].id,
        payee_org_id=w["s1"].id,
    )
    fee = payments.PaymentRequest(
        source_key="deal:4:evaluation_fee",
        deal_id=d4.id,
        kind="evaluation_fee",
        title="评价服务费",
        amount_fen=1_000_000,
        due_on=date(2024, 3, 31),
        payer_org_id=w["f4"].id,
    )
    db.session.add_all([price, fee])
    db.session.flush()
    for n, (kind, amount, at) in enumerate(
        [
            ("payment", 10_000_000, utc(3, 20)),
            ("refund", 1_000_000, utc(3, 21)),
            ("payment", 5_000_000, utc(4, 2)),  # April: outside
        ]
    ):
        db.session.add(
            payments.LedgerEntry(
                payment_request_id=price.id,
                deal_id=d1.id,
                kind=kind,
                amount_fen=amount,
                currency="CNY",
                method="bank",
                external_ref=f"t-{n}",
                at=at,
            )
        )
    voucher = vouchers.Voucher(
        code="V-1",
        organization_id=w["f4"].id,
        face_value_fen=2_000_000,
        balance_fen=1_500_000,
        valid_from=date(2024, 3, 1),
        valid_until=date(2024, 12, 31),
        issued_at=utc(3, 1, 2),
    )
    db.session.add(voucher)
    db.session.flush()
    db.session.add(
        vouchers.VoucherRedemption(
            voucher_id=voucher.id,
            payment_request_id=fee.id,
            amount_fen=500_000,
            service_kind="testing",
            redeemed_at=utc(3, 15),
        )
    )
    db.session.commit()
    return w


def test_payments_received_net_of_refunds_in_the_period(money):
    # 10 000 000 received 20 Mar − 1 000 000 refunded 21 Mar; the 2 Apr payment is out.
    assert kpis_contracts_payments.payments_received(MARCH) == {
        "count": 1,
        "value_fen": 9_000_000,
    }


def test_vouchers_issued_and_redeemed(money):
    assert kpis_contracts_payments.vouchers_issued(MARCH) == {
        "count": 1,
        "value_fen": 2_000_000,
    }
    assert kpis_contracts_payments.vouchers_redeemed(MARCH) == {
        "count": 1,
        "value_fen": 500_000,
    }


def test_a_voucher_use_makes_its_firm_served(money):
    # f4 had only an unapproved translation; its voucher redeemed 15 Mar now counts:
    # f1, f2, f3 + f4 = 4 firms.
    assert kpis.firms_served(MARCH) == 4
