"""Keyword search over one index: filters, facets, highlights (parsing in
qparse.py, hints in hints.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as Q

from .arrays import Snapshot
from .engine import _int, evaluate, facet_counts, filter_mask, top_docs
from .highlight import highlight_docs, terms_to_mark
from .hints import (  # noqa: F401 (the old interface: imported from here)
    MAX_EDITS,
    MAX_SUGGESTION_TRIES,
    _finds,
    did_you_mean,
    suggestions,
)
from .indexer import SearchIndex, _kind
from .qparse import (  # noqa: F401 (the old interface: imported from here)
    MAX_CONCEPTS,
    MAX_CONTAINS,
    MAX_EXCLUDES,
    MAX_QUERY_CHARS,
    QUERY_FILLER,
    ParsedQuery,
    _filter_key,
    build_query,
    expand_characters,
    parse,
)
from .schema import HIGHLIGHT_FIELDS, HIGHLIGHT_SPEC

FACETS = ("field", "trl_band", "cooperation_modes", "pricing_mode", "org_type")
SORTS = ("relevance", "newest", "price_asc", "price_desc")


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


def allowed_docs(searcher_or_snapshot, filters: dict | None) -> set[int]:
    """Docnums passing the filters (kept for callers of the old interface)."""
    snap = searcher_or_snapshot
    if not isinstance(snap, Snapshot):
        raise TypeError("allowed_docs now takes a Snapshot (SearchIndex.snapshot)")
    return set(np.flatnonzero(filter_mask(snap, _filter_key(filters))).tolist())


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
    only_ids: Collection[int] | None = None,
) -> SearchResult:
    """Search one index (achievements or needs) with the house query syntax.

    Plain words must all match (each with its thesaurus synonyms); when no
    document has them all, any may match and ``fallback_any`` is set. Without
    ``highlights`` the hits carry no snippets (for callers that show none).
    ``only_ids`` keeps the documents with those app ids only (the needs that
    have a published call, say); counts and facets are of those.
    """
    kind = _kind(kind)
    sort = sort if sort in SORTS else "relevance"
    page = max(1, _int(page) or 1)
    per_page = min(max(1, _int(per_page) or 20), 100)
    snap = index.snapshot(kind)
    parsed = parse(q, snap)
    allowed = filter_mask(snap, _filter_key(filters))
    if only_ids is not None:
        allowed = allowed & _id_mask(snap, only_ids)
    query = build_query(parsed) or Q.Every()
    n_clauses = len(parsed.concepts) + len(parsed.phrases)
    if not n_clauses and sort == "relevance":
        sort = "newest"  # nothing to rank by (no words, or only exclusions)
    limit = page * per_page
    scores = evaluate(snap, query)
    matched = np.flatnonzero((scores > 0) & allowed)
    fallback = False
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
    # Hints are checked against what their links search: the same kind of
    # reader (status and audience), without the page's other filters.
    scope = {k: v for k, v in (filters or {}).items() if k in ("status", "audience")}
    result.did_you_mean = did_you_mean(snap.searcher, q, parsed.english, snap, scope)
    if not len(matched):
        reach = filter_mask(snap, _filter_key(scope))
        result.suggestions = suggestions(snap, parsed, reach, q=q)
    return result


def _id_mask(snap: Snapshot, only_ids: Collection[int]) -> np.ndarray:
    """True for the documents whose app id is in ``only_ids``."""
    wanted = np.fromiter((int(i) for i in only_ids), np.int64)
    ids = snap.doc_ids()
    if ids is None:  # an index written before the id column: read the stored ids
        ids = np.fromiter(
            (int(snap.stored_fields(d).get("id") or -1) for d in range(snap.n)),
            np.int64,
            snap.n,
        )
    return np.isin(ids, wanted)


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
