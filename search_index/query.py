"""Keyword search over one index: parsing, filters, facets, highlights and hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as Q

from .analysis import analyze
from .arrays import Snapshot
from .engine import _int, evaluate, facet_counts, filter_mask, top_docs
from .highlight import highlight_docs, terms_to_mark
from .indexer import SearchIndex, _kind
from .qbuild import Concept, concept_query, concepts, phrase_query
from .schema import HIGHLIGHT_FIELDS, HIGHLIGHT_SPEC
from .thesaurus import get_thesaurus

MAX_QUERY_CHARS = 300
MAX_CONCEPTS = 8
MAX_EXCLUDES = 4
FACETS = ("field", "trl_band", "cooperation_modes", "pricing_mode", "org_type")
SORTS = ("relevance", "newest", "price_asc", "price_desc")
_CHUNK = re.compile(r'(-?)(?:"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+))')


@dataclass
class Hit:
    """One result: document id, score and HTML snippets per field."""

    id: int
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    """A page of results with counts, facets and hints for the UI."""

    hits: list[Hit]
    total: int
    total_is_estimate: bool = False
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    fallback_any: bool = False
    did_you_mean: str | None = None
    suggestions: list[str] = field(default_factory=list)


@dataclass
class ParsedQuery:
    """The user's string split into concepts, phrases and exclusions."""

    concepts: list[Concept]
    phrases: list[list]
    excludes: list[Q.Query]
    english: list[str]


def parse(q: str) -> ParsedQuery:
    """Split a user string safely: never raises, bounds the number of clauses."""
    q = (q or "")[:MAX_QUERY_CHARS]
    words, surfaces, phrases, excludes, english = [], [], [], [], []
    for m in _CHUNK.finditer(q):
        neg = bool(m.group(1))
        quoted = next((g for g in m.group(2, 3, 4) if g is not None), None)
        text = quoted if quoted is not None else m.group(5)
        analysed = analyze(text)
        if not analysed:
            continue
        if neg:
            pq = phrase_query(analysed) if quoted is not None else None
            if pq is None:
                pq = Q.Or([phrase_query([w]) for w in analysed])
            excludes.append(pq)
        elif quoted is not None:
            phrases.append(analysed)
        else:
            words.extend(analysed)
            surfaces += [text[w.start : w.end] for w in analysed]
    english = [w.lower() for w in surfaces]
    english = [w for w in english if w.isascii() and w.isalpha() and len(w) >= 4]
    return ParsedQuery(
        concepts(words, surfaces=surfaces)[:MAX_CONCEPTS],
        phrases[:MAX_CONCEPTS],
        excludes[:MAX_EXCLUDES],
        english,
    )


def _filter_key(filters: dict | None) -> tuple:
    filters = dict(filters or {})
    filters.setdefault("status", "published")
    return tuple(sorted((k, str(v)) for k, v in filters.items() if v not in (None, "")))


def allowed_docs(searcher_or_snapshot, filters: dict | None) -> set[int]:
    """Docnums passing the filters (kept for callers of the old interface)."""
    snap = searcher_or_snapshot
    if not isinstance(snap, Snapshot):
        raise TypeError("allowed_docs now takes a Snapshot (SearchIndex.snapshot)")
    return set(np.flatnonzero(filter_mask(snap, _filter_key(filters))).tolist())


def build_query(parsed: ParsedQuery, any_of: bool = False) -> Q.Query | None:
    """AND (or OR) of the concepts and phrases, minus the exclusions."""
    clauses = [concept_query(c) for c in parsed.concepts]
    clauses += [phrase_query(p) for p in parsed.phrases]
    if not clauses:
        return Q.Every() if parsed.excludes else None
    q = clauses[0] if len(clauses) == 1 else (Q.Or if any_of else Q.And)(clauses)
    if parsed.excludes:
        q = Q.AndNot(q, Q.Or(parsed.excludes))
    return q


