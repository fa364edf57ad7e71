"""Matching many listings at once: one pass over a shared snapshot, in several processes.

A rebuild or a bulk import needs the matches of thousands of listings. Done one
by one in the app, each listing paid for its own database round trips and the
snapshot was looked up again and again; here the sources are a list, the
workers are forked after the dictionaries and the snapshot of the index are
loaded (fork shares those pages), each worker matches its slice of the list
against one prepared snapshot and its caches (the partners' analysed texts,
the frozen pair statistics), and the parent collects the results. A source's
matches are exactly what :func:`match_need` / :func:`match_achievement` give.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence

from .indexer import SearchIndex
from .matching import Match, match_achievement, match_need, score_pairs

#: Sources a worker matches before it reports them to the parent.
CHUNK = 50

_SHARED: tuple | None = None


def _match_one(index, kind: str, doc: dict, limit: int, extra) -> list[Match]:
    if kind == "need":
        found = match_need(index, doc, limit=limit)
        target = "achievements"
    else:
        found = match_achievement(index, doc, limit=limit)
        target = "needs"
    wanted = set(extra.get(int(doc["id"]), ())) if extra else set()
    wanted -= {m.id for m in found}
    if wanted:
        found += score_pairs(index, doc, target, wanted)
    return found


def _prepare(index: SearchIndex, kind: str) -> None:
    # The partners' snapshot, loaded before the workers fork (they share it).
    index.snapshot("achievements" if kind == "need" else "needs")


def _worker(directory, shared, kind, part, nparts, limit, results):
    try:
        docs, extra = _SHARED
        index = SearchIndex(directory, shared=shared)  # its own file handles
        out = []
        for doc in docs[part::nparts]:
            out.append((int(doc["id"]), _match_one(index, kind, doc, limit, extra)))
            if len(out) >= CHUNK:
                results.put(("part", out))
                out = []
        results.put(("done", out))
    except BaseException:  # pragma: no cover - reported to the parent
        results.put(("error", traceback.format_exc()))


def match_many(
    index: SearchIndex,
    kind: str,
    docs: Sequence[dict],
    limit: int = 20,
    procs: int = 1,
    extra: dict[int, set[int]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, list[Match]]]:
    """(source id, its matches, best first) for every source of ``kind``
    ("need" or "achievement", app dicts), in no particular order.

    ``extra[source id]``: partners (app ids) scored too if the matcher did
    not find them (pairs kept from the other side). ``progress(n)`` is called
    with the number of sources just done.
    """
    global _SHARED
    _prepare(index, kind)
    if procs <= 1 or len(docs) < CHUNK * 2:
        for doc in docs:
            yield int(doc["id"]), _match_one(index, kind, doc, limit, extra)
            if progress:
                progress(1)
        return
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    _SHARED = (docs, extra)
    args = (index.directory, index.shared, kind)
    workers = [
        ctx.Process(target=_worker, args=(*args, i, procs, limit, results))
        for i in range(procs)
    ]
    try:
        for w in workers:
            w.daemon = True
            w.start()
    finally:
        _SHARED = None
    try:
        pending = len(workers)
        while pending:
            try:
                status, payload = results.get(timeout=0.5)
            except Exception:  # noqa: BLE001 - queue.Empty: are they alive?
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise RuntimeError("a matching worker died") from None
                continue
            if status == "error":
                raise RuntimeError("matching worker failed:\n" + payload)
            if status == "done":
                pending -= 1
            yield from payload
            if progress and payload:
                progress(len(payload))
    finally:
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():  # pragma: no cover
                w.kill()
