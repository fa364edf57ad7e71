"""Keyword search over one index: parsing, filters, facets, highlights and hints."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from whoosh import collectors, sorting
from whoosh import query as Q

from .analysis import analyze
from .highlight import highlight
from .indexer import SearchIndex, _kind
from .qbuild import Concept, concept_query, concepts, phrase_query
from .schema import NO_PRICE
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


def _filter_query(key: tuple) -> Q.Query:
    f = dict(key)
    qs = []
    for name, fieldname in (
        ("status", "status"),
        ("field", "field"),
        ("trl_band", "trl_band"),
        ("cooperation_mode", "cooperation_modes"),
        ("pricing_mode", "pricing_mode"),
        ("org_type", "org_type"),
    ):
        if name in f:
            qs.append(Q.Term(fieldname, f[name]))
    if "org_id" in f:
        qs.append(Q.Term("org_id", str(f["org_id"])))
    if "trl_min" in f or "trl_max" in f:
        qs.append(Q.NumericRange("trl", _int(f.get("trl_min")), _int(f.get("trl_max"))))
    if "price_min_fen" in f or "price_max_fen" in f:
        hi = _int(f.get("price_max_fen"))
        hi = NO_PRICE - 1 if hi is None else hi
        qs.append(Q.NumericRange("price", _int(f.get("price_min_fen")) or 0, hi))
    return Q.And(qs) if qs else Q.Every()


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cached(searcher, name: str, key, build):
    cache = searcher.__dict__.setdefault("_eyewear_cache", {})
    slot = cache.setdefault(name, {})
    if key not in slot:
        if len(slot) > 64:
            slot.clear()
        slot[key] = build()
    return slot[key]


def allowed_docs(searcher, filters: dict | None) -> set[int]:
    """Docnums passing the filters, cached per searcher (i.e. per index version)."""
    key = _filter_key(filters)
    return _cached(
        searcher, "filters", key, lambda: set(_filter_query(key).docs(searcher))
    )


def _facet_values(searcher, name: str) -> list:
    column = "coop_key" if name == "cooperation_modes" else name

    def build():
        values = []
        for reader, _ in searcher.reader().leaf_readers():
            if reader.has_column(column):
                values.extend(reader.column_reader(column))
            else:
                values.extend([None] * reader.doc_count_all())
        if column == "coop_key":
            return [v.split(",") if v else None for v in values]
        return [v or None for v in values]

    return _cached(searcher, "facets", name, build)


class _Recorder(collectors.WrappingCollector):
    """Keeps every matching docnum (for exact totals and facet counts)."""

    def prepare(self, top_searcher, q, context):
        self.docnums = []
        self.child.prepare(top_searcher, q, context)

    def collect(self, sub_docnum):
        self.docnums.append(self.child.offset + sub_docnum)
        return self.child.collect(sub_docnum)


def _sort_facet(sort: str):
    if sort == "newest":
        return sorting.FieldFacet("published_at", reverse=True)
    if sort == "price_asc":
        return sorting.FieldFacet("price")
    if sort == "price_desc":
        return sorting.MultiFacet(
            [
                sorting.FieldFacet("has_price", reverse=True),
                sorting.FieldFacet("price", reverse=True),
            ]
        )
    return None


def _run(searcher, q, allowed, limit, sort, want_all):
    facet = _sort_facet(sort)
    if facet is None:
        child = collectors.TopCollector(limit=limit)
    else:
        child = collectors.SortingCollector(facet, limit=limit)
    rec = _Recorder(child) if want_all else None
    top = collectors.FilterCollector(rec or child, allow=allowed)
    searcher.search_with_collector(q, top)
    return top.results(), rec


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
) -> SearchResult:
    """Search one index (achievements or needs) with the house query syntax.

    Plain words must all match (each with its thesaurus synonyms); when no
    document has them all, any may match and ``fallback_any`` is set.
    """
    kind = _kind(kind)
    sort = sort if sort in SORTS else "relevance"
    page = max(1, _int(page) or 1)
    per_page = min(max(1, _int(per_page) or 20), 100)
    searcher = index.searcher(kind)
    parsed = parse(q)
    allowed = allowed_docs(searcher, filters)
    query = build_query(parsed)
    if query is None:
        query, sort = Q.Every(), ("newest" if sort == "relevance" else sort)
    limit = page * per_page
    results, rec = _run(searcher, query, allowed, limit, sort, facets)
    fallback = False
    n_clauses = len(parsed.concepts) + len(parsed.phrases)
    if results.scored_length() == 0 and n_clauses > 1:
        results, rec = _run(
            searcher, build_query(parsed, any_of=True), allowed, limit, sort, facets
        )
        fallback = results.scored_length() > 0
    if rec is not None:
        total, estimate = len(rec.docnums), False
    else:
        estimate = not results.has_exact_length()
        total = results.estimated_length() if estimate else len(results)
    terms = set()
    for c in parsed.concepts:
        terms |= c.highlight_terms()
    for p in parsed.phrases:
        terms |= {w.text for w in p}
    hits = []
    for r in results[(page - 1) * per_page : limit]:
        stored = r.fields()
        hl = {
            name: highlight(stored.get(name) or "", terms, whole=(name != "body"))
            for name in ("title", "keywords", "body")
        }
        score = float(r.score or 0.0) if sort == "relevance" else 0.0
        hits.append(Hit(int(stored["id"]), round(score, 4), hl))
    result = SearchResult(hits, total, estimate, fallback_any=fallback)
    if rec is not None:
        result.facets = _count_facets(searcher, rec.docnums)
    result.did_you_mean = did_you_mean(searcher, q, parsed.english)
    if total == 0:
        result.suggestions = suggestions(searcher, parsed)
    return result


def _count_facets(searcher, docnums: list[int]) -> dict:
    out = {}
    for name in FACETS:
        values = _facet_values(searcher, name)
        counts: Counter = Counter()
        for d in docnums:
            v = values[d]
            if isinstance(v, list):
                counts.update(v)
            elif v is not None:
                counts[v] += 1
        out[name] = counts.most_common()
    return out


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


def suggestions(searcher, parsed: ParsedQuery, limit: int = 5) -> list[str]:
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
                and searcher.doc_frequency("text", keys[0])
            ):
                out.append(member)
    if len(parsed.concepts) > 1:
        for i in range(len(parsed.concepts)):
            rest = [c.surface for j, c in enumerate(parsed.concepts) if j != i]
            out.append(" ".join(rest))
    return out[:limit]
