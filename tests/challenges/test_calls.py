"""A broker prepares a call from a published need; the operator approves; the board."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.challenges import questions, services
from marketplace.challenges.models import Challenge, ChallengeQuestion
from marketplace.core.errors import InvalidTransition, PermissionDenied
from marketplace.core.timeutil import utcnow

from .conftest import call_data, past_deadline


def _form(cast, **over):
    data = {
        "title": "镜架 PVD 膜层附着力攻关",
        "problem": "提高镜架 PVD 膜层附着力。",
        "indicators": "附着力 | ≥5B |  | GB/T 9286",
        "eligible_org_types": ["institute", "university"],
        "deadline": "2099-06-30T17:30:00",
        "awards": "一等奖 | 200000\n二等奖 | 50000",
        "criteria": "技术先进性 | 60\n可行性 | 40",
        "panel": cast.panel.id,
    }
    data.update(over)
    return data


def test_broker_prepares_operator_approves_board_shows_stage(
    client, app, db, login, cast
):
    login(cast.broker)
    response = client.post(f"/challenges/new/{cast.need.id}", data=_form(cast))
    assert response.status_code == 302, response.text
    call = db.session.scalar(sa.select(Challenge))
    assert call.status == "draft" and call.sponsor_org_id == cast.firm.id
    # Beijing 17:30:00 is 09:30:00 UTC.
    assert call.deadline_at.isoformat() == "2099-06-30T09:30:00"
    assert [a["amount_fen"] for a in call.awards] == [20_000_000, 5_000_000]
    assert sum(c["weight"] for c in call.criteria) == 100
    assert call.indicators[0]["target"] == "≥5B"

    public = app.test_client()
    assert "PVD 膜层附着力攻关" not in public.get("/challenges/").text
    assert public.get(f"/challenges/{call.id}").status_code == 404

    assert client.post(f"/challenges/{call.id}/approve").status_code == 403
    op = app.test_client()
    login(cast.operator, c=op)
    assert op.post(f"/challenges/{call.id}/approve").status_code == 302
    board = public.get("/challenges/")
    assert "PVD 膜层附着力攻关" in board.text and "征集中" in board.text
    assert "天" in board.text  # the countdown
    detail = public.get(f"/challenges/{call.id}")
    assert detail.status_code == 200 and "2099-06-30 17:30:00" in detail.text


@pytest.mark.parametrize(
    "over, message",
    [
        (
            {"criteria": "技术先进性 | 60\n可行性 | 30"},
            "评审标准的权重合计必须为 100。",
        ),
        ({"criteria": "技术先进性 | 六十"}, "每行写“评审标准 | 权重”，权重为整数。"),
        ({"awards": "一等奖 | 很多"}, "每行写“奖项 | 金额（元）”，金额为有效数字。"),
        ({"deadline": "2000-01-01T00:00"}, "截止时间必须晚于现在。"),
        ({"deadline": "明天"}, "请填写截止时间。"),
        ({"eligible_org_types": []}, "请选择可以揭榜的机构类型。"),
        ({"title": ""}, "请填写榜单名称。"),
    ],
)
def test_bad_call_input_is_refused_and_saves_nothing(
    client, db, login, cast, over, message
):
    login(cast.broker)
    response = client.post(f"/challenges/new/{cast.need.id}", data=_form(cast, **over))
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(sa.select(sa.func.count(Challenge.id))) == 0


def test_only_staff_prepare_and_only_from_a_published_need(db, cast, create_need):
    with pytest.raises(PermissionDenied):
        services.prepare_call(cast.sponsor, cast.need, call_data(cast))
    draft = create_need(org=cast.firm, status="draft")
    with pytest.raises(InvalidTransition):
        services.prepare_call(cast.broker, draft, call_data(cast))


def test_stages_follow_the_clock_and_the_decision(db, call):
    now = utcnow()
    assert call.stage(now) == "open"
    assert call.stage(call.deadline_at) == "judging"  # the deadline itself is closed
    assert call.stage(call.deadline_at - timedelta(seconds=1)) == "open"


def test_questions_answered_publicly_without_their_author(
    client, app, db, login, cast, call
):
    login(cast.solver_a)
    response = client.post(
        f"/challenges/{call.id}/questions", data={"body": "可否用 ALD？"}
    )
    assert response.status_code == 302
    public = app.test_client()
    assert (
        "可否用 ALD？" not in public.get(f"/challenges/{call.id}").text
    )  # not yet answered
    # Bad input: an empty question gets a message and saves nothing.
    response = client.post(f"/challenges/{call.id}/questions", data={"body": ""})
    assert response.status_code == 422 and "请填写问题。" in response.text
    question = db.session.scalar(sa.select(ChallengeQuestion))
    # Another solver cannot answer.
    assert (
        client.post(
            f"/challenges/questions/{question.id}/answer", data={"answer": "可以"}
        ).status_code
        == 403
    )
    broker = app.test_client()
    login(cast.broker, c=broker)
    assert (
        broker.post(
            f"/challenges/questions/{question.id}/answer",
            data={"answer": "可以，需说明成本。"},
        ).status_code
        == 302
    )
    page = public.get(f"/challenges/{call.id}").text
    assert "可否用 ALD？" in page and "可以，需说明成本。" in page
    assert cast.solver_a.name not in page and cast.inst_a.name not in page


def test_clock_closes_due_calls_once_and_tells_the_panel(db, cast, call):
    from marketplace.notifications.models import Notification

    assert services.close_due_calls() == 0
    past_deadline(db, call)
    assert services.close_due_calls() == 1
    db.session.commit()
    assert call.closed_at is not None
    assert services.close_due_calls() == 0
    told = set(db.session.scalars(sa.select(Notification.user_id)))
    assert {cast.e1.id, cast.e2.id, cast.e3.id} <= told


def test_board_offers_brokers_the_published_needs_without_a_call(
    client, db, login, cast, create_need
):
    other = create_need(org=cast.firm, title="镜腿铰链易松动")
    login(cast.broker)
    page = client.get("/challenges/").text
    assert (
        f"/challenges/new/{other.id}" in page
        and f"/challenges/new/{cast.need.id}" in page
    )
    services.prepare_call(cast.broker, cast.need, call_data(cast))
    db.session.commit()
    page = client.get("/challenges/").text
    assert f"/challenges/new/{cast.need.id}" not in page
    form = client.get(f"/challenges/new/{cast.need.id}")
    assert form.status_code == 200 and "提高镜架 PVD 膜层附着力" in form.text


def test_empty_answer_is_refused_with_a_message(client, db, login, cast, call):
    question = questions.ask_question(cast.solver_a, call, "可否用 ALD？")
    db.session.commit()
    login(cast.broker)
    response = client.post(
        f"/challenges/questions/{question.id}/answer", data={"answer": ""}
    )
    assert response.status_code == 422 and "请填写答复。" in response.text
    db.session.expire_all()
    assert question.answered_at is None


def test_board_reads_in_english(client, db, call):
    page = client.get("/challenges/?lang=en").text
    assert "Open challenges" in page and "Open for proposals" in page
    detail = client.get(f"/challenges/{call.id}?lang=en").text
    assert (
        "Deadline (Beijing time)" in detail and "Judging criteria and weights" in detail
    )
