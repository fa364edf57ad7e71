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


MORE = [
    {
        "id": 41,
        "title": "电镀废水深度处理达标排放",
        "body": "含镍电镀废水经膜分离后稳定达标。",
        "org_id": 41,
    },
    {"id": 42, "title": "不锈钢镜架", "body": "不锈钢冲压镜架，不生锈。", "org_id": 42},
    {
        "id": 43,
        "title": "钛镜架焊接点断裂的激光补焊",
        "body": "焊点开裂后用激光补焊，焊接强度恢复。",
        "org_id": 43,
    },
    {"id": 44, "title": "钛镜架抛光", "body": "钛镜架镜面抛光。", "org_id": 44},
]


@pytest.fixture
def more(index):
    index.upsert("achievements", MORE)
    return index


def test_a_negation_or_a_verdict_is_no_keyword(more):
    # 不 written alone found every word holding it (不锈钢) and was a keyword
    # no listing holds as a word: the "any word" notice, the steel frame first.
    r = search(more, "achievements", "电镀废水不达标")
    assert ids(r)[0] == 41 and not r.fallback_any
    assert 42 not in ids(r)
    assert "不" not in [c.key for c in parse("电镀废水不达标").concepts]
    assert "差" not in [c.key for c in parse("镜片防蓝光效果差").concepts]


def test_a_word_jieba_made_up_that_no_listing_holds_is_read_as_its_characters(more):
    # jieba's HMM cuts 钛镜架焊接点断 into ... 焊接 / 点断; no listing holds 点断.
    snap = more.snapshot("achievements")
    keys = [c.key for c in parse("钛镜架焊接点断", snap).concepts]
    assert "点断" not in keys and {"点", "断"} <= set(keys)
    r = search(more, "achievements", "钛镜架焊接点断")
    assert ids(r)[0] == 43 and not r.fallback_any
    # Without the index (or where a listing holds the word) it stays whole.
    assert "点断" in [c.key for c in parse("钛镜架焊接点断").concepts]
