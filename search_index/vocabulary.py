"""Which index terms hold a character: a Chinese character typed alone (钛)
also finds the words jieba keeps whole around it (钛合金, 纯钛, β钛).

Each segment keeps its non-ASCII terms of a field as one newline-joined
string (from the sidecar's term table), searched
with ``str.find`` once per character and cached; a snapshot adds up its
segments' counts (see ``Snapshot.terms_containing``).
"""

from __future__ import annotations

import threading

from .lru import _LRU

#: Characters whose containing terms are remembered per segment, and how many
#: of a character's terms (the most frequent) each segment keeps.
MAX_CHARS = 1024
CHAR_TERMS_PER_SEGMENT = 128


class SegmentVocabulary:
    """The terms of one immutable segment that hold a character."""

    def __init__(self):
        self._lock = threading.Lock()
        self._joined: dict = {}
        self._char_terms = _LRU(MAX_CHARS)

    def terms_containing(self, reader, side, fieldname: str, char: str):
        """(term, doc frequency) of the most frequent terms of ``fieldname``
        holding the non-ASCII character ``char``, most frequent first (cached).
        ``side`` is the segment's sidecar."""
        with self._lock:
            got = self._char_terms.lookup((fieldname, char))
        if got is not None:
            return got
        if hasattr(side[0], "containing"):
            # A memory-mapped term table (shared.MappedTerms): searched in place.
            ranked = sorted(
                side[0].containing(fieldname, char), key=lambda x: (-x[1], x[0])
            )
            got = tuple(ranked[:CHAR_TERMS_PER_SEGMENT])
            with self._lock:
                self._char_terms.put((fieldname, char), got)
            return got
        joined, frequency = self._vocabulary(reader, side, fieldname)
        found = []
        # ``joined`` is "\n"-separated and starts and ends with one: the term
        # around each occurrence lies between the newlines either side.
        at = joined.find(char)
        while at >= 0:
            start = joined.rfind("\n", 0, at) + 1
            end = joined.find("\n", at)
            found.append(joined[start:end])
            at = joined.find(char, end)
        ranked = sorted(((t, frequency(t)) for t in found), key=lambda x: (-x[1], x[0]))
        got = tuple(ranked[:CHAR_TERMS_PER_SEGMENT])
        with self._lock:
            self._char_terms.put((fieldname, char), got)
        return got

    def _vocabulary(self, reader, side, fieldname: str):
        """(joined, frequency): the segment's non-ASCII terms of ``fieldname``
        joined by newlines (one string: searched with str.find, not walked by
        the garbage collector), and a term's doc frequency. Built once."""
        got = self._joined.get(fieldname)
        if got is not None:
            return got
        table, prefix = side[0], f"{fieldname}\0"
        cut = len(prefix)
        body = "\n".join(
            k[cut:] for k in table if k.startswith(prefix) and not k.isascii()
        )

        def frequency(term, table=table, prefix=prefix):
            return table[prefix + term] & 0xFFFFFFFF

        got = (f"\n{body}\n", frequency)
        self._joined[fieldname] = got
        return got


def terms_containing(leaves, fieldname: str, char: str, limit: int) -> tuple:
    """The ``limit`` most frequent terms of ``fieldname`` over a snapshot's
    ``leaves`` (segment arrays, reader, offset) that hold ``char`` (``char``
    itself left out), most frequent first."""
    counts: dict[str, int] = {}
    for arrays, sub, _ in leaves:
        side = arrays.sidecar(sub)
        for term, n in arrays.vocabulary.terms_containing(sub, side, fieldname, char):
            counts[term] = counts.get(term, 0) + n
    counts.pop(char, None)
    return tuple(sorted(counts, key=lambda t: (-counts[t], t))[:limit])
