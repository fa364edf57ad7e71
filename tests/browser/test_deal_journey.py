"""Browser test: interest → evaluation → 15-day notice → licence contract → registration."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.contracts.models import Contract
from marketplace.core.timeutil import today_shanghai, utcnow
from marketplace.deals.models import Deal
from marketplace.evaluation.models import Evaluation

pytestmark = pytest.mark.browser

FIELD = "frame_materials"


def _shot(name: str) -> str:
    return os.path.join(tempfile.gettempdir(), f"market-{name}.png")


def _fresh(db, model, **where):
    """Re-read a row the live server changed (the test's session may hold an old copy)."""
    db.session.expire_all()
    return db.session.scalar(sa.select(model).filter_by(**where))


@pytest.fixture
def parties(db, create_org, create_user, create_achievement):
    uni = create_org(
        name="温州医科大学眼视光学院", type=OrgType.UNIVERSITY, state_funded=True
    )
    firm_org = create_org(name="温州明眸眼镜有限公司", type=OrgType.FIRM)
    achievement = create_achievement(
        org=uni,
        title="钛合金镜架激光微焊接工艺",
        field=FIELD,
        cooperation_modes=["licence"],
        pricing_mode="agreement",
        price_fen=None,
    )
    return {
        "achievement": achievement,
        "supplier": create_user(role=Role.SUPPLIER, org=uni, name="陈教授"),
        "firm": create_user(role=Role.FIRM, org=firm_org, name="林总"),
        # Another broker, not covering the field: the rule must not pick them.
        "other_broker": create_user(
            role=Role.BROKER, name="赵经纪", broker_fields=["lens_coating"]
        ),
        "broker": create_user(role=Role.BROKER, name="李经纪", broker_fields=[FIELD]),
        "operator": create_user(role=Role.OPERATOR, name="周运营"),
    }


def _as(page, browser_login, user) -> None:
    page.context.clear_cookies()
    browser_login(user)


def _click(page, role: str, name: str) -> None:
    # Wait for the navigation the click starts, not just for the current page's load.
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def _open_deal(page, deal_id: int, via: str) -> None:
    """Open the deal room from the user's own list (queue or 我的交易), as a person would."""
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=via).first.click()
    with page.expect_navigation():
        page.locator(f"a[href='/deals/{deal_id}']").first.click()
    assert page.url.endswith(f"/deals/{deal_id}")


