"""Time indexing, keyword search and matching against SQL LIKE and SQLite FTS5.

Usage: python benchmarks/search_bench.py [--sizes 10000,100000] [--queries 200]

Listings come from marketplace/demo/synth.py (loaded by path: no Flask needed).
Searches are timed twice: doing the work the FTS5 and LIKE rows do (the first
20 hits and the counts; the figures of the JSON line), and as the search page
does (also the snippets of the 20 hits, on the index opened afresh).
The last line is one JSON object for the largest size.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from match_quality import to_app_doc  # noqa: E402

from search_index import SearchIndex, match_need, search, warm_up  # noqa: E402
from search_index.analysis import _import_jieba  # noqa: E402


def load_synth():
    """The demo data generator, imported by file path."""
    path = ROOT / "marketplace" / "demo" / "synth.py"
    spec = importlib.util.spec_from_file_location("eyewear_synth", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pct(values: list[float], p: float) -> float:
    """The p-th percentile of values, in milliseconds."""
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(p / 100 * len(values)))]


def make_queries(
    docs: list[dict], n: int, seed: int = 1
) -> list[tuple[list[str], dict]]:
    """n queries of 2-4 terms drawn from one listing's keywords and title each."""
    r = random.Random(seed)
    out = []
    while len(out) < n:
        d = r.choice(docs)
        pool = [k for k in d["keywords"] if isinstance(k, str) and len(k) < 20]
        pool += [w for w in d["title"].split() if w.isascii() and len(w) > 4]
        pool = list(dict.fromkeys(pool))
        if len(pool) < 2:
            continue
        terms = r.sample(pool, min(len(pool), r.randint(2, 4)))
        filters = {"field": d["field"]} if len(out) % 2 else {}
        out.append((terms, filters))
    return out


def timed(fn, items, cpu: list | None = None) -> list[float]:
    """Wall time of fn(item) for each item (CPU time appended to ``cpu``)."""
    times = []
    for item in items:
        c0, t0 = time.process_time(), time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return times


