"""Full rebuild in several processes, each writing its own segments (fastwrite.py).

Workers are forked after jieba and the dictionaries are loaded, take either a
slice of a list of documents (no copying: fork shares it) or batches from a
queue, and return their segments; the caller commits them in one TOC.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

from . import dense
from .fastwrite import SEGMENT_DOCS, FastSegmentWriter

#: Documents per batch handed to a worker when the input is not a list.
BATCH = 500
#: Documents whose dense vectors are encoded in one call.
VECTOR_CHUNK = 64

_SHARED: Sequence | None = None
#: fingerprint -> vector bytes of the index being rebuilt (dense.carry_from),
#: set by the caller around build_segments; forked workers see it.
CARRY: dict[int, bytes] | None = None


@contextmanager
def _without_cycle_collection():
    """Pause Python's cyclic garbage collector (restored afterwards).

    A writer keeps millions of posting tuples and lists alive until its
    segment is written; the collector would walk them again and again as they
    pile up (about a tenth of the CPU time of a rebuild). They hold no cycles:
    reference counting frees them when the segment is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_docs(ix, kind: str, docs: Iterable[dict], tick=None) -> list:
    """Write ``docs`` into new segments of ``ix``; returns the segments.

    ``tick()`` is called after every 100 documents.
    """
    with _without_cycle_collection():
        return _write_segments(ix, kind, docs, tick)


def _with_vectors(docs: Iterable[dict]):
    """(doc, its dense vector or None), the vectors encoded a chunk at a time
    (the encoder is faster on a batch), reusing those of ``CARRY``."""
    chunk: list[dict] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= VECTOR_CHUNK:
            yield from _zip_vectors(chunk)
            chunk = []
    yield from _zip_vectors(chunk)


def _zip_vectors(chunk: list[dict]):
    found = dense.vectors(chunk, CARRY) if chunk else []
    return zip(chunk, found or [None] * len(chunk), strict=True)


def _write_segments(ix, kind: str, docs: Iterable[dict], tick) -> list:
    segments = []
    writer = None
    for doc, vector in _with_vectors(docs):
        if writer is None:
            writer = FastSegmentWriter(ix, lock=False)
        writer.add_app_doc(kind, doc, vector)
        if tick is not None and writer.docnum % 100 == 0:
            tick()
        if writer.docnum >= SEGMENT_DOCS:
            segments.append(writer.finish())
            writer = None
    if writer is not None:
        if writer.added:
            segments.append(writer.finish())
        else:
            writer.close_unused()
    return segments


def _worker(storage, indexname, kind, part, nparts, jobs, results, counter):
    try:
        ix = storage.open_index(indexname)
        if jobs is None:
            docs = _SHARED[part::nparts]
        else:
            docs = (d for batch in iter(jobs.get, None) for d in batch)

        def tick():
            with counter.get_lock():
                counter.value += 100

        results.put(("ok", _write_docs(ix, kind, docs, tick)))
    except BaseException:  # pragma: no cover - reported to the parent
        results.put(("error", traceback.format_exc()))


def build_segments(
    ix,
    kind: str,
    docs: Iterable[dict],
    procs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[list, int]:
    """Analyse and write ``docs`` as new segments in ``procs`` processes.

    Returns (segments, number of documents). The caller holds the index lock
    and commits the segments. Workers are forked after the dictionaries are
    loaded, so each starts with jieba ready.
    """
    global _SHARED
    if procs <= 1:
        done = [0]

        def tick():
            done[0] += 100
            if progress and done[0] % 1000 == 0:
                progress(done[0])

        segs = _write_docs(ix, kind, docs, tick)
        n = sum(s.doc_count_all() for s in segs)
        if progress:
            progress(n)
        return segs, n
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("q", 0)
    results = ctx.Queue()
    is_seq = isinstance(docs, Sequence)
    jobs = None if is_seq else ctx.Queue(procs * 4)
    _SHARED = docs if is_seq else None
    args = (ix.storage, ix.indexname, kind)
    workers = [
        ctx.Process(target=_worker, args=(*args, i, procs, jobs, results, counter))
        for i in range(procs)
    ]
    for w in workers:
        w.daemon = True
        w.start()
    _SHARED = None
    try:
        if jobs is not None:
            batch = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= BATCH:
                    jobs.put(batch)
                    batch = []
            if batch:
                jobs.put(batch)
            for _ in workers:
                jobs.put(None)
        segments, errors, reported = [], [], 0
        pending = len(workers)
        while pending:
            try:
                status, payload = results.get(timeout=0.5)
            except Exception:
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise RuntimeError("a rebuild worker died") from None
            else:
                pending -= 1
                (segments.extend if status == "ok" else errors.append)(payload)
            done = counter.value
            if progress and done // 1000 > reported // 1000:
                progress(done)
                reported = done
        if errors:
            raise RuntimeError("rebuild worker failed:\n" + errors[0])
    finally:
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():  # pragma: no cover
                w.kill()
    n = sum(s.doc_count_all() for s in segments)
    if progress:
        progress(n)
    return segments, n
