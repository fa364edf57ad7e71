"""兑付 of a prize (揭榜奖金) or a contract payment paid partly by voucher: the payment,
received in full, is the proof; only the payee claims, once; the operator settles it
into the ledger (voucher_settled) and the half-year report. Amounts in fen, by hand."""

from __future__ import annotations

import io
import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from marketplace.challenges import awards
from marketplace.core.errors import InvalidTransition, PermissionDenied
from marketplace.core.timeutil import today_shanghai, utcnow
from marketplace.payments import ledger, paying
from marketplace.payments.models import EntryKind, LedgerEntry, PaymentRequest
from marketplace.payments.services import add_request
from marketplace.services import claims
from marketplace.vouchers import eligibility, settlement
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import VoucherClaim
from tests.challenges.conftest import (  # noqa: F401 (fixtures)
    call,
    cast,
    past_deadline,
    submit,
)

from .conftest import PDF


def _voucher(operator, org, face, kind="rnd_design", share=50):
    today = today_shanghai()
    return vouchers.issue(
        operator, org, face, today, today + timedelta(days=90), [kind], share
    )


def _pay_cash(req, payer, operator, fen):
    """The payer's bank transfer, confirmed by the operator for `fen`."""
    receipt = FileStorage(io.BytesIO(PDF), filename="huidan.pdf")
    transfer = paying.submit_transfer(req, payer, receipt, "网银")
    paying.confirm_transfer(transfer, operator, fen)


def _claims(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(VoucherClaim))


def _settled_entries(db, req_id):
    return db.session.scalars(
        sa.select(LedgerEntry.amount_fen).where(
            LedgerEntry.payment_request_id == req_id,
            LedgerEntry.kind == EntryKind.VOUCHER_SETTLED,
        )
    ).all()


def test_the_winner_claims_the_voucher_part_of_a_paid_prize(
    app,
    db,
    client,
    login,
    cast,  # noqa: F811 (the imported fixture)
    call,  # noqa: F811 (the imported fixture)
):
    win = submit(db, cast.solver_a, call).proposal
    past_deadline(db, call)
    with app.test_request_context():
        eligibility.set_eligibility(cast.operator, cast.inst_a, True, "省级科研院所")
        awards.award(cast.sponsor, call, {win.id: 0})
        req = db.session.scalar(
            sa.select(PaymentRequest).where(PaymentRequest.kind == "prize")
        )
        # 一等奖 20 000 000 fen; a 15 000 000-fen voucher at 50 % pays 10 000 000.
        v = _voucher(cast.operator, cast.firm, 15_000_000)
        red = vouchers.redeem(v, req, cast.sponsor)
        assert (red.amount_fen, red.provider_org_id) == (10_000_000, cast.inst_a.id)
        # Not yet received in full: nothing to claim.
        assert claims.claimable(cast.inst_a.id) == []
        with pytest.raises(InvalidTransition, match="全额收款"):
            claims.claim(cast.solver_a, red, "")
        _pay_cash(req, cast.sponsor, cast.operator, 10_000_000)
        assert ledger.balance(req).status == "paid"
        [(open_red, proof)] = claims.claimable(cast.inst_a.id)
        assert (open_red.id, proof.payment.id, proof.order, proof.booking) == (
            red.id,
            req.id,
            None,
            None,
        )
    db.session.commit()
    url = f"/vouchers/claims/redemptions/{red.id}"
    # Neither the other solver nor the sponsor that paid may claim the winner's money.
    for user in (cast.solver_b, cast.sponsor):
        other = app.test_client()
        login(user, c=other)
        assert other.post(url, data={"note": ""}).status_code == 404
    with app.test_request_context(), pytest.raises(PermissionDenied):
        claims.claim(cast.sponsor, red, "")
    assert _claims(db) == 0

    login(cast.solver_a)
    page = client.get("/vouchers/claims/").get_data(as_text=True)
    assert "揭榜奖金：镜架 PVD 膜层附着力攻关" in page and "¥100,000" in page
    assert f'href="/payments/{req.id}"' in page and "已全额收款（揭榜奖金）" in page
    assert client.post(url, data={"note": "奖金已全额收讫"}).status_code == 302
    row = db.session.scalar(sa.select(VoucherClaim))
    assert (row.payment_request_id, row.order_id, row.booking_id, row.amount_fen) == (
        req.id,
        None,
        None,
        10_000_000,
    )
    again = client.post(url, data={"note": ""})
    assert again.status_code == 422 and "已申请过兑付" in again.get_data(as_text=True)
    assert _claims(db) == 1

    op = app.test_client()
    login(cast.operator, c=op)
    queue = op.get("/vouchers/claims/queue").get_data(as_text=True)
    assert "温州光学研究所" in queue and "已全额收款（揭榜奖金）" in queue
    assert op.post(f"/vouchers/claims/{row.id}/settle").status_code == 302
    db.session.expire_all()
    assert _settled_entries(db, req.id) == [10_000_000]
    req = db.session.get(PaymentRequest, req.id)
    bal = ledger.balance(req)
    assert (bal.voucher, bal.voucher_settled, bal.voucher_receivable) == (
        10_000_000,
        10_000_000,
        0,
    )
    now = utcnow() + timedelta(hours=8)
    half = 1 if now.month <= 6 else 2
    with app.test_request_context():
        settled = settlement.settled_claims(now.year, half)
        assert [c.id for c in settled] == [row.id]
        assert settlement.claims_by_provider(settled)[0]["amount_fen"] == 10_000_000
        [cells] = settlement.claim_cells(settled)
        assert cells[0] == "温州光学研究所" and cells[3] == "研发设计"
        assert cells[5].startswith("揭榜奖金") and cells[6] == "100000.00"
    report = op.get(f"/vouchers/settlement?year={now.year}&half={half}")
    assert report.status_code == 200 and "揭榜奖金：镜架" in report.get_data(
        as_text=True
    )


