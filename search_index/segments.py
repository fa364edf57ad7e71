"""One Whoosh segment as numpy arrays: its posting lists (from the fast writer's
sidecar, the one posting source: a segment without one is refused with
:class:`IndexOutdated`), field lengths and vocabulary. A segment never changes
once written, so its arrays are kept across index generations."""

from __future__ import annotations

import logging
import os
import sys
import threading
import weakref
from array import array

import numpy as np
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.util.numeric import byte_to_length

from . import dense
from .sidecar import (
    SIDECAR_EXT,
    SIDECAR_FIELDS,
    has_sidecar,
    read_sidecar,
    sidecar_range,
)
from .vocabulary import SegmentVocabulary
from .whoosh_adapter import (
    length_bytes,
    segment_storage,
    stored_column_file,
)

log = logging.getLogger(__name__)
_LEN_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_FIELDS = frozenset({*SIDECAR_FIELDS, *(f"phrase:{f}" for f in SIDECAR_FIELDS)})
_NO_SIDECAR = "has no posting sidecar (written before every write had one)"


class IndexOutdated(RuntimeError):
    """The index has a segment without its posting sidecar (written before
    every write had one), or one that cannot be read: it is not read any
    other way. Rebuild it: ``flask search reindex`` (``make run`` runs
    ``flask search reindex --if-outdated`` before starting)."""

    def __init__(self, segment: str, why: str = _NO_SIDECAR):
        self.segment = segment
        super().__init__(
            f"search index segment {segment} {why}: searches of this index are "
            f"refused until it is rebuilt with `flask search reindex` (or "
            f"`--if-outdated`)"
        )


def _refuse(segment: str, why: str = _NO_SIDECAR) -> IndexOutdated:
    error = IndexOutdated(segment, why)
    log.error("%s", error)
    return error


def check_sidecar(reader) -> None:
    """Raise :class:`IndexOutdated` if the segment of ``reader`` has no sidecar."""
    segment = reader.segment()
    if segment is None or not has_sidecar(segment_storage(reader), segment):
        name = segment.segment_id() if segment is not None else "?"
        raise _refuse(name)


def _load_sidecar(reader):
    """(terms, docs, weights, fields) from a segment's sidecar (IndexOutdated
    if it has none or it cannot be read)."""
    check_sidecar(reader)
    segment = reader.segment()
    try:
        with segment_storage(reader).open_file(segment.make_filename(SIDECAR_EXT)) as f:
            terms, docs, weights = read_sidecar(f.read())
    except Exception as exc:
        raise _refuse(
            segment.segment_id(), f"has an unreadable sidecar ({exc})"
        ) from exc
    return terms, docs, weights, _FIELDS


def code_dtype(labels: int):
    """The smallest integer type for codes -1..labels-1 (plus one, for facet
    counts that shift them)."""
    return np.int16 if labels < 2**15 - 2 else np.int32


def encode(values) -> tuple[np.ndarray, list]:
    """(codes, labels) of a column's values: codes in the order values first
    occur, -1 for none (an empty value)."""
    labels: dict = {}
    codes = np.fromiter(
        (labels.setdefault(v, len(labels)) if v else -1 for v in values),
        dtype=np.int32,
        count=len(values),
    )
    return codes.astype(code_dtype(len(labels))), list(labels)


def as_numbers(values) -> np.ndarray:
    """A numeric column's values as float64, NaN where missing."""
    return np.fromiter(
        (np.nan if v is None else v for v in values), np.float64, count=len(values)
    )


class _PreadFile:
    """The reads a Whoosh column reader makes of its file (``get``, ``get_byte``,
    ``get_array``), with ``os.pread`` from ``base``: a stored document read
    maps no page of the index into the process (through the mmap the kernel
    also mapped the pages around each one: 77 MB for 5,000 documents)."""

    def __init__(self, path: str, base: int):
        self._fd = os.open(path, os.O_RDONLY)
        self._base = base
        weakref.finalize(self, os.close, self._fd)

    def get(self, position: int, length: int) -> bytes:
        return os.pread(self._fd, length, self._base + position)

    def get_byte(self, position: int) -> int:
        return self.get(position, 1)[0]

    def get_array(self, position: int, typecode: str, length: int) -> array:
        a = array(typecode)
        a.frombytes(self.get(position, length * a.itemsize))
        if sys.byteorder == "little":
            a.byteswap()  # Whoosh writes arrays big-endian
        return a


