"""Settled voucher claims: in the half-year's settlement report (page and export), and
booked to the ledger as the balancing entry of the redemption's voucher entry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.core.timeutil import today_shanghai
from marketplace.payments import ledger
from marketplace.payments.models import EntryKind, LedgerEntry, PaymentRequest
from marketplace.services import claims
from marketplace.vouchers import settlement
from marketplace.vouchers.models import VoucherClaim

from .test_claims import _paid_order


def _half():
    today = today_shanghai()
    return today.year, 1 if today.month <= 6 else 2


def _entries(db, req_id, kind):
    return db.session.scalars(
        sa.select(LedgerEntry.amount_fen).where(
            LedgerEntry.payment_request_id == req_id, LedgerEntry.kind == kind
        )
    ).all()


def test_a_settled_claim_balances_its_voucher_entry_and_leaves_the_firm_balance(
    app, db, net
):
    order, redemption = _paid_order(app, db, net)
    req = db.session.get(PaymentRequest, redemption.payment_request_id)
    before = ledger.balance(req)
    with app.test_request_context():
        row = claims.claim(net.lab, redemption, "")
        db.session.commit()
        # A submitted claim books nothing.
        assert _entries(db, req.id, EntryKind.VOUCHER_SETTLED) == []
        claims.settle(net.operator, row)
        db.session.commit()
    after = ledger.balance(req)
    assert _entries(db, req.id, EntryKind.VOUCHER) == [200_000]
    assert _entries(db, req.id, EntryKind.VOUCHER_SETTLED) == [200_000]
    assert (after.outstanding, after.status, after.voucher) == (
        before.outstanding,
        before.status,
        before.voucher,
    )
    assert (before.voucher_receivable, after.voucher_receivable) == (200_000, 0)
    # Booked once, whatever path arrives again.
    with app.test_request_context():
        assert settlement.book_settlement(row, net.operator) is None
    assert len(_entries(db, req.id, EntryKind.VOUCHER_SETTLED)) == 1


def test_the_ledger_refuses_a_settlement_beyond_the_voucher_money(app, db, net):
    order, redemption = _paid_order(app, db, net)
    forged = VoucherClaim(
        redemption_id=redemption.id,
        provider_org_id=net.lab_org.id,
        order_id=order.id,
        amount_fen=redemption.amount_fen + 1,
        claimed_by_id=net.lab.id,
    )
    db.session.add(forged)
    db.session.commit()
    with app.test_request_context(), pytest.raises(ValueError):
        settlement.book_settlement(forged, net.operator)


def test_a_rejected_claim_books_nothing(app, db, net):
    _order, redemption = _paid_order(app, db, net)
    with app.test_request_context():
        row = claims.claim(net.lab, redemption, "")
        claims.reject(net.operator, row, "报告不符")
        db.session.commit()
    assert _entries(db, redemption.payment_request_id, EntryKind.VOUCHER_SETTLED) == []


def test_the_half_year_report_lists_settled_claims_by_provider(
    app, client, db, net, login
):
    order, redemption = _paid_order(app, db, net)
    year, half = _half()
    login(net.operator)
    page = client.get(f"/vouchers/settlement?year={year}&half={half}")
    section = page.get_data(as_text=True)
    section = section[section.index('id="settled-claims"') :]
    assert "本期无已兑付的申请" in section
    with app.test_request_context():
        row = claims.claim(net.lab, redemption, "")
        db.session.commit()
        assert settlement.settled_claims(year, half) == []  # submitted, not settled
        claims.settle(net.operator, row)
        db.session.commit()
    rows = settlement.settled_claims(year, half)
    assert [c.id for c in rows] == [row.id]
    assert settlement.claims_by_provider(rows) == [
        {
            "provider": net.lab_org.name,
            "credit_code": net.lab_org.credit_code,
            "count": 1,
            "amount_fen": 200_000,
        }
    ]
    other = 2 if half == 1 else 1
    assert settlement.settled_claims(year if half == 1 else year + 1, other) == []
    page = client.get(f"/vouchers/settlement?year={year}&half={half}")
    section = page.get_data(as_text=True)
    section = section[
        section.index('id="settled-claims"') : section.index("本期创新券抵扣")
    ]
    assert net.lab_org.name in section and "¥2,000" in section and "盐雾试验" in section
    csv = client.get(
        f"/vouchers/settlement?year={year}&half={half}&fmt=csv&part=claims"
    ).get_data(as_text=True)
    assert "兑付申请号" in csv and net.lab_org.name in csv and "2000.00" in csv
    assert net.firm_org.name in csv
