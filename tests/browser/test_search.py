"""Browser test: a firm searches in Chinese, filters by TRL, opens a highlighted result."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.search.service import sync_outbox

pytestmark = pytest.mark.browser


def test_a_firm_searches_filters_by_trl_and_opens_a_result(
    page, db, create_user, create_achievement, browser_login
):
    firm = create_user(role=Role.FIRM)
    mature = create_achievement(
        title="儿童近视离焦镜片量产工艺",
        trl=8,
        summary="多点正离焦微透镜阵列镜片的模压量产工艺，良率95%。",
    )
    create_achievement(
        title="离焦镜片微透镜光学设计方法",
        trl=3,
        summary="基于光线追迹的离焦微透镜阵列设计方法，处于实验室阶段。",
    )
    create_achievement(
        title="板材镜架抛光机器人", trl=6, summary="醋酸纤维板镜架自动抛光。"
    )
    sync_outbox()

    browser_login(firm)
    page.goto("/search/")
    page.fill("#q", "离焦 镜片")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索").click()
    assert page.locator(".search-hit").count() == 2
    marked = page.locator(".search-hit mark").first.inner_text()
    assert "离焦" in marked or "镜片" in marked

    with page.expect_navigation():
        page.locator(".facet[data-facet=trl_band] a", has_text="TRL 7–9").click()
    hits = page.locator(".search-hit")
    assert hits.count() == 1
    assert "离焦" in hits.first.locator(".snippet mark").first.inner_text()
    with page.expect_navigation():
        hits.first.get_by_role("link").first.click()
    assert page.url.endswith(f"/achievements/{mature.id}")
    assert "儿童近视离焦镜片量产工艺" in page.locator("h1").inner_text()
