"""Vectorised query evaluation over a :class:`Snapshot`: scores, filters, facets, top k.

Queries are the Whoosh query objects built by qbuild.py; they are scored as
Whoosh's BM25F scores them (a Term's score times its boost; And and Or add
their children's scores; AndNot keeps the positive side), but over dense
numpy arrays with one slot per document instead of pure-Python matchers.
"""

from __future__ import annotations

import math

import numpy as np
from whoosh import query as Q

from .arrays import Snapshot
from .schema import NO_PRICE

#: Compound query parts with this many children have their scores cached (a
#: word with its synonyms, a query of several words); smaller ones cost less
#: than the slot they would take.
CACHE_MIN_PARTS = 3
#: Filters that are a plain equality on a sortable column.
EQUALITY = (
    ("status", "status"),
    ("field", "field"),
    ("trl_band", "trl_band"),
    ("pricing_mode", "pricing_mode"),
    ("org_type", "org_type"),
    ("audience", "audience"),
)


def _term(snap: Snapshot, fieldname: str, text: str, boost: float) -> np.ndarray:
    out = np.zeros(snap.n, np.float32)
    docs, scores = snap.bm25(fieldname, text, boost)
    if len(docs):
        out[docs] = scores
    return out


def evaluate(snap: Snapshot, q: Q.Query) -> np.ndarray:
    """A score per document (0 = no match) for a Whoosh query tree.

    The result may be shared (read-only): copy it before changing it.
    """
    if isinstance(q, Q.Term):
        return _term(snap, q.fieldname, q.text, getattr(q, "boost", 1.0))
    if not isinstance(q, Q.CompoundQuery) or len(q.subqueries) < CACHE_MIN_PARTS:
        return _evaluate(snap, q)
    # Evaluated outside the lock, so other threads' queries are not held up.
    with snap.lock:
        got = snap.scores.lookup(q)
    if got is None:
        got = _evaluate(snap, q)
        got.flags.writeable = False
        with snap.lock:
            snap.scores.put(q, got)
    return got


def _evaluate(snap: Snapshot, q: Q.Query) -> np.ndarray:
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, Q.AndNot):
        pos = evaluate(snap, q.a).copy()
        neg = evaluate(snap, q.b)
        pos[neg > 0] = 0
        return pos * boost if boost != 1.0 else pos
    if isinstance(q, Q.And):
        parts = [evaluate(snap, s) for s in q.subqueries]
        if not parts:
            return np.zeros(snap.n, np.float32)
        # Sum in order (the same float32 additions as pairwise), zero the misses once.
        total = parts[0].copy()
        hit = total > 0
        for p in parts[1:]:
            hit &= p > 0
            total += p
        total[~hit] = 0
        return total * boost if boost != 1.0 else total
    if isinstance(q, Q.Or):
        total = np.zeros(snap.n, np.float32)
        _add_or(snap, q, total)
        return total * boost if boost != 1.0 else total
    if isinstance(q, Q.Phrase):
        return _phrase(snap, q) * boost
    if isinstance(q, Q.Every):
        return np.full(snap.n, boost, np.float32)
    # Anything else: ask Whoosh which documents match, score them 1.
    out = np.zeros(snap.n, np.float32)
    with snap.lock:
        docs = list(q.docs(snap.searcher))
    out[np.array(docs, dtype=np.int64)] = boost
    return out


def _add_or(snap: Snapshot, q: Q.Or, total: np.ndarray, fresh: bool = True) -> None:
    """total += each subquery's scores, in order (as evaluate would add them).

    Terms add in place: a term's docnums are distinct, so ``total[docs] +=
    scores`` adds exactly what a full score array would. An unboosted OR is
    summed in place only into a still-zero total (same float rounding).
    """
    for i, s in enumerate(q.subqueries):
        if isinstance(s, Q.Term):
            docs, scores = snap.bm25(s.fieldname, s.text, getattr(s, "boost", 1.0))
            if len(docs):
                total[docs] += scores
        elif (
            fresh and i == 0 and isinstance(s, Q.Or) and getattr(s, "boost", 1.0) == 1.0
        ):
            _add_or(snap, s, total, True)
        elif isinstance(s, Q.Phrase):
            # Only the phrase's documents change; the same float32 sums as a full
            # array (adding 0 elsewhere changes nothing).
            docs, scores = _phrase_scores(snap, s)
            if len(docs):
                total[docs] += scores * getattr(s, "boost", 1.0)
        elif isinstance(s, Q.And) and all(isinstance(t, Q.Term) for t in s.subqueries):
            docs, scores = _and_of_terms(snap, s)
            boost = getattr(s, "boost", 1.0)
            if len(docs):
                total[docs] += scores * boost if boost != 1.0 else scores
        else:
            total += evaluate(snap, s)


