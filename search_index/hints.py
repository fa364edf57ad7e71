"""Hints that never lead nowhere: "did you mean" and other queries to offer
when nothing matched, each searched first."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import analyze
from .arrays import Snapshot
from .engine import evaluate, filter_mask
from .qparse import ParsedQuery, _filter_key, build_query, parse
from .thesaurus import get_thesaurus

#: Edits "did you mean" allows, and candidate queries a suggestion list tries.
MAX_EDITS = 2
MAX_SUGGESTION_TRIES = 12


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
