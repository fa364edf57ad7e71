"""兑付: a listed provider claims the voucher part of delivered services, once per
redemption; the operator settles only delivered services, or rejects with a reason."""

from __future__ import annotations

import io
import os
import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from marketplace.core.timeutil import today_shanghai
from marketplace.services import claims, instruments, orders
from marketplace.vouchers import eligibility
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import VoucherClaim

from .conftest import PDF


def _paid_order(app, db, net, listed=True):
    """An accepted ¥2,000 order with its report, paid by a voucher (wholly: under 1万元)."""
    with app.test_request_context():
        if listed:
            eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        order = orders.request_order(net.firm, net.salt, 5, "")  # ¥2,000
        orders.accept_listed(net.lab, order)
        orders.confirm(net.firm, order)
        orders.deliver(
            net.lab, order, FileStorage(io.BytesIO(PDF), filename="report.pdf")
        )
        req = orders.accept(net.firm, order)
        today = today_shanghai()
        v = vouchers.issue(
            net.operator,
            net.firm_org,
            500_000,
            today,
            today + timedelta(days=30),
            ["testing"],
            50,
        )
        if not listed:
            eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        redemption = vouchers.redeem(v, req, net.firm)
    db.session.commit()
    return order, redemption


def _count(db, status=None):
    q = sa.select(sa.func.count()).select_from(VoucherClaim)
    if status:
        q = q.where(VoucherClaim.status == status)
    return db.session.scalar(q)


def test_the_provider_claims_once_and_the_operator_settles(app, client, db, net, login):
    order, redemption = _paid_order(app, db, net)
    assert redemption.amount_fen == 200_000
    login(net.lab)
    page = client.get("/vouchers/claims/").get_data(as_text=True)
    assert "盐雾试验" in page and "¥2,000" in page
    url = f"/vouchers/claims/redemptions/{redemption.id}"
    assert client.post(url, data={"note": "报告已交付"}).status_code == 302
    row = db.session.scalar(sa.select(VoucherClaim))
    assert (row.status, row.amount_fen, row.order_id, row.proof_id) == (
        "submitted",
        200_000,
        order.id,
        order.report_id,
    )
    # Never twice for the same redemption; the claimed item leaves the open list.
    again = client.post(url, data={"note": ""})
    assert again.status_code == 422 and "已申请过兑付" in again.get_data(as_text=True)
    assert _count(db) == 1
    assert "暂无可申请兑付的服务" in client.get("/vouchers/claims/").get_data(
        as_text=True
    )
    # The firm cannot claim the provider's money, nor see the operator's queue.
    firm = app.test_client()
    login(net.firm, c=firm)
    assert firm.post(url, data={"note": ""}).status_code == 404
    assert firm.get("/vouchers/claims/queue").status_code == 403
    assert client.post(f"/vouchers/claims/{row.id}/settle").status_code == 403

    op = app.test_client()
    login(net.operator, c=op)
    queue = op.get("/vouchers/claims/queue").get_data(as_text=True)
    assert net.lab_org.name in queue and "报告已交付" in queue and "待审核" in queue
    no_reason = op.post(f"/vouchers/claims/{row.id}/reject", data={"reason": ""})
    assert no_reason.status_code == 422 and _count(db, "submitted") == 1
    assert op.post(f"/vouchers/claims/{row.id}/settle").status_code == 302
    db.session.expire_all()
    assert _count(db, "settled") == 1
    with app.test_request_context():
        assert claims.settled_fen() == 200_000
        with pytest.raises(InvalidTransition):
            claims.reject(net.operator, db.session.get(VoucherClaim, row.id), "晚了")
    assert "已兑付" in client.get("/vouchers/claims/").get_data(as_text=True)


def test_a_rejected_claim_keeps_its_reason_and_cannot_be_made_again(
    app, client, db, net, login
):
    _order, redemption = _paid_order(app, db, net)
    with app.test_request_context():
        row = claims.claim(net.lab, redemption, "")
        db.session.commit()
        with pytest.raises(PermissionDenied):
            claims.reject(net.lab, row, "自己驳回")
        claims.reject(net.operator, row, "报告与委托不符")
        db.session.commit()
        with pytest.raises(InvalidTransition):
            claims.claim(net.lab, redemption, "再试一次")
    db.session.rollback()
    login(net.lab)
    page = client.get("/vouchers/claims/").get_data(as_text=True)
    assert "已驳回" in page and "报告与委托不符" in page


