"""Memory of N worker processes reading one index: per-process arrays vs the
shared snapshot files (search_index/shared.py), side by side in one run.

Usage: python benchmarks/shared_memory_bench.py [--size 20000] [--workers 4]
       [--queries 200] [--needs 20] [--modes before,private,shared]
       [--root DIR] [--index DIR] [--kept CONCEPTS,SIDES[,DOCS_BYTES]]

``--root`` imports ``search_index`` from another checkout (say the main
branch's), so two versions can be measured one after the other on the same
machine state; ``--modes shared`` measures only the production path.

The index is built once (in a child process, so the parent holds none of it).
The parent loads the dictionaries (as gunicorn's preload does) and forks the
workers; each opens the same index, runs the same searches and matches, and
waits while the parent reads its PSS and RSS from /proc/<pid>/smaps_rollup.
Three ways: as before (every worker copies each segment sub-file into its
memory, as stock Whoosh's BufferFile does, and builds its own arrays); per
process but reading the segment files in place (whoosh_adapter); the shared
snapshot files (shared.py). The last line is one JSON object. ``--kept``
sets candidates.py's bounds (matching's caches, whose sizes are printed).
2026-12-04, ``--modes shared``: 118.0 MB per worker at 100,000, 80.3 at 3,000.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if "--root" in sys.argv:  # before search_index is imported
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))

# search_index first: the helper modules below put this checkout on the path.
import search_index  # noqa: E402, I001
from search_index import (  # noqa: E402
    SearchIndex,
    match_need,
    search,
    warm_up,
    whoosh_adapter,
)

sys.path.insert(0, str(Path(__file__).parent))
from match_quality import to_app_doc  # noqa: E402
from search_bench import load_synth, make_queries  # noqa: E402

#: candidates.py's bounds --kept sets (entries or bytes, as this version has them).
_KEPT = ("CONCEPTS_KEPT", "SIDES_KEPT", "DOCS_BYTES")

MODES = {
    "before": "per process (before)",
    "private": "per process, no copy",
    "shared": "shared snapshot",
}


def memory(pid: int) -> dict[str, int]:
    """Pss, Rss and their anonymous/file parts of a process, in kB."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def file_pss(pid: int, top: int = 6) -> dict[str, float]:
    """MB of PSS of a process's file mappings by kind of file (the index's
    snapshot ``.npy`` files, Whoosh's segment files, the rest)."""
    kinds: dict[str, int] = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                name = parts[5] if len(parts) > 5 else None
            elif parts[0] == "Pss:" and name and name.startswith("/"):
                if ".snap_" in name:
                    kind = "snapshot " + name.rsplit(".snap_", 1)[1].split(".")[0]
                elif name.endswith((".seg", ".trm", ".pst", ".vps", ".sto", ".fln")):
                    kind = "whoosh " + name.rsplit(".", 1)[1]
                else:
                    kind = "other files"
                kinds[kind] = kinds.get(kind, 0) + int(parts[1])
    ranked = sorted(kinds.items(), key=lambda kv: -kv[1])
    return {k: round(v / 1024, 1) for k, v in ranked[:top]}


def _corpus(size: int, n_needs: int):
    synth = load_synth()
    docs = [
        to_app_doc(r, i)
        for i, r in enumerate(
            synth.generate_listings("achievement", size, seed=size), 1
        )
    ]
    needs = [
        to_app_doc(r, 10_000_000 + i)
        for i, r in enumerate(synth.generate_listings("need", n_needs, seed=7))
    ]
    return docs, needs


