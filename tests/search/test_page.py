"""The search page's own rules: paging past the end."""

from __future__ import annotations

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
