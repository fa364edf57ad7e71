"""One pair, one score: a need and an achievement scored from their two texts alone.

The score is a symmetric function of the pair: each listing's concepts
(concepts.py; title, keywords, body) are looked for in the other's text, both
weighed by the frozen corpus statistics of pairstats.py, and the two
directions are combined symmetrically. So a pair scores the same from the
need's side and the achievement's, whatever was published before it (the
panel, the CLI, the API and alerts show one figure); retrieval (matching.py)
only decides which pairs are looked at.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from .concepts import (
    MAX_CONCEPTS,
    PRIOR_DOCS,
    REF_DF_RATE,
    _Concept,
    _prior_rate,
    _source_concepts,
    alternatives,
)
from .evidence import MAX_FORMS, _find, _partner_text, _Text
from .pairstats import PairStats
from .schema import HIGHLIGHT_SPEC, _keywords_text, as_text

#: Parts of a listing that both sides have (stored fields of the partner).
PARTS = ("title", "keywords", "body")
TITLE_BONUS = 0.5
BM25_K1 = 1.2
BM25_B = 0.5
COVERAGE_SHARE = 0.55
TEXT_SHARE = 0.45
EVIDENCE = 2.0
#: The two directions combined: the better one counts BEST_SHARE, the other
#: the rest (symmetric: it does not matter which listing is the source).
BEST_SHARE = 0.5


class Side(NamedTuple):
    """One listing as the pair score sees it: its texts and weighed concepts."""

    texts: tuple[_Text, ...]
    terms: frozenset[str]
    length: int
    concepts: tuple[_Concept, ...]


class Found(NamedTuple):
    """A concept of one side in the other's text."""

    concept: _Concept
    weight: float
    forms: list[str]
    relation: str
    in_title: bool


def texts_of(doc: dict, stored: bool) -> tuple[str, str, str]:
    """(title, keywords, body) of an app dict or of an index's stored fields."""
    if stored:
        return tuple(as_text(doc.get(p)) for p in PARTS)
    return as_text(doc.get("title")), _keywords_text(doc), as_text(doc.get("body"))


def idf(stats: PairStats, term: str) -> float:
    """BM25's IDF over the frozen corpus plus PRIOR_DOCS pseudo-documents of
    general language (which decide while the market is small)."""
    n = PRIOR_DOCS + stats.n
    # A phrase is held by no more documents than its rarest word.
    df = PRIOR_DOCS * _prior_rate(term) + min(stats.df.get(w, 0) for w in term.split())
    return math.log(1 + max(0.0, n - df + 0.5) / (df + 0.5))


def reference_idf(stats: PairStats) -> float:
    n = PRIOR_DOCS + stats.n
    df = max(1.0, REF_DF_RATE * n)
    return math.log(1 + max(0.5, n - df + 0.5) / (df + 0.5))


@lru_cache(maxsize=4096)
def _side(stats: PairStats, title: str, keywords: str, body: str, specs) -> Side:
    texts = []
    for text, spec in zip((title, keywords, body), specs, strict=True):
        texts.append(_partner_text(text, spec or None) if text else None)
    terms: set[str] = set()
    length = 0
    for t in texts:
        if t is None:
            continue
        length += len(t.starts)
        for i in range(len(t.starts)):
            text, subs, _ = t.term(i)
            terms.add(text)
            terms.update(subs)
    found = _source_concepts({"title": title, "keywords": keywords, "body": body})
    weighed = []
    for key, c in found.items():
        alts = alternatives(key)
        best = max((idf(stats, a) * w for a, w in alts.items()), default=0.0)
        if best <= 0:
            continue
        tf = c.weight
        weighed.append(
            _Concept(key, c.surface, best * (tf * 2.2) / (tf + 1.2), alts, c.exact)
        )
    weighed.sort(key=lambda c: (-c.weight, c.key))
    return Side(
        tuple(t for t in texts if t is not None),
        frozenset(terms),
        length,
        tuple(weighed[:MAX_CONCEPTS]),
    )


def side(stats: PairStats, doc: dict, stored: bool) -> Side:
    """A listing's side of the pair (cached by its texts and the statistics)."""
    title, keywords, body = texts_of(doc, stored)
    specs = tuple(doc.get(HIGHLIGHT_SPEC) or ()) if stored else ()
    specs = (specs + (None, None, None))[:3]
    return _side(stats, title, keywords, body, specs)


def _holds(terms: frozenset[str], alt: str) -> bool:
    return all(w in terms for w in alt.split())


def find(source: Side, partner: Side, max_forms: int = 1) -> list[Found]:
    """The source's concepts the partner's text holds, with its words for them."""
    out = []
    title = partner.texts[0] if partner.texts else None
    for c in source.concepts:
        best, in_title, forms = None, False, []
        for alt, w in c.alts.items():  # best first
            if best is not None and (
                len(forms) >= max_forms or relation_of(c, alt) != relation_of(c, best)
            ):
                break
            if not _holds(partner.terms, alt):
                continue
            for t in partner.texts:
                form, _ = _find(t, alt, c.alts)
                if form is None:
                    continue
                if best is None:
                    best = alt
                in_title = in_title or (t is title and w >= 0.7)
                if form.casefold() not in (f.casefold() for f in forms):
                    forms.append(form)
                if len(forms) >= max_forms:
                    break
        if best is not None:
            out.append(Found(c, c.alts[best], forms, relation_of(c, best), in_title))
    return out


def relation_of(c: _Concept, alt: str) -> str:
    from .concepts import relation

    rel = relation(c.key, alt)
    if rel == "same" and not c.exact:
        return "part"
    return rel


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
    """The pair's text score from its two directions (symmetric)."""
    hi, lo = max(a, b), min(a, b)
    return BEST_SHARE * hi + (1 - BEST_SHARE) * lo


__all__ = ["MAX_FORMS", "Found", "Side", "combine", "direction", "find", "side"]
