"""Turn analysed words into Whoosh queries: one OR group per concept, synonyms below it."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as Q

from .analysis import Word
from .thesaurus import get_thesaurus

#: Weight of a thesaurus synonym and of a compound's parts, against 1.0 for the word.
SYNONYM_WEIGHT = 0.6
PARTS_WEIGHT = 0.5
#: Weight of an index term holding a one-character query word (钛 -> 钛合金).
CONTAINS_WEIGHT = 0.5
#: Bounds that keep a query fast whatever the user typed.
MAX_SYNONYMS = 8
TEXT_FIELDS = ("text", "title")


@dataclass
class Concept:
    """One AND clause: a word (or thesaurus phrase) and its alternatives."""

    key: str
    surface: str
    synonyms: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    #: Index terms holding a one-character word (see query.expand_characters).
    contains: list[str] = field(default_factory=list)

    def highlight_terms(self) -> set[str]:
        """Every single index term that counts as a hit for this concept."""
        out = {t for k in (self.key, *self.synonyms) for t in k.split()}
        return out | set(self.parts) | set(self.contains)


def term_query(key: str, boost: float = 1.0, fields=TEXT_FIELDS) -> Q.Query:
    """A term, or a phrase when the key holds several words, over ``fields``."""
    words = key.split()
    if len(words) == 1:
        qs = [Q.Term(f, words[0]) for f in fields]
    else:
        qs = [Q.Phrase(f, words) for f in fields[:2]]
    q = qs[0] if len(qs) == 1 else Q.Or(qs)
    q.boost = boost
    return q


def _cover(word: Word) -> list[str]:
    """Sub-words that together spell the whole word (bigrams for unknown words)."""
    if word.oov:
        return [s for s in word.subs if len(s) == 2]
    subs = sorted(set(word.subs), key=len, reverse=True)
    parts, i, text = [], 0, word.text
    while i < len(text):
        part = next((s for s in subs if text.startswith(s, i)), None)
        if part is None:
            return []
        parts.append(part)
        i += len(part)
    return parts if len(parts) > 1 else []


def concepts(
    words: list[Word], expand: bool = True, surfaces: list[str] | None = None
) -> list[Concept]:
    """Group analysed words into concepts, joining multi-word thesaurus entries.

    ``surfaces`` are the words as the user wrote them (for suggestions).
    """
    surfaces = surfaces or [w.text for w in words]
    th = get_thesaurus()
    spans = th.find([w.text for w in words]) if expand else []
    starts = {s: (e, key) for s, e, key in spans}
    out: list[Concept] = []
    i = 0
    while i < len(words):
        if i in starts:
            end, key = starts[i]
            surface = " ".join(surfaces[i:end])
            c = Concept(key, surface)
            i = end
        else:
            w = words[i]
            c = Concept(w.text, surfaces[i], parts=_cover(w) if expand else [])
            i += 1
        if expand:
            syns = sorted(th.expand(c.key) - {c.key}, key=lambda k: (len(k), k))
            c.synonyms = syns[:MAX_SYNONYMS]
        out.append(c)
    return out


def concept_query(c: Concept) -> Q.Query:
    """The OR group for one concept: the word, its synonyms, its parts ANDed,
    the index terms holding it (a one-character word)."""
    alts = [term_query(c.key)]
    alts += [term_query(s, SYNONYM_WEIGHT, ("text",)) for s in c.synonyms]
    alts += [term_query(t, CONTAINS_WEIGHT, ("text",)) for t in c.contains]
    if c.parts:
        parts = Q.And([term_query(p, 1.0, ("text",)) for p in c.parts])
        parts.boost = PARTS_WEIGHT
        alts.append(parts)
    return alts[0] if len(alts) == 1 else Q.Or(alts)


def phrase_query(words: list[Word]) -> Q.Query | None:
    """An exact phrase over title and text (a single word needs no phrase)."""
    if not words:
        return None
    return term_query(" ".join(w.text for w in words))
