"""Open, write and read the achievements and needs indexes kept in one directory."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.index import LockError

from . import dense, rebuild
from .analysis import warm_up
from .arrays import Snapshot
from .fastwrite import FastSegmentWriter
from .pairstats import write_stats
from .rebuild import build_segments
from .schema import KINDS, make_schema
from .shared import open_segments, read_manifest, write_manifest, write_segment
from .sidecar import has_sidecar
from .whoosh_adapter import commit_segments, index_segments

log = logging.getLogger(__name__)
#: How often (seconds) a reader on the per-process path looks again for the
#: shared snapshot files of its generation (a writer may still be writing them).
SHARED_RECHECK = 1.0


class IndexBusy(RuntimeError):
    """Another writer held the index lock for longer than we were willing to wait."""


def _kind(kind: str) -> str:
    kind = {"achievement": "achievements", "need": "needs"}.get(kind, kind)
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}")
    return kind


def _signature(schema) -> list[tuple]:
    # Whoosh compares column objects by identity, so two equal schemas differ.
    return sorted(
        (
            name,
            type(field).__name__,
            type(getattr(field, "analyzer", None)).__name__,
            bool(field.stored),
            type(field.column_type).__name__,
            # The dictionary an index's text was cut with (see dictionary_version).
            getattr(getattr(field, "analyzer", None), "dictionary", None),
        )
        for name, field in schema.items()
    )


class SearchIndex:
    """Both indexes in one directory, with writers that wait for the lock.

    Searchers are kept per thread and per kind, and reopened only when the
    index on disk has a newer generation than the one they read.
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        busy_timeout: float = 10.0,
        shared: bool = True,
    ):
        """``shared``: write the numpy snapshot files with the index and read
        them memory-mapped (every worker process shares the pages; see
        shared.py); False keeps every array in this process."""
        self.directory = os.fspath(directory)
        self.busy_timeout = busy_timeout
        self.shared = shared
        os.makedirs(self.directory, exist_ok=True)
        warm_up()
        self._ix = {}
        for kind in KINDS:
            if whoosh_index.exists_in(self.directory, indexname=kind):
                ix = whoosh_index.open_dir(self.directory, indexname=kind)
            else:
                ix = whoosh_index.create_in(self.directory, make_schema(kind), kind)
            self._ix[kind] = ix
        self._local = threading.local()
        self._all_searchers: list = []
        self._lock = threading.Lock()
        self._snaps: dict = {}
        self._segcache: dict = {kind: {} for kind in KINDS}
        self._retired: list = []
        self._snap_lock = threading.Lock()

    def index(self, kind: str):
        """The underlying Whoosh index of one kind."""
        return self._ix[_kind(kind)]

    # -- writing -----------------------------------------------------------

    def _writer(self, kind: str, fast: bool = False):
        """A writer holding the lock, waiting ``busy_timeout`` for it: the fast
        writer (every segment it writes has its sidecar), or Whoosh's own
        (only a lock holder: a rebuild commits the segments of its workers)."""
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.01
        while True:
            try:
                if fast:
                    return FastSegmentWriter(self._ix[kind])
                return self._ix[kind].writer()
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"search index {kind!r} in {self.directory} stayed locked "
                        f"for {self.busy_timeout:.0f}s"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def outdated(self, kind: str) -> bool:
        """Whether the index on disk was written with another schema or trade
        dictionary, or has a segment without its posting sidecar (written
        before every write had one): reindex it."""
        kind = _kind(kind)
        ix = self._ix[kind]
        if _signature(ix.schema) != _signature(make_schema(kind)):
            return True
        return not all(has_sidecar(ix.storage, seg) for seg in index_segments(ix))

    def upsert(self, kind: str, docs: Iterable[dict]) -> int:
        """Add or replace documents (app dicts) by id; returns how many were written.

        Written by the fast writer, as a rebuild writes (one posting source:
        the segment and its sidecar); a later duplicate id in ``docs`` wins.
        Whoosh's merge policy may merge small segments into the new one.
        """
        kind = _kind(kind)
        by_id = {str(d["id"]): d for d in docs}
        if not by_id:
            return 0
        found = dense.vectors(list(by_id.values()))
        vectors = dict(zip(by_id, found, strict=False))  # found: [] when off
        writer = self._writer(kind, fast=True)
        try:
            for doc_id, doc in by_id.items():
                writer.delete_by_term("id", doc_id)
                writer.add_app_doc(kind, doc, vectors.get(doc_id))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.write_snapshot(kind)
        return len(by_id)

    def delete(self, kind: str, ids: Iterable[int]) -> int:
        """Remove documents by id; returns how many were found and deleted."""
        kind = _kind(kind)
        ids = [str(i) for i in ids]
        if not ids:
            return 0
        # The fast writer: a merge this commit makes gets its sidecar too.
        writer = self._writer(kind, fast=True)
        try:
            n = sum(writer.delete_by_term("id", i) for i in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.write_snapshot(kind)
        return n

    def optimize(self, kind: str) -> None:
        """Merge every segment of ``kind`` into one (deleted documents dropped,
        so scores are a rebuild's again; the merged segment has its sidecar)."""
        kind = _kind(kind)
        writer = self._writer(kind, fast=True)
        try:
            writer.commit(optimize=True)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        self.write_snapshot(kind)

    def rebuild(
        self,
        kind: str,
        docs: Iterable[dict],
        total: int | None = None,
        progress: Callable[[int], None] | None = None,
        procs: int | None = None,
    ) -> int:
        """Replace the whole index with ``docs``; searchers see the old one until done.

        ``procs`` > 1 analyses and writes segments in that many worker processes
        (forked after the dictionaries are loaded; see rebuild.py). ``total``
        is only a hint for the caller; ``progress(n_done)`` is called about
        every 1,000 documents.
        """
        kind = _kind(kind)
        schema = make_schema(kind)
        with self._ix[kind].reader() as reader:
            rebuild.CARRY = dense.carry_from(reader)  # unchanged texts keep theirs
        dense.warm_up()  # before the workers fork
        if self._ix[kind].schema != schema:
            self._ix[kind] = whoosh_index.create_in(self.directory, schema, kind)
        procs = procs if procs is not None else min(os.cpu_count() or 1, 4)
        writer = self._writer(kind)
        try:
            segments, n = build_segments(self._ix[kind], kind, docs, procs, progress)
        except BaseException:
            writer.cancel()
            raise
        finally:
            rebuild.CARRY = None
        # Like a multi-segment commit with mergetype=CLEAR: only the new segments.
        commit_segments(writer, segments)
        # Pair scores are weighed by the corpus as rebuilt (pairstats.py).
        with self._ix[kind].reader() as reader:
            write_stats(self.directory, kind, reader)
        self.write_snapshot(kind)
        return n

    # -- reading -----------------------------------------------------------

    def searcher(self, kind: str):
        """This thread's searcher for ``kind``, refreshed if the index changed."""
        kind = _kind(kind)
        cache = self._local.__dict__.setdefault("searchers", {})
        s = cache.get(kind)
        ix = self._ix[kind]
        if s is None:
            s = ix.searcher()
            with self._lock:
                self._all_searchers.append(s)
        elif not s.up_to_date():
            # A fresh searcher, not refresh(): refresh() may reuse a segment
            # reader whose deletions are stale.
            fresh = ix.searcher()
            with self._lock:
                self._all_searchers.remove(s)
                self._all_searchers.append(fresh)
            s.close()
            s = fresh
        cache[kind] = s
        return s

    def write_snapshot(self, kind: str) -> bool:
        """Write the shared snapshot files of the newest generation of ``kind``
        (the files of segments already written are kept); False if ``shared``
        is off or writing failed (readers then build their arrays themselves)."""
        if not self.shared:
            return False
        kind = _kind(kind)
        try:
            with self._ix[kind].searcher() as searcher:
                snap = Snapshot(searcher, {})
                entries = [
                    write_segment(self.directory, arrays, sub)
                    for arrays, sub, _ in snap.leaves
                ]
                write_manifest(self.directory, kind, snap.generation, entries)
        except Exception:  # a missing snapshot only costs memory
            log.exception("could not write the shared snapshot of %s", kind)
            return False
        return True

    def _mapper(self, kind: str):
        if not self.shared:
            return None
        return lambda generation, leaves: open_segments(
            self.directory, kind, generation, leaves
        )

    def _current(self, kind: str, snap, ix) -> bool:
        if snap is None or snap.ix is not ix:
            return False
        if snap.generation != ix.latest_generation():
            return False
        if self.shared and not snap.mapped:
            # Built in this process: its shared files may have appeared since.
            now = time.monotonic()
            if now - snap.checked >= SHARED_RECHECK:
                snap.checked = now
                if read_manifest(self.directory, kind, snap.generation):
                    return False
        return True

    def snapshot(self, kind: str) -> Snapshot:
        """The numpy view of the newest generation of ``kind`` (shared, thread-safe).

        Reopened only when the index on disk has a newer generation (or, on
        the per-process path, when that generation's shared files appear);
        the parts of segments that did not change are kept.
        """
        kind = _kind(kind)
        ix = self._ix[kind]
        snap = self._snaps.get(kind)
        if self._current(kind, snap, ix):
            return snap
        with self._snap_lock:
            snap = self._snaps.get(kind)
            ix = self._ix[kind]
            if not self._current(kind, snap, ix):
                segcache = self._segcache[kind]
                snap = Snapshot(ix.searcher(), segcache, self._mapper(kind))
                snap.ix = ix
                snap.checked = time.monotonic()
                keep = {a.segid for a, _, _ in snap.leaves}
                for key in list(segcache):
                    if key not in keep:
                        del segcache[key]
                old = self._snaps.get(kind)
                self._snaps[kind] = snap
                if old is not None:
                    # Another thread may still be reading the previous one.
                    self._retired.append(old)
                    old.drop_caches()  # its caches would hold memory for nothing
                    while len(self._retired) > 2:
                        self._retired.pop(0).searcher.close()
        return snap

    def doc_count(self, kind: str) -> int:
        """Number of live documents of ``kind``."""
        return self.snapshot(kind).doc_count

    def close(self) -> None:
        """Close every searcher opened by any thread."""
        with self._lock:
            for s in self._all_searchers:
                s.close()
            self._all_searchers.clear()
        self._local = threading.local()
        with self._snap_lock:
            for snap in [*self._snaps.values(), *self._retired]:
                snap.searcher.close()
            self._snaps.clear()
            self._retired.clear()
