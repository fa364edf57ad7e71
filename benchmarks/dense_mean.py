"""Write search_index/data/dense_mean.txt: the mean sentence vector that dense.py
takes away from every vector before it normalises it.

Usage: python benchmarks/dense_mean.py

Every listing of the market is about eyewear, so the encoder's vectors of any two
share a large common part (cosines of unrelated listings of 0.2-0.4); taking the
corpus mean away ("common-component removal") leaves what tells listings apart.
The mean is of benchmarks/data/match_eval (achievements and needs), a set the
held-out test half never reads; it is fixed data, not recomputed per market, so a
pair's cosine does not depend on what else is listed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import match_quality as mq  # noqa: E402

from search_index import dense  # noqa: E402

OUT = ROOT / "search_index" / "data" / "dense_mean.txt"


def main() -> int:
    """Encode the set, write the mean (one number a line after the header)."""
    dense.set_enabled(True)
    records = [
        *mq.read_jsonl(mq.DATA / "match_eval" / "achievements.jsonl"),
        *mq.read_jsonl(mq.DATA / "match_eval" / "needs.jsonl"),
    ]
    docs = [mq.to_app_doc(r, i) for i, r in enumerate(records, 1)]
    mean = dense.raw_vectors([dense.text_of(d) for d in docs]).mean(axis=0)
    head = [
        "# The mean Universal Sentence Encoder (multilingual v3) vector of the",
        f"# {len(docs)} listings of benchmarks/data/match_eval (achievements and needs),",
        "# taken away from every vector by search_index/dense.py before it is",
        "# normalised. Written by benchmarks/dense_mean.py.",
    ]
    OUT.write_text(
        "\n".join(head + [f"{x:.6f}" for x in mean.tolist()]) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT} ({len(docs)} texts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
