"""The search page's own rules: paging past the end."""

from __future__ import annotations

import re

import pytest

from marketplace.search import routes
from marketplace.search.service import sync_outbox


@pytest.fixture
def three_frames(db, create_achievement, monkeypatch):
    monkeypatch.setattr(routes, "PER_PAGE", 2, raising=False)  # two pages
    for n in range(3):
        create_achievement(title=f"板材镜架抛光工艺{n}", summary="醋酸纤维板镜架")
    sync_outbox()


@pytest.mark.parametrize("page", ["3", "999999"])
def test_a_page_past_the_end_shows_the_last_page(client, three_frames, page):
    html = client.get(f"/search/?q=镜架&page={page}").get_data(as_text=True)
    assert "没有找到" not in html
    assert html.count("search-hit") == 1  # the last page's one result
    assert "2 / 2" in html
    assert "page=1" in html  # the previous page's link
    assert "共 3 条结果" in html


def test_pages_in_range_are_unchanged(client, three_frames):
    first = client.get("/search/?q=镜架").get_data(as_text=True)
    assert first.count("search-hit") == 2 and "1 / 2" in first
    second = client.get("/search/?q=镜架&page=2").get_data(as_text=True)
    assert second.count("search-hit") == 1 and "2 / 2" in second
    none = client.get("/search/?q=qqqzzz&page=7").get_data(as_text=True)
    assert "search-hit" not in none and "没有找到" in none


@pytest.fixture
def hinges(db, create_achievement):
    create_achievement(
        title="镜腿铰链防松结构",
        summary="弹簧铰链配防松螺丝，镜腿长期使用不松动。",
        keywords=["铰链"],
    )
    create_achievement(title="镜腿老是断的原因分析", summary="镜腿断裂。", keywords=[])
    sync_outbox()


@pytest.mark.parametrize("q", ["镜腿铰链老是松", "镜腿 铰链 老是 松"])
def test_an_unspaced_plain_query_finds_the_listing_with_every_word(client, hinges, q):
    html = client.get(f"/search/?q={q}").get_data(as_text=True)
    assert "fallback-note" not in html  # a listing holds every word
    assert html.count("search-hit") == 1
    shown = re.sub(r"<[^>]+>", "", html.split("search-hit", 1)[1])
    assert "镜腿铰链防松结构" in shown
