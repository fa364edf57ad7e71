"""Fee computation (percentage with minimum and cap, fixed) and royalty computation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.payments import fees, royalties
from marketplace.payments.models import FeeSchedule, PaymentRequest


def _pct(rate_bp, min_fen=0, cap_fen=0):
    return FeeSchedule(
        kind="broker_fee",
        mode="percent",
        rate_bp=rate_bp,
        min_fen=min_fen,
        cap_fen=cap_fen,
        fixed_fen=0,
        payer="firm",
    )


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (30_000_000, 900_000),  # 3 % of ¥300,000
        (1_000_000, 200_000),  # 3 % is ¥300, the minimum ¥2,000 applies
        (1_000_000_000, 5_000_000),  # 3 % is ¥300,000, the cap ¥50,000 applies
        (33_333, 200_000),
    ],
)
def test_a_percentage_fee_has_a_minimum_and_a_cap(price, expected):
    assert fees.compute(_pct(300, 200_000, 5_000_000), price) == expected


def test_a_percentage_rounds_half_up_to_the_fen_and_no_cap_means_none():
    assert fees.compute(_pct(250), 12_345) == 309  # 308.625 → 309
    assert fees.compute(_pct(300), 10**12) == 3 * 10**10


def test_a_fixed_fee_ignores_the_price():
    s = FeeSchedule(
        kind="evaluation_fee",
        mode="fixed",
        fixed_fen=500_000,
        rate_bp=0,
        min_fen=0,
        cap_fen=0,
        payer="supplier",
    )
    assert fees.compute(s, 1) == fees.compute(s, 10**10) == 500_000


def test_the_operator_edits_the_schedule_and_signing_uses_it(
    app, db, deal, people, login, client, sign_contract
):
    login(people.operator)
    bad = client.post(
        "/payments/fees?kind=broker_fee",
        data={"mode": "percent", "rate_pct": "", "payer": "firm"},
    )
    assert bad.status_code == 422
    ok = client.post(
        "/payments/fees?kind=broker_fee",
        data={
            "mode": "percent",
            "rate_pct": "2",
            "minimum": "1000",
            "cap": "5000",
            "payer": "firm",
            "active": "y",
        },
    )
    assert ok.status_code == 302
    assert fees.preview(deal, 30_000_000)[0].amount_fen == 500_000  # capped at ¥5,000
    # The schedule fills the new contract's 技术中介报酬 clause; the clause is billed.
    from marketplace.contracts.services import prefill_body

    clause = prefill_body(deal)["broker_fee_fen"]
    assert clause == 500_000
    sign_contract(broker_fee_fen=clause)
    fee = db.session.scalar(
        sa.select(PaymentRequest).where(PaymentRequest.kind == "broker_fee")
    )
    assert fee.amount_fen == 500_000
    c = app.test_client()
    login(people.broker, c=c)
    assert c.get("/payments/fees").status_code == 403


@pytest.mark.parametrize(
    ("trend", "year", "rate"),
    [
        ("fixed", 3, Decimal("5")),
        ("rising", 1, Decimal("5")),
        ("rising", 2, Decimal("5.5")),
        ("rising", 3, Decimal("6.05")),
        ("falling", 3, Decimal("4.05")),
    ],
)
def test_the_royalty_rate_follows_its_trend(trend, year, rate):
    assert royalties.rate_pct({"rate_pct": "5", "trend": trend}, year) == rate


def test_royalty_is_base_times_rate_in_fen_and_contract_years_count_from_signing():
    assert royalties.royalty_fen(1_000_000_00, Decimal("5.5")) == 5_500_000
    assert royalties.royalty_fen(333, Decimal("1")) == 3  # 3.33 → 3
    signed = date(2025, 3, 15)
    assert royalties.contract_year(signed, date(2026, 3, 14)) == 1
    assert royalties.contract_year(signed, date(2026, 3, 15)) == 2


def test_the_licensee_reports_sales_and_the_server_computes_the_royalty(
    app, db, deal, people, sign_contract, login, client
):
    sign_contract(
        payment_mode="royalty",
        royalty={"base": "sales", "rate_pct": "5", "trend": "rising"},
    )
    login(people.firm)
    signed = deal.contract_signed_at.date()
    start = (
        date(signed.year + 1, signed.month, 1)
        if signed.day == 1
        else date(signed.year + 1, signed.month + 1 if signed.month < 12 else 1, 1)
    )
    if signed.month == 12:
        start = date(signed.year + 2, 1, 1)
    resp = client.post(
        f"/payments/deal/{deal.id}/royalty",
        data={
            "period_start": start.isoformat(),
            "period_end": start.replace(day=28).isoformat(),
            "base": "1000000",
            "amount": "1",
        },
    )
    assert resp.status_code == 302
    req = db.session.scalar(
        sa.select(PaymentRequest).where(PaymentRequest.kind == "royalty")
    )
    # second contract year: 5 % × 1.1 = 5.5 % of ¥1,000,000
    assert (
        req.amount_fen == 5_500_000
        and req.payee_org_id == people.supplier.organization_id
    )
    again = client.post(
        f"/payments/deal/{deal.id}/royalty",
        data={
            "period_start": start.isoformat(),
            "period_end": start.replace(day=28).isoformat(),
            "base": "1000000",
        },
    )
    assert again.status_code == 422
    c = app.test_client()
    login(people.supplier, c=c)
    assert (
        c.post(
            f"/payments/deal/{deal.id}/royalty",
            data={
                "period_start": "2031-01-01",
                "period_end": "2031-03-31",
                "base": "1",
            },
        ).status_code
        == 403
    )
