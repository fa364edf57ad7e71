"""The match_eval2 halves stay apart: the split is the seeded one, and no test-half text leaks.

Tuning (thesaurus words, weights, thresholds) may read search_index/data, the old set and
match_eval2's achievements, tune/needs.jsonl and tune/qrels.jsonl; test/ is only measured.
A test-half need leaks when a distinctive phrase of it turns up where tuning reads: in
any file of search_index/data, or in the tuning half.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "benchmarks" / "data" / "match_eval2"
TUNING_DATA = ROOT / "search_index" / "data"
_SEG = re.compile(r"[^\W_]+(?:[ '’\-][^\W_]+)*")  # runs of letters, digits and CJK
_HAN = re.compile(r"[\u3400-\u9fff]")


def _build():
    spec = importlib.util.spec_from_file_location("match_eval2_build", SET / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[dict]:
    return [
        json.loads(x)
        for x in path.read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]


def _phrases(text: str, han: int, words: int) -> set[str]:
    """Distinctive phrases: every `han`-character window of a Chinese run, every run of
    `words` consecutive Latin words (one word, or a three-word trade term such as
    "drop ball test", is vocabulary a thesaurus may hold, not a phrase of the need)."""
    out = set()
    for seg in _SEG.findall(text.lower()):
        if _HAN.search(seg):
            seg = re.sub(r"\s+", "", seg)
            out |= {seg[i : i + han] for i in range(len(seg) - han + 1)}
        else:
            toks = re.split(r"[ '’\-]+", seg)
            out |= {" ".join(toks[i : i + words]) for i in range(len(toks) - words + 1)}
    return out


def _normalised(text: str) -> tuple[str, str]:
    """The text for Latin phrases (lower case, one space) and for Chinese (no spaces)."""
    low = re.sub(r"[^\w]+", " ", text.lower())
    return low, re.sub(r"\s+", "", low)


def _leaks(needs: list[dict], corpus: str, han: int, words: int, field: str) -> list:
    latin, cjk = _normalised(corpus)
    found = []
    for n in needs:
        for p in _phrases(n.get(field) or "", han, words):
            hay = cjk if _HAN.search(p) else f" {latin} "
            if (p if _HAN.search(p) else f" {p} ") in hay:
                found.append((n["external_ref"], p))
    return found


@pytest.fixture(scope="module")
def halves():
    return {h: _rows(SET / h / "needs.jsonl") for h in ("tune", "test")}


def test_split_is_the_one_the_fixed_seed_produces(halves):
    build = _build()
    assert build.SEED == 20261203
    everything = halves["tune"] + halves["test"]
    expected = build.split(everything)
    actual = {n["external_ref"]: h for h, rows in halves.items() for n in rows}
    assert actual == expected
    # Order-independent: the same split from shuffled input.
    assert build.split(list(reversed(everything))) == expected
    assert abs(len(halves["tune"]) - len(halves["test"])) <= 2


def test_qrels_live_in_the_half_of_their_need(halves):
    refs = {h: {n["external_ref"] for n in rows} for h, rows in halves.items()}
    achievements = {r["external_ref"] for r in _rows(SET / "achievements.jsonl")}
    for half in ("tune", "test"):
        for q in _rows(SET / half / "qrels.jsonl"):
            assert q["need"] in refs[half], (half, q)
            assert q["achievement"] in achievements, q
            assert q["grade"] in (0, 1, 2) and q.get("reason"), q


def test_every_item_names_its_source(halves):
    for row in [*_rows(SET / "achievements.jsonl"), *halves["tune"], *halves["test"]]:
        assert row.get("source") and row.get("lang") in ("zh", "en"), row[
            "external_ref"
        ]


def test_no_test_need_phrase_in_search_index_data(halves):
    corpus = "\n".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in sorted(TUNING_DATA.rglob("*"))
        if p.is_file()
    )
    leaks = _leaks(halves["test"], corpus, han=8, words=4, field="title")
    leaks += _leaks(halves["test"], corpus, han=12, words=6, field="description")
    assert not leaks, f"test-half text in search_index/data: {leaks[:10]}"


def test_no_test_need_phrase_in_the_tuning_half(halves):
    corpus = "\n".join(
        (SET / "tune" / name).read_text(encoding="utf-8")
        for name in ("needs.jsonl", "qrels.jsonl")
    )
    leaks = _leaks(halves["test"], corpus, han=8, words=4, field="title")
    for n in halves["test"]:
        if n["description"] in corpus or n["title"] in corpus:
            leaks.append((n["external_ref"], "whole text"))
    assert not leaks, f"test-half text in the tuning half: {leaks[:10]}"


def test_the_leak_check_sees_a_planted_phrase(halves):
    for lang in ("zh", "en"):
        need = next(
            n
            for n in halves["test"]
            if n["lang"] == lang and _phrases(n["title"], 8, 4)
        )
        planted = f"# group\nx | {need['title'].upper()} | y\n"
        assert _leaks([need], planted, han=8, words=4, field="title"), lang
        assert not _leaks([need], "x | y\n", han=8, words=4, field="title")
