"""Every use of Whoosh's private names, in one place, for the versions tested.

The engine reads and writes Whoosh's own files but goes under its public API
where that is too slow (see README.md, "Whoosh behind one adapter"). What it
relies on is listed in :data:`PRIVATE_NAMES` (tests/search_index/
test_whoosh_adapter.py checks no other module of search_index uses a private
Whoosh name); importing this module checks the installed version first.
"""

from __future__ import annotations

import io

import whoosh
from whoosh.codec import whoosh3
from whoosh.filedb import structfile

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
