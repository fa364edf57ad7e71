"""Measure matching (nDCG@10, recall@10) in both directions against a jieba+BM25 baseline.

Usage: python benchmarks/match_quality.py [--data DIR ...] [--half tune] [--verbose]
       [--json-only]

Each DIR holds achievements.jsonl and either needs.jsonl + qrels.jsonl (one set) or
halves in subdirectories (tune/, test/), each with needs.jsonl + qrels.jsonl, sharing
the achievements. Without --data: benchmarks/data/match_eval and match_eval2.
--half NAME keeps only the halves of that name (and single sets): `--half tune` while
tuning, so that the test half is not looked at. --dense turns the dense sentence
vectors on (search_index/dense.py; off by default). --monolingual-thesaurus runs the same on
a copy of search_index whose thesaurus groups are split by language: only the dictionary
(CC-CEDICT) links the languages, as for words the hand-made thesaurus lacks.
Directions: need -> achievement (match_need, the qrels as graded) and achievement -> need
(match_achievement, the same qrels inverted). Each direction is also reported by language
pair (source -> target: zh->zh, zh->en, en->zh, en->en): a query of the source language
is scored on its graded targets of the target language, its ranked list filtered to that
language. Builds temporary indexes with search_index only: no Flask, no database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh.analysis import Token, Tokenizer  # noqa: E402

from search_index import (  # noqa: E402
    SearchIndex,
    dense,
    match_achievement,
    match_need,
    warm_up,
)

DATA = Path(__file__).parent / "data"
DEFAULT_DATA = [DATA / "match_eval", DATA / "match_eval2"]
K = 10
DEPTH = 100  # ranked list depth, so that a language filter still leaves 10
PAIRS = ("zh->zh", "zh->en", "en->zh", "en->en")
_CJK = re.compile(r"[\u3400-\u9fff]")


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def lang_of(record: dict) -> str:
    """The record's `lang`, else zh when its title or text holds Chinese characters."""
    if record.get("lang") in ("zh", "en"):
        return record["lang"]
    text = f"{record.get('title', '')}{record.get('summary') or record.get('description') or ''}"
    return "zh" if _CJK.search(text) else "en"


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
    """Share of the relevant (grade >= 1) targets found in the top k."""
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
    """Plain jieba + Whoosh BM25F over title and text, OR of the query's words."""

    def __init__(self, directory: str, name: str, docs: list[dict]):
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

        self.tokenize = lambda text: [t.text for t in JiebaTokenizer()(text)]
        schema = Schema(ref=ID(stored=True), text=TEXT(analyzer=JiebaTokenizer()))
        self.ix = index.create_in(directory, schema, indexname=name)
        with self.ix.writer() as w:
            for d in docs:
                w.add_document(ref=d["external_ref"], text=f"{d['title']}\n{d['body']}")
        self.searcher = self.ix.searcher()

    def rank(self, source: dict, limit: int = DEPTH) -> list[str]:
        """External refs of the best targets for a source document."""
        from whoosh import query as Q

        words = dict.fromkeys(self.tokenize(f"{source['title']}\n{source['body']}"))
        if not words:
            return []
        hits = self.searcher.search(
            Q.Or([Q.Term("text", w) for w in words]), limit=limit
        )
        return [h["ref"] for h in hits]


def load_suites(data: Path) -> list[tuple[str, list[dict], list[dict], list[dict]]]:
    """(label, achievements, needs, qrels) per set or per half of a set."""
    achievements = read_jsonl(data / "achievements.jsonl")
    if (data / "needs.jsonl").exists():
        parts = [(data.name, data)]
    else:
        parts = [
            (f"{data.name}/{d.name}", d)
            for d in sorted(data.iterdir(), key=lambda d: (d.name != "tune", d.name))
            if (d / "needs.jsonl").exists()
        ]
    return [
        (
            label,
            achievements,
            read_jsonl(d / "needs.jsonl"),
            read_jsonl(d / "qrels.jsonl"),
        )
        for label, d in parts
    ]


