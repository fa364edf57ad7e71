"""The candidates of a match, with what a snapshot says about each concept worked out once.

A rebuild matches thousands of sources against one snapshot, and their
concepts recur: a concept's IDF-weighed alternatives (concepts._choose) and
the documents its posting lists score (matching's first pass) are functions
of the snapshot and the concept's key alone, so they are kept per snapshot
(for its life, bounded) instead of being looked up again for every source.
So are the candidates' pair-score sides (their analysed stored texts). The
results are exactly those of working everything out anew (tested).
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from .concepts import MAX_CONCEPTS, _Concept, _idf, _postings, alternatives
from .lru import _LRU, BytesLRU
from .pairscore import side

#: Candidates re-ranked: all by how well they answer the source, the best
#: PAIR_POOL of them by the pair's score (both directions).
CANDIDATES = 60
#: Terms in more than this share of documents are not walked (see accumulate).
DF_CAP = 0.08
DF_CAP_DOCS = 3000
#: Extra weight for a concept found in the title; BM25 length normalisation.
TITLE_BONUS = 0.5
BM25_K1 = 1.2
BM25_B = 0.5
#: Kept per snapshot: concepts' alternatives by count (small dicts), candidate
#: sides by count, the documents concepts score by their arrays' bytes (at
#: 100,000 listings about 20 kB a concept: 32,768 would take 640 MB). Matching
#: 200 needs at 100,000: 1.9-2.3 CPU s with 8,192 sides and no byte bound,
#: 2.5-2.7 s with these bounds, 2.6 s with 1 MB and one side; these keep a
#: worker's PSS at 100,000 within 1.5x of 3,000 (see search_index/README.md).
CONCEPTS_KEPT = 32768
WEB_SIDES_KEPT = 512
WEB_DOCS_BYTES = 4 * 2**20
SIDES_KEPT = WEB_SIDES_KEPT
DOCS_BYTES = WEB_DOCS_BYTES
#: A command-line process (a rebuild, a bulk job, the sync worker) is one process,
#: not one of several web workers: it keeps more, for the faster figure above.
BULK_SIDES_KEPT = 8192
BULK_DOCS_BYTES = 64 * 2**20

_per_snapshot: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def keep_more_for_bulk() -> None:
    """This process matches in bulk: bounds for one process, not a web worker's
    (the caches made from now on; a snapshot's existing ones keep theirs)."""
    global SIDES_KEPT, DOCS_BYTES
    SIDES_KEPT, DOCS_BYTES = BULK_SIDES_KEPT, BULK_DOCS_BYTES


def _cache(snap, name: str, make) -> _LRU | BytesLRU:
    with _lock:
        caches = _per_snapshot.get(snap)
        if caches is None:
            caches = _per_snapshot[snap] = {}
        got = caches.get(name)
        if got is None:
            got = caches[name] = make()
        return got


def _get(cache: _LRU | BytesLRU, key, build):
    with _lock:
        got = cache.lookup(key)
    if got is None:
        got = build()
        with _lock:
            cache.put(key, got)
    return got


def _weighed_alts(snap, key: str) -> tuple[float, dict[str, float]]:
    """The concept's best IDF x weight and its alternatives the index holds
    (concepts._choose's per-concept part)."""
    alts = alternatives(key)
    idfs = {a: _idf(snap, a) for a in alts}
    best = max((idfs[a] * w for a, w in alts.items() if a in idfs), default=0.0)
    return best, {a: w for a, w in alts.items() if idfs.get(a)}


def choose(snap, found: dict[str, _Concept]) -> list[_Concept]:
    """concepts._choose, each concept's IDFs looked up once per snapshot."""
    cache = _cache(snap, "alts", lambda: _LRU(CONCEPTS_KEPT))
    chosen = []
    for key, c in found.items():
        best, alts = _get(cache, key, lambda key=key: _weighed_alts(snap, key))
        if best <= 0:
            continue
        c.alts = dict(alts)
        tf = c.weight
        c.weight = best * (tf * 2.2) / (tf + 1.2)
        chosen.append(c)
    chosen.sort(key=lambda c: (-c.weight, c.key))
    return chosen[:MAX_CONCEPTS]


def _scored_docs(snap, c: _Concept, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, best alternative's weight there + the title bonus) of a concept."""
    docs, which = [], []
    for j, alt in enumerate(c.alts):
        d = _postings(snap, "text", alt, cap)
        if len(d):
            docs.append(d)
            which.append(np.full(len(d), j))
    if not docs:
        return _EMPTY
    title = _postings(snap, "title", c.key, cap)
    d, j = np.concatenate(docs), np.concatenate(which)
    weights = np.array(list(c.alts.values()))
    order = np.lexsort((-weights[j], d))  # by doc, best alternative first
    d, j = d[order], j[order]
    first = np.ones(len(d), bool)
    first[1:] = d[1:] != d[:-1]
    best_d, best_w = d[first], weights[j[first]]
    if len(title):
        best_w = best_w + TITLE_BONUS * np.isin(best_d, title)
    return best_d, best_w


_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float64))


def accumulate(snap, chosen: list[_Concept], allowed: np.ndarray) -> list[int]:
    """Score-at-a-time retrieval: concept weight x best alternative, per
    document; the best CANDIDATES docnums, best first (ties by docnum).

    Terms held by more than DF_CAP of the documents (weak evidence) are
    skipped. Dense numpy arrays, one slot per document. A concept's documents
    and weights come from the per-snapshot cache (its alternatives are a
    function of its key and the snapshot: see choose).
    """
    cap = max(50, min(int(DF_CAP * snap.n), DF_CAP_DOCS))
    cache = _cache(snap, "docs", lambda: BytesLRU(DOCS_BYTES))
    acc = np.zeros(snap.n, np.float64)
    for c in chosen:
        best_d, best_w = _get(
            cache, (c.key, cap), lambda c=c: _scored_docs(snap, c, cap)
        )
        if not len(best_d):
            continue
        keep = allowed[best_d]
        acc[best_d[keep]] += c.weight * best_w[keep]
    cand = np.flatnonzero(acc)
    if len(cand) > CANDIDATES * 3:
        order = np.lexsort((cand, -acc[cand]))
        cand = cand[order[: CANDIDATES * 3]]
    avg = snap.avg_length("text")
    length = snap.lengths("text")[cand].astype(np.float64)
    length[length == 0] = 1
    norm = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
    raw = acc[cand] * norm
    order = np.lexsort((cand, -raw))[:CANDIDATES]
    return [int(cand[k]) for k in order.tolist()]


def stored_side(snap, stats, docnum: int):
    """(stored fields, pair-score side) of a document of the snapshot."""
    cache = _cache(snap, "sides", lambda: _LRU(SIDES_KEPT))

    def build():
        stored = snap.stored_fields(docnum)
        return stored, side(stats, stored, stored=True)

    return _get(cache, (stats, docnum), build)
