"""A broker attaches a service order to a deal: permission on the deal, party check,
shown on the deal page and on the order page; the order's payment follows the deal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from marketplace.deals.models import Deal, DealStage
from marketplace.services import deal_links, orders
from marketplace.services.models import ServiceOrder

from .conftest import PDF


@pytest.fixture
def deal_net(db, net, create_org, create_user, create_achievement):
    uni = create_org(name="温州大学材料学院", type=OrgType.UNIVERSITY)
    supplier = create_user(role=Role.SUPPLIER, org=uni)
    broker = create_user(role=Role.BROKER, name="李经纪")
    other_broker = create_user(role=Role.BROKER, name="赵经纪")
    achievement = create_achievement(org=uni, title="PVD 镀层附着力提升工艺")
    deal = Deal(
        achievement=achievement,
        supplier_org_id=uni.id,
        firm_org_id=net.firm_org.id,
        broker_id=broker.id,
        origin="interest",
        stage=DealStage.NEGOTIATION,
    )
    stranger_org = create_org(name="别家眼镜厂", type=OrgType.FIRM)
    other = Deal(
        achievement=achievement,
        supplier_org_id=uni.id,
        firm_org_id=stranger_org.id,
        broker_id=broker.id,
        origin="interest",
        stage=DealStage.NEGOTIATION,
    )
    db.session.add_all([deal, other])
    db.session.flush()
    order = orders.request_order(net.firm, net.salt, 3, "镀层盐雾对比")
    db.session.commit()
    net.deal, net.other_deal, net.order = deal, other, order
    net.broker, net.other_broker, net.supplier = broker, other_broker, supplier
    return net


def test_only_the_deals_broker_attaches_and_only_to_a_deal_of_the_firm(db, deal_net):
    n = deal_net
    with pytest.raises(PermissionDenied):
        deal_links.attach(n.other_broker, n.order, n.deal)
    with pytest.raises(PermissionDenied):
        deal_links.attach(n.firm, n.order, n.deal)
    with pytest.raises(ValidationFailed):
        deal_links.attach(n.broker, n.order, n.other_deal)
    assert deal_links.attachable_deals(n.broker, n.order) == [n.deal]
    assert deal_links.attachable_deals(n.other_broker, n.order) == []
    deal_links.attach(n.broker, n.order, n.deal)
    assert n.order.deal_id == n.deal.id
    with pytest.raises(InvalidTransition):
        deal_links.attach(n.broker, n.order, n.other_deal)
    # A closed deal takes no order.
    db.session.rollback()
    n.deal.stage = DealStage.TERMINATED
    db.session.commit()
    with pytest.raises(InvalidTransition):
        deal_links.attach(n.broker, n.order, n.deal)


def test_the_attached_order_shows_on_the_deal_and_order_pages_and_pays_on_the_deal(
    client, db, deal_net, login
):
    n = deal_net
    login(n.broker)
    page = client.get(f"/services/orders/{n.order.id}").get_data(as_text=True)
    assert 'id="attach-deal"' in page and f'value="{n.other_deal.id}"' not in page
    # A deal that is not the broker's, or no deal at all, is refused cleanly.
    assert (
        client.post(f"/services/orders/{n.order.id}/deal", data={"deal": 99999})
    ).status_code == 404
    resp = client.post(
        f"/services/orders/{n.order.id}/deal", data={"deal": n.other_deal.id}
    )
    assert resp.status_code == 302
    assert db.session.get(ServiceOrder, n.order.id).deal_id is None
    resp = client.post(f"/services/orders/{n.order.id}/deal", data={"deal": n.deal.id})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceOrder, n.order.id).deal_id == n.deal.id
    order_page = client.get(f"/services/orders/{n.order.id}").get_data(as_text=True)
    assert 'id="order-deal"' in order_page and n.deal.title in order_page
    deal_page = client.get(f"/deals/{n.deal.id}").get_data(as_text=True)
    section = deal_page[deal_page.index('id="deal-service-orders"') :]
    assert "盐雾试验" in section and f"/services/orders/{n.order.id}" in section
    # The deal's supplier sees the order on the deal page, without a link into it.
    client.post("/account/logout")
    login(n.supplier)
    deal_page = client.get(f"/deals/{n.deal.id}").get_data(as_text=True)
    section = deal_page[deal_page.index('id="deal-service-orders"') :]
    assert "盐雾试验" in section and f"/services/orders/{n.order.id}" not in section
    # A firm member cannot attach.
    client.post("/account/logout")
    login(n.firm)
    assert (
        client.post(f"/services/orders/{n.order.id}/deal", data={"deal": 0})
    ).status_code == 403
    # The payment of the accepted order belongs to the deal.
    order = db.session.get(ServiceOrder, n.order.id)
    orders.quote(n.lab, order, 120_000, "")
    orders.confirm(n.firm, order)
    import io

    from werkzeug.datastructures import FileStorage

    orders.deliver(n.lab, order, FileStorage(io.BytesIO(PDF), "r.pdf", "report"))
    req = orders.accept(n.firm, order)
    db.session.commit()
    assert req.deal_id == n.deal.id
    # Detaching a paid-for order is refused.
    with pytest.raises(InvalidTransition):
        deal_links.attach(n.broker, order, None)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ServiceOrder)
            .where(ServiceOrder.deal_id == n.deal.id)
        )
        == 1
    )
