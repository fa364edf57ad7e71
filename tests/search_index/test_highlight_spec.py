"""Highlights from stored word boundaries mark exactly the words the analyzer matches."""

import random
from array import array
from pathlib import Path

import pytest

from search_index import search
from search_index.analysis import analyze
from search_index.highlight import (
    analyze_with_spec,
    decode_spec,
    encode_spec,
    highlight,
    highlight_spec,
    matched_spans,
)
from search_index.query import parse
from search_index.schema import HIGHLIGHT_FIELDS, HIGHLIGHT_SPEC, to_document

EXTRA = [
    "鏡架 附著力 ＴＲ９０钛合金β钛镜腿",
    "的了和",
    "3D打印镜架 tr90.材料 50% 1.67 折射率",
    "超轻β钛合金镜架，采用TR-90。<b>fast</b> & 抗蓝光",
    "ﬁne coatings ㎜ 镀膜 PVD镀膜 the lenses",
    "Progressive addition lenses with anti-reflective coatings and defocus",
    "",
]
QUERIES = [
    "镜架",
    "附着力",
    "钛合金 coating",
    "progressive lens",
    "离焦 青少年",
    "β钛",
    "1.67 pvd",
    "fine mm 蓝光",
]


def _texts(docs):
    for d in docs:
        fields = to_document("achievements", d)
        for name in HIGHLIGHT_FIELDS:
            yield fields[name]
    yield from EXTRA


def _terms(q):
    terms = set()
    for c in parse(q).concepts:
        terms |= c.highlight_terms()
    return terms


def _oracle(text, terms):
    """The spans the analyzer itself says match (runs jieba, no spec)."""
    return [
        (w.start, w.end)
        for w in analyze(text)
        if w.text in terms or any(s in terms for s in w.subs)
    ]


def test_spec_round_trips_word_boundaries():
    bounds = [(0, 2), (3, 300), (300, 70_000)]
    assert list(zip(*decode_spec(encode_spec(bounds)), strict=True)) == bounds
    assert [list(x) for x in decode_spec(encode_spec([]))] == [[], []]
    assert encode_spec([(0, 2), (2, 5)])[:2] == b"\x02B"  # one byte a value when small


def test_specs_of_the_older_layout_still_decode():
    # Type code, then each word's gap from the previous end and its length.
    old = b"H" + array("H", [0, 2, 1, 297, 0, 1]).tobytes()
    assert list(zip(*decode_spec(old), strict=True)) == [(0, 2), (3, 300), (300, 301)]


def test_analyze_with_spec_is_analyze(achievements):
    for text in _texts(achievements):
        words, spec = analyze_with_spec(text)
        assert words == analyze(text)
        assert spec == highlight_spec(text)


@pytest.mark.parametrize("q", QUERIES)
def test_spans_from_spec_equal_the_analyzers(achievements, q):
    terms = _terms(q)
    for text in _texts(achievements):
        spec = highlight_spec(text)
        assert matched_spans(text, terms, spec) == _oracle(text, terms), text
        for whole in (False, True):
            assert highlight(text, terms, whole, spec=spec) == highlight(
                text, terms, whole
            )


def test_spans_equal_the_analyzers_on_generated_text():
    """Random listings and random term sets drawn from their own words."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "marketplace" / "demo" / "synth.py"
    module_spec = importlib.util.spec_from_file_location("synth_for_hl", path)
    synth = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(synth)
    r = random.Random(5)
    rows = list(synth.generate_listings("achievement", 60, seed=11))
    rows += list(synth.generate_listings("need", 30, seed=12))
    for row in rows:
        text = " ".join(
            str(row.get(k) or "") for k in ("title", "summary", "description")
        )
        words = analyze(text)
        if not words:
            continue
        pool = [w.text for w in words] + [s for w in words for s in w.subs]
        for _ in range(3):
            terms = set(r.sample(pool, min(len(pool), r.randint(1, 5))))
            assert matched_spans(text, terms, highlight_spec(text)) == _oracle(
                text, terms
            )


def test_old_text_specs_fall_back_to_jieba():
    text = "超轻β钛合金镜架"
    assert matched_spans(text, {"钛合金"}, "0123") == _oracle(text, {"钛合金"})


def test_search_hits_use_stored_specs(index):
    snap = index.snapshot("achievements")
    stored = snap.stored_fields(0)
    assert len(stored[HIGHLIGHT_SPEC]) == len(HIGHLIGHT_FIELDS)
    assert all(isinstance(s, bytes) for s in stored[HIGHLIGHT_SPEC])
    hit = search(index, "achievements", "附着力").hits[0]
    assert "<mark>附着力</mark>" in hit.highlights["title"]


@pytest.mark.parametrize("q", QUERIES)
def test_highlighting_a_documents_texts_together_equals_one_by_one(achievements, q):
    from search_index.highlight import highlight_all, terms_to_mark

    marks = terms_to_mark([c.highlight_terms() for c in parse(q).concepts])
    texts = list(_texts(achievements))
    for i in range(0, len(texts) - 2):
        group = texts[i : i + 3]
        specs = [highlight_spec(t) for t in group]
        wholes = [True, True, False]
        assert highlight_all(group, marks, wholes, specs) == [
            highlight(t, marks, w, s)
            for t, w, s in zip(group, wholes, specs, strict=True)
        ]


@pytest.mark.parametrize("q", QUERIES)
def test_highlighting_many_documents_together_equals_one_by_one(achievements, q):
    from search_index.highlight import highlight_docs, terms_to_mark

    marks = terms_to_mark([c.highlight_terms() for c in parse(q).concepts])
    texts = list(_texts(achievements))
    # Documents of three texts each; some fold to another length (㎜, ﬁ).
    docs = [texts[i : i + 3] for i in range(0, len(texts) - 2, 2)]
    assert any("㎜" in "".join(d) for d in docs)
    wholes = [True, True, False]
    got = highlight_docs(
        [(d, [highlight_spec(t) for t in d]) for d in docs], marks, wholes
    )
    assert got == [
        [
            highlight(t, marks, w, highlight_spec(t))
            for t, w in zip(d, wholes, strict=True)
        ]
        for d in docs
    ]
    assert any("<mark>" in s for doc in got for s in doc)
