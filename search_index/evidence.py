"""What the partner's stored text says about a concept: whether it holds one
of the concept's words on its own (not as the modifier of another trade term,
"heavy" of "heavy metal"; not only in the organisation's name), and its own
words for it, which the reasons show.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from .analysis import _CJK, normalize, piece_terms
from .concepts import SYNONYM_WEIGHT, _Concept
from .highlight import _probe as highlight_probe
from .highlight import decode_spec, highlight_spec
from .schema import HIGHLIGHT_SPEC
from .thesaurus import MAX_MEMBER_WORDS, get_thesaurus

# -- the partner's own words -------------------------------------------------------


class _Text:
    """A stored text of the partner: folded, with its analysed words' bounds;
    their terms are worked out as they are looked at."""

    __slots__ = ("_terms", "ends", "folded", "origin", "starts", "text")

    def __init__(self, text: str, spec: bytes):
        self.text = text
        self.folded, self.origin = normalize(text)
        starts, ends = decode_spec(spec)
        self.starts, self.ends = list(starts), list(ends)
        self._terms: list = [None] * len(self.starts)

    def term(self, i: int) -> tuple[str, tuple[str, ...], bool]:
        """(text, subs, oov) of word i, as the index has it."""
        got = self._terms[i]
        if got is None:
            got = self._terms[i] = piece_terms(
                self.folded[self.starts[i] : self.ends[i]]
            )
        return got

    def modifies(self, i: int, alts: dict[str, float]) -> bool:
        """Whether word i stands in a multi-word trade term other than ``alts``
        and is not its last word ("heavy" of "heavy metal")."""
        phrases = _phrase_index()
        n = len(self.starts)
        for s in range(max(0, i - MAX_MEMBER_WORDS + 2), i + 1):
            for key, rest in phrases.get(self.term(s)[0], ()):
                end = s + len(rest)  # the key's last word
                if (
                    i < end < n
                    and key not in alts
                    and all(self.term(s + k)[0] == w for k, w in enumerate(rest, 1))
                ):
                    return True
        return False


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Multi-word thesaurus keys by their first word: (key, the other words)."""
    out: dict[str, list] = {}
    for key in get_thesaurus().by_key:
        words = key.split()
        if len(words) > 1:
            out.setdefault(words[0], []).append((key, tuple(words[1:])))
    return out


@lru_cache(maxsize=2048)
def _partner_text(text: str, spec: bytes | None) -> _Text:
    if spec is None:  # an index written before the specs were stored
        spec = highlight_spec(text)
    return _Text(text, spec)


def _texts(stored: dict) -> list[_Text]:
    specs = stored.get(HIGHLIGHT_SPEC) or (None, None, None)
    out = []
    for name, spec in zip(("title", "keywords", "body"), specs, strict=False):
        text = stored.get(name)
        if text:
            out.append(_partner_text(text, spec or None))
    return out


def _surface(t: _Text, first: int, last: int) -> str:
    start, end = t.starts[first], t.ends[last]
    if t.origin is not None:
        start, end = t.origin[start], t.origin[end - 1] + 1
    return t.text[start:end]


@lru_cache(maxsize=65536)
def _probe(alt: str) -> tuple[list[str], bool, str]:
    """(words, Chinese?, what every word indexed as the first word contains)."""
    words = alt.split()
    return words, bool(_CJK.search(words[0])), highlight_probe(words[0])


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return normalize(text)[0]


def _find(t: _Text, alt: str, alts: dict[str, float]) -> tuple[str | None, bool]:
    """(the partner's word(s) where it holds ``alt`` on its own, or None;
    whether it holds ``alt`` at all, perhaps only as a modifier).

    "On its own": not as the modifier of a multi-word trade term that is not
    itself one of the concept's alternatives ("heavy" of "heavy metal").
    """
    words, cjk, probe = _probe(alt)
    first = words[0]
    seen = False
    n = len(t.starts)
    pos = t.folded.find(probe)
    while pos >= 0:
        i = bisect_right(t.starts, pos) - 1
        if i >= 0 and pos + len(probe) <= t.ends[i]:
            text, subs, _ = t.term(i)
            last = i + len(words) - 1
            if (
                (text == first or (cjk and first in subs))
                and last < n
                and all(t.term(i + k)[0] == w for k, w in enumerate(words[1:], 1))
            ):
                seen = True
                if len(words) > 1 or not t.modifies(i, alts):
                    return _surface(t, i, last), True
        pos = t.folded.find(probe, pos + 1)
    return None, seen


def _org_holds(stored: dict, alts: list[str]) -> bool:
    org = stored.get("org_name")
    if not org:
        return False
    t = _partner_text(org, None)
    return any(_find(t, a, {})[1] for a in alts)


class _Evidence(NamedTuple):
    weight: float
    #: The partner's own words for the concept (empty when not in its stored text).
    forms: list[str]
    relation: str


#: How many of the partner's words a reason shows for one concept, and for
#: how many concepts (the strongest).
MAX_FORMS = 4
MAX_REASON_TERMS = 8


def _verify(
    stored: dict, c: _Concept, alts: list[str], max_forms: int = 0
) -> _Evidence | None:
    """The best alternative the partner holds on its own, and up to
    ``max_forms`` of its words for the concept (those of the best
    alternative's kind: the term or its synonyms, else the related groups).

    Words only inside the organisation's name do not count; what the stored
    texts do not show (indicators) counts unverified, without words. Without
    words wanted, a single word that modifies no trade term and is not in the
    organisation's name counts as its posting list says, unread.
    """
    texts = None
    best = None
    seen = False
    forms: list[str] = []
    for alt in alts:  # best first
        if best is not None and (
            len(forms) >= max_forms
            or _is_related(c.alts[alt]) != _is_related(c.alts[best])
        ):
            break
        if not max_forms and not _needs_reading(stored, alt):
            best = alt
            break
        if texts is None:
            texts = _texts(stored)
        for t in texts:
            form, there = _find(t, alt, c.alts)
            seen = seen or there
            if form is None:
                continue
            if best is None:
                best = alt
            if form.casefold() not in (f.casefold() for f in forms):
                forms.append(form)
            if len(forms) >= max_forms:
                break
    if best is None:
        # Only as a modifier of another term, or only in the organisation's
        # name: no evidence. Elsewhere (indicators are not stored): unverified.
        if seen or _org_holds(stored, alts):
            return None
        best = alts[0]
    w = c.alts[best]
    if _is_related(w):
        relation = "related"
    elif not c.exact:
        relation = "part"
    else:
        relation = "same" if best == c.key else "synonym"
    return _Evidence(w, forms, relation)


@lru_cache(maxsize=1)
def _modifier_words() -> frozenset[str]:
    """Words that stand before another in some multi-word thesaurus key."""
    return frozenset(w for key in get_thesaurus().by_key for w in key.split()[:-1])


def _needs_reading(stored: dict, alt: str) -> bool:
    """Whether the posting list alone may mislead about the alternative: a
    phrase (its words must be adjacent), a word that may modify a trade term,
    or one the organisation's name may hold."""
    if " " in alt or alt in _modifier_words():
        return True
    org = stored.get("org_name")
    return bool(org) and _probe(alt)[2] in _fold(org)


def _is_related(weight: float) -> bool:
    return weight < SYNONYM_WEIGHT
