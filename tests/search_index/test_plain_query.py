"""Unspaced plain-language queries, typed as a firm owner types them, search
like the same words spaced; the "no result holds every keyword" notice only
when that is true."""

from __future__ import annotations

import pytest

from search_index import search
from search_index.query import build_query, parse

PLAIN = [
    {
        "id": 31,
        "title": "镜腿铰链防松结构",
        "body": "弹簧铰链配防松螺丝，镜腿长期使用不松动。",
        "org_id": 31,
    },
    {"id": 32, "title": "镜腿老是断的原因分析", "body": "镜腿断裂。", "org_id": 32},
    {
        "id": 33,
        "title": "树脂镜片加硬层抗开裂工艺",
        "body": "加硬涂层与基片匹配，冷热循环不开裂。",
        "org_id": 33,
    },
    {"id": 34, "title": "树脂镜片加硬液", "body": "硬膜液配方。", "org_id": 34},
]


@pytest.fixture
def plain(index):
    index.upsert("achievements", PLAIN)
    return index


def ids(result):
    return [h.id for h in result.hits]


@pytest.mark.parametrize(
    ("unspaced", "spaced", "best"),
    [
        ("镜腿铰链老是松", "镜腿 铰链 老是 松", 31),
        ("树脂镜片加硬层开裂", "树脂镜片 加硬层 开裂", 33),
    ],
)
def test_an_unspaced_query_finds_and_ranks_like_the_words_spaced(
    plain, unspaced, spaced, best
):
    a = search(plain, "achievements", unspaced)
    b = search(plain, "achievements", spaced)
    assert ids(a) == ids(b) and [h.score for h in a.hits] == [h.score for h in b.hits]
    # The listing holding all the words ranks first; no "any word" notice.
    assert ids(a)[0] == best
    assert not a.fallback_any
    snap = plain.snapshot("achievements")
    assert repr(build_query(parse(unspaced, snap))) == repr(
        build_query(parse(spaced, snap))
    )


def test_a_character_cut_from_a_run_finds_the_words_holding_it(plain):
    snap = plain.snapshot("achievements")
    loose = next(c for c in parse("镜腿铰链老是松", snap).concepts if c.key == "松")
    assert "松动" in loose.contains


def test_filler_words_are_no_keyword_unless_nothing_else_is_left(plain):
    keys = [c.key for c in parse("镜腿铰链老是松").concepts]
    assert "老是" not in keys and {"镜腿", "铰链", "松"} <= set(keys)
    assert [c.key for c in parse("老是").concepts] == ["老是"]
    assert ids(search(plain, "achievements", "老是")) == [32]


def test_the_notice_appears_only_when_no_listing_holds_every_word(plain):
    r = search(plain, "achievements", "镜腿 加硬液")
    assert r.fallback_any and set(ids(r)) >= {31, 34}
    r = search(plain, "achievements", "树脂镜片加硬液")
    assert not r.fallback_any and ids(r)[0] == 34
