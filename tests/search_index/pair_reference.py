"""The pair score and the first pass of matching as they were before they were
made cheaper (search_index before the per-text memo and the per-snapshot
caches), kept only to test that the new code gives the same pairs, scores and
reasons. Not used by the app."""

from __future__ import annotations

import math

import numpy as np

from search_index.concepts import _NONE, _choose, _Concept, _postings, _source_concepts
from search_index.engine import filter_mask
from search_index.evidence import MAX_FORMS, _find
from search_index.matching import Match, _fits
from search_index.pairscore import (
    BEST_SHARE,
    BM25_B,
    BM25_K1,
    COVERAGE_SHARE,
    EVIDENCE,
    SAME_MIN,
    TEXT_SHARE,
    TITLE_BONUS,
    Found,
    Side,
    _alts,
    _relation,
    reference_idf,
    side,
)
from search_index.pairstats import PairStats, load_stats
from search_index.qparse import _filter_key
from search_index.reasons import reason_terms

CANDIDATES = 60
PAIR_POOL = 30
DF_CAP = 0.08
DF_CAP_DOCS = 3000


def find(source: Side, partner: Side, max_forms: int = 0) -> list[Found]:
    """The source's concepts the partner's text holds on their own (its
    best alternative there; in the title?), with up to ``max_forms`` of the
    partner's words for each (those of the best alternative's kind).

    Without words wanted (``max_forms`` 0: a first ordering of candidates)
    a plain word counts where its terms are, unread."""
    out = []
    terms = partner.terms
    for c in source.concepts:
        alts, firsts, by_first = _alts(c.key)
        present = firsts & terms
        if not present:
            continue
        best, in_title, forms = None, False, []
        for i in sorted(i for w in present for i in by_first[w]):  # best first
            alt = alts[i]
            if best is not None and (
                len(forms) >= max_forms or alt.relation != best.relation
            ):
                break
            if not all(w in terms for w in alt.words):
                continue
            if not max_forms and alt.plain:
                # Scoring only: a single word that modifies no trade term is
                # where its terms are (the words are read for the reasons).
                best = alt
                in_title = alt.weight >= SAME_MIN and alt.text in partner.title_terms
                break
            for t, own in partner.per_text:
                if not all(w in own for w in alt.words):
                    continue
                form, _ = _find(t, alt.text, c.alts)
                if form is None:
                    continue
                if best is None:
                    best = alt
                    in_title = t is partner.title and alt.weight >= SAME_MIN
                if form.casefold() not in (f.casefold() for f in forms):
                    forms.append(form)
                if len(forms) >= max_forms:
                    break
        if best is not None:
            out.append(Found(c, best.weight, forms, _relation(c, best), in_title))
    return out


def direction(stats: PairStats, source: Side, partner: Side, found=None) -> float:
    """How well the partner's text answers the source's concepts (0-1)."""
    total = sum(c.weight for c in source.concepts)
    if not total:
        return 0.0
    found = find(source, partner) if found is None else found
    if not found:
        return 0.0
    covered = sum(f.concept.weight * min(1.0, f.weight / 0.7) for f in found)
    raw = sum(
        f.concept.weight * (f.weight + (TITLE_BONUS if f.in_title else 0.0))
        for f in found
    )
    length = max(partner.length, 1)
    norm = (BM25_K1 + 1) / (
        1 + BM25_K1 * (1 - BM25_B + BM25_B * length / stats.avg_length)
    )
    text = min(1.0, raw * norm / (total * (1.0 + TITLE_BONUS)))
    strength = 1.0 - math.exp(-covered / reference_idf(stats) / EVIDENCE)
    return strength * (COVERAGE_SHARE * covered / total + TEXT_SHARE * text)


