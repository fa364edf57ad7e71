"""From the firm's words to a published technical need: queue, claim, versions, approval."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.core.audit import AuditEntry
from marketplace.core.timeutil import utcnow
from marketplace.listings.lifecycle import NeedStatus
from marketplace.needs.models import Need, NeedTranslation

from .conftest import ORIGINAL


def act(c, need, action, **extra):
    return c.post(f"/needs/{need.id}/action", data={"action": action, **extra})


def test_full_flow_from_submission_to_the_public_list(
    db, firm, broker, client_for, need_form, translation_form
):
    firm_c, broker_c, public_c = client_for(firm), client_for(broker), client_for()

    # The firm submits; the need waits in the queue, unclaimed.
    firm_c.post("/needs/new", data=need_form(title="电镀层脱落", intent="submit"))
    need = db.session.scalars(sa.select(Need)).one()
    queue = broker_c.get("/needs/queue?status=submitted").get_data(as_text=True)
    assert "电镀层脱落" in queue and "未认领" in queue

    # The broker claims it and saves two versions; both are kept.
    response = act(broker_c, need, "claim")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/needs/{need.id}/translate"
    )
    db.session.refresh(need)
    assert need.status == NeedStatus.TRANSLATING and need.broker_id == broker.id
    assert broker_c.get(f"/needs/{need.id}/translate").status_code == 200
    broker_c.post(f"/needs/{need.id}/translate", data=translation_form())
    response = broker_c.post(
        f"/needs/{need.id}/translate",
        data=translation_form(keywords="PVD, 附着力, 钛合金", intent="propose"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(
        sa.select(NeedTranslation).order_by(NeedTranslation.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].keywords == ["PVD", "附着力", "盐雾"]
    assert need.keywords == ["PVD", "附着力", "钛合金"]
    assert need.field == "surface_treatment"
    assert need.status == NeedStatus.AWAITING_APPROVAL

    # The firm compares with its own words and asks for changes.
    page = firm_c.get(f"/needs/{need.id}").get_data(as_text=True)
    assert ORIGINAL in page and "PVD 膜层附着力" in page
    response = act(
        firm_c,
        need,
        "request_changes",
        reason="盐雾要求应为 72 小时",
        translation_id=str(versions[1].id),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert need.status == NeedStatus.TRANSLATING
    assert versions[1].firm_comment == "盐雾要求应为 72 小时"

    # The broker revises (a third version), the firm approves it.
    broker_c.post(
        f"/needs/{need.id}/translate",
        data=translation_form(
            indicators="膜层附着力 | ≥5B | 级 | GB/T 9286\n中性盐雾 | ≥72 | h | GB/T 10125",
            intent="propose",
        ),
    )
    db.session.expire_all()
    latest = need.current_translation
    assert latest.version == 3 and need.status == NeedStatus.AWAITING_APPROVAL
    assert (
        act(firm_c, need, "approve", translation_id=str(latest.id)).status_code == 302
    )
    db.session.expire_all()
    assert need.status == NeedStatus.APPROVED
    assert latest.approved_by_id == firm.id and latest.approved_at is not None
    assert versions[0].approved_at is None

    # The broker publishes; the need is on the public list with the approved translation.
    assert act(broker_c, need, "publish").status_code == 302
    db.session.expire_all()
    assert need.status == NeedStatus.PUBLISHED
    listing = public_c.get("/needs/").get_data(as_text=True)
    assert "电镀层脱落" in listing
    page = public_c.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "≥72" in page and ORIGINAL not in page
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {
        "need.claim",
        "need.translate",
        "need.propose",
        "need.approve",
        "need.request_changes",
        "need.publish",
    } <= actions


def test_approving_a_stale_version_is_refused(
    db, firm, broker, create_need, client_for
):
    need = create_need(
        org=firm.organization, status=NeedStatus.AWAITING_APPROVAL, broker_id=broker.id
    )
    old_id = need.current_translation.id
    need.translations.append(
        NeedTranslation(version=2, technical_problem="新版本", indicators=[])
    )
    db.session.commit()
    response = act(client_for(firm), need, "approve", translation_id=str(old_id))
    assert response.status_code == 409
    db.session.refresh(need)
    assert need.status == NeedStatus.AWAITING_APPROVAL


def test_request_changes_needs_a_comment(db, firm, broker, create_need, client_for):
    need = create_need(
        org=firm.organization, status=NeedStatus.AWAITING_APPROVAL, broker_id=broker.id
    )
    response = act(client_for(firm), need, "request_changes", reason="  ")
    assert response.status_code == 409
    assert "请填写原因" in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.status == NeedStatus.AWAITING_APPROVAL


def test_broker_returns_a_need_for_more_information(
    db, firm, broker, create_need, client_for, need_form
):
    need = create_need(org=firm.organization, status=NeedStatus.SUBMITTED)
    broker_c = client_for(broker)
    act(broker_c, need, "claim")
    assert (
        act(broker_c, need, "return", reason="请说明镀层材料和厚度").status_code == 302
    )
    db.session.refresh(need)
    assert (
        need.status == NeedStatus.RETURNED
        and need.review_note == "请说明镀层材料和厚度"
    )
    firm_c = client_for(firm)
    assert "请说明镀层材料和厚度" in firm_c.get(f"/needs/{need.id}/edit").get_data(
        as_text=True
    )
    firm_c.post(
        f"/needs/{need.id}/edit",
        data=need_form(description="镀层是钛，厚度约 1 微米", intent="submit"),
    )
    db.session.refresh(need)
    assert need.status == NeedStatus.SUBMITTED


def test_a_need_of_an_unverified_firm_cannot_be_published(
    db, broker, create_org, create_need, client_for
):
    org = create_org(verified=False)
    need = create_need(org=org, status=NeedStatus.APPROVED, broker_id=broker.id)
    response = act(client_for(broker), need, "publish")
    assert response.status_code == 409
    assert "尚未通过认证" in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.status == NeedStatus.APPROVED


def test_propose_without_a_translation_is_refused(db, broker, create_need, client_for):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    assert act(client_for(broker), need, "propose").status_code == 409
    db.session.refresh(need)
    assert need.status == NeedStatus.TRANSLATING


def test_another_broker_cannot_work_on_a_claimed_need(
    db, broker, other_broker, create_need, client_for, translation_form
):
    need = create_need(
        status=NeedStatus.TRANSLATING, broker_id=broker.id, translated=True
    )
    c = client_for(other_broker)
    assert c.get(f"/needs/{need.id}/translate").status_code == 403
    assert (
        c.post(f"/needs/{need.id}/translate", data=translation_form()).status_code
        == 403
    )
    assert act(c, need, "propose").status_code == 403
    db.session.refresh(need)
    assert len(need.translations) == 1 and need.status == NeedStatus.TRANSLATING


def test_operator_may_translate_a_claimed_need(
    db, broker, operator, create_need, client_for, translation_form
):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    response = client_for(operator).post(
        f"/needs/{need.id}/translate", data=translation_form()
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.current_translation.author_id == operator.id


def test_a_second_claim_is_refused(db, broker, other_broker, create_need, client_for):
    need = create_need(status=NeedStatus.SUBMITTED)
    act(client_for(broker), need, "claim")
    assert act(client_for(other_broker), need, "claim").status_code == 403
    db.session.refresh(need)
    assert need.broker_id == broker.id


def test_translation_without_a_quantified_target_is_refused(
    db, broker, create_need, client_for, translation_form
):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    c = client_for(broker)
    for indicators, message in [
        ("附着力 | | 级", "至少一项指标须有量化的目标值"),
        (" | 5B", "缺少指标名称"),
        ("a | b | c | d | e", "栏目过多"),
        ("", "请至少填写一项目标指标"),
        ("<script>x</script> | 1", "纯文本"),
    ]:
        response = c.post(
            f"/needs/{need.id}/translate", data=translation_form(indicators=indicators)
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.translations == []


def test_translate_page_is_closed_before_the_claim(db, broker, create_need, client_for):
    need = create_need(status=NeedStatus.SUBMITTED)
    response = client_for(broker).get(f"/needs/{need.id}/translate")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/needs/{need.id}")


def test_unknown_action_is_refused_without_error(db, firm, create_need, client_for):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    assert act(client_for(firm), need, "explode").status_code == 409
    assert act(client_for(firm), need, "").status_code == 422


def test_after_approving_the_firm_is_told_the_broker_still_publishes(
    db, firm, broker, create_need, client_for
):
    need = create_need(
        org=firm.organization,
        status=NeedStatus.AWAITING_APPROVAL,
        broker_id=broker.id,
    )
    firm_c = client_for(firm)
    response = act(
        firm_c, need, "approve", translation_id=str(need.current_translation.id)
    )
    assert response.status_code == 302
    page = firm_c.get(response.headers["Location"]).get_data(as_text=True)
    assert "技术经纪人发布后，需求才会在市场上公开" in page  # the flash
    assert "您已确认翻译" in page  # the page's own state text, there on every visit
    again = firm_c.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "您已确认翻译" in again
    staff = client_for(broker).get(f"/needs/{need.id}").get_data(as_text=True)
    assert "企业已确认翻译，等待技术经纪人发布" in staff


def _queue_titles(html: str, titles: list[str]) -> list[str]:
    return sorted((t for t in titles if t in html), key=html.index)


def test_queue_lists_the_brokers_work_first_with_the_wait_shown(
    db, broker, other_broker, create_need, client_for
):
    now = utcnow()
    old = now - timedelta(days=233)
    create_need(
        title="企业久未确认",
        status=NeedStatus.AWAITING_APPROVAL,
        broker_id=broker.id,
        submitted_at=old,
        updated_at=old,
    )
    create_need(
        title="刚提交的新需求",
        status=NeedStatus.SUBMITTED,
        submitted_at=now - timedelta(hours=1),
    )
    create_need(
        title="较早提交的需求",
        status=NeedStatus.SUBMITTED,
        submitted_at=now - timedelta(days=3),
    )
    create_need(
        title="已确认待发布",
        status=NeedStatus.APPROVED,
        broker_id=broker.id,
        submitted_at=old,
        updated_at=now - timedelta(days=2),
    )
    create_need(
        title="正在翻译",
        status=NeedStatus.TRANSLATING,
        broker_id=broker.id,
        translated=True,
        submitted_at=old,
        updated_at=now - timedelta(days=1),
    )
    titles = [
        "企业久未确认",
        "刚提交的新需求",
        "较早提交的需求",
        "已确认待发布",
        "正在翻译",
    ]
    html = client_for(broker).get("/needs/queue").get_data(as_text=True)
    assert _queue_titles(html, titles) == [
        "已确认待发布",
        "较早提交的需求",
        "刚提交的新需求",
        "正在翻译",
        "企业久未确认",
    ]
    assert "等待 233 天" in html and "等待 2 天" in html and "等待 3 天" in html
    assert "等待最久的在前" in html  # the order is explained on the page


def test_a_new_need_is_on_the_first_page_even_behind_many_old_ones(
    app, db, broker, create_need, client_for
):
    old = utcnow() - timedelta(days=233)
    for i in range(app.config["PER_PAGE"] + 3):
        create_need(
            title=f"久等企业确认{i}",
            status=NeedStatus.AWAITING_APPROVAL,
            submitted_at=old,
            updated_at=old,
        )
    create_need(title="今天提交", status=NeedStatus.SUBMITTED, submitted_at=utcnow())
    c = client_for(broker)
    first = c.get("/needs/queue").get_data(as_text=True)
    assert "今天提交" in first
    assert first.count("久等企业确认") == app.config["PER_PAGE"] - 1
    second = c.get("/needs/queue?page=2").get_data(as_text=True)
    assert second.count("久等企业确认") == 4 and "今天提交" not in second


def test_an_approved_need_is_published_from_the_queue(
    db, broker, other_broker, create_need, client_for
):
    mine = create_need(
        title="我的待发布", status=NeedStatus.APPROVED, broker_id=broker.id
    )
    theirs = create_need(
        title="他人的待发布", status=NeedStatus.APPROVED, broker_id=other_broker.id
    )
    c = client_for(broker)
    html = c.get("/needs/queue").get_data(as_text=True)
    row = html[html.index("我的待发布") : html.index("</tr>", html.index("我的待发布"))]
    assert 'value="publish"' in row and "发布" in row
    other_row = html[
        html.index("他人的待发布") : html.index("</tr>", html.index("他人的待发布"))
    ]
    assert 'value="publish"' not in other_row  # claimed by another broker
    response = c.post(
        f"/needs/{mine.id}/action",
        data={
            "action": "publish",
            "back": "queue",
            "version": mine.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/needs/queue")
    db.session.expire_all()
    assert mine.status == NeedStatus.PUBLISHED and mine.published_at is not None
    assert theirs.status == NeedStatus.APPROVED
    # Another broker's need cannot be published by posting the form anyway.
    refused = c.post(
        f"/needs/{theirs.id}/action", data={"action": "publish", "back": "queue"}
    )
    assert refused.status_code == 403
    db.session.expire_all()
    assert theirs.status == NeedStatus.APPROVED
