"""/api/v1/search: the search page's engine and rules (marketplace search_index), with
the database's last word on what the token's user may see."""

from __future__ import annotations

import sqlalchemy as sa

from search_index import search

from ..extensions import db
from ..search.routes import FILTER_KEYS
from ..search.service import MODELS, get_index
from .links import next_page
from .operations import operation
from .pagination import decode_cursor, encode_cursor
from .problems import ApiProblem
from .schemas_search import SearchQuery, SearchResultSchema

#: The search page stops at page 500; so does the API.
MAX_PAGE = 500


def _page_from(cursor: str | None) -> int:
    if not cursor:
        return 1
    payload = decode_cursor(cursor)
    page = payload.get("page") if isinstance(payload, dict) else None
    if not isinstance(page, int) or isinstance(page, bool) or not 1 < page <= MAX_PAGE:
        raise ApiProblem(400, "The cursor is not valid.", slug="invalid-cursor")
    return page


@operation(
    "/search",
    tag="search",
    summary="Search achievements or needs",
    query=SearchQuery,
    response=SearchResultSchema,
    links=next_page("search_listings", SearchQuery),
)
def search_listings(user, query):
    """The house query syntax (thesaurus, exclusions, phrases) as on the search page.
    Relevance pages are numbered inside the engine, so this cursor carries the next page."""
    kind = query["kind"]
    page = _page_from(query.get("cursor"))
    per_page = query["limit"]
    filters = {k: query[k] for k in FILTER_KEYS if query.get(k)}
    result = search(
        get_index(),
        kind,
        query["q"].strip(),
        filters=filters,
        sort=query["sort"],
        page=page,
        per_page=per_page,
        facets=False,
    )
    model = MODELS[kind]
    ids = [h.id for h in result.hits]
    objs = {
        o.id: o for o in db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    }
    # The database has the last word: a hit the user may not see is dropped.
    items = [
        {
            "kind": kind,
            "id": h.id,
            "title": objs[h.id].title,
            "score": float(h.score),
            "highlights": {k: str(v) for k, v in h.highlights.items() if v},
        }
        for h in result.hits
        if h.id in objs and objs[h.id].is_public and objs[h.id].can_view(user)
    ]
    more = page * per_page < result.total and page < MAX_PAGE
    return {
        "items": items,
        "total": result.total,
        "fallback_any": bool(result.fallback_any),
        "did_you_mean": result.did_you_mean,
        "next_cursor": encode_cursor({"page": page + 1}) if more else None,
    }
