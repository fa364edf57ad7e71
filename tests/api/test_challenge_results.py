"""/api/v1/challenges/<id> of a decided call: the results the public board publishes
(the winners' organisations, grades and amounts, or the reason for no winner), never a
losing proposal or any proposal's confidential text; nothing before the decision."""

from __future__ import annotations

from marketplace.api import tokens
from marketplace.challenges import awards, services
from tests.challenges.conftest import (  # noqa: F401 (fixtures)
    call,
    call_data,
    cast,
    past_deadline,
    submit,
)


def _headers(db, user) -> dict:
    _row, secret = tokens.create_token(user, "测试令牌", ["read"], 30)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_an_awarded_call_shows_its_winners_and_no_loser(
    client,
    db,
    cast,  # noqa: F811 (the imported fixture)
    call,  # noqa: F811 (the imported fixture)
    create_org,
    create_user,
):
    from marketplace.accounts.models import OrgType, Role

    inst_c = create_org(type=OrgType.INSTITUTE, name="瓯海区光电研究院")
    solver_c = create_user(role=Role.SUPPLIER, org=inst_c)
    db.session.commit()
    first = submit(db, cast.solver_a, call, approach="甲方案：机密工艺").proposal
    second = submit(db, solver_c, call, approach="丙方案：机密参数").proposal
    submit(db, cast.solver_b, call, approach="乙方案：落选机密")
    past_deadline(db, call)
    headers = _headers(db, cast.solver_b)
    url = f"/api/v1/challenges/{call.id}"
    assert client.get(url, headers=headers).get_json()["results"] is None
    # 二等奖 picked first in the form: the results follow the call's grade order.
    awards.award(cast.sponsor, call, {second.id: 1, first.id: 0})
    db.session.commit()
    got = client.get(url, headers=headers)
    assert got.status_code == 200
    body = got.get_json()
    assert body["stage"] == "awarded"
    results = body["results"]
    assert results["winners"] == [
        {
            "organization": {"id": cast.inst_a.id, "name": "温州光学研究所"},
            "grade": "一等奖",
            "amount_fen": 20_000_000,
        },
        {
            "organization": {"id": inst_c.id, "name": "瓯海区光电研究院"},
            "grade": "二等奖",
            "amount_fen": 5_000_000,
        },
    ]
    assert results["no_winner_reason"] is None
    assert results["decided_at"].endswith("+08:00")
    text = got.get_data(as_text=True)
    # The loser (温州大学) is not named, and no proposal's text is shown.
    assert "温州大学" not in text and "机密" not in text
    listed = client.get("/api/v1/challenges", headers=headers).get_json()["items"]
    assert listed[0]["results"] == results
    # The same as the public board shows.
    board = client.get(f"/challenges/{call.id}").get_data(as_text=True)
    assert "温州光学研究所 · 一等奖 · ¥200,000" in board


def test_a_call_without_a_winner_shows_the_reason(
    client,
    db,
    cast,  # noqa: F811 (the imported fixture)
    call,  # noqa: F811 (the imported fixture)
):
    submit(db, cast.solver_a, call, approach="甲方案：机密")
    past_deadline(db, call)
    awards.no_winner(cast.sponsor, call, "所有方案均未达到附着力 5B 的目标。")
    db.session.commit()
    body = client.get(
        f"/api/v1/challenges/{call.id}", headers=_headers(db, cast.solver_b)
    ).get_json()
    assert body["stage"] == "no_winner"
    assert body["results"]["winners"] == []
    assert body["results"]["no_winner_reason"] == "所有方案均未达到附着力 5B 的目标。"
    assert "温州光学研究所" not in str(body) and "机密" not in str(body)


def test_an_open_call_has_no_results(
    client,
    db,
    cast,  # noqa: F811 (the imported fixture)
):
    open_call = services.prepare_call(cast.broker, cast.need, call_data(cast))
    services.approve_call(cast.operator, open_call)
    db.session.commit()
    body = client.get(
        f"/api/v1/challenges/{open_call.id}", headers=_headers(db, cast.solver_a)
    ).get_json()
    assert body["stage"] == "open" and body["results"] is None
