"""/api/v1/needs: the list with the site's filters, read, create, update, submit, and
stored matches; the needs services and the pages' permission checks."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..needs import services
from ..needs.models import Need
from ..needs.queries import parse_filters, public_needs
from .links import match_link, need_links, next_page
from .listing_resource import ListingResource
from .operations import operation
from .pagination import Key
from .problems import ApiProblem
from .schemas import NeedInSchema, NeedPage, NeedQuery, NeedSchema
from .schemas_search import MatchListSchema
from .serializers import need_data, need_out

TAG = "needs"
_ID = Key(Need.id, True, lambda n: n.id)
#: The ORDER BY of queries.public_needs for each sort, as cursor keys.
SORT_KEYS = {
    "newest": [Key(Need.published_at, True, lambda n: n.published_at, "datetime"), _ID],
    "budget": [
        Key(
            sa.case((Need.budget_max_fen.is_(None), 1), else_=0),
            False,
            lambda n: 1 if n.budget_max_fen is None else 0,
        ),
        Key(Need.budget_max_fen, True, lambda n: n.budget_max_fen),
        _ID,
    ],
}


RESOURCE = ListingResource(
    model=Need,
    parse_filters=parse_filters,
    select=lambda filters, user: public_needs(user, filters),
    sort_keys=SORT_KEYS,
    out=need_out,
    match_kind="achievement",
)
visible_need = RESOURCE.visible


@operation(
    "/needs",
    tag=TAG,
    summary="List published needs",
    query=NeedQuery,
    response=NeedPage,
    links=need_links("items/0") | next_page("list_needs", NeedQuery),
)
def list_needs(user, query):
    """Published, unexpired needs with the list page's filters (field, mode, trl band,
    budget in yuan) and sorts."""
    return RESOURCE.page(user, query)


@operation(
    "/needs/<int:need_id>",
    tag=TAG,
    summary="Read a need",
    response=NeedSchema,
    links=need_links(),
)
def get_need(user, need_id):
    """`description` (the firm's own words) only for the firm and the staff."""
    return need_out(visible_need(need_id, user), user)


@operation(
    "/needs",
    "POST",
    tag=TAG,
    summary="Create a draft need",
    body=NeedInSchema,
    response=NeedSchema,
    status=201,
    links=need_links(),
)
def create_need(user, body):
    """For members of a firm; saved as a draft."""
    if not services.can_post_needs(user):
        raise ApiProblem(403, _("只有企业用户可以发布技术需求。"))
    need = services.create_need(user.organization, user, body)
    db.session.commit()
    return need_out(need, user), 201


@operation(
    "/needs/<int:need_id>",
    "PATCH",
    tag=TAG,
    summary="Change a draft or returned need",
    body=NeedInSchema,
    response=NeedSchema,
    links=need_links(),
)
def update_need(user, need_id, body):
    """Only the fields sent change. The service refuses (403) what the firm may not
    edit, as for achievements: another's need, or its own outside draft/returned."""
    need = visible_need(need_id, user)
    services.update_need(need, user, need_data(need) | body)
    db.session.commit()
    return need_out(need, user)


@operation(
    "/needs/<int:need_id>/submit",
    "POST",
    tag=TAG,
    summary="Send a need to the brokers (publish request)",
    response=NeedSchema,
    links=need_links(),
)
def submit_need(user, need_id):
    """The lifecycle action `submit`: the brokers translate it, then it is published."""
    need = visible_need(need_id, user)
    services.need_action(need, "submit", user)
    db.session.commit()
    return need_out(need, user)


@operation(
    "/needs/<int:need_id>/matches",
    tag=TAG,
    summary="Stored achievements matching a need",
    response=MatchListSchema,
    links=match_link("get_achievement", "achievement_id"),
)
def need_matches(user, need_id):
    """The firm and the staff, once the need is published (as the detail page)."""
    return RESOURCE.matches(
        visible_need(need_id, user),
        user,
        _("只有需求所属企业和平台人员可以查看匹配结果。"),
        published_only=True,
    )