def test_the_database_refuses_a_second_claim_of_one_redemption(app, db, net):
    _order, redemption = _paid_order(app, db, net)
    for _ in range(2):
        db.session.add(
            VoucherClaim(
                redemption_id=redemption.id,
                provider_org_id=net.lab_org.id,
                amount_fen=redemption.amount_fen,
                claimed_by_id=net.lab.id,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count(db) == 0


def test_only_delivered_services_are_settled(app, db, net):
    order, redemption = _paid_order(app, db, net)
    with app.test_request_context():
        # Only the provider that was paid, and only while it is listed.
        with pytest.raises(PermissionDenied):
            claims.claim(net.firm, redemption, "")
        eligibility.set_eligibility(net.operator, net.lab_org, False, "资质到期")
        with pytest.raises(PermissionDenied, match="载体"):
            claims.claim(net.lab, redemption, "")
        eligibility.set_eligibility(net.operator, net.lab_org, True, "资质恢复")
        row = claims.claim(net.lab, redemption, "")
        db.session.commit()
        # The service is no longer an accepted delivery: the operator cannot settle.
        order.status = "disputed"
        db.session.flush()
        with pytest.raises(InvalidTransition, match="尚未交付"):
            claims.settle(net.operator, row)
        db.session.rollback()
        assert db.session.get(VoucherClaim, row.id).status == "submitted"
        # Nor can a redemption on a request of no delivered service be claimed.
        order = db.session.get(type(order), order.id)
        order.status = "confirmed"
        db.session.flush()
        assert claims.claimable(net.lab_org.id) == []
        db.session.delete(db.session.get(VoucherClaim, row.id))
        db.session.flush()
        with pytest.raises(InvalidTransition, match="已交付并验收"):
            claims.claim(net.lab, redemption, "")
    db.session.rollback()


def test_a_completed_booking_is_claimed_with_its_usage_record(app, db, net):
    start = datetime.combine(today_shanghai() + timedelta(days=2), time(9))
    with app.test_request_context():
        eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        booking = instruments.book(net.firm, net.instrument, start, 2)  # ¥200
        instruments.confirm(net.lab, booking)
        req = instruments.complete(net.lab, booking)
        today = today_shanghai()
        v = vouchers.issue(
            net.operator,
            net.firm_org,
            500_000,
            today,
            today + timedelta(days=30),
            ["testing"],
            50,
        )
        redemption = vouchers.redeem(v, req, net.firm)
        assert [r.id for r, _proof in claims.claimable(net.lab_org.id)] == [
            redemption.id
        ]
        row = claims.claim(net.lab, redemption, "")
        assert (row.booking_id, row.order_id, row.proof_id, row.amount_fen) == (
            booking.id,
            None,
            None,
            20_000,
        )
        claims.settle(net.operator, row)
        with pytest.raises(ValidationFailed):
            claims.reject(net.operator, row, " ")
    db.session.commit()
    assert _count(db, "settled") == 1


def test_the_menu_links_the_claims_pages(app, client, db, net, login):
    login(net.lab)
    menu = client.get("/services/").get_data(as_text=True)
    assert 'href="/vouchers/claims/"' in menu[menu.index('id="servicenav"') :]
    op = app.test_client()
    login(net.operator, c=op)
    menu = op.get("/services/").get_data(as_text=True)
    assert 'href="/vouchers/claims/queue"' in menu[menu.index('id="servicenav"') :]


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
    reason="row-level concurrency is proven on PostgreSQL",
)
def test_two_members_claiming_at_once_make_one_claim(app, db, net, create_user):
    from marketplace.accounts.models import Role, User
    from marketplace.vouchers.models import VoucherRedemption

    _order, redemption = _paid_order(app, db, net)
    users = [net.lab.id, create_user(role=Role.SUPPLIER, org=net.lab_org).id]
    rid = redemption.id
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
    assert _count(db) == 1
