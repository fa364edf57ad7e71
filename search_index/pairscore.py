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

from .analysis import _CJK, Word
from .concepts import (
    MAX_CONCEPTS,
    PRIOR_DOCS,
    REF_DF_RATE,
    _alternatives,
    _Concept,
    _prior_rate,
    _source_concepts,
    alternatives,
)
from .evidence import MAX_FORMS, _find, _modifier_words, _partner_text
from .lru import _LRU
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
#: Alternatives this strong stand for the concept itself (word, synonym, translation).
SAME_MIN = 0.6
#: The two directions combined: the better one counts BEST_SHARE, the other
#: the rest (symmetric: it does not matter which listing is the source).
BEST_SHARE = 0.5


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


@lru_cache(maxsize=262144)
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


class Alt(NamedTuple):
    text: str
    weight: float
    relation: str
    words: tuple[str, ...]
    #: One word that modifies no multi-word trade term: its terms suffice.
    plain: bool


@lru_cache(maxsize=65536)
def _alts(key: str) -> tuple[tuple[Alt, ...], frozenset[str], dict[str, tuple]]:
    """A concept's alternatives, best first; the first words of them all; the
    alternatives' numbers by first word."""
    modifiers = _modifier_words()
    alts = tuple(
        Alt(a, w, r, tuple(a.split()), " " not in a and a not in modifiers)
        for a, w, r in _alternatives(key)
    )
    by_first: dict[str, list[int]] = {}
    for i, a in enumerate(alts):
        by_first.setdefault(a.words[0], []).append(i)
    return alts, frozenset(by_first), {k: tuple(v) for k, v in by_first.items()}


@lru_cache(maxsize=8192)
def _words(title: str, keywords: str, body: str, specs) -> tuple:
    """(texts, their terms, length in words) of one listing."""
    texts, per_text = [], []
    for text, spec in zip((title, keywords, body), specs, strict=True):
        if not text:
            texts.append(None)
            continue
        t = _partner_text(text, spec or None)
        own: set[str] = set()
        for i in range(len(t.starts)):
            word, subs, _ = t.term(i)
            own.add(word)
            own.update(subs)
        texts.append(t)
        per_text.append((t, frozenset(own)))
    terms = frozenset().union(*(own for _, own in per_text))
    title_terms = per_text[0][1] if texts[0] is not None else frozenset()
    length = sum(len(t.starts) for t, _ in per_text)
    # The last item: what concepts find in these texts (see find), filled as asked.
    return tuple(texts), tuple(per_text), terms, title_terms, length, {}


def _analysed(t) -> list[Word]:
    """A stored text's words as analyze() gives them, from its word bounds
    (no jieba run)."""
    out = []
    for i in range(len(t.starts)):
        text, subs, oov = t.term(i)
        start, end = t.starts[i], t.ends[i]
        if t.origin is not None:
            start, end = t.origin[start], t.origin[end - 1] + 1
        out.append(Word(text, subs, oov, start, end))
    return out


_concept_cache = _LRU(8192)


class _Weighed(NamedTuple):
    """A listing's weighed concepts, as the pair score reads them."""

    concepts: tuple[_Concept, ...]
    #: Their weights, and the sum of them (the direction's denominator).
    weights: tuple[float, ...]
    total: float
    #: Their positions by the first word of each of their alternatives.
    by_word: dict[str, tuple[int, ...]]


def _concepts(stats: PairStats, key: tuple, texts) -> _Weighed:
    return _concept_cache.get_or((stats, key), lambda: _indexed(stats, key, texts))


def _indexed(stats: PairStats, key: tuple, texts) -> _Weighed:
    concepts = _weigh(stats, key, texts)
    by_word: dict[str, list[int]] = {}
    for n, c in enumerate(concepts):
        for w in _alts(c.key)[1]:
            by_word.setdefault(w, []).append(n)
    return _Weighed(
        concepts,
        tuple(c.weight for c in concepts),
        sum(c.weight for c in concepts),
        {w: tuple(ns) for w, ns in by_word.items()},
    )


def _weigh(stats: PairStats, key: tuple, texts) -> tuple:
    title, keywords, body = key
    analysed = {
        name: _analysed(t)
        for name, t in zip(PARTS, texts, strict=True)
        if t is not None
    }
    found = _source_concepts(
        {"title": title, "keywords": keywords, "body": body}, analysed
    )
    weighed = []
    for key, c in found.items():
        alts = alternatives(key)
        # Weighed by its own words (the word, synonyms) in its own script: a
        # rare Chinese translation of a plain English word (layer: 图层) would
        # weigh the plain word like a trade term.
        cjk = bool(_CJK.search(key))
        best = max(
            (
                idf(stats, a) * w
                for a, w in alts.items()
                if w >= SAME_MIN and bool(_CJK.search(a)) == cjk
            ),
            default=0.0,
        )
        if best <= 0:
            continue
        tf = c.weight
        weighed.append(
            _Concept(key, c.surface, best * (tf * 2.2) / (tf + 1.2), alts, c.exact)
        )
    weighed.sort(key=lambda c: (-c.weight, c.key))
    return tuple(weighed[:MAX_CONCEPTS])


