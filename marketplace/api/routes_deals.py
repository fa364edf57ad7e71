"""/api/v1/deals: the token user's deals, one deal, and taking an action on it through
deals.services.apply_action (the only code that moves a deal's stage)."""

from __future__ import annotations

import sqlalchemy as sa

from ..deals import services
from ..deals.models import Deal
from ..extensions import db
from .links import deal_links, next_page
from .operations import operation
from .pagination import Key, keyset_page
from .problems import ApiProblem
from .schemas import PageQuery
from .schemas_deals import DealActionSchema, DealPage, DealSchema
from .serializers import deal_out

TAG = "deals"
KEYS = [Key(Deal.id, True, lambda d: d.id)]


def _party_filter(user) -> sa.ColumnElement:
    """A superset in SQL of the deals where `user` is a party; Deal.can_view decides."""
    if user.is_operator:
        return sa.true()
    conditions = []
    if user.is_broker:
        conditions.append(Deal.broker_id == user.id)
    if user.organization_id:
        conditions += [
            Deal.supplier_org_id == user.organization_id,
            Deal.firm_org_id == user.organization_id,
        ]
    return sa.or_(*conditions) if conditions else sa.false()


def visible_deal(deal_id: int, user) -> Deal:
    """As the deal room: for anyone but its parties the deal does not exist."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or not deal.can_view(user):
        raise ApiProblem(404)
    return deal


@operation(
    "/deals",
    tag=TAG,
    summary="List the user's deals",
    query=PageQuery,
    response=DealPage,
    links=deal_links("items/0") | next_page("list_deals", PageQuery),
)
def list_deals(user, query):
    """Deals where the user is a party (their organisation on either side, the assigned
    broker; the operator sees all), newest first."""
    select = sa.select(Deal).where(_party_filter(user)).order_by(Deal.id.desc())
    page = keyset_page(
        select,
        KEYS,
        query.get("cursor"),
        query["limit"],
        visible=lambda d: d.can_view(user),
    )
    page["items"] = [deal_out(d, user) for d in page["items"]]
    return page


@operation(
    "/deals/<int:deal_id>",
    tag=TAG,
    summary="Read a deal",
    response=DealSchema,
    links=deal_links(),
)
def get_deal(user, deal_id):
    """With its history and the actions the user may take now."""
    return deal_out(visible_deal(deal_id, user), user)


@operation(
    "/deals/<int:deal_id>/actions",
    "POST",
    tag=TAG,
    summary="Take an action on a deal",
    body=DealActionSchema,
    response=DealSchema,
    links=deal_links(),
)
def deal_action(user, deal_id, body):
    """One of `available_actions`. `expected_version` must be the deal's current
    version, else 409 (someone changed it). Not a party's action: 403; not possible in
    this stage: 409; a reason missing where one is needed: 409."""
    deal = visible_deal(deal_id, user)
    services.apply_action(
        deal,
        body["action"],
        user,
        body["reason"],
        expected_version=body["expected_version"],
    )
    db.session.commit()
    return deal_out(deal, user)
