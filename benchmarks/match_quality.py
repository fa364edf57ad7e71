"""Measure need-to-achievement matching (nDCG@10, recall@10) against a jieba+BM25 baseline.

Usage: python benchmarks/match_quality.py [--data DIR] [--verbose]

DIR holds achievements.jsonl, needs.jsonl and qrels.jsonl in the import format.
Builds temporary indexes with search_index only: no Flask, no database.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh.analysis import Token, Tokenizer  # noqa: E402

from search_index import SearchIndex, match_need, warm_up  # noqa: E402

DEFAULT_DATA = Path(__file__).parent / "data" / "match_eval"
K = 10


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_app_doc(record: dict, doc_id: int) -> dict:
    """An import-format record as the plain dict the app passes to search_index."""
    org = record.get("organization") or ""
    doc = {
        "id": doc_id,
        "external_ref": record.get("external_ref"),
        "title": record.get("title") or "",
        "body": record.get("summary") or record.get("description") or "",
        "keywords": record.get("keywords") or [],
        "field": record.get("field"),
        "cooperation_modes": record.get("cooperation_modes") or [],
        "org_id": zlib.crc32(org.encode()) & 0x7FFFFFFF if org else None,
        "org_name": org,
        "org_type": record.get("org_type"),
        "status": "published",
        "indicators": record.get("indicators") or [],
    }
    if record.get("kind") == "need":
        doc.update(
            trl_min=record.get("trl_min"),
            budget_min_fen=record.get("budget_min_fen"),
            budget_max_fen=record.get("budget_max_fen"),
        )
    else:
        doc.update(
            trl=record.get("trl"),
            price_fen=record.get("price_fen"),
            pricing_mode=record.get("pricing_mode"),
        )
    return doc


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain at k with gains 2^grade - 1."""
    dcg = sum(
        (2 ** grades.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k])
    )
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    """Share of the relevant (grade >= 1) achievements found in the top k."""
    relevant = {r for r, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


class JiebaTokenizer(Tokenizer):
    """Plain jieba segmentation (default dictionary), lower-cased, no stop words."""

    def __call__(self, value, positions=False, chars=False, mode="", **kw):
        import jieba

        jieba.setLogLevel(60)
        t = Token(positions, chars, mode=mode, **kw)
        pos = 0
        for word in jieba.cut(value):
            word = word.strip().lower()
            if not word or not any(ch.isalnum() for ch in word):
                continue
            t.text, t.boost, t.stopped = word, 1.0, False
            if positions:
                t.pos = pos
            pos += 1
            yield t


class Baseline:
    """Plain jieba + Whoosh BM25F over title and text, OR of the need's words."""

    def __init__(self, directory: str, achievements: list[dict]):
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

        self.tokenize = lambda text: [t.text for t in JiebaTokenizer()(text)]
        schema = Schema(ref=ID(stored=True), text=TEXT(analyzer=JiebaTokenizer()))
        self.ix = index.create_in(directory, schema)
        with self.ix.writer() as w:
            for a in achievements:
                w.add_document(ref=a["external_ref"], text=f"{a['title']}\n{a['body']}")
        self.searcher = self.ix.searcher()

    def rank(self, need: dict) -> list[str]:
        """External refs of the top K achievements for a need."""
        from whoosh import query as Q

        words = dict.fromkeys(self.tokenize(f"{need['title']}\n{need['body']}"))
        if not words:
            return []
        hits = self.searcher.search(Q.Or([Q.Term("text", w) for w in words]), limit=K)
        return [h["ref"] for h in hits]


def evaluate(data: Path, verbose: bool = False) -> dict:
    """Run matcher and baseline over one data directory; returns the summary."""
    warm_up()
    ach_rows = read_jsonl(data / "achievements.jsonl")
    need_rows = read_jsonl(data / "needs.jsonl")
    qrels: dict[str, dict[str, int]] = {}
    for q in read_jsonl(data / "qrels.jsonl"):
        qrels.setdefault(q["need"], {})[q["achievement"]] = int(q["grade"])
    achievements = [to_app_doc(r, i) for i, r in enumerate(ach_rows, 1)]
    ref_of = {a["id"]: a["external_ref"] for a in achievements}
    needs = [to_app_doc(r, i) for i, r in enumerate(need_rows, 1)]
    needs = [n for n in needs if qrels.get(n["external_ref"])]
    scores = {"m_ndcg": [], "m_rec": [], "b_ndcg": [], "b_rec": []}
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        index.rebuild("achievements", achievements, procs=1)
        baseline = Baseline(str(Path(tmp)), achievements)
        for need in needs:
            grades = qrels[need["external_ref"]]
            t0 = time.perf_counter()
            ranked = [ref_of[m.id] for m in match_need(index, need, limit=K)]
            times.append(time.perf_counter() - t0)
            base = baseline.rank(need)
            scores["m_ndcg"].append(ndcg(ranked, grades))
            scores["m_rec"].append(recall(ranked, grades))
            scores["b_ndcg"].append(ndcg(base, grades))
            scores["b_rec"].append(recall(base, grades))
            if verbose:
                print(
                    f"{need['external_ref']} {scores['m_ndcg'][-1]:.2f} "
                    f"(base {scores['b_ndcg'][-1]:.2f}) {need['title'][:30]}"
                )
        baseline.searcher.close()
        index.close()
    mean = {k: sum(v) / len(v) if v else 0.0 for k, v in scores.items()}
    times.sort()
    return {
        "ndcg10": round(mean["m_ndcg"], 4),
        "recall10": round(mean["m_rec"], 4),
        "baseline_ndcg10": round(mean["b_ndcg"], 4),
        "baseline_recall10": round(mean["b_rec"], 4),
        "queries": len(needs),
        "match_p50_ms": round(1000 * times[len(times) // 2], 1) if times else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: prints a table and a final JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    r = evaluate(args.data, args.verbose)
    print(f"queries: {r['queries']}  (match p50 {r['match_p50_ms']} ms)")
    print(f"{'':12}{'matcher':>10}{'baseline':>10}{'diff':>10}")
    for label, m, b in (
        ("nDCG@10", r["ndcg10"], r["baseline_ndcg10"]),
        ("recall@10", r["recall10"], r["baseline_recall10"]),
    ):
        print(f"{label:12}{m:10.3f}{b:10.3f}{m - b:+10.3f}")
    print(
        json.dumps(
            {
                k: r[k]
                for k in (
                    "ndcg10",
                    "recall10",
                    "baseline_ndcg10",
                    "baseline_recall10",
                    "queries",
                )
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
