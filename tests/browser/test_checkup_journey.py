"""Browser test: a broker visits a roster firm, fills its check-up, the report shows it
two points short of 科技型中小企业 and recommends an achievement; the firm posts its
problem as a need."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.firms.models import RosterFirm
from marketplace.needs.models import Need
from marketplace.search.service import sync_outbox

pytestmark = pytest.mark.browser


def test_broker_checkup_to_the_firms_need(
    app,
    page,
    browser,
    live_server,
    db,
    create_user,
    create_org,
    create_achievement,
    browser_login,
):
    ach = create_achievement(title="钛合金镜架激光焊接工艺")
    sync_outbox()
    org = create_org(name="瓯海体检眼镜厂")
    firm_user = create_user(role=Role.FIRM, org=org)
    firm = RosterFirm(name=org.name, town="潘桥街道", organization_id=org.id)
    db.session.add(firm)
    db.session.commit()

    browser_login(create_user(role=Role.BROKER))
    page.goto(f"/roster/{firm.id}")
    page.locator("input[name=happened_on]").fill("2026-12-01")
    page.locator("textarea[name=outcome]").fill("走访了解焊接难题")
    page.get_by_role("button", name="保存").click()
    page.locator("#outreach", has_text="走访了解焊接难题").wait_for()
    page.get_by_role("link", name="填写科技体检").click()
    for name, value in {
        "staff": "100",
        "rd_staff": "20",
        "revenue": "1000",
        "rd_spend": "50",
        "ip_class2": "1",
    }.items():
        page.locator(f"input[name={name}]").fill(value)
    page.locator("textarea[name=problems]").fill(
        "钛合金镜架激光焊接焊点强度不够，焊接后变色"
    )
    page.get_by_role("button", name="保存并生成报告").click()
    sme = page.locator("#sme")
    sme.wait_for()
    assert "得分 58 分，需达到 60 分（差 2 分）" in sme.inner_text()
    assert ach.title in page.locator("#recommendations").inner_text()
    report_path = page.url.removeprefix(live_server)

    context = browser.new_context(base_url=live_server, locale="zh-CN")
    firm_page = context.new_page()
    firm_page.goto("/account/login")
    firm_page.locator("input[name=email]").fill(firm_user.email)
    firm_page.locator("input[name=password]").fill("pass-word-123")
    with firm_page.expect_navigation():
        firm_page.locator("main form button[type=submit]").first.click()
    firm_page.goto(report_path)
    firm_page.locator("#post-need").click()
    assert "焊接后变色" in firm_page.locator("textarea[name=description]").input_value()
    firm_page.locator("input[name=title]").fill("激光焊接焊点强度不够")
    with firm_page.expect_navigation():
        firm_page.get_by_role("button", name="提交需求").click()
    assert "/needs/" in firm_page.url
    context.close()
    need = db.session.scalars(sa.select(Need)).one()
    assert need.organization_id == org.id and need.status == "submitted"