def stored_reader(reader):
    """A reader of a segment's stored fields (``reader[docnum]`` -> dict or
    None) through os.pread, or None where the column is not found."""
    try:
        found = stored_column_file(reader)
        if found is None:
            return None
        path, offset, length = found
        doccount = reader.doc_count_all()
        return STORED_COLUMN.reader(_PreadFile(path, offset), 0, length, doccount)
    except Exception:  # the stock reader still works
        return None


class SegmentArrays:
    """Arrays of one immutable segment (deletions are handled by the snapshot)."""

    def __init__(self, segid: str, n: int, mapped=None):
        self.segid = segid
        self.n = n
        #: The segment's memory-mapped snapshot files (shared.MappedSegment), or None.
        self.mapped = mapped
        self._columns: dict = {}
        self._codes: dict = {}
        self._lock = threading.Lock()
        self._side = None
        self._stored = None
        self._dense = None
        #: The segment's terms holding a character (see vocabulary.py).
        self.vocabulary = SegmentVocabulary()

    def sidecar(self, reader):
        """The segment's sidecar (terms, docnums, weights, fields): its shared
        files' or read once (IndexOutdated if it has none)."""
        if self._side is None:
            if self.mapped is not None:
                self._side = self.mapped.side
            else:
                self._side = _load_sidecar(reader)
        return self._side

    def stored(self, reader, docnum: int) -> dict | None:
        """A document's stored fields read with os.pread (None: not found)."""
        if self._stored is None:
            got = stored_reader(reader)
            with self._lock:
                if self._stored is None:
                    self._stored = got or False
        if not self._stored:
            return None
        return self._stored[docnum] or {}

    def dense(self, reader):
        """(int8 vectors (n, dense.DIM), their sign bits, their texts'
        fingerprints) of the segment's
        documents: its shared files' or read once from the column; None when
        it has none (an index from before them, or vectors switched off)."""
        if self._dense is None:
            got = self.mapped.dense if self.mapped is not None else None
            if got is None and reader.has_column("dense"):
                vectors = dense.matrix(reader.column_reader("dense"))
                fps = np.fromiter(reader.column_reader("dense_fp"), np.int64, self.n)
                got = (
                    (vectors, dense.sign_bits(vectors), fps) if vectors.any() else None
                )
            with self._lock:
                self._dense = got or False
        return self._dense or None

    def postings(self, reader, fieldname: str, text: str):
        """(docnums, weights) of a term of a sidecar field (text, title, org_id)."""
        terms, docs, weights, fields = self.sidecar(reader)
        if fieldname not in fields:
            raise ValueError(f"field {fieldname!r} has no postings in the sidecar")
        lo, hi = sidecar_range(terms, fieldname, text)
        return docs[lo:hi], weights[lo:hi]

    def column(self, reader, name: str):
        """Field lengths (``_len:<field>``, float32, kept), or a column's values
        as an object array (None where missing; read each time: queries use
        its codes or numbers, which are smaller)."""
        if not name.startswith("_len:"):
            return self._read_column(reader, name)
        with self._lock:
            if name not in self._columns:
                self._columns[name] = self._read_column(reader, name)
            return self._columns[name]

    def codes(self, reader, name: str) -> tuple[np.ndarray, list]:
        """(codes, labels) of a column (see encode): the shared file's if the
        segment has one, else computed once."""
        with self._lock:
            got = self._codes.get(("codes", name))
        if got is None:
            mapped = self.mapped.codes.get(name) if self.mapped is not None else None
            got = mapped or encode(self._read_column(reader, name))
            with self._lock:
                self._codes[("codes", name)] = got
        return got

    def numbers(self, reader, name: str) -> np.ndarray:
        """A numeric column as float64 (NaN where missing), as ``codes``."""
        with self._lock:
            got = self._codes.get(("numbers", name))
        if got is None:
            mapped = self.mapped.numbers if self.mapped is not None else {}
            got = mapped.get(name)
            if got is None:
                got = as_numbers(self._read_column(reader, name))
            with self._lock:
                self._codes[("numbers", name)] = got
        return got

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
