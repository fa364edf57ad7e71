"""Bulk jobs at bulk speed: their outbox rows, batch matching and one summary alert each.

A bulk job (demo generate, `flask listings import`, `flask search reindex`)
writes listings with executemany INSERTs, so the ORM hook of outbox.py does not
see them. record_bulk_changes writes their log rows in one statement: every
other node's index follows them like any change (in batches), but their
once-only work is marked done, because the job itself matches the listings in
one pass (rematch) and tells each recipient once (summary_alerts), never one
alert and one e-mail per listing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from search_index import match_many, search

from ..accounts.models import User
from ..core.timeutil import utcnow
from ..core.urls import site_path
from ..extensions import db
from ..needs.models import Need
from ..notifications.services import notify
from .models import ListingMatch, SavedSearch, SearchOutbox
from .outbox import PG_XID
from .service import (
    DOCS,
    MATCHES_KEPT,
    MODELS,
    apply_log,
    claimable,
    get_index,
    public_rows,
)

#: Ids per IN (...) list and rows per executemany.
CHUNK = 1000
#: Sources read from the database and matched per round of rematch.
ROUND = 20_000
#: Hits of a saved search looked at for a bulk job's summary.
SAVED_SEARCH_HITS = 100

Progress = Callable[[str, int], Callable[[int], None]] | None


class StoredMatch(NamedTuple):
    """A row rematch wrote (plain: building 100,000 ORM objects cost seconds)."""

    need_id: int
    achievement_id: int
    score: float
    reasons: dict
    computed_at: datetime


def record_bulk_changes(changes: Iterable[tuple[str, int]]) -> None:
    """One log row per (kind, id) a bulk job wrote, in one INSERT, in its transaction.

    Marked processed: the job does the matches and alerts itself, in batch.
    """
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "object_id": obj_id,
            "op": "upsert",
            "published": True,
            "created_at": now,
            "processed_at": now,
        }
        for kind, obj_id in changes
    ]
    if not rows:
        return
    insert = sa.insert(SearchOutbox.__table__)
    if db.session.get_bind().dialect.name == "postgresql":
        insert = insert.values(xid=sa.literal_column(PG_XID))
    db.session.execute(insert, rows)


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def stream_docs(kind: str, ids: Iterable[int] | None = None) -> Iterator[dict]:
    """The index documents of the public listings of `kind` (all, or those of
    `ids`), read CHUNK rows at a time."""
    model = MODELS[kind]
    opts = [selectinload(model.organization)]
    if model is Need:
        opts.append(selectinload(Need.translations))
    query = public_rows(kind).options(*opts).execution_options(yield_per=CHUNK)
    if ids is None:
        yield from (DOCS[kind](o) for o in db.session.scalars(query))
        return
    for part in _chunks(sorted(set(ids))):
        yield from (
            DOCS[kind](o) for o in db.session.scalars(query.where(model.id.in_(part)))
        )


def source_docs(kind: str, ids: Iterable[int] | None = None) -> list[dict]:
    """stream_docs as a list."""
    return list(stream_docs(kind, ids))


def _public_ids(kind: str) -> set[int]:
    model = MODELS[kind]
    return set(db.session.scalars(public_rows(kind).with_only_columns(model.id)))


def _stored_partners(own_col, other_col, ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for part in _chunks(ids):
        for own, other in db.session.execute(
            sa.select(own_col, other_col).where(own_col.in_(part))
        ):
            out[own].add(other)
    return out


def _match_rounds(index, kind: str, ids: set[int], procs: int, extra, bar):
    """match_many over `ids`, ROUND sources read and matched at a time (the
    documents of 100,000 listings need not all be in memory at once)."""
    ordered = sorted(ids)
    for i in range(0, len(ordered), ROUND):
        docs = source_docs(kind, ordered[i : i + ROUND])
        yield from match_many(index, kind, docs, MATCHES_KEPT, procs, extra, bar)


def rematch(
    need_ids: list[int] | None = None,
    achievement_ids: list[int] | None = None,
    procs: int = 1,
    progress: Progress = None,
) -> list[StoredMatch]:
    """Recompute and store the matches of these needs and achievements (None: every
    public one) in one pass per side; returns the stored rows (written with
    executemany, returned as plain tuples). The same pairs and scores as
    service.store_matches run for each needs, then each achievement.
    """
    index = get_index()
    every = need_ids is None and achievement_ids is None
    live_n, live_a = _public_ids("need"), _public_ids("achievement")
    need_set = live_n if every else live_n & set(need_ids or ())
    ach_set = live_a if every else live_a & set(achievement_ids or ())
    extra_n: dict[int, set[int]] = defaultdict(set)
    extra_a: dict[int, set[int]] = defaultdict(set)
    if not every:
        N, A = ListingMatch.need_id, ListingMatch.achievement_id
        extra_n.update(_stored_partners(N, A, sorted(need_set)))
        extra_a.update(_stored_partners(A, N, sorted(ach_set)))
    pairs: dict[tuple[int, int], object] = {}
    bar = progress("matching needs", len(need_set)) if progress else None
    for need_id, found in _match_rounds(index, "need", need_set, procs, extra_n, bar):
        for m in found:
            if m.id in ach_set:
                extra_a[m.id].add(need_id)  # rescored from the achievement's side
            else:
                pairs[(need_id, m.id)] = m
    bar = progress("matching achievements", len(ach_set)) if progress else None
    for ach_id, found in _match_rounds(
        index, "achievement", ach_set, procs, extra_a, bar
    ):
        for m in found:
            pairs[(m.id, ach_id)] = m
    if every:
        db.session.execute(sa.delete(ListingMatch))
    else:
        for part in _chunks(sorted(need_set)):
            db.session.execute(
                sa.delete(ListingMatch).where(ListingMatch.need_id.in_(part))
            )
        for part in _chunks(sorted(ach_set)):
            db.session.execute(
                sa.delete(ListingMatch).where(ListingMatch.achievement_id.in_(part))
            )
    now = utcnow()
    rows = [
        {
            "need_id": n,
            "achievement_id": a,
            "score": float(m.score),
            "reasons": m.reasons,
            "computed_at": now,
        }
        for (n, a), m in sorted(pairs.items())
        if n in live_n and a in live_a
    ]
    for i in range(0, len(rows), CHUNK * 5):
        db.session.execute(sa.insert(ListingMatch.__table__), rows[i : i + CHUNK * 5])
    return [StoredMatch(**r) for r in rows]


def store_batch_matches(kind: str, ids: Iterable[int], procs: int = 1) -> int:
    """The stored matches of these listings, computed in one pass (rematch, over
    search_index.batch) rather than one listing at a time by the log's once-only
    work: the log is applied to this node's index, the listings' pending rows
    that raise no alert of their own (quiet_alerts: the job sent a summary) are
    claimed, their public listings rematched together and the rows marked done.
    Commits; returns how many listings were matched. Rows left (alerts due, a
    listing no longer public, rows another node holds) stay for sync_outbox."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    apply_log()
    claimed = []
    for part in _chunks(ids):
        claimed += [r for r in claimable(kind, part) if not r.published]
    matched = sorted({r.object_id for r in claimed} & _public_ids(kind))
    if not matched:
        db.session.commit()
        return 0
    if kind == "need":
        rematch(need_ids=matched, procs=procs)
    else:
        rematch(achievement_ids=matched, procs=procs)
    done = {r.id for r in claimed if r.object_id in set(matched)}
    for part in _chunks(sorted(done)):
        db.session.execute(
            sa.update(SearchOutbox)
            .where(SearchOutbox.id.in_(part))
            .values(processed_at=utcnow())
        )
    db.session.commit()
    return len(matched)


