"""A prize (揭榜奖金) paid partly with the sponsor's innovation voucher: as 研发设计, only
to a listed provider (载体), within the voucher's share and balance, wholly under the
small-purchase threshold; through the same redemption as deals' payments. Amounts are
worked out by hand in fen."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.challenges import awards, services
from marketplace.core.errors import ValidationFailed
from marketplace.core.timeutil import today_shanghai
from marketplace.payments import ledger
from marketplace.payments.models import PaymentRequest
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import EligibleProvider, Voucher, VoucherRedemption
from marketplace.vouchers.verdict import verdict

from .conftest import call_data, past_deadline, submit


def _list(db, org, reason="省级科研院所"):
    db.session.add(
        EligibleProvider(organization_id=org.id, eligible=True, reason=reason)
    )
    db.session.commit()


def _voucher(app, db, cast, face, kinds=("rnd_design",), share=50) -> Voucher:
    today = today_shanghai()
    with app.test_request_context():
        v = vouchers.issue(
            cast.operator,
            cast.firm,
            face,
            today - timedelta(days=1),
            today + timedelta(days=180),
            list(kinds),
            share,
        )
    db.session.commit()
    return v


def _prize(db, cast, call, solver, grade=0) -> PaymentRequest:
    proposal = submit(db, solver, call).proposal
    past_deadline(db, call)
    awards.award(cast.sponsor, call, {proposal.id: grade})
    db.session.commit()
    return db.session.scalar(
        sa.select(PaymentRequest).where(PaymentRequest.kind == "prize")
    )


def _redemptions(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VoucherRedemption))


def test_a_prize_counts_as_rnd_and_the_voucher_pays_its_share(
    app, db, client, login, cast, call
):
    _list(db, cast.inst_a)
    # 一等奖 200 000 yuan = 20 000 000 fen; a 150 000-yuan voucher at 50 %.
    v = _voucher(app, db, cast, face=15_000_000)
    req = _prize(db, cast, call, cast.solver_a)
    assert (req.amount_fen, req.service_kind) == (20_000_000, "rnd_design")
    login(cast.sponsor)
    page = client.get(f"/payments/{req.id}").get_data(as_text=True)
    # 50 % of 20 000 000 = 10 000 000 fen (¥100,000), under the 15 000 000 balance.
    assert 'data-eligible="yes"' in page and "¥100,000" in page
    assert "温州光学研究所是创新券服务机构（载体）：省级科研院所" in page
    assert "技术开发服务" in page
    assert client.post(f"/vouchers/apply/{req.id}", data={"voucher": v.id}).status_code
    db.session.expire_all()
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    assert (bal.voucher, bal.outstanding) == (10_000_000, 10_000_000)
    assert db.session.get(Voucher, v.id).balance_fen == 5_000_000
    red = db.session.scalar(sa.select(VoucherRedemption))
    assert (red.service_kind, red.provider_org_id, red.amount_fen) == (
        "rnd_design",
        cast.inst_a.id,
        10_000_000,
    )
    # The share of this prize is used up: the 5 000 000 fen left on the voucher
    # cannot pay more of it.
    again = client.post(
        f"/vouchers/apply/{req.id}", data={"voucher": v.id}, follow_redirects=True
    )
    assert "该创新券已无可用于此款项的额度" in again.text
    with app.test_request_context(), pytest.raises(ValidationFailed):
        vouchers.redeem(db.session.get(Voucher, v.id), req, cast.sponsor)
    assert _redemptions(db) == 1


def test_a_small_prize_is_payable_wholly_by_voucher(app, db, cast):
    _list(db, cast.inst_a)
    small = services.prepare_call(
        cast.broker,
        cast.need,
        call_data(cast, awards=[{"grade": "优秀奖", "amount_fen": 800_000}]),
    )
    services.approve_call(cast.operator, small)
    db.session.commit()
    v = _voucher(app, db, cast, face=3_000_000, share=50)
    req = _prize(db, cast, small, cast.solver_a)
    # 8 000 yuan is under the 10 000-yuan small-purchase line: all of it, not 50 %.
    with app.test_request_context():
        assert vouchers.allowance(v, req) == 800_000
        assert "属小额采购" in " ".join(verdict(req, cast.sponsor).reasons)
        assert vouchers.redeem(v, req, cast.sponsor).amount_fen == 800_000
    db.session.commit()
    assert ledger.balance(req).outstanding == 0
    assert db.session.get(Voucher, v.id).balance_fen == 2_200_000


def test_a_prize_to_an_unlisted_solver_is_refused_with_the_reason(
    app, db, client, login, cast, call
):
    # 温州大学 is not on the operator's list of voucher providers.
    v = _voucher(app, db, cast, face=15_000_000)
    req = _prize(db, cast, call, cast.solver_b)
    with app.test_request_context():
        seen = verdict(req, cast.sponsor)
        assert not seen.eligible and seen.payable_fen == 0
        assert "不在创新券服务机构（载体）名单上" in seen.reasons[-1]
        assert vouchers.usable_vouchers(req, cast.sponsor) == []
        with pytest.raises(ValidationFailed) as refused:
            vouchers.redeem(v, req, cast.sponsor)
    assert "不是创新券服务机构" in str(refused.value.errors)
    login(cast.sponsor)
    page = client.get(f"/payments/{req.id}").get_data(as_text=True)
    assert 'data-eligible="no"' in page and "此款项不能用创新券支付" in page
    assert 'action="/vouchers/apply/' not in page
    refused = client.post(
        f"/vouchers/apply/{req.id}", data={"voucher": v.id}, follow_redirects=True
    )
    assert "收款机构不是创新券服务机构（载体），不能用创新券支付" in refused.text
    db.session.expire_all()
    assert _redemptions(db) == 0
    assert db.session.get(Voucher, v.id).balance_fen == 15_000_000


def test_a_voucher_for_other_services_pays_nothing_and_says_why(app, db, cast, call):
    _list(db, cast.inst_a)
    v = _voucher(app, db, cast, face=15_000_000, kinds=("testing",))
    req = _prize(db, cast, call, cast.solver_a)
    with app.test_request_context():
        seen = verdict(req, cast.sponsor)
        assert seen.eligible and seen.payable_fen == 0
        assert [(line.voucher.id, line.amount_fen) for line in seen.lines] == [
            (v.id, 0)
        ]
        assert "不可抵扣“研发设计”类服务" in seen.lines[0].note


def test_the_award_page_shows_the_sponsor_the_voucher_part_and_no_one_else(
    app, db, client, login, cast, call
):
    _list(db, cast.inst_a)
    v = _voucher(app, db, cast, face=3_000_000)
    req = _prize(db, cast, call, cast.solver_a)
    login(cast.sponsor)
    page = client.get(f"/challenges/{call.id}").get_data(as_text=True)
    assert 'id="prize-payments"' in page and f"/payments/{req.id}" in page
    # min(balance 3 000 000, 50 % of 20 000 000) = 3 000 000 fen.
    assert v.code in page and "现可用创新券抵扣 ¥30,000" in page
    solver_b = app.test_client()
    login(cast.solver_b, c=solver_b)
    other = solver_b.get(f"/challenges/{call.id}").get_data(as_text=True)
    assert 'id="prize-payments"' not in other and v.code not in other
    # The winner sees the verdict on its own payment page, not the sponsor's vouchers.
    solver_a = app.test_client()
    login(cast.solver_a, c=solver_a)
    payee = solver_a.get(f"/payments/{req.id}").get_data(as_text=True)
    assert "付款方可用创新券支付此款项的一部分" in payee and v.code not in payee
    # Nor may the winner spend the sponsor's voucher on it.
    solver_a.post(f"/vouchers/apply/{req.id}", data={"voucher": v.id})
    assert _redemptions(db) == 0
