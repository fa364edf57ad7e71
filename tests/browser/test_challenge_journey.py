"""Browser test: a firm's need becomes a call (揭榜挂帅). The broker prepares it, the
operator approves it (the matcher invites an institute owning a matching achievement),
the board counts down, a solver's question gets a public answer, two institutes submit
(one citing its achievement, with an attachment), the clock closes the call, a
three-expert panel scores (the tied expert does not see the tied institute's proposal),
the chair writes the group opinion and a member dissents, the firm picks the winner and
a deal opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.challenges.models import Challenge
from marketplace.core.timeutil import utcnow
from marketplace.deals.models import Deal
from marketplace.experts import services as experts
from marketplace.payments.models import PaymentRequest
from marketplace.search.service import sync_outbox

pytestmark = pytest.mark.browser


def _fresh(db, model, **where):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).filter_by(**where))


@pytest.fixture
def cast(db, create_org, create_user, create_need):
    firm = create_org(name="瓯海明亮眼镜有限公司", type=OrgType.FIRM)
    inst_a = create_org(name="温州光学研究所", type=OrgType.INSTITUTE)
    inst_b = create_org(name="温州大学表面工程中心", type=OrgType.UNIVERSITY)
    operator = create_user(role=Role.OPERATOR, name="周运营")
    e1, e2, e3 = (
        create_user(role=Role.EXPERT, name=n) for n in ("王专家", "陈专家", "林专家")
    )
    experts.declare_tie(e3, inst_a.id)
    panel = experts.create_panel(
        operator, name="镀膜评审组", chair_id=e1.id, member_ids=[e1.id, e2.id, e3.id]
    )
    db.session.commit()
    return {
        "need": create_need(org=firm, title="镜架 PVD 膜层容易脱落"),
        "sponsor": create_user(role=Role.FIRM, org=firm, name="林总"),
        "broker": create_user(role=Role.BROKER, name="李经纪"),
        "operator": operator,
        "solver_a": create_user(role=Role.SUPPLIER, org=inst_a, name="赵研究员"),
        "solver_b": create_user(role=Role.SUPPLIER, org=inst_b, name="钱教授"),
        "experts": (e1, e2, e3),
        "panel": panel,
        "inst_a": inst_a,
        "inst_b": inst_b,
        "firm": firm,
    }


def _as(page, browser_login, user) -> None:
    page.context.clear_cookies()
    browser_login(user)


def _click(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()


def _submit_proposal(
    page, call_id: int, approach: str, cite: str | None = None, file=None
) -> None:
    page.goto(f"/challenges/{call_id}")
    with page.expect_navigation():
        page.get_by_role("link", name="提交方案").click()
    page.locator("textarea[name=approach]").fill(approach)
    if cite:
        page.get_by_label(cite).check()
    if file:
        page.locator("input[name=file]").set_input_files(str(file))
    page.locator("textarea[name=team]").fill("课题组 5 人")
    page.locator("input[name=budget]").fill("180000")
    page.locator("input[name=nda]").check()
    _click(page, "提交")
    assert "/challenges/proposals/" in page.url
    assert approach in page.locator("main").inner_text()


def _score(page, proposal_id: int, marks: tuple[int, int], comment: str) -> None:
    page.goto(f"/challenges/proposals/{proposal_id}/score")
    page.locator("input[name=c0]").fill(str(marks[0]))
    page.locator("input[name=c1]").fill(str(marks[1]))
    page.locator("textarea[name=comment]").fill(comment)
    _click(page, "提交评分")
    assert f"/challenges/proposals/{proposal_id}" in page.url


def test_need_to_call_to_winner_and_deal(
    db, page, browser_login, cast, create_achievement, tmp_path
):
    need = cast["need"]
    e1, e2, e3 = cast["experts"]
    # Institute A owns an achievement the matcher finds for the need.
    own = create_achievement(
        org=cast["inst_a"],
        title="镜架 PVD 镀层高附着力工艺",
        summary="PVD 镀层附着力达 5B，镜架膜层不脱落",
        field="surface_treatment",
        keywords=["PVD", "附着力"],
    )
    sync_outbox()

    # The broker prepares the call from the need; the need's translation fills it in.
    _as(page, browser_login, cast["broker"])
    page.goto("/challenges/")
    with page.expect_navigation():
        page.locator(f"a[href='/challenges/new/{need.id}']").click()
    assert "附着力" in page.locator("textarea[name=problem]").input_value()
    page.locator("input[name=title]").fill("镜架 PVD 膜层附着力攻关")
    page.locator("input[name=eligible_org_types][value=institute]").check()
    page.locator("input[name=eligible_org_types][value=university]").check()
    local = (utcnow() + timedelta(days=10, hours=8)).strftime("%Y-%m-%dT%H:%M")
    page.locator("input[name=deadline]").fill(local)
    page.locator("textarea[name=awards]").fill("一等奖 | 200000\n二等奖 | 50000")
    page.locator("textarea[name=criteria]").fill("技术先进性 | 60\n可行性 | 40")
    page.locator("select[name=panel]").select_option(label="镀膜评审组")
    _click(page, "提交审核")
    assert page.locator("#stage").inner_text() == "待审核"
    call = _fresh(db, Challenge, need_id=need.id)
    assert call is not None and call.status == "draft"

    # Not on the public board until the operator approves it.
    page.context.clear_cookies()
    page.goto("/challenges/")
    assert "镜架 PVD 膜层附着力攻关" not in page.locator("main").inner_text()
    _as(page, browser_login, cast["operator"])
    page.goto(f"/challenges/{call.id}")
    _click(page, "审核通过并发布")
    assert page.locator("#stage").inner_text() == "征集中"

    # The matcher invited institute A, which owns a matching achievement.
    _as(page, browser_login, cast["solver_a"])
    page.goto("/challenges/")
    assert "镜架 PVD 膜层附着力攻关" in page.locator("#invited").inner_text()

    # The board shows it with its countdown, to anyone.
    page.context.clear_cookies()
    page.goto("/challenges/")
    row = page.locator(".challenge-row", has_text="镜架 PVD 膜层附着力攻关")
    assert "征集中" in row.inner_text() and "9 天 23 小时" in row.inner_text()

    # A solver asks; the broker answers publicly; the author is not shown.
    _as(page, browser_login, cast["solver_a"])
    page.goto(f"/challenges/{call.id}")
    page.locator("textarea[name=body]").fill("可否采用 ALD 工艺？")
    _click(page, "提问")
    _as(page, browser_login, cast["broker"])
    page.goto(f"/challenges/{call.id}")
    page.locator(".question textarea[name=answer]").fill("可以，只要达到附着力指标。")
    _click(page, "公开答复")
    page.context.clear_cookies()
    page.goto(f"/challenges/{call.id}")
    question = page.locator(".question").first.inner_text()
    assert (
        "可否采用 ALD 工艺？" in question and "可以，只要达到附着力指标。" in question
    )
    assert "赵研究员" not in page.locator("main").inner_text()

    # Two institutes submit; neither sees the other's proposal.
    _as(page, browser_login, cast["solver_a"])
    pdf = tmp_path / "技术方案.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    _submit_proposal(page, call.id, "磁控溅射过渡层加离子清洗", own.title, pdf)
    assert own.title in page.locator("#cited").inner_text()
    assert "技术方案.pdf" in page.locator("#attachments").inner_text()
    page.goto(f"/challenges/{call.id}")
    assert "温州大学表面工程中心" not in page.locator("main").inner_text()
    _as(page, browser_login, cast["solver_b"])
    _submit_proposal(page, call.id, "ALD 纳米叠层膜")
    page.goto(f"/challenges/{call.id}")
    assert "温州光学研究所" not in page.locator("main").inner_text()
    call = _fresh(db, Challenge, id=call.id)
    a, b = sorted(call.proposals, key=lambda p: p.organization_id != cast["inst_a"].id)

    # The clock runs past the deadline: the call is in judging; late work is refused.
    call.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page.goto(f"/challenges/{call.id}")
    assert page.locator("#stage").inner_text() == "评审中"
    assert page.get_by_role("link", name="修改方案").count() == 0

    # The panel scores: e3 declared a tie to institute A and cannot score it.
    _as(page, browser_login, e1)
    _score(page, a.id, (90, 80), "过渡层方案成熟")
    _score(page, b.id, (70, 70), "ALD 成本偏高")
    _as(page, browser_login, e2)
    _score(page, a.id, (80, 80), "可行")
    _score(page, b.id, (75, 65), "周期较长")
    _as(page, browser_login, e3)
    page.goto(f"/challenges/{call.id}")
    links = page.locator("#proposals a", has_text="评分")
    assert links.count() == 1
    assert "温州光学研究所" not in page.locator("#proposals").inner_text()
    response = page.goto(f"/challenges/proposals/{a.id}/score")
    assert response.status == 404
    _score(page, b.id, (60, 60), "一般")

    # The chair writes the group opinion; another member records dissent.
    _as(page, browser_login, e1)
    page.goto(f"/challenges/{call.id}")
    with page.expect_navigation():
        page.locator("#report-link").click()
    page.locator("textarea[name=opinion]").fill("专家组认为过渡层方案成熟，推荐揭榜。")
    _click(page, "保存专家组意见")
    _as(page, browser_login, e2)
    page.goto(f"/challenges/{call.id}/report")
    page.locator("textarea[name=dissent]").fill("ALD 方案长期更优，保留意见。")
    _click(page, "记录不同意见")
    assert "陈专家：ALD 方案长期更优" in page.locator("#dissents").inner_text()

    # The firm sees the ranking and picks institute A for the first prize.
    _as(page, browser_login, cast["sponsor"])
    page.goto(f"/challenges/{call.id}")
    ranking = page.locator("#ranking li")
    assert "温州光学研究所" in ranking.nth(0).inner_text()
    assert "83.0" in ranking.nth(0).inner_text()
    page.goto(f"/challenges/{call.id}/report")
    assert "推荐揭榜" in page.locator("#opinion").inner_text()
    page.goto(f"/challenges/{call.id}")
    page.get_by_label("温州光学研究所").select_option(label="一等奖")
    _click(page, "公布揭榜结果")
    assert page.locator("#stage").inner_text() == "已揭榜"

    # Published: the winner and amount, the losing proposal stays confidential.
    page.context.clear_cookies()
    page.goto(f"/challenges/{call.id}")
    winners = page.locator("#winners").inner_text()
    assert "温州光学研究所" in winners and "200,000" in winners
    assert "温州大学表面工程中心" not in page.locator("main").inner_text()

    # A deal opened in the pipeline with the proposal in its room; the prize is due.
    deal = _fresh(db, Deal, need_id=need.id)
    assert deal.origin == "challenge"
    assert (deal.firm_org_id, deal.supplier_org_id) == (
        cast["firm"].id,
        cast["inst_a"].id,
    )
    prize = _fresh(db, PaymentRequest, deal_id=deal.id)
    assert prize.kind == "prize" and prize.amount_fen == 20_000_000
    _as(page, browser_login, cast["solver_a"])
    page.goto(f"/deals/{deal.id}")
    assert "磁控溅射过渡层加离子清洗" in page.locator("main").inner_text()