def _build(directory: str, size: int, n_needs: int, procs: int, updates: int) -> None:
    docs, needs = _corpus(size, n_needs)
    ix = SearchIndex(directory)
    t0 = time.perf_counter()
    ix.rebuild("achievements", docs[: size - updates], procs=procs)
    # A few listings published afterwards: segments of Whoosh's own writer.
    for start in range(size - updates, size, max(1, updates // 4)):
        ix.upsert("achievements", docs[start : min(size, start + max(1, updates // 4))])
    ix.upsert("needs", needs)
    print(f"built {size} listings in {time.perf_counter() - t0:.1f} s", flush=True)
    ix.close()


def _worker(directory, mode, queries, needs, ready, stop) -> None:
    whoosh_adapter.share_segment_pages(mode != "before")
    ix = SearchIndex(directory, shared=mode == "shared")
    t0 = time.perf_counter()
    for terms, filters in queries:
        search(ix, "achievements", " ".join(terms), filters=filters)
    t1 = time.perf_counter()
    for need in needs:
        match_need(ix, need)
    t2 = time.perf_counter()
    gc.collect()
    snap = ix.snapshot("achievements")
    ready.send(
        {
            "seconds": t2 - t0,
            "match_seconds": t2 - t1,
            "mapped": snap.mapped,
            "caches": cache_sizes(snap),
        }
    )
    if ready.recv():  # after the parent has read the memory: walking costs some
        ready.send(candidate_sizes(snap, directory))
    stop.wait()
    ix.close()


def _nbytes(value) -> int:
    """Bytes of the numpy arrays (not memory-mapped) reachable in ``value``."""
    if isinstance(value, np.ndarray):
        if isinstance(value, np.memmap) or value.base is not None:
            return 0 if isinstance(value, np.memmap) else _nbytes(value.base)
        return value.nbytes
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    return 0


def cache_sizes(snap) -> dict[str, float]:
    """MB of private numpy arrays in each of a snapshot's caches (whatever
    this version of arrays.py calls them), and the score cache's hits."""
    out = {}
    names = ("scores", "cache", "_bm25", "_postings", "_columns", "_codes", "_stored")
    for name in names:
        value = getattr(snap, name, None)
        if value is not None:
            out[name] = round(_nbytes(dict(value.items())) / 2**20, 2)
            out[f"{name}_entries"] = len(value)
    stored = getattr(snap, "_stored", None)
    if stored:
        out["_stored_pickled_mb"] = round(
            sum(len(pickle.dumps(v)) for v in stored.values()) / 2**20, 2
        )
    scores = getattr(snap, "scores", None)
    if hasattr(scores, "nbytes"):  # a byte-bounded cache counts its own
        out["scores_counted"] = round(scores.nbytes / 2**20, 2)
    for attr in ("hits", "misses"):
        if hasattr(scores, attr):
            out[f"score_{attr}"] = getattr(scores, attr)
    return out


def deep_bytes(value, skip: set[int]) -> int:
    """Bytes of the objects reachable from ``value`` (sys.getsizeof each,
    once; a numpy array's own data included), not those in ``skip``."""
    seen, stack, total = set(skip), [value], 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, types.ModuleType)):
            continue
        if callable(obj) and not hasattr(obj, "__slots__"):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if not isinstance(obj, np.ndarray):
            stack.extend(gc.get_referents(obj))
    return total


def candidate_sizes(snap, directory) -> dict[str, float]:
    """Entries and MB (deep_bytes, the pair statistics and the snapshot not
    counted) of each of candidates.py's per-snapshot caches, if this version
    has them."""
    try:
        candidates = importlib.import_module("search_index.candidates")
        from search_index.pairstats import load_stats
    except ImportError:
        return {}
    skip = {id(snap), id(load_stats(directory))}
    out = {}
    for name, cache in candidates._per_snapshot.get(snap, {}).items():
        entries = list(cache.items())
        out[f"cand_{name}"] = round(deep_bytes(entries, skip) / 2**20, 2)
        out[f"cand_{name}_entries"] = len(entries)
        if hasattr(cache, "nbytes"):
            out[f"cand_{name}_counted"] = round(cache.nbytes / 2**20, 2)
    return out


def run(directory: str, mode: str, workers: int, queries, needs) -> dict:
    ctx = mp.get_context("fork")
    stop = ctx.Event()
    procs, pipes = [], []
    for _ in range(workers):
        parent, child = ctx.Pipe()
        p = ctx.Process(
            target=_worker, args=(directory, mode, queries, needs, child, stop)
        )
        p.start()
        procs.append(p)
        pipes.append(parent)
    states = [pipe.recv() for pipe in pipes]
    mems = [memory(p.pid) for p in procs]
    files = file_pss(procs[0].pid)
    for i, pipe in enumerate(pipes):
        pipe.send(i == 0)
    states[0]["caches"].update(pipes[0].recv())
    stop.set()
    for p in procs:
        p.join()
    pss = [m["Pss"] for m in mems]
    return {
        "mode": mode,
        "mapped": all(s["mapped"] for s in states),
        "pss_kb": pss,
        "pss_total_mb": sum(pss) / 1024,
        "pss_mean_mb": sum(pss) / len(pss) / 1024,
        "rss_mean_mb": sum(m["Rss"] for m in mems) / len(mems) / 1024,
        "anon_mean_mb": sum(m.get("Pss_Anon", 0) for m in mems) / len(mems) / 1024,
        "file_mean_mb": sum(m.get("Pss_File", 0) for m in mems) / len(mems) / 1024,
        "work_s_mean": sum(s["seconds"] for s in states) / len(states),
        "match_s_mean": sum(s["match_seconds"] for s in states) / len(states),
        "caches": states[0]["caches"],
        "file_pss_mb": files,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--needs", type=int, default=20)
    ap.add_argument("--procs", type=int, default=2, help="processes for the build")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated")
    ap.add_argument("--root", help="import search_index from this checkout")
    ap.add_argument(
        "--kept",
        help="CONCEPTS,SIDES[,DOCS_BYTES]: candidates.py's bounds for this run",
    )
    ap.add_argument(
        "--index",
        help="keep the index here (built if the folder is empty, else reused "
        "with the same --size: another --root can then read the same files)",
    )
    args = ap.parse_args(argv)
    if not os.path.exists("/proc/self/smaps_rollup"):
        print("needs Linux's /proc/<pid>/smaps_rollup", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.index or os.path.join(tmp, "ix")
        if not (os.path.isdir(directory) and os.listdir(directory)):
            ctx = mp.get_context("fork")
            builder = ctx.Process(
                target=_build,
                args=(
                    directory,
                    args.size,
                    args.needs,
                    args.procs,
                    min(400, args.size // 10),
                ),
            )
            builder.start()
            builder.join()
            if builder.exitcode:
                return builder.exitcode
        docs, needs = _corpus(args.size, args.needs)
        queries = make_queries(docs, args.queries)
        del docs
        if args.kept:
            candidates = importlib.import_module("search_index.candidates")
            for name, value in zip(_KEPT, args.kept.split(","), strict=False):
                setattr(candidates, name, int(value))
        warm_up()  # the dictionaries, loaded before the fork as gunicorn preloads
        gc.collect()
        modes = [m for m in args.modes.split(",") if m]
        rows = [run(directory, m, args.workers, queries, needs) for m in modes]
    print(f"\nsearch_index from {Path(search_index.__file__).parent}")
    print(
        f"{args.workers} workers, {args.size:,} listings, "
        f"{args.queries} searches + {args.needs} matches each (MB per worker)"
    )
    print(
        f"{'arrays':<22} {'PSS':>8} {'anon PSS':>9} {'file PSS':>9} "
        f"{'RSS':>8} {'PSS total':>10} {'work s':>7} {'match s':>7}"
    )
    for r in rows:
        label = MODES[r["mode"]]
        if r["mode"] == "shared" and not r["mapped"]:
            label += " (NOT MAPPED)"
        print(
            f"{label:<22} {r['pss_mean_mb']:>8.1f} {r['anon_mean_mb']:>9.1f} "
            f"{r['file_mean_mb']:>9.1f} {r['rss_mean_mb']:>8.1f} "
            f"{r['pss_total_mb']:>10.1f} {r['work_s_mean']:>7.2f} "
            f"{r['match_s_mean']:>7.2f}"
        )
    by_mode = {r["mode"]: r for r in rows}
    after = by_mode.get("shared")
    for other in ("before", "private"):
        if after and other in by_mode:
            ratio = by_mode[other]["pss_total_mb"] / after["pss_total_mb"]
            print(f"PSS total, {MODES[other]} / shared snapshot: {ratio:.2f}x")
    for r in rows:
        print(f"caches ({r['mode']}, one worker):", json.dumps(r["caches"]))
        print(f"file PSS ({r['mode']}, one worker):", json.dumps(r["file_pss_mb"]))
    print(
        json.dumps(
            {"size": args.size, "workers": args.workers, "root": str(ROOT), **by_mode}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
