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
from .models import ListingMatch, SearchNodeCursor, SearchOutbox

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


#: A cursor position past every row of the log with this xid (see snapshot_cursor).
_PAST_ALL_IDS = 2**31 - 1  # the id column is an integer


def node_name() -> str:
    return current_app.config["MARKET_NODE_NAME"]


def _cursor(lock: bool = False) -> SearchNodeCursor | None:
    """This node's cursor row (created at the first sync). With `lock`, None while
    another worker of this node holds it: that worker is applying the log."""
    name = node_name()
    query = sa.select(SearchNodeCursor).where(SearchNodeCursor.node == name)
    if lock:
        query = query.with_for_update(skip_locked=True)
    row = db.session.scalar(query)
    if row is None:
        exists = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SearchNodeCursor)
            .where(SearchNodeCursor.node == name)
        )
        if exists:
            return None
        try:
            with db.session.begin_nested():
                row = SearchNodeCursor(node=name, last_xid=0, last_id=0, applied_ids=[])
                db.session.add(row)
        except sa.exc.IntegrityError:  # another worker created it just now
            return None
    return row


def after_cursor(xid: int, id_: int):
    return sa.or_(
        SearchOutbox.xid > xid,
        sa.and_(SearchOutbox.xid == xid, SearchOutbox.id > id_),
    )


def _horizon() -> int | None:
    """PostgreSQL: the oldest transaction still running. Rows written by older ones
    are all committed, and a later commit sorts after them in (xid, id) order.
    None on SQLite: one writer at a time, every visible row is settled."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.scalar(
        sa.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    )


def snapshot_cursor() -> tuple[int, int]:
    """A cursor position no row committed from now on can fall behind."""
    horizon = _horizon()
    if horizon is None:
        return 0, db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    return horizon - 1, _PAST_ALL_IDS


def set_cursor(position: tuple[int, int]) -> None:
    """This node's index holds every change up to `position` (after a rebuild)."""
    row = _cursor()
    row.last_xid, row.last_id = position
    row.applied_ids = []
    row.updated_at = utcnow()
    db.session.flush()


def pending_count() -> int:
    """Log rows this node's index has not applied yet."""
    c = _cursor()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SearchOutbox)
        .where(after_cursor(c.last_xid, c.last_id))
    )


def _apply_to_index(batch: int) -> int:
    """Apply the next log rows to this node's index; returns how many were new.

    Rows written by a transaction newer than the oldest one still running are
    applied (searchable now) but the cursor stays before them, in case an older
    transaction still commits rows that sort first; they are listed in the
    cursor's applied_ids so that they are not applied twice.
    """
    c = _cursor(lock=True)
    if c is None:
        db.session.rollback()
        return 0
    seen = set(c.applied_ids or ())
    query = sa.select(
        SearchOutbox.id, SearchOutbox.xid, SearchOutbox.kind, SearchOutbox.object_id
    ).where(after_cursor(c.last_xid, c.last_id))
    if seen:
        query = query.where(SearchOutbox.id.not_in(seen))
    new = db.session.execute(
        query.order_by(SearchOutbox.xid, SearchOutbox.id).limit(batch)
    ).all()
    keys = {(r.kind, r.object_id) for r in new}
    index = get_index()
    for kind in MODELS:
        ids = [oid for (k, oid) in keys if k == kind]
        objs = _load(kind, ids)
        upserts = [o for o in objs.values() if searchable(kind, o)]
        gone = [oid for oid in ids if oid not in {o.id for o in upserts}]
        if upserts:
            index.upsert(kind, [DOCS[kind](o) for o in upserts])
        if gone:
            index.delete(kind, gone)
    # The cursor moves over the rows after it that are applied (now or before)
    # and were written by a transaction older than the oldest one still running.
    horizon = _horizon()
    held = seen | {r.id for r in new}
    ahead = db.session.execute(
        sa.select(SearchOutbox.xid, SearchOutbox.id)
        .where(after_cursor(c.last_xid, c.last_id))
        .order_by(SearchOutbox.xid, SearchOutbox.id)
        .limit(len(held) + 1)
    ).all()
    for r in ahead:
        if r.id not in held or (horizon is not None and r.xid >= horizon):
            break
        c.last_xid, c.last_id = r.xid, r.id
        held.discard(r.id)
    c.applied_ids = sorted(held)
    c.updated_at = utcnow()
    db.session.commit()
    return len(new)


def apply_log(batch: int = 500) -> int:
    """Bring this node's index up to the log without the once-only work (a bulk
    job does that itself, in one pass); returns how many rows were applied."""
    done = 0
    while applied := _apply_to_index(batch):
        done += applied
    return done


def claimable(kind: str, ids: list[int]):
    """This node's pending log rows of these listings whose once-only work is
    still to do (FOR UPDATE SKIP LOCKED: another node's claim is skipped)."""
    c = _cursor()
    if c is None:
        return []
    mine = sa.not_(after_cursor(c.last_xid, c.last_id))
    if c.applied_ids:
        mine = sa.or_(mine, SearchOutbox.id.in_(c.applied_ids))
    return db.session.scalars(
        sa.select(SearchOutbox)
        .where(
            SearchOutbox.processed_at.is_(None),
            SearchOutbox.kind == kind,
            SearchOutbox.object_id.in_(ids),
            mine,
        )
        .order_by(SearchOutbox.id)
        .with_for_update(skip_locked=True)
    ).all()


def _claim_once_work(batch: int) -> int:
    """Stored matches and alerts of changes this node's index holds, done once:
    the rows are claimed with FOR UPDATE SKIP LOCKED (PostgreSQL), so a row another
    node is working on is skipped, and processed_at marks it done for every node."""
    from . import alerts  # alerts search through this module's index: a cycle

    c = _cursor()
    if c is None:
        return 0
    mine = sa.not_(after_cursor(c.last_xid, c.last_id))
    if c.applied_ids:
        mine = sa.or_(mine, SearchOutbox.id.in_(c.applied_ids))
    rows = db.session.scalars(
        sa.select(SearchOutbox)
        .where(SearchOutbox.processed_at.is_(None), mine)
        .order_by(SearchOutbox.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        db.session.commit()
        return 0
    keys: dict[tuple[str, int], None] = {}
    published: set[tuple[str, int]] = set()
    for r in rows:
        keys[(r.kind, r.object_id)] = None
        if r.published:
            published.add((r.kind, r.object_id))
    for kind in MODELS:
        ids = [oid for (k, oid) in keys if k == kind]
        objs = _load(kind, ids)
        for oid in ids:
            o = objs.get(oid)
            if not searchable(kind, o):
                _drop_matches(kind, oid)
                continue
            matches = store_matches(kind, o)
            if (kind, oid) in published:
                alerts.new_listing_published(kind, o, matches)
    db.session.execute(
        sa.update(SearchOutbox)
        .where(SearchOutbox.id.in_([r.id for r in rows]))
        .values(processed_at=utcnow())
    )
    db.session.commit()
    return len(rows)


def sync_outbox(batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Bring this node's index up to the outbox log and do the changes' once-only work
    (stored matches, alerts); returns how many log rows were applied to the index.

    `progress(n)` is called as rows are applied (for a CLI progress bar).

    Safe to run from several processes and nodes: the workers of one node take
    turns on its cursor row, an index write that finds the lock taken is retried by
    SearchIndex, and the once-only work is claimed row by row.
    """
    done = 0
    while True:
        applied = _apply_to_index(batch)
        claimed = _claim_once_work(batch)
        done += applied
        if progress and applied:
            progress(applied)
        if not applied and not claimed:
            return done


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
