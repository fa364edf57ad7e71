"""Split the second development set into its tuning and test halves, once, by a fixed seed.

Usage: python benchmarks/data/match_eval2/build.py [--needs FILE --qrels FILE]

Without arguments it re-reads both halves, re-splits them and rewrites them (idempotent):
the split depends only on the need ids, their language and SEED, never on the matcher.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261203
HALVES = ("tune", "test")


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """Write rows as JSON lines, UTF-8, one object a line."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def split(needs: list[dict]) -> dict[str, str]:
    """external_ref -> "tune" | "test": per language, a seeded shuffle, then alternate.

    Stratifying by language keeps zh and en needs in both halves; sorting before the
    shuffle makes the result independent of file order.
    """
    out: dict[str, str] = {}
    for lang in sorted({n.get("lang") or "" for n in needs}):
        refs = sorted(n["external_ref"] for n in needs if (n.get("lang") or "") == lang)
        random.Random(f"{SEED}:{lang}").shuffle(refs)
        for i, ref in enumerate(refs):
            out[ref] = HALVES[i % 2]
    return out


def load_all() -> tuple[list[dict], list[dict]]:
    """All needs and qrels of both halves."""
    needs, qrels = [], []
    for half in HALVES:
        if (HERE / half / "needs.jsonl").exists():
            needs += read_jsonl(HERE / half / "needs.jsonl")
        if (HERE / half / "qrels.jsonl").exists():
            qrels += read_jsonl(HERE / half / "qrels.jsonl")
    return needs, qrels


def main(argv: list[str] | None = None) -> int:
    """Write tune/ and test/ needs.jsonl and qrels.jsonl."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=Path)
    parser.add_argument("--qrels", type=Path)
    args = parser.parse_args(argv)
    needs, qrels = load_all()
    if args.needs:
        needs = read_jsonl(args.needs)
    if args.qrels:
        qrels = read_jsonl(args.qrels)
    half_of = split(needs)
    key = lambda r: r["external_ref"]  # noqa: E731
    for half in HALVES:
        (HERE / half).mkdir(exist_ok=True)
        write_jsonl(
            HERE / half / "needs.jsonl",
            sorted((n for n in needs if half_of[n["external_ref"]] == half), key=key),
        )
        write_jsonl(
            HERE / half / "qrels.jsonl",
            sorted(
                (q for q in qrels if half_of.get(q["need"]) == half),
                key=lambda q: (q["need"], q["achievement"]),
            ),
        )
    counts = {h: sum(1 for v in half_of.values() if v == h) for h in HALVES}
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