def test_a_contract_payment_is_claimed_once_paid_and_not_settled_once_refunded(
    app, db, net
):
    with app.test_request_context():
        eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        # 一次总付 3 000 000 fen of a commissioned development: 研发设计.
        req, _new = add_request(
            "test:contract:lump",
            kind="lump_sum",
            service_kind="rnd_design",
            title="技术开发合同价款",
            amount_fen=3_000_000,
            currency="CNY",
            due_on=today_shanghai() + timedelta(days=30),
            payer_org_id=net.firm_org.id,
            payee_org_id=net.lab_org.id,
        )
        v = _voucher(net.operator, net.firm_org, 5_000_000)
        red = vouchers.redeem(v, req, net.firm)
        assert red.amount_fen == 1_500_000  # 50 % of 3 000 000
        _pay_cash(req, net.firm, net.operator, 1_000_000)
        assert ledger.balance(req).status == "partial"
        assert claims.claimable(net.lab_org.id) == []
        _pay_cash(req, net.firm, net.operator, 500_000)
        # Only the payee organisation, and only while it is listed.
        with pytest.raises(PermissionDenied):
            claims.claim(net.firm, red, "")
        row = claims.claim(net.lab, red, "")
        assert (row.payment_request_id, row.amount_fen) == (req.id, 1_500_000)
        with pytest.raises(InvalidTransition, match="已申请过兑付"):
            claims.claim(net.lab, red, "")
    db.session.commit()
    with app.test_request_context():
        # A partial refund: the payment is no longer received in full.
        paying.refund(req, net.operator, 200_000, "合同部分解除")
        assert ledger.balance(req).status == "paid"  # the ledger's own word …
        with pytest.raises(InvalidTransition, match="未全额收讫"):
            claims.settle(net.operator, row)  # … but 2 800 000 < 3 000 000 received
    db.session.rollback()
    assert db.session.get(VoucherClaim, row.id).status == "submitted"
    assert _settled_entries(db, req.id) == []


def test_a_paid_fee_of_another_kind_is_no_proof(app, db, net):
    # A service fee needs its accepted order and report, however fully it was paid.
    with app.test_request_context():
        eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        req, _new = add_request(
            "test:service:nofproof",
            kind="service_fee",
            service_kind="testing",
            title="检测费",
            amount_fen=400_000,
            currency="CNY",
            due_on=today_shanghai() + timedelta(days=30),
            payer_org_id=net.firm_org.id,
            payee_org_id=net.lab_org.id,
        )
        red = vouchers.redeem(
            _voucher(net.operator, net.firm_org, 400_000, "testing"), req, net.firm
        )
        assert red.amount_fen == 400_000  # under 1万元: wholly by voucher
        assert ledger.balance(req).status == "paid"
        assert claims.claimable(net.lab_org.id) == []
        with pytest.raises(InvalidTransition):
            claims.claim(net.lab, red, "")
    db.session.rollback()


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
    reason="row-level concurrency is proven on PostgreSQL",
)
def test_two_members_claiming_a_paid_payment_at_once_make_one_claim(
    app, db, net, create_user
):
    from marketplace.accounts.models import Role, User
    from marketplace.vouchers.models import VoucherRedemption

    with app.test_request_context():
        eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        req, _new = add_request(
            "test:contract:race",
            kind="instalment",
            service_kind="rnd_design",
            title="技术开发合同第一期",
            amount_fen=2_000_000,
            currency="CNY",
            due_on=today_shanghai() + timedelta(days=30),
            payer_org_id=net.firm_org.id,
            payee_org_id=net.lab_org.id,
        )
        red = vouchers.redeem(
            _voucher(net.operator, net.firm_org, 5_000_000), req, net.firm
        )
        _pay_cash(req, net.firm, net.operator, 1_000_000)
    db.session.commit()
    users = [net.lab.id, create_user(role=Role.SUPPLIER, org=net.lab_org).id]
    rid = red.id
    barrier = threading.Barrier(len(users), timeout=20)
    outcomes = []

    def claim(user_id):
        with app.app_context(), app.test_request_context():
            try:
                user = db.session.get(User, user_id)
                r = db.session.get(VoucherRedemption, rid)
                barrier.wait()
                claims.claim(user, r, "")
                db.session.commit()
                outcomes.append("ok")
            except InvalidTransition:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001 (reported by the assertion)
                db.session.rollback()
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    db.session.expire_all()
    assert _claims(db) == 1
    assert db.session.scalar(sa.select(VoucherClaim.amount_fen)) == 1_000_000
