"""Keyword search over one index: parsing, filters, facets, highlights and hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from whoosh import query as Q
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import _CJK, analyze
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
#: Index terms holding a one-character Chinese word that it also finds (the
#: most frequent; 钛 finds 钛合金, 纯钛, β钛 ...).
MAX_CONTAINS = 40
#: Edits "did you mean" allows, and candidate queries a suggestion list tries.
MAX_EDITS = 2
MAX_SUGGESTION_TRIES = 12
FACETS = ("field", "trl_band", "cooperation_modes", "pricing_mode", "org_type")
SORTS = ("relevance", "newest", "price_asc", "price_desc")
_CHUNK = re.compile(r'(-?)(?:"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+))')
#: Words of everyday speech that say how often or how badly, not what: a firm
#: owner types 镜腿铰链老是松. They are no keyword a listing must hold (unless
#: the query has nothing else).
QUERY_FILLER = frozenset(
    """
    老是 总是 经常 常常 时常 一直 总 老 有时 有时候 偶尔 容易 很容易 特别 太 有点 有些 比较 严重 厉害
    出现 发生 产生 现象 情况 问题 怎么办 怎么 咋办 咋 求助 请问 求 想 想要 希望 需要 急需 寻找 找 能否
    能不能 解决 改善 避免 防止 一下 之后 以后 时候 后来 不好 不行 不够 没法 无法
    """.split()  # noqa: SIM905 (a word list, kept compact)
)


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


def _lone_characters(text: str, words: list) -> set[str]:
    """Chinese characters that stand as a word of their own in ``text``
    (analysed into ``words``), folded as the analyzer folds them: written
    between spaces or punctuation, or cut out of an unspaced run by jieba
    (松 of 镜腿铰链老是松 is the 松 of 松动, as 镜腿 铰链 松 would mean)."""
    return {w.text for w in words if len(w.text) == 1 and _CJK.match(w.text)}


def expand_characters(snap: Snapshot | None, found: list[Concept], chars) -> None:
    """Let each concept that is one of ``chars`` (a character written alone),
    or has a one-character synonym (titanium: 钛), also find the index's words
    holding that character: the term 钛 alone is rare, as jieba keeps 钛合金 or
    纯钛 whole. The most frequent such terms of the ``text`` field, cached
    per index generation."""
    if snap is None:
        return
    for c in found:
        seeds = [c.key] if c.key in chars else []
        seeds += [s for s in c.synonyms if len(s) == 1 and _CJK.match(s)]
        if not seeds:
            continue
        known = {c.key, *c.synonyms}
        terms = [
            t for ch in seeds for t in snap.terms_containing("text", ch, MAX_CONTAINS)
        ]
        c.contains = [t for t in dict.fromkeys(terms) if t not in known][:MAX_CONTAINS]


def _exclusion(words: list, surfaces: list[str], snap, chars) -> Q.Query:
    """What a plain word after a minus finds as a search word: each of its
    concepts (synonyms in both languages, parts, words holding a lone
    character), all of them (as one positive word would need)."""
    found = concepts(words, surfaces=surfaces)[:MAX_CONCEPTS]
    expand_characters(snap, found, chars)
    clauses = [concept_query(c) for c in found]
    return clauses[0] if len(clauses) == 1 else Q.And(clauses)


def _without_filler(found: list[Concept]) -> list[Concept]:
    """The concepts less the words of everyday speech (QUERY_FILLER), unless
    nothing else is left: spaced or not, 镜腿铰链老是松 asks for 镜腿, 铰链, 松."""
    kept = [c for c in found if c.key not in QUERY_FILLER]
    return kept or found


def parse(q: str, snap: Snapshot | None = None) -> ParsedQuery:
    """Split a user string safely: never raises, bounds the number of clauses.

    With ``snap`` (the index searched) a Chinese character written alone also
    finds the index's words that hold it (see :func:`expand_characters`).
    """
    q = (q or "")[:MAX_QUERY_CHARS]
    words, surfaces, phrases, excludes, english = [], [], [], [], []
    lone: set[str] = set()
    for m in _CHUNK.finditer(q):
        neg = bool(m.group(1))
        quoted = next((g for g in m.group(2, 3, 4) if g is not None), None)
        text = quoted if quoted is not None else m.group(5)
        if neg and len(excludes) >= MAX_EXCLUDES:
            continue
        analysed = analyze(text)
        if not analysed:
            continue
        if quoted is not None:
            if neg:
                excludes.append(phrase_query(analysed))
            else:
                phrases.append(analysed)
            continue
        chunk = [text[w.start : w.end] for w in analysed]
        if neg:
            excludes.append(
                _exclusion(analysed, chunk, snap, _lone_characters(text, analysed))
            )
        else:
            words.extend(analysed)
            surfaces += chunk
            lone |= _lone_characters(text, analysed)
    english = [w.lower() for w in surfaces]
    english = [w for w in english if w.isascii() and w.isalpha() and len(w) >= 4]
    found = _without_filler(concepts(words, surfaces=surfaces))[:MAX_CONCEPTS]
    expand_characters(snap, found, lone)
    return ParsedQuery(found, phrases[:MAX_CONCEPTS], excludes, english)


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
    """AND (or OR) of the concepts and phrases, minus the exclusions.

    Only exclusions: every document but the excluded ones.
    """
    clauses = [concept_query(c) for c in parsed.concepts]
    clauses += [phrase_query(p) for p in parsed.phrases]
    if not clauses and not parsed.excludes:
        return None
    if not clauses:
        q = Q.Every()
    elif len(clauses) == 1:
        q = clauses[0]
    else:
        q = (Q.Or if any_of else Q.And)(clauses)
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
    parsed = parse(q, snap)
    allowed = filter_mask(snap, _filter_key(filters))
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


def did_you_mean(
    searcher,
    q: str,
    english: list[str],
    snap: Snapshot | None = None,
    scope: dict | None = None,
) -> str | None:
    """The query with unknown English words replaced by close known words.

    Known words are those of the listings (the ``spell`` field) and, with
    ``snap``, the thesaurus's English words whose search finds a listing
    passing the filters ``scope``: "photochromic" finds 光致变色 listings
    even where no listing spells it out.
    """
    if not english:
        return None
    fixed = q
    changed = False
    for word in dict.fromkeys(english):
        if snap is None:
            best = _index_correction(searcher, word)[1]
        else:
            key = ("did_you_mean", word, _filter_key(scope))
            with snap.lock:
                best = snap.cache.get(key, False)
            if best is False:
                best = _correction(searcher, word, snap, key[2])
                with snap.lock:
                    snap.cache[key] = best
        if best and best != word:
            fixed = re.sub(re.escape(word), best, fixed, flags=re.IGNORECASE)
            changed = True
    return fixed if changed else None


def _index_correction(searcher, word: str) -> tuple[bool, str | None]:
    """(whether the listings hold ``word``, the closest word they hold)."""
    if searcher.doc_frequency("spell", word):
        return True, None
    corrector = searcher.corrector("spell")
    best = corrector.suggest(word, limit=1, maxdist=MAX_EDITS, prefix=1)
    return False, (best[0] if best else None)


def _correction(searcher, word: str, snap: Snapshot, scope_key: tuple) -> str | None:
    """The listings' closest word, or a closer thesaurus word that finds some."""
    with snap.lock:
        known, best = _index_correction(searcher, word)
    if known:
        return None
    vocabulary = get_thesaurus().english_words()
    # A word the thesaurus knows is searched as it is: only the listings'
    # own words are offered for it (polarised -> polarized, as before).
    if word in vocabulary:
        return best
    edits = damerau_levenshtein(word, best) if best else MAX_EDITS + 1
    allowed = filter_mask(snap, scope_key)
    for d, candidate in _close_words(word, vocabulary):
        if d > edits or (d == edits and best):
            break  # the listings' own word is as close
        if _finds(snap, candidate, allowed):
            return candidate
    return best


