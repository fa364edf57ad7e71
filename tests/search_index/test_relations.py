"""Relation data (problem -> remedy) loads and applies; reasons name only
words both listings hold, or a named relation between them."""

from __future__ import annotations

import pytest

from search_index import SearchIndex, match_achievement, match_need
from search_index.evidence import _fold
from search_index.schema import _keywords_text
from search_index.thesaurus import REMEDIES_PATH, get_thesaurus


def test_the_remedies_file_names_a_source_for_every_group():
    lines = REMEDIES_PATH.read_text(encoding="utf-8").splitlines()
    group: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            group.append(line)
            continue
        relations = [g for g in group if "=>" in g and not g.startswith("#")]
        if relations:
            assert any(g.startswith("#") for g in group), relations
        group = []


def test_problem_to_remedy_relations_load_both_ways_and_in_both_languages():
    th = get_thesaurus()
    assert "附着力" in th.remedies("脱落") and "adhes" in th.remedies("脱落")
    assert "附着力" in th.remedies("peel")  # peeling, as analysed
    assert "脱落" in th.problems("附着力")
    assert "耐腐蚀" in th.remedies("腐蚀")
    assert not th.remedies("附着力")  # a remedy is no problem


ACH = [
    {"id": 1, "title": "高附着力涂装工艺", "body": "等离子前处理，漆膜附着力达0级。"},
    {"id": 2, "title": "儿童近视离焦镜片", "body": "多点离焦设计。"},
]
NEED = {"id": 9, "title": "眼镜腿掉漆", "body": "用了两个月就掉漆，顾客退货。"}


@pytest.fixture
def remedy_index(tmp_path):
    ix = SearchIndex(tmp_path / "ix")
    ix.upsert("achievements", [{**d, "org_id": d["id"]} for d in ACH])
    ix.upsert("needs", [{**NEED, "org_id": 99}])
    yield ix
    ix.close()


def test_a_problem_finds_its_remedy_and_the_reason_says_so(remedy_index):
    (m,) = match_need(remedy_index, NEED)
    assert m.id == 1
    assert not m.reasons["matched_terms"]  # no word in common
    rel = m.reasons["relation_terms"]
    assert any(r["problem"] == "掉漆" and r["remedy"] == "附着力" for r in rel)
    assert all(r["label"] == f"{r['problem']} → {r['remedy']}" for r in rel)
    # From the achievement's side: the same pair, the same relation, one score.
    (back,) = match_achievement(remedy_index, ACH[0])
    assert back.id == 9 and back.score == m.score
    assert any(
        r["problem"] == "掉漆"
        and r["remedy"] == "附着力"
        and r["problem_in"] == "partner"
        for r in back.reasons["relation_terms"]
    )


def _text(doc: dict) -> str:
    return _fold(" ".join([doc["title"], _keywords_text(doc), doc.get("body", "")]))


@pytest.mark.parametrize("direction", ["need", "achievement"])
def test_reasons_name_only_what_both_listings_hold(
    index, achievements, needs, direction
):
    by_id = {d["id"]: d for d in achievements + needs}
    sources = needs if direction == "need" else achievements
    shown = 0
    for src in sources:
        found = (match_need if direction == "need" else match_achievement)(index, src)
        for m in found:
            mine, theirs = _text(src), _text(by_id[m.id])
            r = m.reasons
            for t in r["matched_terms"] + r["related_terms"]:
                assert _fold(t["term"]) in mine, t
                assert all(_fold(s) in theirs for s in t["synonyms"]), t
                shown += 1
            for t in r["relation_terms"]:
                p, q = _fold(t["problem"]), _fold(t["remedy"])
                if t["problem_in"] == "source":
                    assert p in mine and q in theirs, t
                else:
                    assert q in mine and p in theirs, t
    assert shown