def summary_alerts(
    job: str, new: dict[str, set[int]], rows: Iterable[ListingMatch | StoredMatch]
) -> int:
    """One notification (and at most one e-mail) per recipient for a bulk job's
    listings `new` ({"achievement": ids, "need": ids}): to the members of the
    organisations whose open listings they match at MATCH_ALERT_THRESHOLD or
    better, and to holders of saved searches they turn up in. Returns how many
    notifications were written."""
    threshold = current_app.config["MATCH_ALERT_THRESHOLD"]
    # Per (kind, id) of the recipient's own listing: the job's listings it matches.
    theirs: dict[tuple[str, int], list[tuple[float, str, int]]] = defaultdict(list)
    for r in rows:
        if r.score < threshold:
            continue
        if r.achievement_id in new.get("achievement", ()):
            theirs[("need", r.need_id)].append(
                (r.score, "achievement", r.achievement_id)
            )
        if r.need_id in new.get("need", ()):
            theirs[("achievement", r.achievement_id)].append(
                (r.score, "need", r.need_id)
            )
    by_user: dict[int, list] = defaultdict(list)
    titles: dict[tuple[str, int], str] = {}
    owners: dict[tuple[str, int], int] = {}
    for kind in MODELS:
        ids = {i for k, i in theirs if k == kind} | {
            i for hits in theirs.values() for _s, k, i in hits if k == kind
        }
        model = MODELS[kind]
        for part in _chunks(sorted(ids)):
            for obj_id, title, org_id in db.session.execute(
                sa.select(model.id, model.title, model.organization_id).where(
                    model.id.in_(part)
                )
            ):
                titles[(kind, obj_id)] = title
                owners[(kind, obj_id)] = org_id
    members: dict[int, list[User]] = defaultdict(list)
    org_ids = sorted({owners[k] for k in theirs if k in owners})
    for part in _chunks(org_ids):
        for user in db.session.scalars(
            sa.select(User).where(User.organization_id.in_(part), User.active.is_(True))
        ):
            members[user.organization_id].append(user)
    users: dict[int, User] = {}
    for key, hits in theirs.items():
        for user in members.get(owners.get(key), ()):
            users[user.id] = user
            by_user[user.id].append((key, hits))
    sent = 0
    for user_id, listings in by_user.items():
        best_key, best = max(
            ((key, max(hits)) for key, hits in listings), key=lambda x: x[1]
        )
        matched = {(k, i) for _key, hits in listings for _s, k, i in hits}
        best_title = titles.get((best[1], best[2]), "")
        if notify(
            users[user_id],
            "match.bulk",
            _l("%(n)s 项新发布的成果或需求可能与您的发布匹配", n=len(matched)),
            _l(
                "最匹配的是「%(title)s」（匹配度 %(score)s），详见您的「%(mine)s」。",
                title=best_title,
                score=round(best[0]),
                mine=titles.get(best_key, ""),
            ),
            site_path(f"{best_key[0]}s.detail", **{f"{best_key[0]}_id": best_key[1]}),
            dedupe_key=f"bulk:{job}:{user_id}",
        ):
            sent += 1
    return sent + _saved_search_summaries(job, new)


