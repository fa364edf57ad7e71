"""A match panel opened before the outbox is applied says it is computing, then fills."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.search.service import sync_outbox

from .test_alerts import PVD_ACH, PVD_NEED


@pytest.fixture
def no_sync(app, monkeypatch):
    """As with SEARCH_SYNC=thread before its thread has run: nothing applies the outbox
    after a request (the tests call sync_outbox themselves)."""
    monkeypatch.setitem(app.config, "SEARCH_SYNC", "off")


def test_the_panel_says_it_is_computing_until_the_outbox_is_applied(
    db, no_sync, client, login, create_need, create_achievement, create_user
):
    ach = create_achievement(**PVD_ACH)
    sync_outbox()
    need = create_need(**PVD_NEED)  # committed; its outbox row not applied yet
    login(create_user(role=Role.FIRM, org=need.organization))

    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "正在计算匹配" in page and "暂无匹配结果" not in page
    assert f'data-refresh-url="/search/matches/need/{need.id}"' in page
    fragment = client.get(f"/search/matches/need/{need.id}")
    assert fragment.status_code == 200
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "正在计算匹配" in fragment.get_data(as_text=True)

    sync_outbox()
    done = client.get(f"/search/matches/need/{need.id}").get_data(as_text=True)
    assert ach.title in done
    assert "data-refresh-url" not in done and "正在计算匹配" not in done
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert ach.title in page and "data-refresh-url" not in page


def test_an_achievement_with_no_match_says_so_once_computed(
    db, no_sync, client, login, create_achievement, create_user
):
    ach = create_achievement(title="醋酸纤维板抛光机器人", summary="板材镜架自动抛光")
    owner = create_user(role=Role.SUPPLIER, org=ach.organization)
    login(owner)
    page = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    assert "正在计算匹配" in page
    sync_outbox()
    page = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    assert "暂无匹配结果" in page and "正在计算匹配" not in page


def test_the_panel_alone_is_for_those_who_see_the_panel(
    db, client, login, create_need, create_user
):
    need = create_need(**PVD_NEED)
    sync_outbox()
    url = f"/search/matches/need/{need.id}"
    assert client.get(url).status_code in (302, 401)  # signed out: to the login
    login(create_user(role=Role.FIRM))  # another firm
    assert client.get(url).status_code == 404
    assert client.get("/search/matches/deal/1").status_code == 404
    assert client.get("/search/matches/need/999999").status_code == 404
    draft = create_need(status="draft")
    client.post("/account/logout")
    login(create_user(role=Role.FIRM, org=draft.organization))
    assert client.get(f"/search/matches/need/{draft.id}").status_code == 404
