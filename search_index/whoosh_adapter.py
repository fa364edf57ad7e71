"""Every use of Whoosh's private names, in one place, for the versions tested.

The engine reads and writes Whoosh's own files but goes under its public API
where that is too slow (see README.md, "Whoosh behind one adapter"). What it
relies on is listed in :data:`PRIVATE_NAMES` (tests/search_index/
test_whoosh_adapter.py checks no other module of search_index uses a private
Whoosh name); importing this module checks the installed version first.
"""

from __future__ import annotations

import io
import os

import numpy as np
import whoosh
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.filedb import structfile
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.writing import SegmentWriter

#: whoosh-reloaded versions this adapter was tested with.
TESTED_VERSIONS = {(2, 7, 5)}


class UnsupportedWhoosh(ImportError):
    """The installed Whoosh is not a version the adapter was tested with."""


def check_version(version: tuple = whoosh.__version__) -> None:
    if tuple(version[:3]) not in TESTED_VERSIONS:
        tested = ", ".join(".".join(map(str, v)) for v in sorted(TESTED_VERSIONS))
        raise UnsupportedWhoosh(
            f"search_index relies on private parts of Whoosh and was tested with "
            f"whoosh-reloaded {tested}; installed: "
            f"{'.'.join(map(str, version))}. Install a tested version, or check "
            f"search_index/whoosh_adapter.py against this one and add it to "
            f"TESTED_VERSIONS."
        )


check_version()

#: The private Whoosh names this module uses (the test checks they exist in
#: the installed version and that no other module of search_index uses them).
PRIVATE_NAMES = (
    # indexes and segment readers
    "_segments",
    "_terms",
    "_perdoc",
    "_storage",
    "_stored",  # the stored-fields column's file name (stored_column_file)
    # W3 posting writer (block at a time)
    "_ids",
    "_weights",
    "_postwriter",
    "_blocklimit",
    "_write_block",
    "_values",
    "_maxweight",
    "_minlength",
    "_maxlength",
    # SegmentWriter: commit steps and the hooks AppSegmentWriter overrides
    "_close_segment",
    "_commit_toc",
    "_finish",
    "_added",
    "_check_state",
    "_finalize_segment",
    "_flush_segment",
    "_lk",
    # patched
    "_cached_reader",
)

# -- segment readers ----------------------------------------------------------


def index_segments(ix) -> list:
    """The segments of an index's newest generation (no reader opened)."""
    return ix._segments()


def has_terms(reader) -> bool:
    """Whether ``reader`` is a segment reader with a term table (not an empty
    index's reader)."""
    return hasattr(reader, "_terms")


def segment_storage(reader):
    """The storage a segment reader's files live in."""
    return reader._storage


def length_bytes(reader, fieldname: str, n: int) -> np.ndarray | None:
    """The byte-quantised lengths of ``fieldname`` in a segment (uint8), or
    None if the field has no length column."""
    lenfield = f"_{fieldname}_len"
    perdoc = reader._perdoc
    if not perdoc.has_column(lenfield):
        return None
    col = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
    return np.fromiter(col, dtype=np.uint8, count=n)


def stored_fields(reader, docnum: int) -> dict | None:
    """A segment document's stored fields straight from its stored column
    (Whoosh's reader also checks every name against the schema), or None
    where the reader has no such column."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "stored_fields"):
        return perdoc.stored_fields(docnum)
    return None


def stored_column_file(reader) -> tuple[str, int, int] | None:
    """(path, offset, length) of a segment's stored-fields column, in its
    compound file or on its own, for reading with ``os.pread``; or None."""
    storage, segment = reader._storage, reader.segment()
    name = whoosh3.W3Codec.column_filename(segment, "_stored")
    compound = isinstance(storage, OverlayStorage) and storage.a
    if (
        isinstance(compound, CompoundStorage)
        and isinstance(storage.b, FileStorage)
        and compound.file_exists(name)
    ):
        offset, length = compound.range(name)
        seg = segment.make_filename(segment.COMPOUND_EXT)
        return os.path.join(storage.b.folder, seg), offset, length
    if isinstance(storage, FileStorage) and storage.file_exists(name):
        return os.path.join(storage.folder, name), 0, storage.file_length(name)
    return None


# -- writers --------------------------------------------------------------------


def commit_segments(writer, segments) -> None:
    """Commit ``segments`` (written by fastwrite) as the index's only ones, in
    one TOC: a multi-segment commit with mergetype=CLEAR."""
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


class AppSegmentWriter(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with the hooks a subclass needs under public
    names (fastwrite.FastSegmentWriter is one): it writes the segment's
    postings itself (:meth:`flush_postings`) and learns when the segment's
    files are done (:meth:`segment_written`), on ``commit()`` (upserts,
    deletes, merges) as on :meth:`finish_segment` (rebuild workers).

    Merges stay Whoosh's: a merge policy calls ``add_reader``, which copies
    stored fields and columns (``write_per_doc``) and hands the reader's
    postings to ``add_postings_to_pool``, public methods a subclass may
    override.
    """

    def __init__(self, ix, lock: bool = True, **kwargs):
        """``lock`` False: the caller holds the index's write lock (a rebuild
        worker writes segments the parent commits)."""
        super().__init__(ix, _lk=lock, **kwargs)

    def check_open(self) -> None:
        """Raise if the writer is closed (committed or cancelled)."""
        self._check_state()

    @property
    def added(self) -> bool:
        """Whether a document was added (or a segment merged in)."""
        return bool(self._added)

    def mark_added(self) -> None:
        self._added = True

    def flush_postings(self) -> None:
        """Write the new segment's postings (``fieldwriter``) and close the
        per-document writer; the subclass's job."""
        raise NotImplementedError

    def segment_written(self, segment) -> None:
        """Called once the new segment's files are complete (hook)."""

    def finish_segment(self):
        """Write the new segment's files and return it, without a TOC."""
        return self._finalize_segment()

    def close_unused(self) -> None:
        """Close a writer that had nothing added, without committing."""
        self._close_segment()

    def _flush_segment(self):
        self.flush_postings()

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        self.segment_written(segment)
        return segment


