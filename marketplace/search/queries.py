"""Reading stored matches for the match panels (one database read, no index work)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from ..achievements.models import Achievement
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need
from .models import ListingMatch, SearchOutbox


def can_see_matches(listing, user) -> bool:
    """Match panels: the listing's own organisation and the market's staff."""
    return bool(
        user and user.is_authenticated and (listing.is_owned_by(user) or user.is_staff)
    )


def matches_for(listing, user, limit: int = 10) -> list[tuple[object, ListingMatch]]:
    """The best stored matches of `listing` that `user` may see, best first."""
    if isinstance(listing, Need):
        other, own_col, other_col, rel = (
            Achievement,
            ListingMatch.need_id,
            ListingMatch.achievement_id,
            ListingMatch.achievement,
        )
    else:
        other, own_col, other_col, rel = (
            Need,
            ListingMatch.achievement_id,
            ListingMatch.need_id,
            ListingMatch.need,
        )
    rows = db.session.execute(
        sa.select(ListingMatch, other)
        .join(other, other.id == other_col)
        .where(own_col == listing.id, public_filter(other))
        .options(joinedload(rel))
        .order_by(ListingMatch.score.desc(), ListingMatch.id)
        .limit(limit * 2)
    ).all()
    visible = [(obj, m) for m, obj in rows if obj.can_view(user)]
    return visible[:limit]


def matches_pending(listing) -> bool:
    """True while a change to `listing` waits in the search outbox: its stored matches
    are not computed yet (SEARCH_SYNC=thread applies it a moment after the commit)."""
    kind = "need" if isinstance(listing, Need) else "achievement"
    return bool(
        db.session.scalar(
            sa.select(SearchOutbox.id)
            .where(
                SearchOutbox.kind == kind,
                SearchOutbox.object_id == listing.id,
                SearchOutbox.processed_at.is_(None),
            )
            .limit(1)
        )
    )


def match_panel(listing, user) -> dict | None:
    """The match panel's template context for `listing`, or None when `user` sees no
    panel (not the owner or staff; a need before it is published)."""
    if not can_see_matches(listing, user):
        return None
    is_need = isinstance(listing, Need)
    if is_need and not listing.is_public:
        return None
    kind = "need" if is_need else "achievement"
    return {
        "matches": matches_for(listing, user),
        "match_kind": "achievement" if is_need else "need",
        "matches_pending": matches_pending(listing),
        "match_panel_url": url_for(
            "search.match_panel", kind=kind, listing_id=listing.id
        ),
    }


def broker_opportunities(
    user, limit: int = 8
) -> list[tuple[ListingMatch, Need, Achievement]]:
    """The best need–achievement pairs among the broker's published needs that no deal
    covers yet: matchmaking work waiting in the broker's queue (all needs for the
    operator)."""
    # The broker's queue asks whether a deal covers a pair; search sits beside deals
    # on its floor, so the read is at call time.
    from ..deals.models import Deal

    if not (user and user.is_authenticated and user.is_staff):
        return []
    covered = sa.select(Deal.id).where(
        Deal.need_id == ListingMatch.need_id,
        Deal.achievement_id == ListingMatch.achievement_id,
    )
    stmt = (
        sa.select(ListingMatch, Need, Achievement)
        .join(Need, Need.id == ListingMatch.need_id)
        .join(Achievement, Achievement.id == ListingMatch.achievement_id)
        .where(public_filter(Need), public_filter(Achievement), ~covered.exists())
        .order_by(ListingMatch.score.desc(), ListingMatch.id)
        .limit(limit)
    )
    if not user.is_operator:
        stmt = stmt.where(Need.broker_id == user.id)
    return [tuple(row) for row in db.session.execute(stmt)]
