"""Alerts when a newly published listing fits an open listing or a saved search."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from search_index import search

from ..accounts.models import User
from ..core.urls import site_path
from ..extensions import db
from ..notifications.services import notify
from .models import SavedSearch


def _members(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.organization_id == org_id, User.active.is_(True))
        )
    )


def new_listing_published(kind: str, obj, matches) -> None:
    """Notify owners of matching open listings and holders of matching saved searches."""
    threshold = current_app.config["MATCH_ALERT_THRESHOLD"]
    for m in matches:
        if m.score < threshold:
            continue
        if kind == "achievement":
            other = m.need
            title = _l("新成果可能解决您的需求：%(title)s", title=obj.title)
        else:
            other = m.achievement
            title = _l("新需求与您的成果匹配：%(title)s", title=obj.title)
        if other is None or not other.is_public:
            continue
        body = _l(
            "匹配度 %(score)s，与「%(other)s」相关。",
            score=round(m.score),
            other=other.title,
        )
        for user in _members(other.organization_id):
            notify(
                user,
                f"match.{kind}",
                title,
                body,
                _listing_path(kind, obj),
                dedupe_key=f"match:{kind}:{obj.id}:{other.id}",
            )
    _saved_searches(kind, obj)


def _listing_path(kind: str, obj) -> str:
    return site_path(f"{kind}s.detail", **{f"{kind}_id": obj.id})


def _saved_searches(kind: str, obj) -> None:
    from .service import get_index  # service calls alerts: a cycle, so at call time

    saved = db.session.scalars(
        sa.select(SavedSearch).where(SavedSearch.kind == kind)
    ).all()
    for s in saved:
        if not s.query.strip():
            continue
        result = search(
            get_index(),
            kind,
            s.query,
            filters=s.filters or None,
            per_page=50,
            facets=False,
            highlights=False,
        )
        if any(h.id == obj.id for h in result.hits) and obj.can_view(s.user):
            label = _l("成果") if kind == "achievement" else _l("需求")
            notify(
                s.user,
                "saved_search",
                _l(
                    "您保存的搜索“%(q)s”有新%(label)s：%(title)s",
                    q=s.query,
                    label=label,
                    title=obj.title,
                ),
                link=_listing_path(kind, obj),
                dedupe_key=f"saved:{s.id}:{kind}:{obj.id}",
            )
