"""Match needs to achievements and back: weighted concept queries, then re-ranking.

1. The source listing's concepts, IDF-weighted (concepts.py).
2. Posting lists of each concept and its synonyms (and, weaker, related
   groups) score every document; the best are checked against the partner's
   stored text (evidence.py): a word only counts where it stands on its own,
   never only in the organisation's name, and the reasons name the source's
   word and the partner's own words for it.
3. One score orders the list and is shown: coverage of the source's
   concepts and text score, both against what the source itself could reach
   (not the list's best), scaled by the strength of the matched evidence, plus
   small field/TRL/price/cooperation adjustments. A candidate's score does not
   depend on the other candidates; a source of one or two weak words stays low.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dense
from .candidates import accumulate, choose, stored_side
from .concepts import _source_concepts
from .engine import filter_mask
from .evidence import MAX_FORMS
from .indexer import SearchIndex
from .pairscore import combine, founds, hits, side, strength
from .pairstats import load_stats
from .qparse import _filter_key
from .reasons import reason_terms
from .schema import NO_PRICE, RELATED_FIELDS
from .segments import IndexOutdated

#: The best PAIR_POOL of the candidates (candidates.CANDIDATES, by how well
#: they answer the source) are re-ranked by the pair's score (pairscore.py:
#: both directions, absolute, scaled by the strength of the evidence).
PAIR_POOL = 30


@dataclass
class Match:
    """A ranked partner listing with its score (0-100) and JSON-ready reasons."""

    id: int
    score: float
    reasons: dict = field(default_factory=dict)


# -- fit of the other facts ----------------------------------------------------


def _field(value: str | None) -> str | None:
    # The index stores a missing field as "other": both mean "not known".
    return None if not value or value == "other" else value


def _field_fit(a: str | None, b: str | None) -> dict:
    a, b = _field(a), _field(b)
    if not a or not b:
        return {"fit": "unknown", "source": a, "target": b}
    if a == b:
        fit = "same"
    elif frozenset({a, b}) in RELATED_FIELDS:
        fit = "related"
    else:
        fit = "different"
    return {"fit": fit, "source": a, "target": b, "label": f"{a} / {b}"}


def _trl_fit(need_min, trl) -> dict:
    fit = (
        "unknown"
        if not need_min or not trl
        else "meets"
        if trl >= need_min
        else "below"
    )
    return {"need_min": need_min, "trl": trl, "fit": fit}


def _price_fit(price, budget_max) -> dict:
    price = None if price == NO_PRICE else price
    budget_max = None if budget_max == NO_PRICE else budget_max
    if price is None or budget_max is None:
        fit = "unknown"
    else:
        fit = "within" if price <= budget_max else "above"
    return {"price_fen": price, "budget_max_fen": budget_max, "fit": fit}


_ADJUST = {
    "same": 0.06,
    "related": 0.02,
    "different": -0.04,
    "meets": 0.03,
    "below": -0.06,
    "within": 0.03,
    "above": -0.05,
    "unknown": 0.0,
}


# -- matching ----------------------------------------------------------------------


def _match(index: SearchIndex, source: dict, target_kind: str, limit: int):
    snap = index.snapshot(target_kind)
    chosen = choose(snap, _source_concepts(source))
    query = _query_vector(index, source, target_kind)
    if not chosen and query is None:
        return []
    allowed = filter_mask(snap, _filter_key(None))
    if source.get("org_id") is not None:
        own = filter_mask(snap, _filter_key({"org_id": source["org_id"]}))
        allowed = allowed & ~own if own.any() else allowed
    docnums = accumulate(snap, chosen, allowed) if chosen else []
    if query is not None:
        # Listings close in meaning that share no word with the source.
        known = set(docnums)
        near = dense.scan(snap.dense_parts(), query, allowed)
        docnums = docnums + [d for d in near if d not in known]
    pool = max(PAIR_POOL, limit)
    return _ranked(index, snap, source, target_kind, docnums, limit, pool, query)


def _query_vector(index: SearchIndex, source: dict, target_kind: str):
    """The source's dense vector (dense.py), or None."""
    if not dense.enabled():
        return None
    own = "needs" if target_kind == "achievements" else "achievements"
    try:
        snap = index.snapshot(own)
    except IndexOutdated:  # the source's own index: only where its vector lies
        snap = None
    return dense.source_vector(snap, source)


def _semantic(snap, query, source: dict, stored: dict, docnum: int):
    """(cosine, what it adds to the pair's score) of the two listings' vectors."""
    if query is None:
        return 0.0, 0.0
    cos = dense.cosine(query, snap.dense_vector(docnum))
    mine = dense.is_zh(f"{source.get('title') or ''}{source.get('body') or ''}")
    theirs = dense.is_zh(f"{stored.get('title') or ''}{stored.get('body') or ''}")
    return cos, dense.bonus(cos, mine != theirs)


