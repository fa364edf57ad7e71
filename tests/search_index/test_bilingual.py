"""The CC-CEDICT lexicon: it loads from the installed package, keeps
technical senses, weighs ambiguity, is cached, and matches across languages
where the trade thesaurus has no word."""

from __future__ import annotations

import gzip

import pytest

from search_index import SearchIndex, bilingual, cedict, match_achievement, match_need
from search_index.concepts import (
    SYNONYM_WEIGHT,
    TRANSLATION_WEIGHT,
    alternatives,
    relation,
)
from search_index.thesaurus import get_thesaurus


def _tr(term: str) -> dict[str, float]:
    return dict(bilingual.weighted_translations(term))


def test_the_dictionary_ships_with_an_installed_package():
    path = cedict.data_path()
    assert path is not None and path.exists()
    assert len(bilingual.get_lexicon().zh_en) > 10_000


def test_technical_words_translate_both_ways():
    assert _tr("镍") == {"nickel": 1.0}  # a chemical element: one character kept
    assert "hing" in _tr("铰链")  # hinge, as the analyzer stems it
    assert "铰链" in _tr("hing")
    assert "ceram" in _tr("陶瓷") and "陶瓷" in _tr("ceram")
    assert "sandpap" in _tr("砂纸")
    assert all(0 < w <= 1 for w in _tr("hing").values())


def test_general_senses_are_left_out():
    # A one-character word that is no element, proper names (capitalised
    # pinyin), surnames, and glosses with a function word inside.
    assert _tr("毛") == {}
    assert _tr("北京") == {}
    assert "hing" not in _tr("取决")  # "to hinge on" means "to depend on"
    assert all(not k.startswith("surnam") for k in _tr("王"))


def test_an_ambiguous_or_general_word_translates_less_surely():
    # 镍 has one sense; 松动 several (loose, slack, ...): each counts less.
    assert max(_tr("松动").values()) < _tr("镍")["nickel"]
    # General language: an English word that glosses common Chinese words
    # ("much": 许多, 多), a Chinese word common in general text (许多).
    assert "许多" not in _tr("much") and not _tr("许多")
    assert max(_tr("much").values()) < 0.5


def test_translations_weigh_no_more_than_the_hand_made_thesaurus():
    alts = alternatives("陶瓷")
    # TRANSLATION_WEIGHT x the sense's weight, capped at a synonym's weight.
    assert TRANSLATION_WEIGHT > SYNONYM_WEIGHT
    assert 0 < alts["ceram"] <= SYNONYM_WEIGHT
    assert all(
        w <= SYNONYM_WEIGHT
        for a, w in alts.items()
        if relation("陶瓷", a) == "translation"
    )
    # A thesaurus synonym keeps its own, higher weight.
    th = get_thesaurus()
    assert "hing" in th.expand("铰链")
    assert alternatives("铰链")["hing"] == SYNONYM_WEIGHT


MINI = """\
# CC-CEDICT
% % [pa1] /percent (Tw)/
北京 北京 [Bei3 jing1] /Beijing/
鎳 镍 [nie4] /nickel (chemistry)/
毛 毛 [mao2] /hair/feather/
鉸鏈 铰链 [jiao3 lian4] /hinge/
取決 取决 [qu3 jue2] /to hinge on/to depend on/
陶瓷 陶瓷 [tao2 ci2] /pottery and porcelain/ceramics/
異體 异体 [yi4 ti3] /variant of 異體字|异体字[yi4 ti3 zi4]/
"""


@pytest.fixture
def mini(tmp_path, monkeypatch):
    path = tmp_path / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(MINI)
    monkeypatch.setenv("SEARCH_INDEX_CACHE", str(tmp_path / "cache"))
    return path


def test_entries_are_read_and_filtered(mini):
    got = {simp: usable for simp, _, usable in cedict.read_entries(mini)}
    assert got["镍"] == [("nickel",)]
    assert got["铰链"] == [("hinge",)]
    assert ("hinge", "on") in got["取决"]  # dropped later: "on" is a function word
    assert "北京" not in got and "异体" not in got
    assert got["毛"] == []  # counted as general language, never a translation
    assert ("ceramics",) in got["陶瓷"]


