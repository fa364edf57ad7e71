"""The app's side of search: one index per process, the outbox sync, stored matches."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app

from search_index import (
    IndexBusy,
    SearchIndex,
    match_achievement,
    match_need,
    score_pairs,
)

from ..achievements.models import Achievement
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need
from .documents import achievement_doc, need_doc
from .models import ListingMatch, SearchOutbox

log = logging.getLogger("marketplace.search")

MODELS = {"achievement": Achievement, "need": Need}
DOCS: dict[str, Callable] = {"achievement": achievement_doc, "need": need_doc}
#: How many matches are kept per listing (the panel shows the best of them).
MATCHES_KEPT = 20

_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def shared_snapshot() -> bool:
    """Whether the index writes and memory-maps its shared snapshot files
    (search_index/shared.py: every worker maps the same pages), from
    SEARCH_SHARED_SNAPSHOT in the config or the environment (default on)."""
    value = current_app.config.get(
        "SEARCH_SHARED_SNAPSHOT", os.environ.get("SEARCH_SHARED_SNAPSHOT", "1")
    )
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def get_index() -> SearchIndex:
    """The process's SearchIndex for SEARCH_INDEX_DIR, opened once and reused."""
    directory = current_app.config["SEARCH_INDEX_DIR"]
    with _indexes_lock:
        if directory not in _indexes:
            _indexes[directory] = SearchIndex(directory, shared=shared_snapshot())
        return _indexes[directory]


def reset_index(directory: str) -> None:
    """Forget (and close) the open index of `directory` before it is rebuilt or removed."""
    with _indexes_lock:
        ix = _indexes.pop(directory, None)
    if ix is not None:
        ix.close()


def searchable(kind: str, obj) -> bool:
    """Only published, unexpired listings are indexed: drafts never reach search."""
    return obj is not None and obj.is_public


def _load(kind: str, ids: Iterable[int]) -> dict[int, object]:
    model = MODELS[kind]
    ids = list(ids)
    if not ids:
        return {}
    return {
        o.id: o for o in db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    }


def store_matches(kind: str, obj) -> list[ListingMatch]:
    """Compute and store the matches of one listing (replacing its previous ones).

    Its best MATCHES_KEPT partners, and the pairs a partner's own matching
    stored before, rescored: a pair's score is a function of the two texts
    (search_index.pairscore), so every stored row of the listing holds the
    figure `flask search match-need` gives, whichever side was computed last.
    """
    index = get_index()
    own_col, other_col = (
        (ListingMatch.need_id, ListingMatch.achievement_id)
        if kind == "need"
        else (ListingMatch.achievement_id, ListingMatch.need_id)
    )
    doc = DOCS[kind](obj)
    target = "achievements" if kind == "need" else "needs"
    found = (match_need if kind == "need" else match_achievement)(
        index, doc, limit=MATCHES_KEPT
    )
    earlier = set(db.session.scalars(sa.select(other_col).where(own_col == obj.id)))
    earlier -= {m.id for m in found}
    if earlier:
        found += score_pairs(index, doc, target, earlier)
    db.session.execute(sa.delete(ListingMatch).where(own_col == obj.id))
    if kind == "need":
        pairs = [(obj.id, m.id, m) for m in found]
    else:
        pairs = [(m.id, obj.id, m) for m in found]
    # The index may briefly hold a listing the database no longer shows.
    live_needs = set(_load("need", [p[0] for p in pairs]))
    live_achs = set(_load("achievement", [p[1] for p in pairs]))
    now = utcnow()
    rows = []
    for need_id, ach_id, m in pairs:
        if need_id in live_needs and ach_id in live_achs:
            rows.append(
                ListingMatch(
                    need_id=need_id,
                    achievement_id=ach_id,
                    score=float(m.score),
                    reasons=m.reasons,
                    computed_at=now,
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _drop_matches(kind: str, obj_id: int) -> None:
    column = ListingMatch.need_id if kind == "need" else ListingMatch.achievement_id
    db.session.execute(sa.delete(ListingMatch).where(column == obj_id))


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SearchOutbox)
        .where(SearchOutbox.processed_at.is_(None))
    )


def sync_outbox(batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Apply pending outbox rows to the index; returns how many rows were applied.

    `progress(n)` is called as rows are applied (for a CLI progress bar).

    Safe to run from several processes: an index write that finds the lock taken is
    retried by SearchIndex, and applying a row twice gives the same index.
    """
    from . import alerts

    done = 0
    while True:
        rows = db.session.scalars(
            sa.select(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
            .order_by(SearchOutbox.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        latest: dict[tuple[str, int], SearchOutbox] = {}
        published: set[tuple[str, int]] = set()
        for r in rows:
            latest[(r.kind, r.object_id)] = r
            if r.published:
                published.add((r.kind, r.object_id))
        index = get_index()
        for kind in MODELS:
            keys = [oid for (k, oid) in latest if k == kind]
            objs = _load(kind, keys)
            upserts = [o for oid, o in objs.items() if searchable(kind, o)]
            gone = [oid for oid in keys if oid not in {o.id for o in upserts}]
            if upserts:
                index.upsert(kind, [DOCS[kind](o) for o in upserts])
            if gone:
                index.delete(kind, gone)
                for oid in gone:
                    _drop_matches(kind, oid)
            for o in upserts:
                matches = store_matches(kind, o)
                if (kind, o.id) in published:
                    alerts.new_listing_published(kind, o, matches)
        now = utcnow()
        ids = [r.id for r in rows]
        db.session.execute(
            sa.update(SearchOutbox)
            .where(SearchOutbox.id.in_(ids))
            .values(processed_at=now)
        )
        db.session.commit()
        done += len(rows)
        if progress:
            progress(len(rows))


def safe_sync() -> None:
    """Sync after a request's commit; an index problem is logged, never the user's."""
    try:
        sync_outbox()
    except IndexBusy:
        db.session.rollback()
        log.warning("search index busy; the outbox keeps the changes for the next sync")
    except Exception:  # noqa: BLE001 - the user's change is committed; sync retries later
        db.session.rollback()
        log.exception("search sync failed; the outbox keeps the changes")


def public_rows(kind: str):
    model = MODELS[kind]
    return sa.select(model).where(public_filter(model)).order_by(model.id)
