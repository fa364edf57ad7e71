"""Browser tests (Playwright + Debian's Chromium): the foundation's two journeys."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.needs.models import Need
from tests.fixtures.factories import make_credit_code

pytestmark = pytest.mark.browser


def test_a_firm_registers_posts_a_need_and_a_broker_sees_it_queued(
    page, db, create_user, browser_login, live_server
):
    broker = create_user(role=Role.BROKER, name="李经纪")

    page.goto("/account/register")
    page.select_option("#org_type", "firm")
    page.fill("#org_name", "温州新视界眼镜有限公司")
    page.fill("#credit_code", make_credit_code(987654))
    page.fill("#address", "温州市瓯海区娄桥街道")
    page.fill("#contact_name", "王厂长")
    page.fill("#contact_phone", "0577-88886666")
    page.fill("#name", "王厂长")
    page.fill("#email", "wang@xinshijie.example")
    page.fill("#password", "glasses-2026-ok")
    page.fill("#confirm", "glasses-2026-ok")
    with page.expect_navigation():
        page.get_by_role("button", name="注册").click()
    assert "/account/register" not in page.url

    page.goto("/needs/new")
    page.fill("#title", "板材镜架抛光后发白")
    page.fill(
        "#description", "我们的板材镜架抛光以后表面发白、不亮，客户投诉多，想找办法。"
    )
    page.fill("#budget_min", "50000")
    page.fill("#budget_max", "200000")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并提交").click()
    need = db.session.scalar(sa.select(Need).where(Need.title == "板材镜架抛光后发白"))
    assert need is not None and need.status == "submitted"

    page.context.clear_cookies()
    browser_login(broker)
    page.goto("/needs/queue")
    row = page.locator("tr", has_text="板材镜架抛光后发白")
    assert row.count() == 1
    assert row.get_by_role("button", name="认领").is_visible()
    page.screenshot(path=str(_shot("broker_queue")))


def _shot(name: str):
    import os
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"market-{name}.png")


def test_pages_render_in_english_by_switch(page, db):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert re.search(r"Ouhai", page.title())


def test_a_supplier_publishes_an_achievement_seen_after_operator_review(
    page, db, create_user, create_org, browser_login
):
    org = create_org(name="温州大学", type=OrgType.UNIVERSITY)
    supplier = create_user(role=Role.SUPPLIER, org=org)
    operator = create_user(role=Role.OPERATOR)
    title = "β钛镜腿记忆合金热处理工艺"

    browser_login(supplier)
    page.goto("/achievements/new")
    page.fill("#title", title)
    page.fill("#summary", "β钛镜腿经固溶与时效处理，回弹性提高30%，适用于高端镜架。")
    page.select_option("#field", "frame_materials")
    page.fill("#keywords", "β钛, 热处理, 镜腿")
    page.select_option("#trl", "6")
    page.select_option("#ip_form", "know_how")
    page.fill("#inventors", "张教授 100")
    page.check("input[name=cooperation_modes][value=licence]")
    page.select_option("#pricing_mode", "listing")
    page.fill("#price", "300000")
    with page.expect_navigation():
        page.locator("#save_submit").click()
    assert "/achievements/" in page.url and "new" not in page.url

    page.goto("/achievements/")
    assert page.get_by_text(title).count() == 0  # not public before review

    page.context.clear_cookies()
    browser_login(operator)
    page.goto("/achievements/review")
    row = page.locator("article", has_text=title).first
    with page.expect_navigation():
        row.get_by_role("button", name="审核通过并发布").click()

    page.context.clear_cookies()
    page.goto("/achievements/")
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()
    assert title in page.locator("h1").inner_text()
    assert "¥300,000" in page.content()
