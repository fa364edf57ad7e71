"""What the API's achievement and need resources share: a listing read as the pages
read it (others' private listings do not exist), the list with the site's own filter
parser and sorts as keyset pages, and the stored matches of a listing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request

from ..extensions import db
from ..search.queries import can_see_matches, matches_for
from .pagination import Key, keyset_page
from .problems import ApiProblem


@dataclass(frozen=True)
class ListingResource:
    """One kind of listing (achievements or needs) as an API resource."""

    model: type
    #: The list page's parser: query string → filters (bad values dropped, as there).
    parse_filters: Callable[[Mapping[str, str]], Any]
    #: (filters, user) → the published listings in the filters' order.
    select: Callable[[Any, Any], sa.Select]
    #: Per sort, the ORDER BY of `select` as cursor keys.
    sort_keys: dict[str, list[Key]]
    #: (listing, user) → the response body of one listing.
    out: Callable[[Any, Any], dict]
    #: The kind of listing its matches are ("need" for achievements, and back).
    match_kind: str

    def visible(self, listing_id: int, user):
        """The listing if `user` may see it; for anyone else it does not exist (404)."""
        listing = db.session.get(self.model, listing_id)
        if listing is None or not listing.can_view(user):
            raise ApiProblem(404)
        return listing

    def page(self, user, query: dict) -> dict:
        """One keyset page of the list, with the list page's filters and sorts."""
        filters = self.parse_filters(request.args)
        page = keyset_page(
            self.select(filters, user),
            self.sort_keys[filters.sort],
            query.get("cursor"),
            query["limit"],
        )
        page["items"] = [self.out(listing, user) for listing in page["items"]]
        return page

    def matches(self, listing, user, refusal: str, published_only: bool = False):
        """The match panel's content: the listing's organisation and the staff only
        (403 with `refusal` for anyone else); none before publication when
        `published_only` (needs, as their detail page)."""
        if not can_see_matches(listing, user):
            raise ApiProblem(403, refusal)
        rows = (
            matches_for(listing, user)
            if listing.is_public or not published_only
            else []
        )
        return {"items": match_items(rows, self.match_kind)}


def match_items(rows, kind: str) -> list[dict]:
    return [
        {
            "score": m.score,
            "reasons": m.reasons or {},
            "computed_at": m.computed_at,
            "listing": {"kind": kind, "id": obj.id, "title": obj.title},
        }
        for obj, m in rows
    ]
