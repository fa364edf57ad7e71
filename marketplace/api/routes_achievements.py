"""/api/v1/achievements: the list with the site's filters, read, create, update, submit,
and stored matches; the same services and permission checks as the pages."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..achievements import queries, services
from ..achievements.models import Achievement
from ..extensions import db
from ..listings.services import apply_listing_action
from .links import achievement_links, match_link, next_page
from .listing_resource import ListingResource
from .operations import operation
from .pagination import Key
from .problems import ApiProblem
from .schemas import (
    AchievementInSchema,
    AchievementPage,
    AchievementQuery,
    AchievementSchema,
)
from .schemas_search import MatchListSchema
from .serializers import achievement_data, achievement_out

TAG = "achievements"
_A = Achievement
_PUBLISHED = Key(_A.published_at, True, lambda a: a.published_at, "datetime")
_ID = Key(_A.id, True, lambda a: a.id)
_NO_PRICE = Key(_A.price_fen.is_(None), False, lambda a: a.price_fen is None, "bool")
#: The ORDER BY of queries.achievement_select for each sort, as cursor keys.
SORT_KEYS = {
    "newest": [_PUBLISHED, _ID],
    "price_asc": [
        _NO_PRICE,
        Key(_A.price_fen, False, lambda a: a.price_fen),
        _PUBLISHED,
        _ID,
    ],
    "price_desc": [
        _NO_PRICE,
        Key(_A.price_fen, True, lambda a: a.price_fen),
        _PUBLISHED,
        _ID,
    ],
}


#: What achievement_out reads besides the row, for a whole page in one query each.
def _api_loading() -> tuple:
    # Built per request: a loader option configures the mappers (see card_loading).
    return (
        selectinload(Achievement.inventors),
        selectinload(Achievement.nda_requests),
    )


RESOURCE = ListingResource(
    model=Achievement,
    parse_filters=queries.parse_filters,
    select=lambda filters, user: queries.achievement_select(filters).options(
        *_api_loading()
    ),
    sort_keys=SORT_KEYS,
    out=achievement_out,
    match_kind="need",
)
visible_achievement = RESOURCE.visible


def inventors_of(body: dict) -> dict:
    if "inventors" in body:
        body["inventors"] = [
            (i["name"].strip(), i["share_percent"]) for i in body["inventors"]
        ]
    return body


@operation(
    "/achievements",
    tag=TAG,
    summary="List published achievements",
    query=AchievementQuery,
    response=AchievementPage,
    links=achievement_links("items/0")
    | next_page("list_achievements", AchievementQuery),
)
def list_achievements(user, query):
    """Published, unexpired achievements with the list page's filters and sorts."""
    return RESOURCE.page(user, query)


@operation(
    "/achievements/<int:achievement_id>",
    tag=TAG,
    summary="Read an achievement",
    response=AchievementSchema,
    links=achievement_links(),
)
def get_achievement(user, achievement_id):
    """`detail` is filled only for the owner, the staff and accepted NDA requesters."""
    return achievement_out(visible_achievement(achievement_id, user), user)


@operation(
    "/achievements",
    "POST",
    tag=TAG,
    summary="Create a draft achievement",
    body=AchievementInSchema,
    response=AchievementSchema,
    status=201,
    links=achievement_links(),
)
def create_achievement(user, body):
    """For members of a university, institute or TTO; saved as a draft."""
    if not services.may_create(user):
        raise ApiProblem(403, _("只有高校、科研院所或技术转移机构的成员可以发布成果。"))
    a = services.create_achievement(user.organization, user, inventors_of(body))
    db.session.commit()
    return achievement_out(a, user), 201


@operation(
    "/achievements/<int:achievement_id>",
    "PATCH",
    tag=TAG,
    summary="Change a draft or returned achievement",
    body=AchievementInSchema,
    response=AchievementSchema,
    links=achievement_links(),
)
def update_achievement(user, achievement_id, body):
    """Only the fields sent change; the whole result is checked like the edit page.
    The service refuses (403) what the organisation may not edit: another's
    achievement, or its own outside draft/returned."""
    a = visible_achievement(achievement_id, user)
    services.update_achievement(a, user, achievement_data(a) | inventors_of(body))
    db.session.commit()
    return achievement_out(a, user)


@operation(
    "/achievements/<int:achievement_id>/submit",
    "POST",
    tag=TAG,
    summary="Send an achievement to review (publish request)",
    response=AchievementSchema,
    links=achievement_links(),
)
def submit_achievement(user, achievement_id):
    """The lifecycle action `submit`: a draft or returned achievement goes to review."""
    a = visible_achievement(achievement_id, user)
    apply_listing_action(a, "submit", user)
    db.session.commit()
    return achievement_out(a, user)


@operation(
    "/achievements/<int:achievement_id>/matches",
    tag=TAG,
    summary="Stored needs matching an achievement",
    response=MatchListSchema,
    links=match_link("get_need", "need_id"),
)
def achievement_matches(user, achievement_id):
    """The match panel's content: the owner's organisation and the staff only."""
    return RESOURCE.matches(
        visible_achievement(achievement_id, user),
        user,
        _("只有成果所属机构和平台人员可以查看匹配结果。"),
    )
