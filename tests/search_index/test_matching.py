"""Tests for need <-> achievement matching on a small hand-written set."""

import json

from search_index import match_achievement, match_need


def test_right_achievement_ranks_first_for_each_need(index, needs):
    expected = {101: 4, 102: 3, 103: 7}
    for need in needs:
        matches = match_need(index, need)
        assert matches and matches[0].id == expected[need["id"]], need["title"]


def test_reasons_are_bilingual_and_json_ready(index, needs):
    m = match_need(index, needs[0])[0]
    json.dumps(m.reasons)
    assert 0 <= m.score <= 100
    terms = {t["term"] for t in m.reasons["matched_terms"]}
    assert terms & {"结合力", "脱落", "掉色", "起皮"}
    synonyms = {s for t in m.reasons["matched_terms"] for s in t["synonyms"]}
    assert "adhesion" in synonyms
    assert m.reasons["trl_fit"] == {"need_min": 5, "trl": 6, "fit": "meets"}
    assert m.reasons["price_fit"]["fit"] == "within"
    assert m.reasons["field_fit"]["fit"] == "same"


def test_english_need_finds_chinese_listing_with_trl_below(index, needs):
    m = match_need(index, needs[1])[0]
    assert m.id == 3
    assert m.reasons["trl_fit"]["fit"] == "meets"


def test_own_organisation_and_drafts_are_excluded(index, needs):
    need = dict(needs[2], org_id=16)
    assert 7 not in [m.id for m in match_need(index, need)]
    need = {"title": "progressive lens design notes", "body": "", "org_id": 99}
    assert 9 not in [m.id for m in match_need(index, need)]


def test_achievement_finds_needs(index, achievements):
    matches = match_achievement(index, achievements[6])
    assert matches[0].id == 103
    assert matches[0].reasons["field_fit"]["fit"] == "same"


def test_nothing_to_match_returns_empty(index):
    assert match_need(index, {"title": "的 了 和", "body": ""}) == []
