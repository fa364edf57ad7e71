"""Bulk work at bulk speed: `flask demo generate`, `flask listings import` and
`flask search reindex` on a fresh market, phase by phase.

Usage: python benchmarks/bulk_bench.py [N] [--full] [--needs M] [--procs P]
       [--database-url URL] [--no-import]

N synthetic achievements (default 20,000; 100,000 with --full) and M needs (default
N/20) are generated into an empty database (SQLite in a temporary folder unless
--database-url names another, e.g. an empty PostgreSQL database), then the same
listings are written to a JSON Lines file and imported with `flask listings import`
into a second empty database, then the first one is reindexed (--no-matches: all
three without the stored matches, for the write and index figures at 100,000 on a
small machine). Printed per command:
listings/s of the database writes, the index time, the matching time (and matching ÷
indexing), the wall time end to end and the peak RSS of the largest process. The
last line is one JSON object with every figure; before it, indexing against matching
of each command side by side, in wall and CPU seconds (CPU: the command's process and
its workers; what counts on a shared machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(env: dict, *args: str) -> tuple[str, float, float]:
    """Run `flask ARGS`; returns (output, wall seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{out[-3000:]}")
    return out, wall, usage.ru_maxrss / 1024


def figure(pattern: str, text: str, cast=float, default=None):
    found = re.findall(pattern, text)
    return cast(found[-1]) if found else default


def phases(out: str) -> dict:
    """The figures a bulk command prints (see demo/commands.py, search/commands.py)."""
    written = [
        (int(n), float(s))
        for n, s in re.findall(r"(\d+) created.*? in ([\d.]+) s", out)
    ]
    indexing = sum(float(s) for s in re.findall(r"\d+ documents in ([\d.]+) s", out))
    return {
        "written": sum(n for n, _ in written),
        "write_s": sum(s for _, s in written),
        "indexing_s": indexing,
        "index_s": figure(r"search: \w+ in ([\d.]+) s", out, default=indexing),
        "matching_s": figure(
            r"matches in ([\d.]+) s", out, default=figure(r"matching: ([\d.]+) s", out)
        ),
        "indexing_cpu_s": figure(r"indexing: [\d.]+ s, ([\d.]+) s CPU", out),
        "matching_cpu_s": figure(
            r"matches in [\d.]+ s \(([\d.]+) s CPU\)",
            out,
            default=figure(r"matching: [\d.]+ s, ([\d.]+) s CPU", out),
        ),
        "matches": figure(r"(\d+) matches in", out, int),
        "alerts": figure(r"(\d+) summary alerts", out, int),
    }


def env_for(tmp: Path, url: str | None, name: str) -> dict:
    folder = tmp / name
    folder.mkdir()
    return dict(
        os.environ,
        DATABASE_URL=url or f"sqlite:///{folder / 'bench.db'}",
        INSTANCE_DIR=str(folder),
        SEARCH_INDEX_DIR=str(folder / "index"),
        SECRET_KEY="bulk-bench",
        MAIL_BACKEND="console",
        MAIL_SYNC="off",
        PYTHONPATH=str(ROOT),
    )


def write_jsonl(path: Path, n: int, m: int) -> None:
    """The records `demo generate` would write (same generator, same seed)."""
    spec = importlib.util.spec_from_file_location(
        "synth", ROOT / "marketplace" / "demo" / "synth.py"
    )
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    with open(path, "w", encoding="utf-8") as fh:
        for kind, count in (("achievement", n), ("need", m)):
            for rec in synth.generate_listings(kind, count, 1):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def report(name: str, got: dict, listings: int) -> None:
    rate = got["written"] / got["write_s"] if got.get("write_s") else 0
    end = listings / got["wall_s"]
    ratio = (
        got["matching_s"] / got["indexing_s"]
        if got.get("matching_s") and got.get("indexing_s")
        else None
    )
    print(
        f"{name:<10} writes {rate:8.0f} listings/s | index {got['index_s'] or 0:6.1f} s"
        f" (indexing {got['indexing_s']:6.1f} s) | matching {got['matching_s'] or 0:7.1f} s"
        f" ({'-' if ratio is None else f'{ratio:.2f}'}× indexing) | end to end"
        f" {end:6.0f} listings/s in {got['wall_s']:6.1f} s | peak RSS {got['rss_mb']:5.0f} MB",
        flush=True,
    )


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def side_by_side(results: dict) -> None:
    """Indexing against matching of each command, wall and CPU, in one table (the
    CPU figures hold on a shared machine; wall time waits for other processes)."""
    print(
        f"{'':<10} {'indexing':>10} {'matching':>10} {'ratio':>6}"
        f" | {'indexing':>10} {'matching':>10} {'ratio':>6}"
    )
    print(
        f"{'':<10} {'wall s':>10} {'wall s':>10} {'':>6} | {'CPU s':>10} {'CPU s':>10}"
    )
    for name in ("generate", "import", "reindex"):
        got = results.get(name)
        if not got:
            continue
        iw, mw = got.get("indexing_s"), got.get("matching_s")
        ic, mc = got.get("indexing_cpu_s"), got.get("matching_cpu_s")
        print(
            f"{name:<10} {iw or 0:10.1f} {mw or 0:10.1f} {_ratio(mw, iw):>6}"
            f" | {ic or 0:10.1f} {mc or 0:10.1f} {_ratio(mc, ic):>6}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", type=int, nargs="?", default=20_000, help="achievements")
    ap.add_argument("--full", action="store_true", help="100,000 achievements")
    ap.add_argument("--needs", type=int, help="default: achievements / 20")
    ap.add_argument("--procs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--database-url", help="an EMPTY database (default: SQLite)")
    ap.add_argument("--import-database-url", help="an EMPTY database for the import")
    ap.add_argument("--no-import", action="store_true", help="skip the import run")
    ap.add_argument(
        "--no-matches",
        action="store_true",
        help="writes and index only (matching 100,000 takes long on few cores)",
    )
    args = ap.parse_args()
    n = 100_000 if args.full else args.size
    m = args.needs if args.needs is not None else max(1, n // 20)
    procs = str(args.procs)
    quick = ["--no-matches"] if args.no_matches else []
    tmp = Path(tempfile.mkdtemp(prefix="bulk-bench-"))
    results: dict = {"achievements": n, "needs": m, "procs": args.procs}

    env = env_for(tmp, args.database_url, "generate")
    print(
        f"generate {n} achievements + {m} needs into {env['DATABASE_URL']}", flush=True
    )
    run(env, "db", "upgrade")
    out, wall, rss = run(
        env, "demo", "generate", "--achievements", str(n), "--needs", str(m),
        "--procs", procs, *quick,
    )  # fmt: skip
    results["generate"] = {**phases(out), "wall_s": wall, "rss_mb": rss}
    report("generate", results["generate"], n + m)

    if not args.no_import:
        ienv = env_for(tmp, args.import_database_url, "import")
        path = tmp / "listings.jsonl"
        write_jsonl(path, n, m)
        run(ienv, "db", "upgrade")
        out, wall, rss = run(
            ienv, "listings", "import", str(path), "--create-orgs", *quick
        )
        results["import"] = {**phases(out), "wall_s": wall, "rss_mb": rss}
        report("import", results["import"], n + m)

    out, wall, rss = run(env, "search", "reindex", "--procs", procs, *quick)
    results["reindex"] = {**phases(out), "wall_s": wall, "rss_mb": rss}
    report("reindex", results["reindex"], n + m)
    side_by_side(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