def _saved_search_summaries(job: str, new: dict[str, set[int]]) -> int:
    found: dict[int, list[tuple[SavedSearch, int]]] = defaultdict(list)
    for s in db.session.scalars(sa.select(SavedSearch).order_by(SavedSearch.id)):
        ids = new.get(s.kind) or set()
        if not ids or not s.query.strip():
            continue
        result = search(
            get_index(),
            s.kind,
            s.query,
            filters=s.filters or None,
            per_page=SAVED_SEARCH_HITS,
            facets=False,
            highlights=False,
        )
        n = sum(1 for h in result.hits if h.id in ids)
        if n:
            found[s.user_id].append((s, n))
    sent = 0
    for user_id, hits in found.items():
        first = hits[0][0]
        if notify(
            first.user,
            "saved_search",
            _l(
                "您保存的搜索“%(q)s”等有 %(n)s 项新结果",
                q=first.query,
                n=sum(n for _s, n in hits),
            ),
            link=site_path("search.index", q=first.query, kind=first.kind),
            dedupe_key=f"bulk-saved:{job}:{user_id}",
        ):
            sent += 1
    return sent


def quiet_alerts(kind: str, ids: Iterable[int]) -> None:
    """The pending log rows of these listings raise no alert of their own (their
    matches are still stored when they are applied): a bulk job that sends its
    summary itself (summary_alerts) calls this in its transaction."""
    for part in _chunks(sorted(set(ids))):
        db.session.execute(
            sa.update(SearchOutbox)
            .where(
                SearchOutbox.processed_at.is_(None),
                SearchOutbox.kind == kind,
                SearchOutbox.object_id.in_(part),
            )
            .values(published=False)
        )


def preview_matches(kind: str, ids: Iterable[int]) -> list[ListingMatch]:
    """The matches of these listings against the index as it is (not stored), for
    a summary sent before they are indexed: partners already published."""
    other = "achievement" if kind == "need" else "need"
    live = _public_ids(other)
    rows = []
    for obj_id, found in match_many(
        get_index(), kind, source_docs(kind, ids), MATCHES_KEPT
    ):
        for m in found:
            if m.id not in live:
                continue
            pair = (obj_id, m.id) if kind == "need" else (m.id, obj_id)
            rows.append(
                ListingMatch(need_id=pair[0], achievement_id=pair[1], score=m.score)
            )
    return rows
