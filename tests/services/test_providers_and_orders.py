"""Providers, accreditations, the directory, and a service order's life with bad input."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from marketplace.core.timeutil import today_shanghai
from marketplace.payments import ledger
from marketplace.payments.models import PaymentRequest
from marketplace.services import orders, providers
from marketplace.services.models import Accreditation, ServiceOrder
from marketplace.vouchers import services as vouchers
from marketplace.vouchers import settlement
from marketplace.vouchers.models import Voucher

from .conftest import PDF


def test_a_lapsed_accreditation_is_shown_as_lapsed(client, db, net, login):
    today = today_shanghai()
    db.session.add_all(
        [
            Accreditation(
                provider_id=net.provider.id,
                scheme="CMA",
                number="CMA-OLD-1",
                valid_from=today - timedelta(days=800),
                valid_until=today - timedelta(days=1),
            ),
            Accreditation(
                provider_id=net.provider.id,
                scheme="CNAS",
                number="CNAS-L1234",
                valid_from=today - timedelta(days=10),
                valid_until=today + timedelta(days=300),
            ),
        ]
    )
    db.session.commit()
    page = client.get(f"/services/providers/{net.provider.id}").get_data(as_text=True)
    old = page[page.index("CMA-OLD-1") :][:300]
    new = page[page.index("CNAS-L1234") :][:300]
    assert "已过期" in old and "已过期" not in new
    # The member adds one through the page; a reversed validity is refused.
    login(net.lab)
    bad = client.post(
        f"/services/providers/{net.provider.id}/accreditations",
        data={
            "scheme": "CMA",
            "number": "X-1",
            "valid_from": today.isoformat(),
            "valid_until": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 422 and "有效期结束不能早于开始" in bad.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Accreditation)) == 2


def test_the_directory_searches_by_field_and_standard(client, db, net):
    home = client.get("/services/").get_data(as_text=True)
    menu = home[home.index('id="servicenav"') :]
    for path in ("/services/", "/instruments/", "/instruments/map", "/vouchers/apply"):
        assert f'href="{path}"' in menu
    page = client.get("/services/?standard=10125").get_data(as_text=True)
    assert "盐雾试验" in page and "镜架镍释放检测" not in page
    page = client.get("/services/?field=frame_materials").get_data(as_text=True)
    assert "镜架镍释放检测" in page and "盐雾试验" not in page
    assert client.get("/services/?field=nonsense").status_code == 200
    with client.application.test_request_context():
        assert [o.name for o in providers.directory("盐雾")] == ["盐雾试验"]


def test_only_providing_organisations_register_and_fill_a_catalogue(app, db, net):
    with app.test_request_context():
        with pytest.raises(PermissionDenied):
            providers.save_profile(net.firm, "testing", "", [], "")
        with pytest.raises(PermissionDenied):
            providers.add_offering(
                net.firm,
                net.provider,
                name="x",
                standard="",
                field="",
                service_kind="testing",
                turnaround_days=1,
                price_mode="fixed",
                price_fen=100,
                client_sends="",
            )
        with pytest.raises(ValidationFailed):
            providers.add_offering(
                net.lab,
                net.provider,
                name="3D打印打样",
                standard="",
                field="",
                service_kind="testing",
                turnaround_days=1,
                price_mode="fixed",
                price_fen=None,
                client_sends="",
            )


def _order(app, net, offering=None, quantity=3):
    with app.test_request_context():
        order = orders.request_order(
            net.firm, offering or net.salt, quantity, "三件样品"
        )
    from marketplace.extensions import db

    db.session.commit()
    return order


def test_an_order_runs_from_request_to_rating_through_the_pages(
    app, client, db, net, login
):
    login(net.firm)
    resp = client.post(f"/services/offerings/{net.salt.id}/order", data={"quantity": 3})
    assert resp.status_code == 302
    order = db.session.scalar(sa.select(ServiceOrder))
    # The firm cannot accept its own order at the listed price: only the provider can.
    assert client.post(f"/services/orders/{order.id}/accept_listed").status_code == 403
    # Rating before delivery is refused and shows nothing on the provider's page.
    client.post(
        f"/services/orders/{order.id}/rate", data={"rating": 5, "comment": "好"}
    )
    db.session.expire_all()
    assert db.session.get(ServiceOrder, order.id).rating is None

    lab = app.test_client()
    login(net.lab, c=lab)
    assert lab.post(f"/services/orders/{order.id}/accept_listed").status_code == 302
    db.session.expire_all()
    order = db.session.get(ServiceOrder, order.id)
    assert (order.status, order.price_fen) == ("quoted", 120_000)
    # Delivering before the firm confirmed is a wrong step.
    lab.post(
        f"/services/orders/{order.id}/deliver",
        data={"report": (io.BytesIO(PDF), "report.pdf")},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert db.session.get(ServiceOrder, order.id).status == "quoted"

    assert client.post(f"/services/orders/{order.id}/confirm").status_code == 302
    # A report that is not what its name says is refused, nothing saved.
    bad = lab.post(
        f"/services/orders/{order.id}/deliver",
        data={"report": (io.BytesIO(b"not a pdf"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    good = lab.post(
        f"/services/orders/{order.id}/deliver",
        data={"report": (io.BytesIO(PDF), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    db.session.expire_all()
    order = db.session.get(ServiceOrder, order.id)
    assert order.status == "delivered" and order.report_id
    # The firm downloads the report; an outsider does not see the order.
    assert client.get(f"/files/{order.report_id}").status_code == 200
    assert app.test_client().get(f"/services/orders/{order.id}").status_code == 302

    no_reason = client.post(f"/services/orders/{order.id}/dispute", data={"reason": ""})
    assert no_reason.status_code == 422
    assert client.post(f"/services/orders/{order.id}/accept").status_code == 302
    db.session.expire_all()
    order = db.session.get(ServiceOrder, order.id)
    req = order.payment_request
    assert (req.amount_fen, req.payer_org_id, req.payee_org_id, req.deal_id) == (
        120_000,
        net.firm_org.id,
        net.lab_org.id,
        None,
    )
    assert client.get(f"/payments/{req.id}").status_code == 200
    assert (
        client.post(
            f"/services/orders/{order.id}/rate", data={"rating": 7, "comment": ""}
        ).status_code
        == 422
    )
    client.post(
        f"/services/orders/{order.id}/rate", data={"rating": 4, "comment": "报告及时"}
    )
    page = client.get(f"/services/providers/{net.provider.id}").get_data(as_text=True)
    assert "报告及时" in page and "★★★★☆" in page


def test_each_step_checks_the_actor_and_the_state(app, db, net, create_user):
    order = _order(app, net, net.nickel, 1)
    with app.test_request_context():
        with pytest.raises(InvalidTransition):
            orders.accept_listed(net.lab, order)  # on quote: no listed price
        with pytest.raises(ValidationFailed):
            orders.quote(net.lab, order, 0, "")
        with pytest.raises(PermissionDenied):
            orders.quote(net.firm, order, 50_000, "")
        with pytest.raises(InvalidTransition):
            orders.confirm(net.firm, order)  # nothing quoted yet
        orders.quote(net.lab, order, 50_000, "含三件样品")
        with pytest.raises(PermissionDenied):
            orders.confirm(create_user(), order)  # another firm
        orders.confirm(net.firm, order)
        with pytest.raises(InvalidTransition):
            orders.cancel(net.firm, order)
        with pytest.raises(InvalidTransition):
            orders.accept(net.firm, order)  # not delivered
        with pytest.raises(PermissionDenied):
            orders.request_order(net.lab, net.salt, 1, "")  # a provider does not order


def test_a_voucher_pays_a_provider_only_once_the_operator_lists_it(
    app, client, db, net, login
):
    order = _order(app, net, quantity=5)  # 5 × ¥400 = ¥2,000
    with app.test_request_context():
        orders.accept_listed(net.lab, order)
        orders.confirm(net.firm, order)
        order.status = "delivered"
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
    db.session.commit()
    with app.test_request_context(), pytest.raises(ValidationFailed, match="载体"):
        vouchers.redeem(v, req, net.firm)
    db.session.rollback()
    login(net.firm)
    assert v.code not in client.get(f"/payments/{req.id}").get_data(as_text=True)

    op = app.test_client()
    login(net.operator, c=op)
    no_reason = op.post(
        f"/services/providers/{net.provider.id}/eligibility", data={"eligible": "y"}
    )
    assert no_reason.status_code == 422
    assert (
        client.post(
            f"/services/providers/{net.provider.id}/eligibility",
            data={"eligible": "y", "reason": "我是企业"},
        ).status_code
        == 403
    )
    op.post(
        f"/services/providers/{net.provider.id}/eligibility",
        data={"eligible": "y", "reason": "省级检验检测机构，CMA 资质"},
    )
    assert "创新券服务机构（载体）" in client.get(
        f"/services/providers/{net.provider.id}"
    ).get_data(as_text=True)
    assert (
        client.post(f"/vouchers/apply/{req.id}", data={"voucher": v.id}).status_code
        == 302
    )
    db.session.expire_all()
    bal = ledger.balance(db.session.get(PaymentRequest, req.id))
    # A purchase under 1万元 is payable wholly by voucher (vouchers.rules).
    assert (bal.voucher, bal.outstanding) == (200_000, 0)
    assert db.session.get(Voucher, v.id).balance_fen == 300_000
    rows = settlement.settlement_rows(today.year, 1 if today.month <= 6 else 2)
    assert [(r["provider"], r["amount_fen"]) for r in rows] == [
        (net.lab_org.name, 200_000)
    ]