def timed_searches(index, queries, cpu: list | None = None, **options) -> list[float]:
    """Wall times of the queries on ``index`` (opened by a first search)."""
    # Open the searcher and load the columns the searches read (facets, ids).
    search(index, "achievements", "镜架", **options)
    return timed(
        lambda q: search(
            index, "achievements", " ".join(q[0]), filters=q[1], **options
        ),
        queries,
        cpu,
    )


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (rebuild workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def build_sqlite(path: str, docs: list[dict]) -> tuple[sqlite3.Connection, float]:
    """A table for LIKE scans and an FTS5 table over jieba-segmented text."""
    jieba = _import_jieba()
    db = sqlite3.connect(path)
    db.execute(
        "create table docs (id integer primary key, title text, body text,"
        " field text, status text)"
    )
    db.execute("create virtual table fts using fts5(title, body, tokenize='unicode61')")
    t0 = time.perf_counter()
    seg = lambda s: " ".join(w for w in jieba.cut(s or "") if w.strip())  # noqa: E731
    for d in docs:
        db.execute(
            "insert into docs values (?,?,?,?,?)",
            (d["id"], d["title"], d["body"], d["field"], "published"),
        )
        db.execute(
            "insert into fts(rowid, title, body) values (?,?,?)",
            (d["id"], seg(d["title"]), seg(d["body"])),
        )
    db.commit()
    return db, time.perf_counter() - t0


def like_search(db, terms, filters):
    """First 20 and per-field counts by LIKE over title and body (one scan)."""
    where = " and ".join("(title like ? or body like ?)" for _ in terms)
    args = [a for t in terms for a in (f"%{t}%", f"%{t}%")]
    if filters.get("field"):
        where += " and field = ?"
        args.append(filters["field"])
    rows = db.execute(f"select id, field from docs where {where}", args).fetchall()
    counts: dict = {}
    for _, field in rows:
        counts[field] = counts.get(field, 0) + 1
    return [r[0] for r in rows[:20]], counts


def fts_search(db, terms, filters, jieba):
    """Top 20 by bm25 and per-field counts with FTS5 over segmented text."""
    phrases = []
    for t in terms:
        words = [w for w in jieba.cut(t) if w.strip() and w.isalnum()]
        if words:
            phrases.append('"' + " ".join(words).replace('"', "") + '"')
    if not phrases:
        return
    match = " AND ".join(phrases)
    extra, args = "", [match]
    if filters.get("field"):
        extra, args = " and d.field = ?", [match, filters["field"]]
    base = f"from fts join docs d on d.id = fts.rowid where fts match ?{extra}"
    db.execute(f"select d.id {base} order by bm25(fts) limit 20", args).fetchall()
    db.execute(f"select d.field, count(*) {base} group by d.field", args).fetchall()


def bench(size: int, n_queries: int, synth, procs: int) -> dict:
    """Run every measurement at one size; returns the figures."""
    docs = [
        to_app_doc(r, i)
        for i, r in enumerate(
            synth.generate_listings("achievement", size, seed=size), 1
        )
    ]
    need_rows = list(synth.generate_listings("need", n_queries, seed=7))
    needs = [to_app_doc(r, 10_000_000 + i) for i, r in enumerate(need_rows)]
    queries = make_queries(docs, n_queries)
    jieba = _import_jieba()
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        c0, t0 = cpu_seconds(), time.perf_counter()
        index.rebuild("achievements", docs, procs=procs)
        build_s = time.perf_counter() - t0
        build_cpu = cpu_seconds() - c0
        # The same work as the FTS5 and LIKE rows: the first 20 and the counts.
        s_cpu: list[float] = []
        s_times = timed_searches(index, queries, s_cpu, highlights=False)
        # The search page's work: also the snippets of the 20 hits, measured on
        # the index opened afresh (its caches cold again).
        page_index = SearchIndex(Path(tmp) / "ix")
        h_times = timed_searches(page_index, queries, highlights=True)
        page_index.close()
        m_times, m_cpu, stored = [], [], []
        for need in needs:
            c1, t1 = time.process_time(), time.perf_counter()
            matches = match_need(index, need)
            m_times.append(time.perf_counter() - t1)
            m_cpu.append(time.process_time() - c1)
            stored.append((need["id"], matches))
        index.close()
        db, fts_build_s = build_sqlite(os.path.join(tmp, "bench.db"), docs)
        like_cpu: list[float] = []
        fts_cpu: list[float] = []
        like_times = timed(lambda q: like_search(db, *q), queries, like_cpu)
        fts_times = timed(lambda q: fts_search(db, *q, jieba), queries, fts_cpu)
        db.execute(
            "create table matches (listing_id int, partner_id int, score real,"
            " reasons text)"
        )
        db.execute("create index ix_matches on matches (listing_id, score desc)")
        rows = [
            (nid, m.id, m.score, json.dumps(m.reasons, ensure_ascii=False))
            for nid, ms in stored
            for m in ms
        ]
        filler = random.Random(3)
        rows += [
            (i, filler.randint(1, size), filler.random() * 100, "{}")
            for i in range(1, size + 1)
            for _ in range(20)
        ]
        db.executemany("insert into matches values (?,?,?,?)", rows)
        db.commit()
        view = (
            "select partner_id, score, reasons from matches where listing_id = ?"
            " order by score desc limit 20"
        )
        v_times = timed(
            lambda nid: db.execute(view, (nid,)).fetchall(), [n["id"] for n in needs]
        )
        db.close()
    return {
        "docs": size,
        "build_s": round(build_s, 1),
        "build_docs_per_s": round(size / build_s),
        "build_cpu_s": round(build_cpu, 1),
        "search_cpu_p95_ms": round(pct(s_cpu, 95), 1),
        "fts5_cpu_p95_ms": round(pct(fts_cpu, 95), 1),
        "like_cpu_p95_ms": round(pct(like_cpu, 95), 1),
        "match_cpu_p95_ms": round(pct(m_cpu, 95), 1),
        "fts5_build_s": round(fts_build_s, 1),
        "search_p50_ms": round(pct(s_times, 50), 1),
        "search_p95_ms": round(pct(s_times, 95), 1),
        "snippets_search_p50_ms": round(pct(h_times, 50), 1),
        "snippets_search_p95_ms": round(pct(h_times, 95), 1),
        "fts5_search_p50_ms": round(pct(fts_times, 50), 1),
        "fts5_search_p95_ms": round(pct(fts_times, 95), 1),
        "like_search_p50_ms": round(pct(like_times, 50), 1),
        "like_search_p95_ms": round(pct(like_times, 95), 1),
        "match_view_p95_ms": round(pct(v_times, 95), 2),
        "match_compute_p50_ms": round(pct(m_times, 50), 1),
        "match_compute_p95_ms": round(pct(m_times, 95), 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    warm_up()
    synth = load_synth()
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        r = bench(size, args.queries, synth, args.procs)
        results.append(r)
        print(f"\n== {size:,} achievements ==")
        print(
            f"build: whoosh {r['build_s']} s ({r['build_docs_per_s']} docs/s, "
            f"{r['build_cpu_s']} CPU-s), fts5 {r['fts5_build_s']} s"
        )
        print(f"{'search (ms)':24}{'p50':>8}{'p95':>8}")
        for label, key in (
            ("whoosh + facets", "search"),
            ("sqlite fts5", "fts5_search"),
            ("sql like", "like_search"),
            ("whoosh, with snippets", "snippets_search"),
        ):
            print(f"{label:24}{r[key + '_p50_ms']:8.1f}{r[key + '_p95_ms']:8.1f}")
        for label, key in (("", "search"), (" with snippets", "snippets_search")):
            print(
                f"p95 ratios{label}: whoosh/fts5"
                f" {r[key + '_p95_ms'] / r['fts5_search_p95_ms']:.1f}x,"
                f" like/whoosh {r['like_search_p95_ms'] / r[key + '_p95_ms']:.1f}x"
            )
        print(
            f"CPU-time p95 (ms; wall time includes waiting for a busy machine): "
            f"whoosh {r['search_cpu_p95_ms']}, fts5 {r['fts5_cpu_p95_ms']}, "
            f"like {r['like_cpu_p95_ms']}, match {r['match_cpu_p95_ms']}"
        )
        print(
            f"match compute p50 {r['match_compute_p50_ms']} ms, "
            f"p95 {r['match_compute_p95_ms']} ms; stored view p95 "
            f"{r['match_view_p95_ms']} ms"
        )
    keys = (
        "docs",
        "build_docs_per_s",
        "search_p50_ms",
        "search_p95_ms",
        "fts5_search_p95_ms",
        "like_search_p95_ms",
        "match_view_p95_ms",
        "match_compute_p95_ms",
    )
    print(json.dumps({k: results[-1][k] for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
