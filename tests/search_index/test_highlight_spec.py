"""Highlights from the stored word boundaries match highlights that run jieba."""

import pytest

from search_index import search
from search_index.analysis import analyze, analyze_with_spec, highlight_spec
from search_index.highlight import highlight
from search_index.query import parse
from search_index.schema import HIGHLIGHT_FIELDS, HIGHLIGHT_SPEC, to_document

EXTRA = [
    "鏡架 附著力 ＴＲ９０钛合金β钛镜腿",
    "的了和",
    "3D打印镜架 tr90.材料 50%",
    "超轻β钛合金镜架，采用TR-90。<b>fast</b> & 抗蓝光",
    "",
]
QUERIES = ["镜架", "附着力", "钛合金 coating", "progressive lens", "离焦 青少年", "β钛"]


def _texts(docs):
    for d in docs:
        fields = to_document("achievements", d)
        for name in HIGHLIGHT_FIELDS:
            yield fields[name]
    yield from EXTRA


def test_spec_rebuilds_the_same_words(achievements):
    for text in _texts(achievements):
        spec = highlight_spec(text)
        assert analyze(text, spec=spec) == analyze(text)
        assert analyze_with_spec(text) == (analyze(text), spec)


@pytest.mark.parametrize("q", QUERIES)
def test_highlight_with_spec_is_unchanged(achievements, q):
    terms = set()
    for c in parse(q).concepts:
        terms |= c.highlight_terms()
    for text in _texts(achievements):
        spec = highlight_spec(text)
        for whole in (False, True):
            assert highlight(text, terms, whole, spec=spec) == highlight(
                text, terms, whole
            )


def test_search_hits_use_stored_specs(index):
    snap = index.snapshot("achievements")
    stored = snap.stored_fields(0)
    assert len(stored[HIGHLIGHT_SPEC]) == len(HIGHLIGHT_FIELDS)
    hit = search(index, "achievements", "附着力").hits[0]
    assert "<mark>附着力</mark>" in hit.highlights["title"]
