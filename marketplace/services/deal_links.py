"""A broker attaches a service order to a deal (e.g. a salt-spray test before a contract).

Only the deal's assigned broker may attach or detach, only to an open deal, and only an
order whose firm is a party of the deal (its buyer or its supplier). The deal page shows
the attached orders through the template global registered in routes_deals.py, so the
deals package never imports this one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..deals.models import OPEN_STAGES, Deal
from ..extensions import db
from .models import ServiceOrder
from .rules import OrderStatus


def _is_deal_broker(user, deal: Deal) -> bool:
    return bool(
        user and user.is_authenticated and user.is_broker and deal.broker_id == user.id
    )


def _party(order: ServiceOrder, deal: Deal) -> bool:
    return order.firm_org_id in (deal.firm_org_id, deal.supplier_org_id)


def attachable_deals(user, order: ServiceOrder) -> list[Deal]:
    """The open deals of this broker that the order's firm is a party of."""
    if not (user and user.is_authenticated and user.is_broker):
        return []
    if order.status == OrderStatus.CANCELLED:
        return []
    return list(
        db.session.scalars(
            sa.select(Deal)
            .where(
                Deal.broker_id == user.id,
                Deal.stage.in_(OPEN_STAGES),
                sa.or_(
                    Deal.firm_org_id == order.firm_org_id,
                    Deal.supplier_org_id == order.firm_org_id,
                ),
            )
            .order_by(Deal.id.desc())
            .limit(100)
        )
    )


def attach(actor, order: ServiceOrder, deal: Deal | None) -> ServiceOrder:
    """Attach the order to `deal`, or detach it from its deal when `deal` is None."""
    current = db.session.get(Deal, order.deal_id) if order.deal_id else None
    if deal is None:
        if current is None:
            raise InvalidTransition(_("该订单未关联交易。"))
        if not _is_deal_broker(actor, current):
            raise PermissionDenied(_("只有该交易的负责经纪人可以取消关联。"))
        if order.payment_request_id:
            raise InvalidTransition(_("订单已生成付款通知，不能取消关联。"))
        order.deal_id = None
    else:
        if not _is_deal_broker(actor, deal):
            raise PermissionDenied(_("只有该交易的负责经纪人可以关联服务订单。"))
        if current is not None and current.id != deal.id:
            raise InvalidTransition(_("该订单已关联其他交易。"))
        if not deal.is_open:
            raise InvalidTransition(_("交易已结束，不能关联服务订单。"))
        if order.status == OrderStatus.CANCELLED:
            raise InvalidTransition(_("已取消的订单不能关联交易。"))
        if not _party(order, deal):
            raise ValidationFailed(
                [("deal", _("委托企业不是该交易的当事方，不能关联。"))]
            )
        order.deal_id = deal.id
    order.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "service_order.attach" if deal else "service_order.detach",
        order,
        deal=deal.id if deal else current.id,
    )
    return order


def orders_of_deal(deal: Deal) -> list[ServiceOrder]:
    """The service orders attached to a deal, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ServiceOrder)
            .where(ServiceOrder.deal_id == deal.id)
            .order_by(ServiceOrder.id)
        )
    )