def _and_of_terms(snap: Snapshot, q: Q.And):
    """(docnums, summed scores) of the documents holding every term, sparsely.

    The documents are found from the posting lists first; the terms are then
    scored only there (in order: the same float32 sums as dense arrays).
    """
    docs = None
    for t in q.subqueries:
        d = snap.postings(t.fieldname, t.text)[0]
        docs = d if docs is None else _common(docs, d)
        if not len(docs):
            return _NONE
    if docs is None:
        return _NONE
    return docs, _sum_at(
        snap, [(t.fieldname, t.text, _boost(t)) for t in q.subqueries], docs
    )


def _common(docs: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The docnums in both ascending arrays."""
    if not len(other):
        return docs[:0]
    at = np.minimum(np.searchsorted(other, docs), len(other) - 1)
    return docs[other[at] == docs]


def _boost(q) -> float:
    return getattr(q, "boost", 1.0)


def _sum_at(snap: Snapshot, terms, docs: np.ndarray) -> np.ndarray:
    """The terms' scores (times their boosts) at ``docs``, added in order."""
    total = None
    for fieldname, text, boost in terms:
        scores = snap.bm25_at(fieldname, text, docs)
        if boost != 1.0:
            scores = scores * boost
        total = scores if total is None else total + scores
    return total


_NONE = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def _phrase(snap: Snapshot, q: Q.Phrase) -> np.ndarray:
    out = np.zeros(snap.n, np.float32)
    docs, scores = _phrase_scores(snap, q)
    if len(docs):
        out[docs] = scores
    return out


def _phrase_scores(snap: Snapshot, q: Q.Phrase):
    """(docnums, summed word scores) of the documents holding the phrase.

    The documents come from the sidecars (thesaurus phrases), else Whoosh
    checks the positions; the words are scored at just those documents.
    """
    key = ("phrase", q.fieldname, tuple(q.words), q.slop)
    with snap.lock:
        docs = snap.cache.get(key)
        if docs is None and q.slop == 1:
            docs = snap.phrase_docs(q.fieldname, list(q.words))
        if docs is None:
            docs = np.fromiter(q.docs(snap.searcher), dtype=np.int64)
        snap.cache[key] = docs
    if not len(docs):
        return _NONE
    return docs, _sum_at(snap, [(q.fieldname, w, 1.0) for w in q.words], docs)


def filter_mask(snap: Snapshot, key: tuple) -> np.ndarray:
    """Live documents passing the filters (``key`` from query._filter_key), cached."""
    cache_key = ("filter", key)
    with snap.lock:
        got = snap.cache.get(cache_key)
    if got is not None:
        return got
    f = dict(key)
    mask = snap.live.copy()
    schema = snap.searcher.schema
    for name, column in EQUALITY:
        # An index written before a column existed cannot filter on it (until
        # `reindex`): the filter is left out rather than matching nothing.
        if name in f and column in schema:
            mask &= snap.mask(column, f[name])
    if "cooperation_mode" in f:
        mask &= _has_member(snap, "coop_key", f["cooperation_mode"])
    if "org_id" in f:
        docs = snap.postings("org_id", str(f["org_id"]))[0]
        own = np.zeros(snap.n, bool)
        own[docs] = True
        mask &= own
    if "trl_min" in f or "trl_max" in f:
        trl = snap.numbers("trl")
        mask &= snap.codes("trl_band")[0] >= 0  # has a TRL at all
        lo, hi = _int(f.get("trl_min")), _int(f.get("trl_max"))
        if lo is not None:
            mask &= trl >= lo
        if hi is not None:
            mask &= trl <= hi
    if "price_min_fen" in f or "price_max_fen" in f:
        price = snap.numbers("price", NO_PRICE)
        hi = _int(f.get("price_max_fen"))
        mask &= price >= (_int(f.get("price_min_fen")) or 0)
        mask &= price <= (NO_PRICE - 1 if hi is None else hi)
    with snap.lock:
        snap.cache[cache_key] = mask
    return mask


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _has_member(snap: Snapshot, column: str, member: str) -> np.ndarray:
    codes, labels = snap.codes(column)
    lut = np.array([member in lab.split(",") for lab in labels] + [False], bool)
    return lut[codes]  # code -1 picks the trailing False


#: Most combinations of facet values counted in one pass (see _joint_codes).
MAX_JOINT = 1 << 20


def _joint_codes(snap: Snapshot, columns: tuple[str, ...]):
    """(code, shape): one code per document for its tuple of values in ``columns``
    (each value's code + 1, 0 for none, in mixed radix), or None when there
    are too many combinations. Cached per snapshot."""
    key = ("joint", columns)
    with snap.lock:
        got = snap.cache.get(key)
    if got is None:
        parts = [snap.codes(c) for c in columns]
        shape = tuple(len(labels) + 1 for _, labels in parts)
        got = False
        if math.prod(shape) <= MAX_JOINT:
            joint = np.zeros(snap.n, np.int64)
            for (codes, _), size in zip(parts, shape, strict=True):
                joint = joint * size + (codes + 1)
            got = (joint.astype(np.int32), shape)
        with snap.lock:
            snap.cache[key] = got
    return got or None


def _value_counts(snap: Snapshot, matched: np.ndarray, columns: tuple[str, ...]):
    """Per column, the number of matched documents holding each code."""
    joint = _joint_codes(snap, columns)
    if joint is None:
        out = []
        for column in columns:
            codes, labels = snap.codes(column)
            sub = codes[matched]
            out.append(np.bincount(sub[sub >= 0], minlength=len(labels)))
        return out
    # One gather and one count for all the facets, then each facet's margin.
    codes, shape = joint
    counts = np.bincount(codes[matched], minlength=math.prod(shape)).reshape(shape)
    axes = range(len(shape))
    return [counts.sum(axis=tuple(j for j in axes if j != i))[1:] for i in axes]


def _facet_columns(facets) -> tuple[str, ...]:
    return tuple("coop_key" if f == "cooperation_modes" else f for f in facets)


def facet_counts(snap: Snapshot, matched: np.ndarray, facets) -> dict:
    """{facet: [(value, count), ...]} most common first, over the matched docnums."""
    out = {}
    columns = _facet_columns(facets)
    all_counts = _value_counts(snap, matched, columns)
    for name, column, counts in zip(facets, columns, all_counts, strict=True):
        labels = snap.codes(column)[1]
        # Ties: the order values first occur in the index (stable per generation).
        present = [int(c) for c in np.flatnonzero(counts)]
        if column == "coop_key":
            merged: dict[str, int] = {}
            for code in present:
                for member in labels[code].split(","):
                    merged[member] = merged.get(member, 0) + int(counts[code])
            items = sorted(merged.items(), key=lambda kv: -kv[1])
        else:
            ranked = sorted(present, key=lambda c: -counts[c])
            items = [(labels[c], int(counts[c])) for c in ranked]
        out[name] = items
    return out


def top_docs(
    snap: Snapshot, scores: np.ndarray, matched: np.ndarray, sort: str, limit: int
) -> np.ndarray:
    """The first ``limit`` matched docnums in the requested order."""
    if not len(matched) or limit <= 0:
        return matched[:0]
    if sort == "newest":
        keys = (matched, -snap.numbers("published_at")[matched])
    elif sort == "price_asc":
        keys = (matched, snap.numbers("price", NO_PRICE)[matched])
    elif sort == "price_desc":
        price = snap.numbers("price", NO_PRICE)[matched]
        has = snap.numbers("has_price")[matched]
        keys = (matched, -price, -has)
    else:
        keys = (matched, -scores[matched])
    primary = keys[-1]
    if len(matched) > limit * 4:
        # Only the documents that can make the page need a full sort.
        cut = np.partition(primary, limit - 1)[limit - 1]
        keep = primary <= cut
        matched = matched[keep]
        keys = tuple(k[keep] for k in keys)
    order = np.lexsort(keys)
    return matched[order[:limit]]