def _scores(ranked, grades, lang, src_lang):
    """Overall and per-language-pair (ndcg, recall) of one query, keyed by slice."""
    out = {"all": (ndcg(ranked, grades), recall(ranked, grades))}
    for tgt in ("zh", "en"):
        sub = {r: g for r, g in grades.items() if lang[r] == tgt}
        if any(g > 0 for g in sub.values()):
            kept = [r for r in ranked if lang[r] == tgt]
            out[f"{src_lang}->{tgt}"] = (ndcg(kept, sub), recall(kept, sub))
    return out


def _direction(sources, grades_of, matcher, baseline, lang, verbose, tag):
    """Mean metrics per slice for the matcher and the baseline, and timings."""
    acc: dict[str, dict[str, list[float]]] = {}
    times = []
    for src in sources:
        grades = grades_of.get(src["external_ref"])
        if not grades or not any(g > 0 for g in grades.values()):
            continue
        t0 = time.perf_counter()
        ranked = matcher(src)
        times.append(time.perf_counter() - t0)
        base = baseline.rank(src)
        src_lang = lang[src["external_ref"]]
        m = _scores(ranked, grades, lang, src_lang)
        b = _scores(base, grades, lang, src_lang)
        for key, (nd, rc) in m.items():
            row = acc.setdefault(
                key, {"m_ndcg": [], "m_rec": [], "b_ndcg": [], "b_rec": []}
            )
            row["m_ndcg"].append(nd)
            row["m_rec"].append(rc)
            row["b_ndcg"].append(b[key][0])
            row["b_rec"].append(b[key][1])
        if verbose:
            print(
                f"  {tag} {src['external_ref']} {m['all'][0]:.2f} "
                f"(base {b['all'][0]:.2f}) {src['title'][:36]}"
            )
    out = {}
    for key in ("all", *PAIRS):
        if key not in acc:
            continue
        row = acc[key]
        out[key] = {
            "queries": len(row["m_ndcg"]),
            "ndcg10": round(sum(row["m_ndcg"]) / len(row["m_ndcg"]), 4),
            "recall10": round(sum(row["m_rec"]) / len(row["m_rec"]), 4),
            "baseline_ndcg10": round(sum(row["b_ndcg"]) / len(row["b_ndcg"]), 4),
            "baseline_recall10": round(sum(row["b_rec"]) / len(row["b_rec"]), 4),
        }
    times.sort()
    p50 = round(1000 * times[len(times) // 2], 1) if times else 0.0
    return out, p50


def evaluate_suite(achievements, needs, qrels, verbose=False, label="") -> dict:
    """Both directions over one set of achievements, needs and graded pairs."""
    warm_up()
    ach = [to_app_doc(r, i) for i, r in enumerate(achievements, 1)]
    nds = [to_app_doc(r, i) for i, r in enumerate(needs, 1)]
    lang = {r["external_ref"]: lang_of(r) for r in [*achievements, *needs]}
    ach_ref = {d["id"]: d["external_ref"] for d in ach}
    need_ref = {d["id"]: d["external_ref"] for d in nds}
    known = set(lang)
    forward: dict[str, dict[str, int]] = {}
    backward: dict[str, dict[str, int]] = {}
    for q in qrels:
        if q["need"] in known and q["achievement"] in known:
            forward.setdefault(q["need"], {})[q["achievement"]] = int(q["grade"])
            backward.setdefault(q["achievement"], {})[q["need"]] = int(q["grade"])
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        index.rebuild("achievements", ach, procs=1)
        index.rebuild("needs", nds, procs=1)
        base_a = Baseline(tmp, "base_achievements", ach)
        base_n = Baseline(tmp, "base_needs", nds)
        n2a, p50_f = _direction(
            nds,
            forward,
            lambda s: [ach_ref[m.id] for m in match_need(index, s, limit=DEPTH)],
            base_a,
            lang,
            verbose,
            f"{label} n->a",
        )
        a2n, p50_b = _direction(
            ach,
            backward,
            lambda s: [
                need_ref[m.id] for m in match_achievement(index, s, limit=DEPTH)
            ],
            base_n,
            lang,
            verbose,
            f"{label} a->n",
        )
        base_a.searcher.close()
        base_n.searcher.close()
        index.close()
    return {
        "need_to_achievement": n2a,
        "achievement_to_need": a2n,
        "match_p50_ms": max(p50_f, p50_b),
    }


def evaluate(data: Path, verbose: bool = False) -> dict:
    """The need -> achievement summary of one single-set directory (old interface)."""
    label, achievements, needs, qrels = load_suites(data)[0]
    r = evaluate_suite(achievements, needs, qrels, verbose, label)
    return {**r["need_to_achievement"]["all"], "match_p50_ms": r["match_p50_ms"]}


def print_table(results: dict[str, dict]) -> None:
    """One row per set, direction and slice; matcher beside the baseline."""
    head = f"{'set':22}{'direction':8}{'slice':8}{'q':>5}"
    head += f"{'nDCG m':>9}{'nDCG b':>9}{'diff':>8}{'rec m':>8}{'rec b':>8}"
    print(head)
    for label, r in results.items():
        for direction, short in (
            ("need_to_achievement", "n->a"),
            ("achievement_to_need", "a->n"),
        ):
            for key, row in r[direction].items():
                print(
                    f"{label:22}{short:8}{key:8}{row['queries']:>5}"
                    f"{row['ndcg10']:9.3f}{row['baseline_ndcg10']:9.3f}"
                    f"{row['ndcg10'] - row['baseline_ndcg10']:+8.3f}"
                    f"{row['recall10']:8.3f}{row['baseline_recall10']:8.3f}"
                )
        print(f"{label:22}match p50 {r['match_p50_ms']} ms")


def split_thesaurus(text: str) -> str:
    """The thesaurus with each synonym group split into its Chinese and its
    English members (related-group lines and comments unchanged)."""
    out = []
    for line in text.splitlines():
        body = "" if line.startswith("#") else line.split("#", 1)[0].strip()
        if not body or body.startswith("~"):
            out.append(line)
            continue
        members = [m.strip() for m in body.split("|") if m.strip()]
        zh = [m for m in members if _CJK.search(m)]
        en = [m for m in members if not _CJK.search(m)]
        out += [" | ".join(g) for g in (zh, en) if g]
    return "\n".join(out) + "\n"


def run_monolingual(argv: list[str]) -> int:
    """This benchmark on a copy of search_index with a split thesaurus."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(root / "search_index", Path(tmp) / "search_index")
        shutil.copytree(root / "benchmarks", Path(tmp) / "benchmarks")
        th = Path(tmp) / "search_index" / "data" / "thesaurus.txt"
        th.write_text(split_thesaurus(th.read_text(encoding="utf-8")), encoding="utf-8")
        args = [a for a in argv if a != "--monolingual-thesaurus"]
        script = Path(tmp) / "benchmarks" / "match_quality.py"
        env = {**os.environ, "PYTHONPATH": tmp}
        return subprocess.call([sys.executable, str(script), *args], env=env)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: prints a table and a final JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--half", help="only the halves of this name (e.g. tune)")
    parser.add_argument("--monolingual-thesaurus", action="store_true")
    parser.add_argument(
        "--dense", action="store_true", help="dense vectors on (search_index/dense.py)"
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    if args.monolingual_thesaurus:
        return run_monolingual(sys.argv[1:] if argv is None else argv)
    if args.dense:
        dense.set_enabled(True)
    results = {}
    for data in args.data or DEFAULT_DATA:
        for label, achievements, needs, qrels in load_suites(data):
            if args.half and "/" in label and label.rsplit("/", 1)[1] != args.half:
                continue
            results[label] = evaluate_suite(
                achievements, needs, qrels, args.verbose, label
            )
    if not args.json_only:
        print_table(results)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