class Side:
    """One listing as the pair score sees it: its texts, their terms and
    (worked out when first asked for) its weighed concepts.

    ``memo`` (shared by every Side of the same texts): what each concept
    finds in them, by ``max_forms`` and concept key (see :func:`hits`).
    """

    __slots__ = (
        "_key",
        "_texts",
        "_weighed",
        "length",
        "memo",
        "per_text",
        "stats",
        "terms",
        "title",
        "title_terms",
    )

    def __init__(self, stats: PairStats, title, keywords, body, specs):
        got = _words(title, keywords, body, specs)
        self._texts, self.per_text, self.terms, self.title_terms, self.length = got[:5]
        self.memo = got[5]
        self.title = self._texts[0]
        self.stats = stats
        self._key = (title, keywords, body)
        self._weighed = None

    @property
    def weighed(self) -> _Weighed:
        if self._weighed is None:
            self._weighed = _concepts(self.stats, self._key, self._texts)
        return self._weighed

    @property
    def concepts(self) -> tuple[_Concept, ...]:
        return self.weighed.concepts


def side(stats: PairStats, doc: dict, stored: bool) -> Side:
    """A listing's side of the pair (its parts cached by its texts)."""
    title, keywords, body = texts_of(doc, stored)
    specs = tuple(doc.get(HIGHLIGHT_SPEC) or ()) if stored else ()
    specs = (specs + (None, None, None))[:3]
    return Side(stats, title, keywords, body, specs)


def _relation(c: _Concept, alt: Alt) -> str:
    return "part" if alt.relation == "same" and not c.exact else alt.relation


#: What a concept finds in a text: nothing, or (its best alternative there,
#: in the title?, the partner's words for it).
_ABSENT = ()


def hits(source: Side, partner: Side, max_forms: int = 0) -> list[tuple[int, tuple]]:
    """(position, what it finds) of each of the source's concepts the
    partner's text holds, in the source's order (see :func:`find`).

    A listing is the partner of many sources and their concepts recur, so
    what a concept finds in a text is worked out once (``partner.memo``);
    only concepts with an alternative's first word among the partner's terms
    are looked at."""
    weighed = source.weighed
    by_word = weighed.by_word
    hit: set[int] = set()
    for w in by_word.keys() & partner.terms:
        hit.update(by_word[w])
    if not hit:
        return []
    memo = partner.memo.get(max_forms)
    if memo is None:
        memo = partner.memo.setdefault(max_forms, {})
    concepts = weighed.concepts
    out = []
    for n in sorted(hit):
        key = concepts[n].key
        got = memo.get(key)
        if got is None:
            got = memo[key] = _look(key, partner, max_forms)
        if got is not _ABSENT:
            out.append((n, got))
    return out


def _look(key: str, partner: Side, max_forms: int):
    """What concept ``key`` finds in the partner's text: _ABSENT, or (its best
    alternative the partner holds on its own, in the title?, up to
    ``max_forms`` of the partner's words for it)."""
    alts, firsts, by_first = _alts(key)
    concept_alts = alternatives(key)
    terms = partner.terms
    present = firsts & terms
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
            form, _ = _find(t, alt.text, concept_alts)
            if form is None:
                continue
            if best is None:
                best = alt
                in_title = t is partner.title and alt.weight >= SAME_MIN
            if form.casefold() not in (f.casefold() for f in forms):
                forms.append(form)
            if len(forms) >= max_forms:
                break
    if best is None:
        return _ABSENT
    return best, in_title, tuple(forms)


def founds(source: Side, found: list[tuple[int, tuple]]) -> list[Found]:
    """:func:`hits` as Found (for the reasons)."""
    concepts = source.concepts
    out = []
    for n, (alt, in_title, forms) in found:
        c = concepts[n]
        out.append(Found(c, alt.weight, list(forms), _relation(c, alt), in_title))
    return out


def find(source: Side, partner: Side, max_forms: int = 0) -> list[Found]:
    """The source's concepts the partner's text holds on their own (its
    best alternative there; in the title?), with up to ``max_forms`` of the
    partner's words for each (those of the best alternative's kind).

    Without words wanted (``max_forms`` 0: a first ordering of candidates)
    a plain word counts where its terms are, unread."""
    return founds(source, hits(source, partner, max_forms))


def strength(stats: PairStats, source: Side, partner: Side, found) -> float:
    """How well the partner's text answers the source's concepts (0-1), from
    what :func:`hits` found."""
    weighed = source.weighed
    total = weighed.total
    if not total or not found:
        return 0.0
    weights = weighed.weights
    covered = sum(weights[n] * min(1.0, f[0].weight / 0.7) for n, f in found)
    raw = sum(
        weights[n] * (f[0].weight + (TITLE_BONUS if f[1] else 0.0)) for n, f in found
    )
    length = max(partner.length, 1)
    norm = (BM25_K1 + 1) / (
        1 + BM25_K1 * (1 - BM25_B + BM25_B * length / stats.avg_length)
    )
    text = min(1.0, raw * norm / (total * (1.0 + TITLE_BONUS)))
    evidence = 1.0 - math.exp(-covered / reference_idf(stats) / EVIDENCE)
    return evidence * (COVERAGE_SHARE * covered / total + TEXT_SHARE * text)


def direction(stats: PairStats, source: Side, partner: Side) -> float:
    """How well the partner's text answers the source's concepts (0-1)."""
    return strength(stats, source, partner, hits(source, partner))


def combine(a: float, b: float) -> float:
    """The pair's text score from its two directions (symmetric)."""
    hi, lo = max(a, b), min(a, b)
    return BEST_SHARE * hi + (1 - BEST_SHARE) * lo


__all__ = ["MAX_FORMS", "Found", "Side", "combine", "direction", "find", "founds"]
__all__ += ["hits", "side", "strength"]