def combine(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return BEST_SHARE * hi + (1 - BEST_SHARE) * lo


def _accumulate(snap, chosen: list[_Concept], allowed: np.ndarray) -> dict:
    """Score-at-a-time retrieval: concept weight x best alternative, per document.

    Terms held by more than DF_CAP of the documents (weak evidence) are
    skipped. Dense numpy arrays, one slot per document. Returns the best
    CANDIDATES documents.
    """
    cap = max(50, min(int(DF_CAP * snap.n), DF_CAP_DOCS))
    acc = np.zeros(snap.n, np.float64)
    # Per concept: (docnums, alternative numbers) sorted by doc, best first; title docs.
    per_concept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for c in chosen:
        docs, which = [], []
        for j, alt in enumerate(c.alts):
            d = _postings(snap, "text", alt, cap)
            if len(d):
                docs.append(d)
                which.append(np.full(len(d), j))
        title = _postings(snap, "title", c.key, cap)
        if not docs:
            per_concept.append((_NONE, _NONE, _NONE))
            continue
        d, j = np.concatenate(docs), np.concatenate(which)
        weights = np.array(list(c.alts.values()))
        order = np.lexsort((-weights[j], d))  # by doc, best alternative first
        d, j = d[order], j[order]
        keep = allowed[d]
        d, j = d[keep], j[keep]
        per_concept.append((d, j, title))
        first = np.ones(len(d), bool)
        first[1:] = d[1:] != d[:-1]
        best_d, best_w = d[first], weights[j[first]]
        if len(title):
            best_w = best_w + TITLE_BONUS * np.isin(best_d, title)
        acc[best_d] += c.weight * best_w
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
    out = {int(cand[k]): (float(norm[k]), {}) for k in order.tolist()}
    keep = np.array(sorted(out), dtype=np.int64)
    kept = np.zeros(snap.n, bool)
    kept[keep] = True
    for i, (d, j, title) in enumerate(per_concept):
        if not len(d):
            continue
        sel = kept[d]
        alts = list(chosen[i].alts)
        titled = set(title[kept[title]].tolist()) if len(title) else ()
        for doc, alt in zip(d[sel].tolist(), j[sel].tolist(), strict=True):
            entry = out[doc][1].get(i)
            if entry is None:
                entry = out[doc][1][i] = ([], doc in titled)
            entry[0].append(alts[alt])
    return out


def match(index, source: dict, target_kind: str, limit: int = 20) -> list[Match]:
    snap = index.snapshot(target_kind)
    chosen = _choose(snap, _source_concepts(source))
    if not chosen:
        return []
    allowed = filter_mask(snap, _filter_key(None))
    if source.get("org_id") is not None:
        own = filter_mask(snap, _filter_key({"org_id": source["org_id"]}))
        allowed = allowed & ~own if own.any() else allowed
    hits = _accumulate(snap, chosen, allowed)
    pool = max(PAIR_POOL, limit)
    return ranked(index, snap, source, target_kind, list(hits), limit, pool)


def ranked(index, snap, source, target_kind, docnums, limit, pool=None):
    """The candidates scored as pairs (pairscore.py), best first: the best
    ``pool`` of them by how well they answer the source (one direction, the
    cheaper part), then those by the pair's score."""
    stats = load_stats(index.directory)
    mine = side(stats, source, stored=False)
    # Every candidate goes on (score_pairs, or few of them): the first ordering
    # would change nothing, the list is ordered by the pair's score below.
    every = pool is None or len(docnums) <= pool
    first = []
    for docnum in docnums:
        stored = snap.stored_fields(docnum)
        theirs = side(stats, stored, stored=True)
        value = 0.0
        if not every:
            forward = find(mine, theirs)
            value = direction(stats, mine, theirs, forward) if forward else 0.0
        first.append((-value, int(stored["id"]), stored, theirs))
    first.sort(key=lambda x: x[:2])
    out = []
    for _, _, stored, theirs in first[: pool or len(first)]:
        forward = find(mine, theirs, MAX_FORMS)
        back = find(theirs, mine, MAX_FORMS)
        if not forward and not back:
            continue
        text = combine(
            direction(stats, mine, theirs, forward),
            direction(stats, theirs, mine, back),
        )
        fits, adjust = _fits(source, stored, target_kind)
        out.append((round(text + adjust, 9), stored, forward, back, fits, text))
    # One value orders the list and is the score shown (a function of the
    # pair alone: pairscore.py); ties by id.
    out.sort(key=lambda x: (-x[0], int(x[1]["id"])))
    found = []
    for value, stored, forward, back, fits, text in out[:limit]:
        reasons = {**reason_terms(forward, back), **fits, "text_score": round(text, 3)}
        score = round(max(0.0, min(1.0, value)) * 100, 1)
        found.append(Match(int(stored["id"]), score, reasons))
    return found