def test_firm_interest_to_registered_licence_contract(
    app, page, db, parties, browser_login, tmp_path
):
    achievement, broker = parties["achievement"], parties["broker"]

    # -- the firm expresses interest --------------------------------------------------
    _as(page, browser_login, parties["firm"])
    page.goto(f"/achievements/{achievement.id}")
    _click(page, "link", "表达合作意向")
    page.fill(
        "#message", "我们有年产 50 万副钛架的产线，希望获得该焊接工艺的普通许可。"
    )
    _click(page, "button", "提交意向")
    deal = _fresh(db, Deal, achievement_id=achievement.id)
    assert deal is not None and deal.stage == "interest"
    assert deal.broker_id == broker.id
    assert page.url.endswith(f"/deals/{deal.id}")
    assert "已提交合作意向" in page.content()

    # -- the broker: matchmaking → evaluation -----------------------------------------
    _as(page, browser_login, broker)
    _open_deal(page, deal.id, "交易队列")
    _click(page, "button", "开始对接")
    _click(page, "button", "进入评价")
    assert _fresh(db, Deal, id=deal.id).stage == "evaluation"

    _click(page, "link", "成果评价")
    _click(page, "link", "撰写评价报告")
    page.select_option("#trl", "6")
    page.fill("#trl_evidence", "已完成小批量试产，焊点拉伸强度经第三方检测合格。")
    page.select_option("#novelty_score", "4")
    page.select_option("#advancement_score", "4")
    page.select_option("#ip_score", "3")
    page.select_option("#market_score", "5")
    page.select_option("#team_score", "4")
    page.select_option("#conclusion", "recommended")
    page.fill("#conclusion_text", "工艺成熟，市场需求明确，建议以普通许可方式转化。")
    _click(page, "button", "保存评价报告")
    evaluation = _fresh(db, Evaluation, deal_id=deal.id)
    assert evaluation is not None and evaluation.trl == 6
    assert evaluation.total_score == 20
    _click(page, "link", "返回交易")
    _click(page, "button", "完成评价，进入议价")
    assert _fresh(db, Deal, id=deal.id).stage == "negotiation"

    # -- agreeing the price opens the public notice (state-funded supplier) ----------
    # 面议 is not open to a state-funded supplier, so the page does not offer it.
    assert "negotiable" not in page.locator("#pricing_mode option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    page.fill("#price", "200000")
    page.select_option("#transfer_mode", "licence")
    _click(page, "button", "确定协议价格")
    deal = _fresh(db, Deal, id=deal.id)
    assert deal.stage == "public_notice"
    assert deal.agreed_price_fen == 20_000_000
    notice = deal.notice
    assert notice is not None and notice.ends_at - notice.starts_at >= timedelta(
        days=15
    )

    page.context.clear_cookies()  # the board is public
    page.goto("/notices/")
    row = page.locator(f"tr[data-notice='{notice.id}']")
    assert "钛合金镜架激光微焊接工艺" in row.inner_text()
    assert "公示中" in row.inner_text()
    assert "200,000" in row.inner_text()

    # -- 15 days pass; the clock closes the notice ------------------------------------
    assert notice.ends_at.hour == 16 and notice.ends_at.minute == 0  # 24:00 Beijing
    shift = notice.ends_at - utcnow() + timedelta(minutes=1)
    notice.starts_at -= shift
    notice.ends_at -= shift
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "notices_closed=1" in result.output
    assert _fresh(db, Deal, id=deal.id).notice.outcome == "passed"
    page.goto("/notices/")
    assert (
        "公示期满无异议" in page.locator(f"tr[data-notice='{notice.id}']").inner_text()
    )

    # -- the broker drafts a non-exclusive licence contract ---------------------------
    _as(page, browser_login, broker)
    _open_deal(page, deal.id, "交易队列")
    assert "公示期满无异议" in page.locator("[role=status]").first.inner_text()
    _click(page, "link", "起草合同")
    _click(page, "link", "起草合同")
    page.select_option("#type", "licence")
    page.select_option("#licence_scope", "non_exclusive")
    assert page.input_value("#price").replace(",", "").startswith("200000")
    page.select_option("#payment_mode", "lump_sum")
    page.fill("#scope", "许可乙方在中国大陆范围内使用该工艺生产钛合金镜架，期限五年。")
    page.fill("#performance_plan", "合同生效后 30 日内甲方提供工艺文件并现场指导调试。")
    page.fill("#performance_place", "温州市瓯海区")
    page.fill("#confidentiality", "双方对工艺参数负有保密义务，期限至合同终止后三年。")
    page.fill("#results_ownership", "乙方后续改进成果归乙方所有，甲方享有免费使用权。")
    page.fill("#acceptance", "乙方产线焊点拉伸强度达到 GB/T 14214 要求即为验收合格。")
    _click(page, "button", "保存")
    contract = _fresh(db, Contract, deal_id=deal.id)
    assert contract is not None
    body = contract.latest.body
    assert (body["type"], body["licence_scope"]) == ("licence", "non_exclusive")
    assert (body["price_fen"], body["payment_mode"]) == (20_000_000, "lump_sum")

    # -- both sides sign version 1 ----------------------------------------------------
    for user in (parties["supplier"], parties["firm"]):
        _as(page, browser_login, user)
        _open_deal(page, deal.id, "我的交易")
        _click(page, "link", "技术合同")
        _click(page, "button", "确认并签署第 1 版")
    assert "双方已签署同一版本" in page.content()
    assert _fresh(db, Deal, id=deal.id).stage == "contract_signed"

    # -- the broker records the 认定登记 ------------------------------------------------
    certificate = tmp_path / "登记证明.pdf"
    certificate.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    _as(page, browser_login, broker)
    _open_deal(page, deal.id, "交易队列")
    _click(page, "link", "技术合同")
    _click(page, "link", "录入认定登记")
    page.fill("#applied_on", today_shanghai().isoformat())
    page.fill("#office", "温州市技术市场管理办公室")
    page.fill("#registration_number", "2026330304000123")
    page.fill("#technical_income", "200000")
    page.fill("#period_start", today_shanghai().isoformat())
    page.fill("#period_end", (today_shanghai() + timedelta(days=5 * 365)).isoformat())
    page.select_option("#technical_field", "advanced_manufacturing")
    page.select_option("#ip_category", "trade_secret")
    page.select_option("#socio_economic_goal", "industry")
    page.fill("#seller_region_code", "330302")
    page.select_option("#buyer_entity_type", "enterprise")
    page.fill("#buyer_region_code", "330304")
    page.fill("#expected_investment", "500000")
    page.fill("#expected_output", "3000000")
    page.set_input_files("#certificate", str(certificate))
    _click(page, "button", "保存")
    assert "认定登记信息已录入" in page.content()
    deal = _fresh(db, Deal, id=deal.id)
    assert deal.stage == "registered" and deal.registered_at is not None
    reg = _fresh(db, Contract, deal_id=deal.id).registration
    assert reg.registration_number == "2026330304000123"
    assert reg.technical_income_fen == 20_000_000
    assert (reg.buyer_region_code, reg.expected_output_fen) == ("330304", 300_000_000)
    assert reg.certificate is not None

    _click(page, "link", deal.title)
    assert page.url.endswith(f"/deals/{deal.id}")
    assert "已认定登记" in page.locator("h1").inner_text()
    assert deal.registered_at <= utcnow()
    page.screenshot(path=_shot("deal_registered"), full_page=True)
