"""A service order's life: request → quote → confirm → deliver → accept/dispute → pay → rate.

Every step checks the order's state and that the actor is on the right side of it;
the step's service flushes, the route commits through core.transaction.Write.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import OrgType
from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..payments import services as payments
from ..payments.models import PaymentKind, PaymentRequest
from ..uploads.services import register_owner_rule, save_upload
from .models import Offering, ServiceOrder
from .rules import OrderStatus

PAY_WITHIN_DAYS = 30
REPORT_OWNER = "service_report"


def is_firm_side(user, order: ServiceOrder) -> bool:
    return bool(user and user.is_authenticated and user.belongs_to(order.firm_org_id))


def is_provider_side(user, order: ServiceOrder) -> bool:
    return bool(
        user and user.is_authenticated and user.belongs_to(order.provider_org_id)
    )


def can_view(user, order: ServiceOrder) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or is_firm_side(user, order) or is_provider_side(user, order)


def _report_rule(user, attachment) -> bool:
    order = db.session.get(ServiceOrder, attachment.owner_id)
    return order is not None and can_view(user, order)


register_owner_rule(REPORT_OWNER, _report_rule)


def _step(order: ServiceOrder, actor, side: str, allowed: tuple[str, ...]) -> None:
    if side == "firm" and not is_firm_side(actor, order):
        raise PermissionDenied(_("只有下单企业的成员可以执行此操作。"))
    if side == "provider" and not is_provider_side(actor, order):
        raise PermissionDenied(_("只有服务机构的成员可以执行此操作。"))
    if order.status not in allowed:
        raise InvalidTransition(_("订单当前状态下不能执行此操作。"))


def _moved(order: ServiceOrder, actor, action: str, **detail) -> ServiceOrder:
    order.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, f"service_order.{action}", order, status=order.status, **detail)
    return order


def request_order(
    actor, offering: Offering, quantity: int | None, note: str
) -> ServiceOrder:
    org = actor.organization
    if org is None or org.type != OrgType.FIRM or not org.is_verified:
        raise PermissionDenied(_("只有已认证企业的成员可以下单。"))
    if not offering.active:
        raise InvalidTransition(_("该服务已下架。"))
    if not quantity or quantity < 1:
        raise ValidationFailed([("quantity", _("数量至少为 1。"))])
    order = ServiceOrder(
        offering_id=offering.id,
        provider_org_id=offering.provider.organization_id,
        firm_org_id=org.id,
        requested_by_id=actor.id,
        quantity=quantity,
        note=(note or "").strip(),
    )
    db.session.add(order)
    return _moved(order, actor, "request")


def listed_price(order: ServiceOrder) -> int | None:
    o = order.offering
    if o.price_mode == "on_quote" or not o.price_fen:
        return None
    if o.price_mode == "fixed":
        return o.price_fen
    return o.price_fen * order.quantity


def quote(actor, order: ServiceOrder, price_fen: int | None, note: str) -> ServiceOrder:
    """The provider quotes a price (any price mode)."""
    _step(order, actor, "provider", (OrderStatus.REQUESTED, OrderStatus.QUOTED))
    if not price_fen or price_fen <= 0:
        raise ValidationFailed([("price", _("请填写大于 0 的报价。"))])
    order.price_fen = price_fen
    order.quote_note = (note or "").strip()
    order.status = OrderStatus.QUOTED
    return _moved(order, actor, "quote", price_fen=price_fen)


def accept_listed(actor, order: ServiceOrder) -> ServiceOrder:
    """The provider accepts the order at the catalogue price."""
    _step(order, actor, "provider", (OrderStatus.REQUESTED,))
    price = listed_price(order)
    if price is None:
        raise InvalidTransition(_("该服务按报价计价，请填写报价。"))
    order.price_fen = price
    order.status = OrderStatus.QUOTED
    return _moved(order, actor, "accept_listed", price_fen=price)


def confirm(actor, order: ServiceOrder) -> ServiceOrder:
    _step(order, actor, "firm", (OrderStatus.QUOTED,))
    order.status = OrderStatus.CONFIRMED
    return _moved(order, actor, "confirm")


def cancel(actor, order: ServiceOrder) -> ServiceOrder:
    """Either side may cancel before the work is confirmed."""
    if not (is_firm_side(actor, order) or is_provider_side(actor, order)):
        raise PermissionDenied(_("只有订单双方可以取消订单。"))
    if order.status not in (OrderStatus.REQUESTED, OrderStatus.QUOTED):
        raise InvalidTransition(_("订单确认后不能取消。"))
    order.status = OrderStatus.CANCELLED
    return _moved(order, actor, "cancel")


def deliver(actor, order: ServiceOrder, report_file) -> ServiceOrder:
    """The provider delivers with its report (PDF or the like, checked by uploads)."""
    _step(order, actor, "provider", (OrderStatus.CONFIRMED, OrderStatus.DISPUTED))
    attachment = save_upload(
        report_file, REPORT_OWNER, order.id, actor, confidential=True
    )
    order.report_id = attachment.id
    order.status = OrderStatus.DELIVERED
    order.dispute_reason = ""
    return _moved(order, actor, "deliver", report=attachment.id)


def dispute(actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    _step(order, actor, "firm", (OrderStatus.DELIVERED,))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("请说明异议的理由。"))])
    order.status = OrderStatus.DISPUTED
    order.dispute_reason = reason
    return _moved(order, actor, "dispute")


def accept(actor, order: ServiceOrder) -> PaymentRequest:
    """The firm accepts the delivery: the price becomes a payment request to the provider.

    The request carries the offering's voucher service kind; vouchers.services only lets
    a voucher pay it when the provider is a listed voucher provider (载体).
    """
    _step(order, actor, "firm", (OrderStatus.DELIVERED,))
    order.status = OrderStatus.ACCEPTED
    req, _created = payments.add_request(
        f"service_order:{order.id}",
        deal_id=order.deal_id,
        kind=PaymentKind.SERVICE_FEE,
        service_kind=order.offering.service_kind,
        title=_("科技服务：%(n)s", n=order.offering.name)[:200],
        amount_fen=order.price_fen,
        currency="CNY",
        due_on=today_shanghai() + timedelta(days=PAY_WITHIN_DAYS),
        payer_org_id=order.firm_org_id,
        payee_org_id=order.provider_org_id,
        created_by_id=actor.id,
    )
    order.payment_request_id = req.id
    _moved(order, actor, "accept", payment_request=req.id)
    payments.tell_payer(req, _l("新的付款通知：%(t)s", t=req.title))
    return req


def rate(actor, order: ServiceOrder, rating: int | None, comment: str) -> ServiceOrder:
    """The firm rates an accepted order once; the rating shows on the provider's page."""
    _step(order, actor, "firm", (OrderStatus.ACCEPTED,))
    if order.rating is not None:
        raise InvalidTransition(_("该订单已评价。"))
    if rating is None or not 1 <= rating <= 5:
        raise ValidationFailed([("rating", _("评分应为 1–5 分。"))])
    order.rating = rating
    order.rating_comment = (comment or "").strip()
    return _moved(order, actor, "rate", rating=rating)
