"""Tests for the Chinese/English analyzer and the thesaurus."""

import pytest

from search_index.analysis import EyewearAnalyzer, analyze, terms
from search_index.thesaurus import get_thesaurus


@pytest.mark.parametrize(
    "text, term",
    [
        ("采用TR90材料的镜架", "tr90"),
        ("镜架表面PVD镀膜处理", "pvd镀膜"),
        ("β钛合金镜腿", "β钛合金"),
        ("使用β钛制造", "β钛"),
        ("一种离焦镜片设计", "离焦镜片"),
        ("渐进多焦点镜片的设计", "渐进多焦点镜片"),
        ("醋酸纤维板加工", "醋酸纤维板"),
        ("记忆钛镜腿", "记忆钛"),
        ("鼻托和铰链", "鼻托"),
        ("鼻托和铰链", "铰链"),
    ],
)
def test_trade_terms_stay_whole(text, term):
    assert term in terms(text)


def test_full_width_and_traditional_are_folded():
    assert terms("ＴＲ９０鏡架") == terms("TR90镜架")
    assert "渐进多焦点" in " ".join(
        terms("漸進多焦點鏡片")
    ) or "渐进多焦点镜片" in terms("漸進多焦點鏡片")


def test_offsets_point_into_the_original_text():
    text = "ＰＶＤ镀膜 and Lenses"
    spans = [text[w.start : w.end] for w in analyze(text)]
    assert spans == ["ＰＶＤ镀膜", "Lenses"]


def test_english_is_lowercased_stemmed_and_stopped():
    assert terms("The Lenses and coatings") == ["lens", "coat"]
    assert terms("lens") == terms("lenses")
    assert terms("defocus") == terms("defocused")


def test_sub_words_share_the_position_of_their_word():
    tokens = [
        (t.text, t.pos) for t in EyewearAnalyzer()("采用离焦镜片技术", positions=True)
    ]
    assert ("离焦镜片", 1) in tokens
    assert ("离焦", 1) in tokens and ("镜片", 1) in tokens
    assert ("技术", 2) in tokens
    assert sorted({p for _, p in tokens}) == [0, 1, 2]


def test_unknown_chinese_words_get_bigrams():
    from search_index.analysis import _cjk_subs

    assert _cjk_subs("瓯镜测试", {}, True) == ("瓯镜", "镜测", "测试")
    assert _cjk_subs("瓯镜测试", {"测试": 1}, False) == ("测试",)


def test_thesaurus_expands_across_languages():
    th = get_thesaurus()
    assert "acet" in th.expand("板材")
    assert "离焦" in th.expand("defocus")
    assert th.group_label("离焦") == "离焦 / defocus"
    assert th.group_label("no such thing") is None
    assert "附着力" in th.related("脱落")


def test_thesaurus_has_a_few_hundred_groups():
    assert len(get_thesaurus().groups) >= 250
