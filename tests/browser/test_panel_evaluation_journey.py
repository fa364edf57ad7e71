"""Browser test: an evaluation by panel (专家组评价) of a deal's achievement. The
deal's broker forms a panel of three invited experts, each expert scores alone (an
expert sees the others' scores only after submitting), the chair writes the group
opinion, another member records dissent, the broker closes: the report shows the
panel, the scores, the aggregate, the opinion and the dissent, and its PDF."""

from __future__ import annotations

import pytest

from marketplace.experts import services as experts
from tests.contracts.conftest import deal, people  # noqa: F401

pytestmark = pytest.mark.browser

PASSWORD = "pass-word-123"


@pytest.fixture
def invited(db, people, deal):  # noqa: F811  (fixtures imported above)
    """Three experts the operator invited (profile in the achievement's field); the
    invitation's link would set the password, here it is set directly."""
    out = []
    for n, (name, title) in enumerate(
        (("周志远", "教授"), ("林晓岚", "高级工程师"), ("陈海峰", "研究员")), 1
    ):
        e = experts.invite_expert(
            people["operator"],
            name=name,
            email=f"panel-expert{n}@example.com",
            fields=[deal.achievement.field],
            title=title,
            affiliation="温州大学",
        )
        e.set_password(PASSWORD)
        out.append(e)
    db.session.commit()
    return out


def _as(page, browser_login, user) -> None:
    page.context.clear_cookies()
    browser_login(user)


def _click(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()


def _main(page) -> str:
    return page.locator("main").inner_text()


def _score(page, trl: int, items: tuple[int, ...], evidence: str, note: str) -> None:
    """From the expert's task list to the scoring page, then submit."""
    page.goto("/experts/")
    with page.expect_navigation():
        page.locator("#tasks a", has_text="离焦镜片微结构设计").click()
    assert "/score" in page.url
    page.locator("select[name=trl]").select_option(str(trl))
    page.locator("textarea[name=trl_evidence]").fill(evidence)
    for name, value in zip(
        ("novelty", "advancement", "ip", "market", "team"), items, strict=True
    ):
        page.locator(f"select[name={name}_score]").select_option(str(value))
    page.locator("textarea[name=novelty_comment]").fill(note)
    _click(page, "提交评分")
    assert "评分已提交。" in _main(page)


def _columns(page) -> list[str]:
    return page.locator("#panel-scores thead th").all_inner_texts()


def test_panel_forms_scores_blind_opines_dissents_and_closes(
    db,
    page,
    browser_login,
    people,  # noqa: F811  (fixtures imported above)
    deal,  # noqa: F811
    invited,
):
    chair, lin, chen = invited
    broker = people["broker"]

    # The broker forms the panel from the deal's evaluations page.
    _as(page, browser_login, broker)
    page.goto(f"/deals/{deal.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="成果评价").click()
    with page.expect_navigation():
        page.get_by_role("link", name="组织专家组评价").click()
    suggested = page.locator("#suggested").inner_text()
    assert all(e.name in suggested for e in invited)
    page.locator("input[name=name]").fill("离焦镜片评价专家组")
    for e in invited:
        page.get_by_label(e.name, exact=True).check()
    page.locator("select[name=chair]").select_option(label="周志远")
    _click(page, "开始专家组评价")
    assert "专家组评价已开始，已通知专家评分。" in _main(page)
    report_url = page.url
    assert "/evaluations/" in report_url
    status = page.locator("#panel-status").inner_text()
    assert "周志远、林晓岚、陈海峰" in status
    close_button = page.get_by_role("button", name="结束评价并生成报告")
    assert close_button.is_disabled()

    # 林 scores first; 陈, not yet scored, sees no one's scores.
    _as(page, browser_login, lin)
    _score(page, 7, (5, 4, 3, 5, 4), "林：样机已通过临床试戴", "微结构设计新颖")
    # He sees his own scores only, and their mean not yet labelled the panel's.
    assert _columns(page)[1:] == ["林晓岚", "已评分专家平均（1/3 人）"]
    assert page.locator("#agg-total").inner_text() == "21.00"
    _as(page, browser_login, chen)
    page.goto(report_url)
    assert page.locator("#panel-scores").count() == 0
    assert "提交自己的评分后才能看到" in page.locator("#scores-hidden").inner_text()
    assert "林：样机已通过临床试戴" not in _main(page)
    # After submitting, 陈 sees 林's scores too (the chair has not scored yet).
    _score(page, 6, (3, 4, 3, 4, 4), "陈：小批量试产", "离焦量控制精确")
    assert _columns(page)[1:] == ["林晓岚", "陈海峰", "已评分专家平均（2/3 人）"]
    assert "林：样机已通过临床试戴" in _main(page)
    assert "周志远" in page.locator("#panel-status").inner_text()  # still waiting

    # The chair scores last and writes the group opinion.
    _as(page, browser_login, chair)
    _score(page, 5, (4, 3, 4, 4, 3), "周：实验室样机", "结构可量产")
    assert "全部专家已评分。" in page.locator("#panel-status").inner_text()
    page.locator("select[name=conclusion]").select_option("conditional")
    page.locator("textarea[name=conclusion_text]").fill(
        "专家组认为该成果设计新颖，建议完成量产验证后转化。"
    )
    _click(page, "保存专家组意见")
    assert "专家组意见已保存。" in _main(page)

    # Another member records dissent; the chair cannot.
    assert page.get_by_role("button", name="记录不同意见").count() == 0
    _as(page, browser_login, lin)
    page.goto(report_url)
    page.locator("textarea[name=dissent]").fill("成熟度应评为 TRL 7，建议直接转化。")
    _click(page, "记录不同意见")
    assert "林晓岚：成熟度应评为 TRL 7" in page.locator("#dissents").inner_text()

    # The broker closes; the report is final.
    _as(page, browser_login, broker)
    page.goto(report_url)
    _click(page, "结束评价并生成报告")
    assert "专家组评价已结束，评价报告已生成。" in _main(page)
    assert page.locator("#panel-status").count() == 0
    assert "评价进行中" not in _main(page)

    # The firm (a party) reads the whole report once closed.
    _as(page, browser_login, people["firm"])
    page.goto(report_url)
    members = page.locator("#members").inner_text()
    assert "周志远（组长） · 教授 · 温州大学" in members
    assert "林晓岚" in members and "陈海峰" in members
    assert _columns(page)[1:] == ["林晓岚", "陈海峰", "周志远", "专家组（平均）"]
    assert page.locator("#agg-trl").inner_text() == "6（中位数）"
    assert page.locator("#agg-novelty").inner_text() == "4.00"
    assert page.locator("#agg-advancement").inner_text() == "3.67"
    assert page.locator("#agg-ip").inner_text() == "3.33"
    assert page.locator("#agg-market").inner_text() == "4.33"
    assert page.locator("#agg-team").inner_text() == "3.67"
    assert page.locator("#agg-total").inner_text() == "19.00"
    text = _main(page)
    assert "专家组意见：有条件建议转化" in text
    assert "建议完成量产验证后转化" in page.locator("#opinion").inner_text()
    assert "组长 周志远" in page.locator("#opinion").inner_text()
    assert "林晓岚：成熟度应评为 TRL 7" in page.locator("#dissents").inner_text()
    assert "陈：小批量试产" in text and "周：实验室样机" in text
    # The confidential technical detail stays on the experts' scoring page only.
    assert deal.achievement.detail not in text

    # The PDF link answers a PDF.
    href = page.locator("#report-pdf").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
