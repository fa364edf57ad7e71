"""申领额度: a firm applies, the operator approves all/part or refuses; caps hold, also
for simultaneous applications on PostgreSQL."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from marketplace.vouchers import quota as quotas
from marketplace.vouchers.models import QuotaApplication, Voucher


def test_a_firm_applies_and_the_operator_approves_part(app, client, db, world, login):
    login(world.firm)
    assert client.get("/vouchers/apply").status_code == 200
    too_big = client.post(
        "/vouchers/apply", data={"amount": "20000.01", "purpose": "检测"}
    )
    assert too_big.status_code == 422 and "单次申领不能超过" in too_big.get_data(
        as_text=True
    )
    no_purpose = client.post("/vouchers/apply", data={"amount": "5000", "purpose": ""})
    assert no_purpose.status_code == 422
    assert (
        client.post(
            "/vouchers/apply",
            data={"amount": "15000", "purpose": "盐雾试验与镍释放检测"},
        ).status_code
        == 302
    )
    application = db.session.scalar(sa.select(QuotaApplication))
    assert (application.amount_fen, application.status) == (1_500_000, "pending")
    # The firm cannot decide its own application.
    resp = client.post(
        f"/vouchers/applications/{application.id}/decide", data={"approved": "15000"}
    )
    assert resp.status_code == 403
    op = app.test_client()
    login(world.operator, c=op)
    assert "盐雾试验与镍释放检测" in op.get("/vouchers/apply").get_data(as_text=True)
    op.post(
        f"/vouchers/applications/{application.id}/decide", data={"approved": "20000"}
    )
    db.session.expire_all()
    assert db.session.get(QuotaApplication, application.id).status == "pending"
    op.post(
        f"/vouchers/applications/{application.id}/decide",
        data={"approved": "10000", "reason": "按计划服务核定"},
    )
    db.session.expire_all()
    application = db.session.get(QuotaApplication, application.id)
    assert (application.status, application.approved_fen) == ("approved", 1_000_000)
    voucher = db.session.get(Voucher, application.voucher_id)
    assert (voucher.organization_id, voucher.face_value_fen) == (
        world.firm_org.id,
        1_000_000,
    )
    with app.test_request_context(), pytest.raises(InvalidTransition):
        quotas.decide_quota(world.operator, application, 1_000_000, "")


def test_refusal_needs_a_reason_and_frees_the_year_cap(app, db, world):
    app.config["VOUCHER_CAP_PER_YEAR_FEN"] = 3_000_000
    try:
        with app.test_request_context():
            a = quotas.apply_for_quota(world.firm, 2_000_000, "研发设计")
            with pytest.raises(ValidationFailed, match="本年度"):
                quotas.apply_for_quota(world.firm, 1_500_000, "检测")
            with pytest.raises(ValidationFailed):
                quotas.decide_quota(world.operator, a, 0, "")
            quotas.decide_quota(world.operator, a, 0, "材料不全")
            assert a.status == "refused"
            quotas.apply_for_quota(world.firm, 1_500_000, "检测")
            with pytest.raises(PermissionDenied):
                quotas.apply_for_quota(world.supplier, 100_000, "x")
    finally:
        app.config.pop("VOUCHER_CAP_PER_YEAR_FEN")


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
    reason="row-level concurrency is proven on PostgreSQL",
)
def test_simultaneous_applications_never_pass_the_year_cap(app, db, world):
    from marketplace.accounts.models import User

    firm_id = world.firm.id
    n = 7  # 7 × 2万 against a 10万 year cap: five pass
    barrier = threading.Barrier(n, timeout=20)
    outcomes = []

    def apply():
        with app.app_context(), app.test_request_context():
            try:
                user = db.session.get(User, firm_id)
                barrier.wait()
                quotas.apply_for_quota(user, 2_000_000, "检测")
                db.session.commit()
                outcomes.append("ok")
            except ValidationFailed:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001 (reported by the assertion)
                db.session.rollback()
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=apply) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"] * 2
    db.session.expire_all()
    total = db.session.scalar(sa.select(sa.func.sum(QuotaApplication.amount_fen)))
    assert total == 10_000_000
