"""HTML snippets with <mark> around matched words; everything else is escaped.

Highlighting must not run jieba at query time. Each document stores, per
highlighted text, a *spec*: the boundaries (in the folded text, see
``analysis.normalize``) of every word the analyzer emitted. A word's index
terms are a function of its own characters (``analysis.piece_terms``), and a
word can only match a Chinese query term that occurs inside it, or an English
one if it starts with that term's stem less its last letter (a Porter stem
differs from its word in the last letter at most). So highlighting is: find
where those strings occur, look up the words there, and check only those words.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from functools import lru_cache
from html import escape
from itertools import accumulate
from typing import NamedTuple

from .analysis import _CJK, Word, analyze, normalize, piece_terms

#: Length of a body snippet in characters.
SNIPPET_CHARS = 160
#: Array type codes by the largest value they hold (a spec's second byte).
_TYPECODES = ((0xFF, "B"), (0xFFFF, "H"), (0xFFFFFFFF, "I"))
_ESCAPED = re.compile(r"[&<>\"']")


#: First byte of a spec holding absolute offsets (the array type code follows).
_ABSOLUTE = 2


def encode_spec(bounds: list[tuple[int, int]]) -> bytes:
    """Word boundaries as bytes: every word's start, then every word's end."""
    values = [a for a, _ in bounds] + [b for _, b in bounds]
    top = max(values, default=0)
    code = next(c for limit, c in _TYPECODES if top <= limit)
    data = array(code, values)
    if sys.byteorder == "big":  # pragma: no cover - stored little-endian
        data.byteswap()
    return bytes((_ABSOLUTE, ord(code))) + data.tobytes()


def decode_spec(spec: bytes) -> tuple[array | list[int], array | list[int]]:
    """(starts, ends) of the words of a spec written by :func:`encode_spec`.

    Also reads the older layout (a type code, then each word's gap and length).
    """
    if not spec:
        return [], []
    absolute = spec[0] == _ABSOLUTE
    data = array(chr(spec[1] if absolute else spec[0]))
    data.frombytes(spec[2:] if absolute else spec[1:])
    if sys.byteorder == "big":  # pragma: no cover
        data.byteswap()
    if absolute:
        half = len(data) // 2
        return data[:half], data[half:]
    offsets = list(accumulate(data))
    return offsets[0::2], offsets[1::2]


def analyze_with_spec(text: str | None) -> tuple[list[Word], bytes]:
    """``(analyze(text), highlight_spec(text))`` in one pass (for indexing)."""
    if not text:
        return [], b""
    bounds: list = []
    words = analyze(text, bounds_out=bounds)
    return words, encode_spec(bounds)


def highlight_spec(text: str | None) -> bytes:
    """The spec of ``text``: what the index stores to highlight it later."""
    return analyze_with_spec(text)[1]


@lru_cache(maxsize=4096)
def _spec_now(text: str) -> bytes:
    # For documents indexed without a spec (an older index): runs jieba.
    return highlight_spec(text)


def _probe(term: str) -> str:
    """What every word indexed as ``term`` contains (Chinese) or starts with."""
    if _CJK.search(term) or len(term) < 3:
        return term
    return term[:-1]


class Terms(NamedTuple):
    """What to mark: the index terms, and the strings that show where they occur."""

    terms: frozenset[str]
    #: Probes (see _probe) of the terms, none holding another: a word holding
    #: a longer probe also holds the shorter one inside it.
    probes: tuple[str, ...]
    #: Words (folded) already checked against ``terms``, and the answers.
    seen: dict[str, bool]


def _fewest(probes) -> tuple[str, ...]:
    kept: list[str] = []
    for p in sorted(set(probes), key=len):
        if p and not any(k in p for k in kept):
            kept.append(p)
    return tuple(kept)


@lru_cache(maxsize=1024)
def _group_probes(group: frozenset[str]) -> tuple[str, ...]:
    return _fewest(_probe(t) for t in group if t)


def terms_to_mark(groups) -> Terms:
    """A :class:`Terms` from groups of index terms (one per query word, say)."""
    groups = [frozenset(g) for g in groups]
    probes = _fewest(p for g in groups for p in _group_probes(g))
    return Terms(frozenset().union(*groups), probes, {})


def matched_spans(
    text: str, terms: Terms | set[str] | frozenset[str], spec: bytes | None = None
) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each word whose index terms meet ``terms``."""
    if not text or not terms:
        return []
    t = terms if isinstance(terms, Terms) else terms_to_mark([terms])
    if not t.probes:
        return []
    folded, origin = normalize(text)
    return _spans(text, folded, origin, _places(t, folded), spec, t)


def _places(t: Terms, folded: str) -> list[tuple[int, int]]:
    # Every occurrence of every probe: the words overlapping them include every
    # word holding a probe. (str.find needs no pattern compiled per query.)
    out = []
    for probe in t.probes:
        size = len(probe)
        at = folded.find(probe)
        while at >= 0:
            out.append((at, at + size))
            at = folded.find(probe, at + 1)
    return out


def _spans(
    text, folded, origin, places, spec, t: Terms, base: int = 0
) -> list[tuple[int, int]]:
    """Spans in ``text`` of the words at ``places`` that meet the terms.

    ``text`` is folded into ``folded`` from ``base`` on, where ``places``
    (start, end) are.
    """
    if not places:
        return []
    if not isinstance(spec, bytes):
        spec = _spec_now(text)
    starts, ends = decode_spec(spec)
    candidates = set()
    n = len(starts)
    for a, b in places:
        # Words do not overlap, so their ends ascend: from the first word ending
        # after a, every word starting before b overlaps the place.
        i = bisect_right(ends, a - base)
        while i < n and starts[i] < b - base:
            candidates.add(i)
            i += 1
    spans = []
    seen = t.seen
    for i in sorted(candidates):
        s, e = starts[i], ends[i]
        piece = folded[base + s : base + e]
        hit = seen.get(piece)
        if hit is None:
            word, subs, _ = piece_terms(piece)
            hit = seen[piece] = word in t.terms or any(x in t.terms for x in subs)
        if hit:
            spans.append((s, e) if origin is None else (origin[s], origin[e - 1] + 1))
    return spans


def highlight_all(
    texts: list[str], terms: Terms, wholes: list[bool], specs: list
) -> list[str]:
    """:func:`highlight` of several texts of one document (see highlight_docs)."""
    return highlight_docs([(texts, specs)], terms, wholes)[0]


def highlight_docs(
    docs: list[tuple[list[str], list]], terms: Terms, wholes: list[bool]
) -> list[list[str]]:
    """:func:`highlight` of the texts of several documents, scanned in one pass.

    ``docs`` holds each document's texts and their specs; ``wholes`` says per
    text position whether the whole text is wanted. Folding and scanning once
    over all the texts joined by newlines (which no word or term holds) gives
    each text's places; only texts with places are looked at further. Same
    results as highlighting each text on its own.
    """
    out: list = [None] * len(docs)
    joined = ["\n".join(texts) for texts, _ in docs]
    folded, origin = normalize("\n".join(joined))
    batch = list(range(len(docs)))
    if origin is not None:
        # Folding changed lengths somewhere: those documents' offsets need each
        # text folded alone; the others are still scanned together.
        parts = [normalize(j) for j in joined]
        batch = [k for k, (_, o) in enumerate(parts) if o is None]
        for k, (_, o) in enumerate(parts):
            if o is not None:
                texts, specs = docs[k]
                out[k] = [
                    highlight(x, terms, w, sp)
                    for x, w, sp in zip(texts, wholes, specs, strict=True)
                ]
        folded = "\n".join(parts[k][0] for k in batch)
    places = sorted(_places(terms, folded))
    starts = [a for a, _ in places]
    base = hi = 0
    for k in batch:
        texts, specs = docs[k]
        marked = out[k] = []
        for text, whole, spec in zip(texts, wholes, specs, strict=True):
            end = base + len(text)
            lo, hi = hi, bisect_left(starts, end, hi)
            spans = _spans(text, folded, None, places[lo:hi], spec, terms, base)
            marked.append(_render(text, spans, whole))
            base = end + 1
    return out


def highlight(
    text: str, terms: Terms | set[str], whole: bool = False, spec: bytes | None = None
) -> str:
    """Escape ``text`` and mark the words whose index terms are in ``terms``.

    With ``whole`` the full text is returned; otherwise the window of
    SNIPPET_CHARS holding the most matches, with ellipses where it was cut.
    An empty string means nothing matched (and ``whole`` was not asked for).
    ``spec`` is the text's stored :func:`highlight_spec` (spares jieba).
    """
    if not text:
        return ""
    return _render(text, matched_spans(text, terms, spec), whole)


def _render(text: str, spans: list[tuple[int, int]], whole: bool) -> str:
    if not text or (not spans and not whole):
        return ""
    if not spans:
        return escape(text) if _ESCAPED.search(text) else text
    lo, hi = 0, len(text)
    if not whole and len(text) > SNIPPET_CHARS:
        # Spans are in order and do not overlap, so their ends are sorted too:
        # the spans of the window starting at the i-th are i..(those ending in it).
        ends = [b for _, b in spans]
        best, best_n = spans[0][0], 0
        for i, (s, _) in enumerate(spans):
            n = bisect_right(ends, s + SNIPPET_CHARS) - i
            if n > best_n:
                best, best_n = s, n
        lo = max(0, min(best - 20, len(text) - SNIPPET_CHARS))
        hi = min(len(text), lo + SNIPPET_CHARS)
    esc = escape if _ESCAPED.search(text, lo, hi) else str
    out = ["…" if lo > 0 else ""]
    pos = lo
    for a, b in spans:
        if a < lo or b > hi:
            continue
        out += (esc(text[pos:a]), "<mark>", esc(text[a:b]), "</mark>")
        pos = b
    out.append(esc(text[pos:hi]))
    out.append("…" if hi < len(text) else "")
    return "".join(out)