def search(
    index: SearchIndex,
    kind: str,
    q: str,
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
    highlights: bool = True,
) -> SearchResult:
    """Search one index (achievements or needs) with the house query syntax.

    Plain words must all match (each with its thesaurus synonyms); when no
    document has them all, any may match and ``fallback_any`` is set. Without
    ``highlights`` the hits carry no snippets (for callers that show none).
    """
    kind = _kind(kind)
    sort = sort if sort in SORTS else "relevance"
    page = max(1, _int(page) or 1)
    per_page = min(max(1, _int(per_page) or 20), 100)
    snap = index.snapshot(kind)
    parsed = parse(q)
    allowed = filter_mask(snap, _filter_key(filters))
    query = build_query(parsed)
    if query is None:
        query, sort = Q.Every(), ("newest" if sort == "relevance" else sort)
    limit = page * per_page
    scores = evaluate(snap, query)
    matched = np.flatnonzero((scores > 0) & allowed)
    fallback = False
    n_clauses = len(parsed.concepts) + len(parsed.phrases)
    if not len(matched) and n_clauses > 1:
        scores = evaluate(snap, build_query(parsed, any_of=True))
        matched = np.flatnonzero((scores > 0) & allowed)
        fallback = len(matched) > 0
    groups = [c.highlight_terms() for c in parsed.concepts]
    groups += [{w.text for w in p} for p in parsed.phrases]
    terms = terms_to_mark(groups) if highlights else None
    top = top_docs(snap, scores, matched, sort, limit)
    # Without snippets the ids come from their column: no stored fields read.
    ids = None if highlights else snap.doc_ids()
    hits, stored = [], []
    for docnum in top[(page - 1) * per_page : limit].tolist():
        if ids is None:
            stored.append(snap.stored_fields(docnum))
            doc_id = int(stored[-1]["id"])
        else:
            doc_id = int(ids[docnum])
        score = float(scores[docnum]) if sort == "relevance" else 0.0
        hits.append(Hit(doc_id, round(score, 4)))
    if highlights:
        for hit, snippets in zip(hits, _snippets(stored, terms), strict=True):
            hit.highlights = snippets
    result = SearchResult(hits, len(matched), False, fallback_any=fallback)
    if facets:
        result.facets = facet_counts(snap, matched, FACETS)
    with snap._lock:
        result.did_you_mean = did_you_mean(snap.searcher, q, parsed.english)
    if not len(matched):
        result.suggestions = suggestions(snap, parsed)
    return result


_WHOLES = [name != "body" for name in HIGHLIGHT_FIELDS]


def _snippets(stored: list[dict], terms) -> list[dict[str, str]]:
    """Per hit (its stored fields), the snippets of its title, keywords and
    body (HTML, words marked), all hits scanned in one pass."""
    docs = []
    for fields in stored:
        texts = [fields.get(name) or "" for name in HIGHLIGHT_FIELDS]
        specs = list(fields.get(HIGHLIGHT_SPEC) or ())[: len(texts)]
        specs += [None] * (len(texts) - len(specs))
        docs.append((texts, specs))
    marked = highlight_docs(docs, terms, _WHOLES)
    return [dict(zip(HIGHLIGHT_FIELDS, m, strict=True)) for m in marked]


def did_you_mean(searcher, q: str, english: list[str]) -> str | None:
    """The query with unknown English words replaced by close indexed words."""
    if not english:
        return None
    fixed = q
    changed = False
    for word in dict.fromkeys(english):
        if searcher.doc_frequency("spell", word):
            continue
        corrector = searcher.corrector("spell")
        best = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
        if best and best[0] != word:
            fixed = re.sub(re.escape(word), best[0], fixed, flags=re.IGNORECASE)
            changed = True
    return fixed if changed else None


def suggestions(snap, parsed: ParsedQuery, limit: int = 5) -> list[str]:
    """Broader queries to offer when nothing matched: synonyms, fewer words."""
    th = get_thesaurus()
    out: list[str] = []
    for c in parsed.concepts:
        for member in th.members(c.key):
            keys = [w.text for w in analyze(member)]
            if (
                len(keys) == 1
                and keys[0] != c.key
                and member not in out
                and snap.doc_frequency("text", keys[0])
            ):
                out.append(member)
    if len(parsed.concepts) > 1:
        for i in range(len(parsed.concepts)):
            rest = [c.surface for j, c in enumerate(parsed.concepts) if j != i]
            out.append(" ".join(rest))
    return out[:limit]
