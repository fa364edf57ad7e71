"""Browser tests: the operator opens the dashboard and sees the funnel; a supplier's
upload is previewed chunk by chunk by the page script, with a progress bar."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.bulk import services as bulk_services
from marketplace.core.timeutil import utcnow
from marketplace.deals.models import Deal, DealEvent, DealStage

pytestmark = pytest.mark.browser


def test_the_operator_opens_the_dashboard_and_sees_the_funnel(
    page, db, create_user, create_achievement, create_org, browser_login
):
    operator = create_user(role=Role.OPERATOR)
    broker = create_user(role=Role.BROKER, name="经纪人丙")
    a = create_achievement(title="离焦镜片量产工艺")
    now = utcnow()
    for n, firm in enumerate((create_org(), create_org())):
        deal = Deal(
            origin="interest",
            supplier_org_id=a.organization_id,
            firm_org_id=firm.id,
            achievement=a,
            broker_id=broker.id,
            stage=DealStage.MATCHMAKING if n == 0 else DealStage.INTEREST,
            created_at=now,
        )
        db.session.add(deal)
        db.session.flush()
        db.session.add(
            DealEvent(deal_id=deal.id, at=now, action="create", to_stage="interest")
        )
        if n == 0:
            db.session.add(
                DealEvent(
                    deal_id=deal.id,
                    at=now,
                    action="start_matchmaking",
                    from_stage="interest",
                    to_stage="matchmaking",
                )
            )
    db.session.commit()

    browser_login(operator)
    page.get_by_role("button", name="工作台").click()
    with page.expect_navigation():
        page.get_by_role("link", name="运营看板").click()
    funnel = page.locator("#funnel")
    assert funnel.get_by_role("heading", name="交易漏斗").is_visible()
    assert funnel.locator("svg[role=img] rect.funnel-step").count() == 2
    rows = page.locator("#table-funnel tbody tr")
    assert rows.nth(0).inner_text().split("\t")[:2] == ["意向", "2"]
    assert rows.nth(1).inner_text().split("\t")[:2] == ["对接洽谈", "1"]
    assert "经纪人丙" in page.locator("#table-brokers").inner_text()


def test_a_supplier_previews_an_upload_with_a_progress_bar(
    page, db, create_user, create_org, browser_login, tmp_path, monkeypatch
):
    monkeypatch.setattr(bulk_services, "CHUNK", 2)
    org = create_org(name="温州大学浏览器测试", type=OrgType.UNIVERSITY)
    user = create_user(role=Role.SUPPLIER, org=org)
    lines = ["编号,标题,成果简介,技术领域"]
    lines += [f"B-{i},成果{i},简介{i},frame_materials" for i in range(7)]
    lines.append("B-9,,没有标题,frame_materials")
    path = tmp_path / "成果.csv"
    path.write_text("\n".join(lines), encoding="utf-8")

    browser_login(user)
    page.goto("/bulk/")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#preview-rows")
    assert page.locator("#count-new").inner_text() == "7"
    assert page.locator("#count-error").inner_text() == "1"
    with page.expect_navigation():
        page.get_by_role("button", name="确认导入 7 行").click()
    assert "导入完成：新增 7 条" in page.locator("main").inner_text()
