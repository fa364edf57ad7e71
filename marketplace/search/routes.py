"""The search page (achievements, needs, or the open calls 揭榜挂帅 through their needs)
and saved searches."""

from __future__ import annotations

import math
from collections.abc import Callable

import sqlalchemy as sa
from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from search_index import search

from ..accounts.models import ORG_TYPE_LABELS
from ..extensions import db
from . import bp
from .models import SavedSearch
from .queries import match_panel as match_panel_context
from .service import MODELS, get_index

FILTER_KEYS = ("field", "trl_band", "cooperation_mode", "pricing_mode", "org_type")
SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_QUERY = 200
PER_PAGE = 20
#: The calls view: the engine searches the needs that have a public call.
CALLS = "challenge"
#: Calls shown beside the results of an achievement search.
CALLS_BESIDE = 3

#: Registered by the challenges package (a floor above, see register_calls).
_call_source: dict[str, Callable] = {}


def register_calls(need_ids: Callable, by_need: Callable) -> None:
    """Let the challenges package say which needs have a public call (`need_ids()`,
    a set of need ids) and what to show of them (`by_need(need_ids)`, a dict of
    need id to cards with id, title, stage, stage_label and countdown)."""
    _call_source["need_ids"], _call_source["by_need"] = need_ids, by_need


def _need_ids_with_calls() -> set[int]:
    return _call_source["need_ids"]() if _call_source else set()


def _calls_by_need(need_ids: list[int]) -> dict[int, list]:
    return _call_source["by_need"](need_ids) if _call_source and need_ids else {}


def _calls_beside(q: str, scope: dict) -> list:
    """The best few calls whose need matches `q`, for an achievement search (`scope`:
    the reader's audience only, the page's filters are the achievements')."""
    call_needs = _need_ids_with_calls()
    if not q or not call_needs:
        return []
    found = search(
        get_index(),
        "need",
        q,
        filters=scope,
        per_page=CALLS_BESIDE,
        facets=False,
        highlights=False,
        only_ids=call_needs,
    )
    if found.fallback_any:
        return []  # "related" means holding every word, not any one of them
    # A query of no words (only exclusions, or a stray symbol) ranks nothing: its
    # hits score 0 and relate to nothing.
    ids = [h.id for h in found.hits if h.score > 0]
    by_need = _calls_by_need(ids)
    return [card for i in ids for card in by_need.get(i, [])][:CALLS_BESIDE]


def _params():
    args = request.args
    kind = args.get("kind", "achievement")
    if kind not in MODELS and kind != CALLS:
        kind = "achievement"
    q = (args.get("q") or "").strip()[:MAX_QUERY]
    filters = {k: args.get(k) for k in FILTER_KEYS if args.get(k)}
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    try:
        page = max(1, min(int(args.get("page", 1)), 500))
    except ValueError:
        page = 1
    return kind, q, filters, sort, page


@bp.route("/")
def index():
    kind, q, filters, sort, page = _params()
    per_page = PER_PAGE
    scope = dict(filters)
    if not current_user.is_authenticated:
        # Confidential needs are for signed-in users: not in the counts either.
        scope["audience"] = "public"
    # The calls view is a need search over the needs that have a public call.
    engine_kind = "need" if kind == CALLS else kind
    only = _need_ids_with_calls() if kind == CALLS else None

    def page_of(n: int):
        return search(
            get_index(),
            engine_kind,
            q,
            filters=scope,
            sort=sort,
            page=n,
            per_page=per_page,
            only_ids=only,
        )

    result = page_of(page)
    pages = max(1, math.ceil(result.total / per_page))
    if page > pages:
        # A page past the end (an old link, a result list grown shorter): the
        # last page, with its pager.
        page = pages
        if result.total:
            result = page_of(page)
    model = MODELS[engine_kind]
    ids = [h.id for h in result.hits]
    objs = {
        o.id: o for o in db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    }
    # The database has the last word: a hit the viewer may not see is dropped.
    # search_index escapes the stored text and adds only <mark> tags.
    hits = [
        (objs[h.id], {k: Markup(v) for k, v in h.highlights.items() if v}, h.score)  # noqa: S704
        for h in result.hits
        if h.id in objs and objs[h.id].is_public and objs[h.id].can_view(current_user)
    ]
    return render_template(
        "search/index.html",
        kind=kind,
        calls=_calls_by_need([o.id for o, _h, _s in hits])
        if engine_kind == "need"
        else {},
        calls_beside=_calls_beside(
            q, {k: v for k, v in scope.items() if k == "audience"}
        )
        if kind == "achievement"
        else [],
        q=q,
        filters=filters,
        sort=sort,
        page=page,
        pages=pages,
        result=result,
        hits=hits,
        filter_keys=FILTER_KEYS,
        org_type_labels={str(k): v for k, v in ORG_TYPE_LABELS.items()},
    )


@bp.route("/save", methods=["POST"])
@login_required
def save():
    kind = request.form.get("kind", "achievement")
    if kind not in MODELS:
        abort(400)
    q = (request.form.get("q") or "").strip()[:MAX_QUERY]
    if not q:
        flash(_("请先输入搜索词再保存。"), "warning")
        return redirect(url_for(".index", kind=kind))
    filters = {k: request.form.get(k) for k in FILTER_KEYS if request.form.get(k)}
    exists = db.session.scalar(
        sa.select(SavedSearch.id).where(
            SavedSearch.user_id == current_user.id,
            SavedSearch.kind == kind,
            SavedSearch.query == q,
        )
    )
    if exists is None:
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SavedSearch)
            .where(SavedSearch.user_id == current_user.id)
        )
        if count >= 50:
            flash(_("最多保存 50 个搜索，请先删除一些。"), "warning")
            return redirect(url_for(".saved"))
        db.session.add(
            SavedSearch(user_id=current_user.id, kind=kind, query=q, filters=filters)
        )
        db.session.commit()
    flash(_("已保存搜索：有新的匹配条目时会通知您。"), "success")
    return redirect(url_for(".index", kind=kind, q=q, **filters))


@bp.route("/saved")
@login_required
def saved():
    rows = db.session.scalars(
        sa.select(SavedSearch)
        .where(SavedSearch.user_id == current_user.id)
        .order_by(SavedSearch.created_at.desc())
    ).all()
    return render_template("search/saved.html", rows=rows)


@bp.route("/saved/<int:saved_id>/delete", methods=["POST"])
@login_required
def delete_saved(saved_id: int):
    row = db.session.get(SavedSearch, saved_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    db.session.delete(row)
    db.session.commit()
    flash(_("已删除保存的搜索。"), "success")
    return redirect(url_for(".saved"))


@bp.route("/matches/<any(achievement, need):kind>/<int:listing_id>")
@login_required
def match_panel(kind: str, listing_id: int):
    """The match panel alone, fetched again by market.js while matches are computed."""
    listing = db.get_or_404(MODELS[kind], listing_id)
    panel = match_panel_context(listing, current_user)
    if panel is None:
        abort(404)
    response = make_response(render_template("search/_matches.html", **panel))
    response.headers["Cache-Control"] = "no-store"
    return response
