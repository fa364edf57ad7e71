"""Load the market's pages as production serves them, beside a hello-world route.

Usage: python benchmarks/pages_bench.py [--database-url URL] [--extra N]
       [--seconds 10] [--connections 8] [--workers 5] [--threads 2] [--pages home,stats]

Both apps run under gunicorn with the project's gunicorn.conf.py (workers and threads
from it unless overridden). The market is the demo (`flask seed-demo`), plus N
synthetic achievements and N/20 needs with `--extra N` (listings only: `--no-matches`;
the match panel page is a demo need, its matches stored by seed-demo). Each page is loaded for a
bounded time by a small threaded client on loopback; the market answers with an
`X-Query-Count` header (QUERY_COUNT_HEADER=1, a benchmark-only setting). Printed:
req/s, p50, p99, SQL queries per request, each page's p50 ÷ hello-world's, and the
RSS / PSS of the gunicorn workers (from /proc/<pid>/smaps_rollup). The last line is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOGINS = {
    "broker": ("broker1@ouhai.example", "demo-broker-2026"),
    "operator": ("operator@ouhai.example", "demo-operator-2026"),
}
#: The need whose page (with its match panel) is loaded: one of seed-demo's.
DEMO_NEED = "金属镜架电镀层起皮脱落问题求解"
#: At most this many requests per page and connection, whatever the time allows.
MAX_REQUESTS = 20_000


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else 0.0


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict, extra: int) -> str:
    """Migrate, seed the demo, add `extra` listings, index; returns an API token."""
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    if extra:
        flask(
            env,
            "demo",
            "generate",
            "--achievements",
            str(extra),
            "--needs",
            str(max(1, extra // 20)),
            # Listings only: the pages read them, and the match panel is a demo
            # need's (stored by seed-demo), so the +N need no stored matches.
            "--no-matches",
        )
    flask(env, "search", "reindex", "--if-outdated")
    flask(env, "jobs", "tick")
    out = flask(
        env, "tokens", "create", "--email", "firm@mingshi.example", "--name", "bench"
    )
    return out.strip().splitlines()[-1]


def serve(app: str, port: int, env: dict, workers: int | None, threads: int | None):
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    sys.exit(f"{app} did not start on port {port}")


def _cookies(resp, jar: dict) -> dict:
    for header in resp.msg.get_all("Set-Cookie") or []:
        name, _eq, value = header.split(";")[0].partition("=")
        jar[name.strip()] = value
    return jar


def login(port: int, who: str) -> str:
    """Sign in through the real form; returns the Cookie header of the session."""
    email, password = LOGINS[who]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/account/login")
    resp = conn.getresponse()
    page = resp.read().decode()
    jar = _cookies(resp, {})
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    body = urllib.parse.urlencode(
        {
            "email": email,
            "password": password,
            "csrf_token": token.group(1) if token else "",
        }
    )
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    conn.request(
        "POST",
        "/account/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    resp = conn.getresponse()
    resp.read()
    if resp.status not in (302, 303):
        sys.exit(f"login of {email} failed: {resp.status}")
    _cookies(resp, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def first_link(port: int, path: str, pattern: str, headers: dict | None = None) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    page = conn.getresponse().read().decode()
    found = re.search(pattern, page)
    if not found:
        sys.exit(f"no {pattern} on {path}")
    return found.group(0)


def load(port: int, path: str, headers: dict, seconds: float, connections: int) -> dict:
    """`connections` threads, each on one keep-alive connection, for `seconds`."""
    times: list[float] = []
    queries: list[int] = []
    cpu: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, counts, spent = [], [], []
        for _ in range(MAX_REQUESTS):
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors[0] += 1
                continue
            mine.append(time.perf_counter() - started)
            if resp.status != 200:
                with lock:
                    errors[0] += 1
            if (count := resp.getheader("X-Query-Count")) is not None:
                counts.append(int(count))
            if (ms := resp.getheader("X-CPU-ms")) is not None:
                spent.append(float(ms))
        conn.close()
        with lock:
            times.extend(mine)
            queries.extend(counts)
            cpu.extend(spent)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(times),
        "errors": errors[0],
        "rps": round(len(times) / wall, 1),
        "p50_ms": round(1000 * pct(times, 50), 2),
        "p99_ms": round(1000 * pct(times, 99), 2),
        "queries": round(sum(queries) / len(queries), 1) if queries else None,
        "cpu_p50_ms": round(pct(cpu, 50), 2) if cpu else None,
    }


def workers_memory(master: int) -> dict:
    """RSS and PSS (MB) of the master's children, from /proc/<pid>/smaps_rollup."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    rss, pss = [], []
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", text, re.M))
        rss.append(int(fields.get("Rss", 0)) / 1024)
        pss.append(int(fields.get("Pss", 0)) / 1024)
    return {
        "workers": len(rss),
        "rss_mb_per_worker": round(sum(rss) / len(rss), 1) if rss else None,
        "pss_mb_total": round(sum(pss), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", help="default: a new SQLite file in a temp dir")
    ap.add_argument(
        "--extra", type=int, default=0, help="add N achievements, N/20 needs"
    )
    ap.add_argument("--seconds", type=float, default=10.0, help="per page")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    ap.add_argument("--threads", type=int, help="default: gunicorn.conf.py's")
    ap.add_argument("--port", type=int, default=8765, help="market; hello-world is +1")
    ap.add_argument("--pages", help="comma-separated page names (default: all)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.db'}",
        INSTANCE_DIR=str(tmp),
        SEARCH_INDEX_DIR=str(tmp / "index"),
        SECRET_KEY="pages-bench",
        MAIL_BACKEND="console",
        QUERY_COUNT_HEADER="1",
        LOGIN_RATE_LIMIT="1000 per minute",
        PYTHONPATH=str(ROOT),
    )
    print(f"preparing {env['DATABASE_URL']} (demo + {args.extra})", flush=True)
    token = prepare(env, args.extra)
    market = serve("wsgi:app", args.port, env, args.workers, args.threads)
    hello = serve(
        "benchmarks.hello_wsgi:app", args.port + 1, env, args.workers, args.threads
    )
    try:
        cookies = {who: login(args.port, who) for who in LOGINS}
        broker = {"Cookie": cookies["broker"]}
        # A demo need (its matches stored by seed-demo), not a synthetic one.
        demo_need = "/search/?" + urllib.parse.urlencode(
            {"q": DEMO_NEED, "kind": "need"}
        )
        need = first_link(args.port, demo_need, r"/needs/\d+", broker)
        achievement = first_link(args.port, "/achievements/", r"/achievements/\d+")
        search = "/search/?" + urllib.parse.urlencode({"q": "镜片 涂层"})
        pages = [
            ("hello", args.port + 1, "/", {}),
            ("home", args.port, "/", {}),
            ("achievements", args.port, "/achievements/", {}),
            ("needs", args.port, "/needs/", {}),
            ("search", args.port, search, {}),
            ("achievement", args.port, achievement, {}),
            ("need+matches", args.port, need, broker),
            (
                "api_achievements",
                args.port,
                "/api/v1/achievements",
                {"Authorization": f"Bearer {token}"},
            ),
            ("stats", args.port, "/stats/", {}),
            ("dashboard", args.port, "/dashboard/", {"Cookie": cookies["operator"]}),
        ]
        if args.pages:
            wanted = {"hello", *args.pages.split(",")}
            pages = [p for p in pages if p[0] in wanted]
        results = {}
        for name, port, path, headers in pages:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers=headers)
            if (status := conn.getresponse().status) != 200:
                sys.exit(f"{name} ({path}) answers {status}, not 200")
            load(port, path, headers, min(1.0, args.seconds), 2)  # warm the workers
            results[name] = load(port, path, headers, args.seconds, args.connections)
        memory = {
            "market": workers_memory(market.pid),
            "hello": workers_memory(hello.pid),
        }
    finally:
        for proc in (market, hello):
            proc.terminate()
            proc.wait(timeout=60)
    base = results["hello"]["p50_ms"] or 1.0
    print(
        f"\n{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}"
        f"{'× hello':>9}{'cpu p50':>9}{'errors':>8}"
    )
    for name, r in results.items():
        q = "" if r["queries"] is None else f"{r['queries']:g}"
        cpu = "" if r["cpu_p50_ms"] is None else f"{r['cpu_p50_ms']:.1f}"
        r["x_hello"] = round(r["p50_ms"] / base, 1)
        print(
            f"{name:<18}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{q:>9}{r['x_hello']:>9.1f}{cpu:>9}{r['errors']:>8}"
        )
    for app, m in memory.items():
        print(
            f"{app}: {m['workers']} workers, RSS {m['rss_mb_per_worker']} MB each, PSS {m['pss_mb_total']} MB in all"
        )
    print("cpu p50: CPU ms of the request's thread in the worker (X-CPU-ms)")
    print(json.dumps({"extra": args.extra, "pages": results, "memory": memory}))


if __name__ == "__main__":
    main()
