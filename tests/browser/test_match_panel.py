"""Browser test: a match panel opened before the matches exist fills by itself."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.search.service import sync_outbox
from tests.search.test_alerts import PVD_ACH, PVD_NEED

pytestmark = pytest.mark.browser


def test_the_panel_polls_until_the_matches_are_computed(
    app,
    page,
    db,
    create_user,
    create_need,
    create_achievement,
    browser_login,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "SEARCH_SYNC", "off")
    ach = create_achievement(**PVD_ACH)
    sync_outbox()
    need = create_need(**PVD_NEED)
    browser_login(create_user(role=Role.FIRM, org=need.organization))
    page.goto(f"/needs/{need.id}")
    panel = page.locator(".match-panel")
    assert "正在计算匹配" in panel.inner_text()
    assert panel.locator(".match-item").count() == 0

    sync_outbox()  # the outbox worker catches up
    page.locator(".match-panel .match-item", has_text=ach.title).wait_for(
        timeout=10_000
    )
    assert "正在计算匹配" not in page.locator(".match-panel").inner_text()
    assert page.locator(".match-panel[data-refresh-url]").count() == 0