def test_the_built_lexicon_is_cached_and_a_bad_cache_is_rebuilt(mini, tmp_path):
    lex = bilingual.build(mini)
    assert lex.translations("镍") == {"nickel": 1.0}
    assert lex.translations("hing") == {"铰链": 1.0}
    assert "取决" not in lex.translations("hing")
    (cached,) = (tmp_path / "cache").iterdir()
    again = bilingual.build(mini)
    assert again.to_bytes() == lex.to_bytes()
    cached.write_bytes(b"garbage")  # no separator: not a lexicon
    assert bilingual.build(mini).translations("镍") == {"nickel": 1.0}
    assert cached.read_bytes() == lex.to_bytes()


def test_no_dictionary_means_no_translations(tmp_path, monkeypatch):
    monkeypatch.setattr(bilingual, "data_path", lambda: None)
    assert bilingual.build().translations("镍") == {}


# Words the trade thesaurus does not list: only the dictionary links them.
ACH = [
    {
        "id": 1,
        "title": "Antibacterial ceramic coating for nose pads",
        "body": "A ceramic layer with silver ions keeps nose pads antibacterial.",
        "lang": "en",
    },
    {
        "id": 2,
        "title": "Sandpaper grading for acetate polishing",
        "body": "Choosing sandpaper grit before tumbling acetate frames.",
    },
    {"id": 3, "title": "磁铁吸附式夹片", "body": "磁铁固定的太阳夹片，装卸方便。"},
]
NEEDS = [
    {"id": 7, "title": "抗菌陶瓷", "body": "想找能用在鼻托上的抗菌陶瓷材料。"},
    {
        "id": 8,
        "title": "Clip-on held by a magnet",
        "body": "A magnet clip-on sun lens.",
    },
]


@pytest.fixture
def cross(tmp_path):
    ix = SearchIndex(tmp_path / "ix")
    ix.upsert("achievements", [{**d, "org_id": d["id"]} for d in ACH])
    ix.upsert("needs", [{**d, "org_id": 100 + d["id"]} for d in NEEDS])
    yield ix
    ix.close()


def test_a_chinese_need_finds_an_english_achievement_through_the_dictionary(cross):
    found = match_need(cross, NEEDS[0])
    assert found and found[0].id == 1
    terms = {t["term"]: t for t in found[0].reasons["matched_terms"]}
    assert "陶瓷" in terms and "抗菌" in terms
    assert terms["陶瓷"]["relation"] == "translation"
    assert terms["陶瓷"]["synonyms"] == ["ceramic"]  # the partner's own word
    # The same pair, the same score from the other side.
    back = {m.id: m.score for m in match_achievement(cross, ACH[0])}
    assert back[7] == found[0].score


def test_an_english_need_finds_a_chinese_achievement_through_the_dictionary(cross):
    found = match_need(cross, NEEDS[1])
    assert found and found[0].id == 3
    (t,) = [t for t in found[0].reasons["matched_terms"] if t["term"] == "magnet"]
    assert t["relation"] == "translation" and t["synonyms"] == ["磁铁"]


def test_british_spellings_translate_as_the_american_ones():
    # CC-CEDICT spells American; listings from Europe often do not.
    assert _tr("模具").get("mould") == _tr("模具")["mold"]
    assert _tr("colour") == _tr("color") and _tr("colour")
    assert bilingual._british("polarized") == "polarised"
    assert bilingual._british("motor") == "motor"


def test_a_compound_the_dictionary_lacks_translates_by_its_parts():
    # 镍铬 is no CEDICT headword; its parts are (two elements), in order.
    assert "镍铬" not in {s for s, _, _ in cedict.read_entries() if s == "镍铬"}
    got = _tr("镍铬")
    assert set(got) == {"nickel chromium"}
    assert got["nickel chromium"] < _tr("镍")["nickel"]
    # A compound with a part that translates to nothing stays untranslated.
    assert _tr("镍哈") == {}


def test_a_two_word_gloss_also_translates_to_the_word_written_as_one():
    # CEDICT: 废水 "waste water"; English listings write "wastewater".
    assert "wast water" in _tr("废水") and "wastewat" in _tr("废水")
    assert "废水" in _tr("wastewat")


def test_an_english_word_keeps_enough_chinese_words_for_its_common_one():
    # "frame": the surest senses are rare words (构陷, to frame someone);
    # 边框 still comes, and "release" keeps 释放.
    assert "边框" in _tr("frame") and "框架" in _tr("frame")
    assert "释放" in _tr("releas")
