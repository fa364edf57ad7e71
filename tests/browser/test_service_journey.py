"""Browser test of the service network (issue 17): a firm finds a salt-spray test on
/services/, orders it, the lab quotes, the firm confirms, the lab uploads its report,
the firm accepts, pays half with a voucher and rates; the lab claims the voucher part and
the operator settles it (the half-year report lists it); then the firm finds the lab's
chamber on the innovation map, books a slot, and the lab confirms and records the use."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import today_shanghai
from marketplace.payments import ledger
from marketplace.services.models import (
    Booking,
    Instrument,
    Offering,
    Provider,
    ServiceOrder,
)
from marketplace.vouchers.models import EligibleProvider, Voucher

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(context, user):
    pg = context.new_page()
    pg.goto("/account/login")
    pg.locator("input[name=email]").fill(user.email)
    pg.locator("input[name=password]").fill("pass-word-123")
    with pg.expect_navigation():
        pg.locator("main form button[type=submit]").first.click()
    return pg


def test_firm_orders_a_salt_spray_test_pays_with_a_voucher_and_books_the_chamber(
    app,
    monkeypatch,
    page,
    browser,
    live_server,
    db,
    create_org,
    create_user,
    browser_login,
    tmp_path,
):
    lab_org = create_org(name="温州眼镜质量检验中心", type=OrgType.PROVIDER)
    firm_org = create_org(name="瓯海明光眼镜有限公司", type=OrgType.FIRM)
    lab = create_user(role=Role.SUPPLIER, org=lab_org)
    firm = create_user(role=Role.FIRM, org=firm_org)
    operator = create_user(role=Role.OPERATOR)
    provider = Provider(
        organization_id=lab_org.id,
        kind="testing",
        fields=["surface_treatment"],
        town="louqiao",
    )
    db.session.add(provider)
    db.session.flush()
    db.session.add_all(
        [
            Offering(
                provider_id=provider.id,
                name="盐雾试验",
                standard="GB/T 10125",
                field="surface_treatment",
                price_mode="on_quote",
            ),
            Offering(
                provider_id=provider.id,
                name="镜架镍释放检测",
                standard="EN 1811",
                price_mode="on_quote",
            ),
            Instrument(
                owner_org_id=lab_org.id,
                name="盐雾试验箱",
                model="YWX-150",
                town="louqiao",
                price_unit="hour",
                unit_price_fen=10_000,
            ),
            EligibleProvider(
                organization_id=lab_org.id, eligible=True, reason="省级检验检测机构"
            ),
            Voucher(
                code="KJQ-TEST0001",
                organization_id=firm_org.id,
                face_value_fen=100_000,
                balance_fen=100_000,
                valid_from=today_shanghai() - timedelta(days=1),
                valid_until=today_shanghai() + timedelta(days=300),
                service_kinds=["testing"],
                max_share_pct=50,
            ),
        ]
    )
    db.session.commit()
    # Above the small-purchase line, so the voucher pays its share (half) only.
    monkeypatch.setitem(app.config, "VOUCHER_SMALL_PURCHASE_FEN", 0)  # undone after

    # The firm finds the test by its standard and orders it.
    browser_login(firm)
    page.goto("/services/")
    page.locator("input[name=standard]").fill("GB/T 10125")
    page.get_by_role("button", name="搜索").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "盐雾试验" in rows.inner_text()
    rows.get_by_role("link", name=lab_org.name).click()
    row = page.locator("tr", has_text="盐雾试验")
    row.locator("input[name=quantity]").fill("3")
    with page.expect_navigation():
        row.get_by_role("button", name="委托").click()
    order_path = page.url.removeprefix(live_server)
    assert "待报价" in page.locator("main").inner_text()

    # The lab quotes in its own browser.
    lab_context = browser.new_context(base_url=live_server, locale="zh-CN")
    lab_context.set_default_timeout(15_000)
    lab_page = _login(lab_context, lab)
    lab_page.goto(order_path)
    lab_page.locator("input[name=price]").fill("1200")
    lab_page.locator("textarea[name=note]").fill("3 件样品，中性盐雾 48 h")
    lab_page.get_by_role("button", name="发送报价").click()
    lab_page.get_by_text("报价已发送").wait_for()

    page.reload()
    assert "¥1,200" in page.locator("main").inner_text()
    page.get_by_role("button", name="确认委托").click()
    page.get_by_text("已确认委托").wait_for()

    report = tmp_path / "盐雾试验报告.pdf"
    report.write_bytes(PDF)
    lab_page.reload()
    lab_page.locator("input[name=report]").set_input_files(str(report))
    lab_page.get_by_role("button", name="上传并交付").click()
    lab_page.get_by_text("报告已上传").wait_for()

    page.reload()
    assert "盐雾试验报告.pdf" in page.locator("main").inner_text()
    page.get_by_role("button", name="验收通过").click()
    page.get_by_text("付款通知已生成").wait_for()

    # Pay half with the voucher on the payment page.
    page.get_by_role("link", name="查看付款与创新券抵扣").click()
    choice = page.locator("select[name=voucher] option").first
    assert "KJQ-TEST0001" in choice.inner_text() and "¥600" in choice.inner_text()
    page.get_by_role("button", name="抵扣").click()
    page.get_by_text("创新券已抵扣").wait_for()
    order = db.session.scalars(sa.select(ServiceOrder)).one()
    db.session.refresh(order)
    assert ledger.balance(order.payment_request).voucher == 60_000

    # Rate the service; the rating shows on the lab's page.
    page.goto(order_path)
    page.locator("select[name=rating]").select_option("4")
    page.locator("textarea[name=comment]").fill("报告规范，周期准时")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢评价").wait_for()
    page.goto(f"/services/providers/{provider.id}")
    assert "报告规范，周期准时" in page.locator("main").inner_text()

    # The lab claims the voucher part with its report as proof; the operator settles.
    lab_page.goto("/vouchers/claims/")
    claim_row = lab_page.locator("tr", has_text="盐雾试验")
    claim_row.locator("input[name=note]").fill("报告已交付")
    claim_row.get_by_role("button", name="申请兑付").click()
    lab_page.get_by_text("兑付申请已提交").wait_for()
    op_context = browser.new_context(base_url=live_server, locale="zh-CN")
    op_context.set_default_timeout(15_000)
    op_page = _login(op_context, operator)
    op_page.goto("/vouchers/claims/queue")
    op_page.locator("tr", has_text=lab_org.name).get_by_role(
        "button", name="兑付", exact=True
    ).click()
    op_page.get_by_text("已兑付。").wait_for()
    op_page.goto("/vouchers/settlement")
    settled = op_page.locator("#settled-claims").inner_text()
    assert lab_org.name in settled and "¥600" in settled and "盐雾试验" in settled
    op_context.close()

    # The instrument: found on the map by its town; book a slot tomorrow morning.
    page.goto("/instruments/map")
    page.locator("svg a", has_text="娄桥街道").click()
    page.wait_for_url("**town=louqiao")
    page.get_by_role("link", name="盐雾试验箱").click()
    tomorrow = today_shanghai() + timedelta(days=1)
    page.locator("input[name=starts_at]").fill(f"{tomorrow.isoformat()}T09:00")
    page.locator("input[name=hours]").fill("2")
    page.locator("textarea[name=note]").fill("镜架电镀层盐雾对比")
    page.get_by_role("button", name="预约", exact=True).click()
    page.get_by_text("预约已提交").wait_for()
    inst_path = page.url.removeprefix(live_server)

    lab_page.goto(inst_path)
    lab_page.get_by_role("button", name="确认", exact=True).click()
    lab_page.get_by_text("预约已更新").wait_for()
    lab_page.get_by_role("button", name="登记完成使用").click()
    lab_page.get_by_text("预约已更新").wait_for()
    lab_context.close()

    booking = db.session.scalars(sa.select(Booking)).one()
    db.session.refresh(booking)
    assert booking.status == "completed"
    assert booking.payment_request.amount_fen == 20_000
    page.reload()
    assert "已完成" in page.locator("main").inner_text()
