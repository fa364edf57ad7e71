"""One Whoosh segment as numpy arrays: its posting lists (from the fast writer's sidecar
where it has one, else read through the adapter), field lengths and vocabulary. A
segment never changes once written, so its arrays are kept across index generations."""

from __future__ import annotations

import threading

import numpy as np
from whoosh.util.numeric import byte_to_length

from .fastwrite import sidecar_range
from .lru import _LRU
from .vocabulary import SegmentVocabulary
from .whoosh_adapter import length_bytes, read_postings, segment_storage

#: Posting lists kept per segment and per generation (least recently used go).
MAX_TERMS = 50_000
_LEN_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


def _read_postings(reader, fieldname: str, text: str):
    """Docnums (segment-local) and weights of one term in one segment reader."""
    return read_postings(reader, fieldname, text)


def _load_sidecar(reader):
    """(terms, docs, weights, fields) from a segment's sidecar, or False if none."""
    from .fastwrite import SIDECAR_EXT, SIDECAR_FIELDS, read_sidecar

    try:
        storage, segment = segment_storage(reader), reader.segment()
        name = segment.make_filename(SIDECAR_EXT)
        if not storage.file_exists(name):
            return False
        with storage.open_file(name) as f:
            terms, docs, weights = read_sidecar(f.read())
    except Exception:  # an unreadable sidecar only costs speed
        return False
    fields = {*SIDECAR_FIELDS, *(f"phrase:{f}" for f in SIDECAR_FIELDS)}
    return terms, docs, weights, frozenset(fields)


class SegmentArrays:
    """Arrays of one immutable segment (deletions are handled by the snapshot)."""

    def __init__(self, segid: str, n: int, mapped=None):
        self.segid = segid
        self.n = n
        #: The segment's memory-mapped snapshot files (shared.MappedSegment), or None.
        self.mapped = mapped
        self._postings = _LRU(MAX_TERMS)
        self._columns: dict = {}
        self._lock = threading.Lock()
        self._side = None
        #: The segment's terms holding a character (see vocabulary.py).
        self.vocabulary = SegmentVocabulary()

    def sidecar(self, reader):
        """The segment's sidecar (terms, docnums, weights, fields) or False."""
        if self._side is None:
            if self.mapped is not None:
                self._side = self.mapped.side
            else:
                self._side = _load_sidecar(reader)
        return self._side

    def postings(self, reader, fieldname: str, text: str):
        side = self.sidecar(reader)
        if side and fieldname in side[3]:
            terms, docs, weights, _ = side
            lo, hi = sidecar_range(terms, fieldname, text)
            return docs[lo:hi], weights[lo:hi]
        with self._lock:
            return self._postings.get_or(
                (fieldname, text), lambda: _read_postings(reader, fieldname, text)
            )

    def column(self, reader, name: str):
        """A column's values as a Python list (None where missing)."""
        with self._lock:
            if name not in self._columns:
                self._columns[name] = self._read_column(reader, name)
            return self._columns[name]

    def _read_column(self, reader, name: str):
        if name.startswith("_len:"):
            field = name[5:]
            if self.mapped is not None and field in self.mapped.lengths:
                return self.mapped.lengths[field]
            raw = length_bytes(reader, field, self.n)
            if raw is None:
                return np.ones(self.n, np.float32)
            return _LEN_TABLE[raw]
        # An object array: never walked by the garbage collector (see column).
        if not reader.has_column(name):
            return np.full(self.n, None, object)
        return np.fromiter(reader.column_reader(name), object, count=self.n)