def posting_writer(fieldwriter):
    """The posting writer of a W3 field writer (between start_term and
    finish_term)."""
    return fieldwriter._postwriter


def add_postings(pw, plist: list, ids: list, weights: list, value, length) -> None:
    """``pw.add_posting`` for a whole term, a block at a time (same bytes).

    ``ids`` and ``weights`` are the postings' docnums and weights; ``value``
    and ``length`` get each posting's encoded value and field length.
    """
    limit = pw._blocklimit
    for i in range(0, len(plist), limit):
        if i:
            pw._write_block()
        j = i + limit
        chunk, block_weights = plist[i:j], weights[i:j]
        pw._ids.extend(ids[i:j])
        pw._weights.extend(block_weights)
        pw._values.extend(filter(None, map(value, chunk)))
        top = max(block_weights)
        if top > pw._maxweight:
            pw._maxweight = top
        lengths = list(filter(None, map(length, chunk)))
        if lengths:
            low, high = min(lengths), max(lengths)
            if pw._minlength is None or low < pw._minlength:
                pw._minlength = low
            if high > pw._maxlength:
                pw._maxlength = high


# -- reading segment files without a copy per process ------------------------


class _ViewFile:
    """A read-only file over a memoryview (of the segment's mmap): what
    ``BytesIO(buf)`` did in ``BufferFile``, without copying the sub-file into
    this process. Every worker then reads the operating system's shared pages."""

    def __init__(self, buf):
        self._buf = memoryview(buf).cast("B")
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), start + n)
        self._pos = max(start, end)
        return self._buf[start:end].tobytes()

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        buf, start = self._buf, self._pos
        end = len(buf) if limit is None or limit < 0 else min(len(buf), start + limit)
        # memoryview has no find: look in bounded chunks.
        at = start
        while at < end:
            chunk = buf[at : min(end, at + 256)].tobytes()
            i = chunk.find(b"\n")
            if i >= 0:
                end = at + i + 1
                break
            at += len(chunk)
        self._pos = end
        return buf[start:end].tobytes()

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            pos += self._pos
        elif whence == io.SEEK_END:
            pos += len(self._buf)
        self._pos = max(0, pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")


#: False copies each sub-file into the process as Whoosh does (BytesIO); for
#: benchmarks/shared_memory_bench.py, which measures the difference.
SHARE_SEGMENT_PAGES = True


def share_segment_pages(enabled: bool) -> None:
    """Read segment sub-files in place (True, the default) or copy them into
    each process as stock Whoosh does (False; for measuring)."""
    global SHARE_SEGMENT_PAGES
    SHARE_SEGMENT_PAGES = bool(enabled)


def _share_buffer_files() -> None:
    cls = structfile.BufferFile
    if getattr(cls, "_eyewear_patched", False):
        return

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = _ViewFile(buf) if SHARE_SEGMENT_PAGES else io.BytesIO(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    cls.__init__ = __init__
    cls._eyewear_patched = True


def _remember_missing_columns() -> None:
    # Whoosh looks for the length column of every non-scored field once per
    # posting while it writes a segment (a stat call each time). Segment files
    # never change once written, so a miss can be remembered per reader.
    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_eyewear_patched", False):
        return
    original = cls._cached_reader

    def _cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_eyewear_missing", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    cls._cached_reader = _cached_reader
    cls._eyewear_patched = True


_share_buffer_files()
_remember_missing_columns()