@lru_cache(maxsize=4096)
def _close_words(word: str, vocabulary: frozenset) -> tuple:
    """(edits, word) of the vocabulary's words within MAX_EDITS of ``word``
    that start with its letter (as the listings' corrector asks), closest
    first."""
    out = []
    for w in vocabulary:
        if w[0] != word[0] or abs(len(w) - len(word)) > MAX_EDITS or w == word:
            continue
        d = damerau_levenshtein(word, w, MAX_EDITS)
        if d <= MAX_EDITS:
            out.append((d, w))
    return tuple(sorted(out))


def _finds(snap: Snapshot, q: str, allowed: np.ndarray | None) -> bool:
    """Whether searching ``q`` finds a listing (``allowed``: which count), as
    :func:`search` would: all words, else any of them."""
    parsed = parse(q, snap)
    query = build_query(parsed)
    if query is None:
        return False
    tries = [query]
    if len(parsed.concepts) + len(parsed.phrases) > 1:
        tries.append(build_query(parsed, any_of=True))
    for query in tries:
        hit = evaluate(snap, query) > 0
        if (hit & allowed if allowed is not None else hit).any():
            return True
    return False


def suggestions(
    snap, parsed: ParsedQuery, allowed: np.ndarray | None = None, limit: int = 5, q=""
) -> list[str]:
    """Other queries to offer when nothing matched, each one that finds
    listings (``allowed``: which count): members of the words' synonym
    groups not searched already, of the groups related to them, the query
    less one word. None rather than a dead end."""
    th = get_thesaurus()
    candidates: list[str] = []
    for c in parsed.concepts:
        searched = {c.key, *c.synonyms, *c.contains}
        for member in [*th.members(c.key), *th.related_members(c.key)]:
            keys = [w.text for w in analyze(member)]
            if len(keys) == 1 and keys[0] not in searched:
                candidates.append(member)
    if len(parsed.concepts) > 1:
        for i in range(len(parsed.concepts)):
            rest = [c.surface for j, c in enumerate(parsed.concepts) if j != i]
            candidates.append(" ".join(rest))
    out: list[str] = []
    tries = 0
    for candidate in dict.fromkeys(candidates):
        if len(out) >= limit or tries >= MAX_SUGGESTION_TRIES:
            break
        if candidate == q.strip():
            continue
        tries += 1
        if _finds(snap, candidate, allowed):
            out.append(candidate)
    return out
