"""The posting sidecar every segment carries: ``<segment>.eys``.

fastwrite.FastSegmentWriter writes it in the same pass as the segment's
postings, whatever the segment is for (a rebuild worker's segment, an
upsert's, a merge's), so the engine reads the postings of every
segment from one source. Whoosh deletes it with its segment (it is named
after it).
"""

from __future__ import annotations

import json
from array import array

import numpy as np

from .thesaurus import get_thesaurus
from .whoosh_adapter import segment_storage

#: Extension and fields of the per-segment posting sidecar (see Sidecar):
#: every field the engine reads postings of (query words; the organisation
#: filter). ``.eyw`` was the sidecar before it held ``org_id`` and the exact
#: lengths: a segment with only that one is read as one without a sidecar.
SIDECAR_EXT = ".eys"
SIDECAR_FIELDS = ("text", "title", "org_id")
#: Fields whose multi-word thesaurus keys are listed as phrases.
PHRASE_FIELDS = ("text", "title")


class Sidecar:
    """Docnums and weights of every term of SIDECAR_FIELDS of a segment, as
    flat arrays.

    Layout: 8-byte little-endian length of a JSON term table
    ``[[field, term, start, end], ...]``, the table, then the int32 docnums
    and the float32 weights. Loading it is one read, where decoding Whoosh's
    posting blocks (pickled positions included) costs milliseconds per
    common term. Multi-word thesaurus keys are listed under "phrase:<field>"
    with the documents holding them as a phrase.
    """

    def __init__(self):
        self.table: list = []
        self.docs = array("i")
        self.weights = array("f")
        #: Exact field lengths (field -> array by docnum) of the segment's ``n``
        #: documents, after the weights: a merge keeps exact total lengths.
        self.lengths: dict = {}
        self.n = 0

    def add(self, field: str, term: str, docs, weights) -> None:
        start = len(self.docs)
        self.docs.extend(docs)
        self.weights.extend(weights)
        self.table.append([field, term, start, len(self.docs)])

    def to_bytes(self) -> bytes:
        head = json.dumps(self.table, ensure_ascii=False).encode("utf-8")
        names = sorted(self.lengths)
        tail = json.dumps({"lengths": names, "n": self.n}).encode("utf-8")
        cols = []
        for name in names:
            col = np.zeros(self.n, "<i4")
            values = np.frombuffer(self.lengths[name], np.int32)
            col[: len(values)] = values
            cols.append(col.tobytes())
        return b"".join(
            (
                len(head).to_bytes(8, "little"),
                head,
                np.frombuffer(self.docs, np.int32).astype("<i4").tobytes(),
                np.frombuffer(self.weights, np.float32).astype("<f4").tobytes(),
                len(tail).to_bytes(8, "little"),
                tail,
                *cols,
            )
        )


def read_sidecar(data: bytes):
    """(terms, docnums, weights) of a sidecar; see :func:`sidecar_range`.

    ``terms`` maps ``"field\\0term"`` to the term's range packed in one int: a
    dict of only strings and ints is never walked by the garbage collector
    (a dict of tuples, hundreds of thousands of them, cost ~10 ms a collection).
    """
    n = int.from_bytes(data[:8], "little")
    table = json.loads(data[8 : 8 + n].decode("utf-8"))
    total = table[-1][3] if table else 0
    docs = np.frombuffer(data, "<i4", count=total, offset=8 + n)
    weights = np.frombuffer(data, "<f4", count=total, offset=8 + n + 4 * total)
    terms = {f"{f}\0{t}": (a << 32) | (b - a) for f, t, a, b in table}
    return terms, docs, weights


def read_lengths(data: bytes) -> dict[str, np.ndarray] | None:
    """The exact field lengths a sidecar records (field -> int32 by docnum),
    or None for a sidecar written before it recorded them."""
    n = int.from_bytes(data[:8], "little")
    table = json.loads(data[8 : 8 + n].decode("utf-8"))
    at = 8 + n + 8 * (table[-1][3] if table else 0)
    if len(data) < at + 8:
        return None
    size = int.from_bytes(data[at : at + 8], "little")
    tail = json.loads(data[at + 8 : at + 8 + size].decode("utf-8"))
    at += 8 + size
    out = {}
    for name in tail["lengths"]:
        out[name] = np.frombuffer(data, "<i4", count=tail["n"], offset=at)
        at += 4 * tail["n"]
    return out


def sidecar_range(terms: dict, field: str, term: str) -> tuple[int, int]:
    """(start, end) of a term's postings in a sidecar's arrays ((0, 0) if absent)."""
    packed = terms.get(f"{field}\0{term}")
    if packed is None:
        return 0, 0
    start = packed >> 32
    return start, start + (packed & 0xFFFFFFFF)


def has_sidecar(storage, segment) -> bool:
    """Whether a segment (of ``storage``) has its sidecar file."""
    return storage.file_exists(segment.make_filename(SIDECAR_EXT))


def load_sidecar(reader):
    """(terms, docnums, weights, exact lengths or None) of a segment reader's
    sidecar, or None if it has none."""
    storage, segment = segment_storage(reader), reader.segment()
    if segment is None or not has_sidecar(storage, segment):
        return None
    with storage.open_file(segment.make_filename(SIDECAR_EXT)) as f:
        data = f.read()
    return (*read_sidecar(data), read_lengths(data))


_PHRASES: dict | None = None


def phrases_in(poses: dict[str, list[int]]) -> list[str]:
    """Multi-word thesaurus keys occurring as phrases (adjacent positions).

    ``poses`` maps each term of one field of one document to its positions
    (one per word, sub-words at their word's position), so this finds what a
    Whoosh Phrase query would.
    """
    global _PHRASES
    if _PHRASES is None:
        index: dict = {}
        for key in get_thesaurus().by_key:
            ws = key.split()
            if len(ws) > 1:
                index.setdefault(ws[0], []).append((key, ws[1:]))
        _PHRASES = index
    found = []
    for first in _PHRASES.keys() & poses.keys():
        for key, rest in _PHRASES[first]:
            if all(w in poses for w in rest) and any(
                all(p + i in poses[w] for i, w in enumerate(rest, 1))
                for p in poses[first]
            ):
                found.append(key)
    return found
