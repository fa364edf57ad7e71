"""Memory of N worker processes reading one index: per-process arrays vs the
shared snapshot files (search_index/shared.py), side by side in one run.

Usage: python benchmarks/shared_memory_bench.py [--size 20000] [--workers 4]
       [--queries 200] [--needs 20]

The index is built once (in a child process, so the parent holds none of it).
The parent loads the dictionaries (as gunicorn's preload does) and forks the
workers; each opens the same index, runs the same searches and matches, and
waits while the parent reads its PSS and RSS from /proc/<pid>/smaps_rollup.
Three ways: as before (every worker copies each segment sub-file into its
memory, as stock Whoosh's BufferFile does, and builds its own arrays); per
process but reading the segment files in place (whoosh_adapter); the shared
snapshot files (shared.py). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from match_quality import to_app_doc  # noqa: E402
from search_bench import load_synth, make_queries  # noqa: E402

from search_index import (  # noqa: E402
    SearchIndex,
    match_need,
    search,
    warm_up,
    whoosh_adapter,  # noqa: E402
)

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
    for need in needs:
        match_need(ix, need)
    gc.collect()
    ready.send(
        {
            "seconds": time.perf_counter() - t0,
            "mapped": ix.snapshot("achievements").mapped,
        }
    )
    stop.wait()
    ix.close()


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
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--needs", type=int, default=20)
    ap.add_argument("--procs", type=int, default=2, help="processes for the build")
    args = ap.parse_args(argv)
    if not os.path.exists("/proc/self/smaps_rollup"):
        print("needs Linux's /proc/<pid>/smaps_rollup", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        directory = os.path.join(tmp, "ix")
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
        warm_up()  # the dictionaries, loaded before the fork as gunicorn preloads
        gc.collect()
        rows = [run(directory, m, args.workers, queries, needs) for m in MODES]
    print(
        f"\n{args.workers} workers, {args.size:,} listings, "
        f"{args.queries} searches + {args.needs} matches each (MB per worker)"
    )
    print(
        f"{'arrays':<22} {'PSS':>8} {'anon PSS':>9} {'file PSS':>9} "
        f"{'RSS':>8} {'PSS total':>10} {'work s':>7}"
    )
    for r in rows:
        label = MODES[r["mode"]]
        if r["mode"] == "shared" and not r["mapped"]:
            label += " (NOT MAPPED)"
        print(
            f"{label:<22} {r['pss_mean_mb']:>8.1f} {r['anon_mean_mb']:>9.1f} "
            f"{r['file_mean_mb']:>9.1f} {r['rss_mean_mb']:>8.1f} "
            f"{r['pss_total_mb']:>10.1f} {r['work_s_mean']:>7.2f}"
        )
    before, private, after = rows
    ratio = before["pss_total_mb"] / after["pss_total_mb"]
    print(f"PSS total, before / shared snapshot: {ratio:.2f}x")
    print(
        "PSS total, per process without copies / shared snapshot: "
        f"{private['pss_total_mb'] / after['pss_total_mb']:.2f}x"
    )
    print(
        json.dumps(
            {
                "size": args.size,
                "workers": args.workers,
                "before": before,
                "private": private,
                "shared": after,
                "pss_ratio": round(ratio, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