def _ranked(index, snap, source, target_kind, docnums, limit, pool=None, query=None):
    """The candidates scored as pairs (pairscore.py), best first: the best
    ``pool`` of them by how well they answer the source (one direction, the
    cheaper part, plus the vectors' closeness), then those by the pair's score."""
    stats = load_stats(index.directory)
    mine = side(stats, source, stored=False)
    # Every candidate goes on (score_pairs, or few of them): the first ordering
    # would change nothing, the list is ordered by the pair's score below.
    every = pool is None or len(docnums) <= pool
    first = []
    for docnum in docnums:
        stored, theirs = stored_side(snap, stats, docnum)
        sem = _semantic(snap, query, source, stored, docnum)
        value = 0.0 if every else strength(stats, mine, theirs, hits(mine, theirs))
        first.append((-value - sem[1], int(stored["id"]), stored, theirs, sem))
    first.sort(key=lambda x: x[:2])
    out = []
    for _, _, stored, theirs, (cos, near) in first[: pool or len(first)]:
        forward = hits(mine, theirs, MAX_FORMS)
        back = hits(theirs, mine, MAX_FORMS)
        if not forward and not back and not near:
            continue
        text = combine(
            strength(stats, mine, theirs, forward),
            strength(stats, theirs, mine, back),
        )
        fits, adjust = _fits(source, stored, target_kind)
        # The vectors' part as a noisy-or: it counts for less where the words
        # already say much (and the score stays within 0-1).
        value = round(text + near * max(0.0, 1.0 - text) + adjust, 9)
        out.append((value, stored, forward, back, fits, text, theirs, cos))
    # One value orders the list and is the score shown (a function of the
    # pair alone: pairscore.py, dense.py); ties by id.
    out.sort(key=lambda x: (-x[0], int(x[1]["id"])))
    found = []
    for value, stored, forward, back, fits, text, theirs, cos in out[:limit]:
        why = reason_terms(founds(mine, forward), founds(theirs, back))
        reasons = {**why, **fits, "text_score": round(text, 3)}
        if cos > dense.FLOOR:
            # A named relation, not shared words: the two texts' meanings.
            reasons["semantic"] = cos
        score = round(max(0.0, min(1.0, value)) * 100, 1)
        found.append(Match(int(stored["id"]), score, reasons))
    return found


def score_pairs(index: SearchIndex, source: dict, target_kind: str, ids) -> list[Match]:
    """The given partners of ``source`` (app ids of published listings of
    ``target_kind``) scored as :func:`match_need` would score them; those
    without a word in common are left out. Keeps a stored pair's score
    current when either listing changes."""
    snap = index.snapshot(target_kind)
    wanted = np.asarray(sorted({int(i) for i in ids}), dtype=np.int64)
    if not len(wanted):
        return []
    allowed = filter_mask(snap, _filter_key(None))
    col = snap.doc_ids()
    if col is None:  # an index from before the id column: read stored ids
        docnums = [
            d
            for d in np.flatnonzero(allowed).tolist()
            if int(snap.stored_fields(d)["id"]) in set(wanted.tolist())
        ]
    else:
        docnums = np.flatnonzero(np.isin(col, wanted) & allowed).tolist()
    query = _query_vector(index, source, target_kind)
    return _ranked(index, snap, source, target_kind, docnums, len(wanted), None, query)


def _fits(source: dict, stored: dict, target_kind: str) -> tuple[dict, float]:
    """Field, TRL, price and cooperation fit of the pair, and what they add."""
    if target_kind == "achievements":
        trl = _trl_fit(source.get("trl_min"), stored.get("trl"))
        price = _price_fit(stored.get("price"), source.get("budget_max_fen"))
    else:
        trl = _trl_fit(stored.get("trl"), source.get("trl"))
        price = _price_fit(source.get("price_fen"), stored.get("price"))
    ffit = _field_fit(source.get("field"), stored.get("field"))
    mine = set(source.get("cooperation_modes") or [])
    theirs = set((stored.get("cooperation_modes") or "").split(",")) - {""}
    shared = sorted(mine & theirs)
    adjust = _ADJUST[ffit["fit"]] + _ADJUST[trl["fit"]] + _ADJUST[price["fit"]]
    if mine and theirs:
        adjust += 0.02 if shared else -0.02
    fits = {
        "field_fit": ffit,
        "trl_fit": trl,
        "price_fit": price,
        "cooperation_fit": {"shared": shared},
    }
    return fits, adjust


def match_need(index: SearchIndex, need_doc: dict, limit: int = 20) -> list[Match]:
    """Published achievements that could answer a need (app dict), best first."""
    return _match(index, need_doc, "achievements", limit)


def match_achievement(
    index: SearchIndex, ach_doc: dict, limit: int = 20
) -> list[Match]:
    """Published needs that an achievement (app dict) could serve, best first."""
    return _match(index, ach_doc, "needs", limit)
