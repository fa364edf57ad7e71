"""Two web nodes on one PostgreSQL: how soon a listing published on node A is found on B.

Usage: python benchmarks/nodes_bench.py --database-url postgresql://… [--listings 20]
       [--follow 2] [--workers 2]

Both nodes run under gunicorn with the project's gunicorn.conf.py, each with its own
index folder and node name, SEARCH_SYNC=thread and SEARCH_FOLLOW_SECONDS=--follow. The
database gets the demo (`flask seed-demo`) and N listings waiting for review; the
operator publishes each one through node A's page, and node B's search page is asked
every 50 ms until it shows the listing. Printed: publish → searchable on A and on B,
p50 / p95 / max in seconds (goal: B's p95 ≤ 5 s). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages_bench import ROOT, flask, login, pct, serve  # noqa: E402

#: Waiting longer than this for one listing counts as "not found".
GIVE_UP = 60.0


def _request(port: int, method: str, path: str, headers: dict, body: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body or None, headers)
    resp = conn.getresponse()
    return resp.status, resp.read().decode()


def add_listings(env: dict, n: int, tag: str) -> list[tuple[int, str]]:
    """N achievements in review, each with a word no other listing has."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "INSTANCE_DIR")})
    sys.path.insert(0, str(ROOT))
    from marketplace import create_app
    from marketplace.accounts.models import Organization
    from marketplace.achievements.models import Achievement
    from marketplace.extensions import db

    app = create_app()
    words = [f"{tag}{i:03d}" for i in range(n)]
    with app.app_context():
        org = db.session.scalar(
            db.select(Organization).where(Organization.type == "university").limit(1)
        )
        rows = [
            Achievement(
                organization_id=org.id,
                title=f"镜架表面镀膜工艺 {w}",
                summary=f"一种镜架表面镀膜工艺，附着力好。{w}",
                field="surface_treatment",
                keywords=["镀膜"],
                trl=5,
                ip_form="invention_patent",
                status="in_review",
            )
            for w in words
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [(a.id, w) for a, w in zip(rows, words, strict=True)]


def publish(port: int, cookie: str, achievement_id: int) -> None:
    status, page = _request(
        port, "GET", f"/achievements/{achievement_id}", {"Cookie": cookie}
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or not token:
        sys.exit(f"achievement {achievement_id} on A: {status}, no publish form")
    body = urllib.parse.urlencode({"action": "publish", "csrf_token": token.group(1)})
    status, _page = _request(
        port,
        "POST",
        f"/achievements/{achievement_id}/action",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    if status not in (302, 303):
        sys.exit(f"publishing achievement {achievement_id} on A answered {status}")


def found(port: int, word: str, achievement_id: int) -> bool:
    path = "/search/?" + urllib.parse.urlencode({"q": word, "kind": "achievement"})
    status, page = _request(port, "GET", path, {})
    return status == 200 and f'/achievements/{achievement_id}"' in page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", required=True, help="a PostgreSQL database")
    ap.add_argument("--listings", type=int, default=20)
    ap.add_argument("--follow", type=float, default=2.0, help="SEARCH_FOLLOW_SECONDS")
    ap.add_argument("--workers", type=int, default=2, help="per node")
    ap.add_argument("--port", type=int, default=8775, help="node A; node B is +1")
    args = ap.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("several nodes need PostgreSQL (--database-url postgresql://…)")

    tmp = Path(tempfile.mkdtemp(prefix="nodes-bench-"))
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url,
        INSTANCE_DIR=str(tmp),
        SECRET_KEY="nodes-bench",
        MAIL_BACKEND="console",
        SEARCH_SYNC="thread",
        SEARCH_FOLLOW_SECONDS=str(args.follow),
        LOGIN_RATE_LIMIT="1000 per minute",
        PYTHONPATH=str(ROOT),
    )
    print(f"preparing {args.database_url} (demo + {args.listings} in review)")
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    listings = add_listings(env, args.listings, f"nodebench{int(time.time())}x")
    nodes = {}
    for name, port in (("A", args.port), ("B", args.port + 1)):
        node_env = dict(
            env,
            MARKET_NODE_NAME=f"bench-node-{name.lower()}",
            SEARCH_INDEX_DIR=str(tmp / f"index-{name}"),
        )
        flask(node_env, "search", "reindex")  # a new node builds, then follows
        nodes[name] = serve("wsgi:app", port, node_env, args.workers, 2)
    a, b = args.port, args.port + 1
    delays: dict[str, list[float]] = {"A": [], "B": []}
    missed = 0
    try:
        cookie = login(a, "operator")
        for achievement_id, word in listings:
            start = time.monotonic()
            publish(a, cookie, achievement_id)
            pending = {"A": a, "B": b}
            while pending and time.monotonic() - start < GIVE_UP:
                for name, port in list(pending.items()):
                    if found(port, word, achievement_id):
                        delays[name].append(time.monotonic() - start)
                        del pending[name]
                time.sleep(0.05)
            missed += len(pending)
    finally:
        for proc in nodes.values():
            proc.terminate()
            proc.wait(timeout=60)
    figures = {
        name: {
            "p50_s": round(pct(d, 50), 2),
            "p95_s": round(pct(d, 95), 2),
            "max_s": round(max(d, default=0.0), 2),
            "found": len(d),
        }
        for name, d in delays.items()
    }
    print(f"\n{'node':<6}{'found':>7}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for name, f in figures.items():
        print(
            f"{name:<6}{f['found']:>7}{f['p50_s']:>8.2f}{f['p95_s']:>8.2f}{f['max_s']:>8.2f}"
        )
    print(f"publish on A → searchable; follow every {args.follow} s; goal B p95 ≤ 5 s")
    print(json.dumps({"follow_s": args.follow, "missed": missed, "nodes": figures}))


if __name__ == "__main__":
    main()
