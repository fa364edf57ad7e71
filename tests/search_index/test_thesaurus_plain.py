"""Plain spoken problem words reach the technical vocabulary of the eyewear trade."""

from __future__ import annotations

from search_index.analysis import terms
from search_index.thesaurus import get_thesaurus


def test_sweat_words_are_synonyms_and_link_to_sweat_resistance():
    th = get_thesaurus()
    assert "人工汗液" in th.expand("出汗")
    assert "sweat" in th.expand("汗水")
    assert "耐汗" in th.related("出汗")


def test_discoloration_is_not_photochromic():
    th = get_thesaurus()
    assert "tarnish" in th.expand("发黑")
    # 变色 (photochromic) and 褪色 (its fade-back) stay out of the tarnish group
    assert not th.expand("发黑") & (th.expand("变色") | {"褪色"})
    assert "掉色" in th.related("发黑")


def test_loosening_and_whitening_links():
    th = get_thesaurus()
    assert "防松" in th.related("松动")
    assert "增塑剂" in th.related("发白")


def test_tester_need_segments_into_trade_words():
    got = terms("镜腿电镀后老是掉色，出汗一碰就发黑")
    assert {"镜腿", "电镀", "掉色", "出汗", "发黑"} <= set(got)
