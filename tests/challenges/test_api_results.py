"""/api/v1/challenges after the award: each organisation's token sees its own
proposal's result (grade, prize, deal), never another's; the public call shows the
stage and no proposal; own proposals page by cursor; a revoked token sees nothing."""

from __future__ import annotations

from marketplace.api import tokens
from marketplace.challenges import awards, services

from .conftest import call_data, past_deadline, submit


def _token(db, user):
    row, secret = tokens.create_token(user, "测试令牌", ["read"], 30)
    db.session.commit()
    return row, {"Authorization": f"Bearer {secret}"}


def test_after_the_award_each_side_sees_its_own_result_only(client, db, cast, call):
    win = submit(db, cast.solver_a, call, approach="甲方案：机密").proposal
    submit(db, cast.solver_b, call, approach="乙方案：机密")
    past_deadline(db, call)
    _row, a = _token(db, cast.solver_a)
    judging = client.get(f"/api/v1/challenges/{call.id}", headers=a).get_json()
    assert judging["stage"] == "judging"
    awards.award(cast.sponsor, call, {win.id: 0})
    db.session.commit()
    [mine] = client.get("/api/v1/challenges/proposals/mine", headers=a).get_json()[
        "items"
    ]
    assert (mine["award_grade"], mine["award_fen"], mine["stage"]) == (
        "一等奖",
        20_000_000,
        "awarded",
    )
    assert mine["deal_id"] == win.deal_id and mine["deal_id"] is not None
    _row, b = _token(db, cast.solver_b)
    [lost] = client.get("/api/v1/challenges/proposals/mine", headers=b).get_json()[
        "items"
    ]
    assert (lost["award_grade"], lost["award_fen"], lost["deal_id"]) == (
        None,
        None,
        None,
    )
    assert "甲方案" not in client.get(
        "/api/v1/challenges/proposals/mine", headers=b
    ).get_data(as_text=True)
    public = client.get("/api/v1/challenges", headers=b)
    assert public.get_json()["items"][0]["stage"] == "awarded"
    assert "方案：机密" not in public.get_data(as_text=True)


def test_own_proposals_page_by_cursor_and_a_revoked_token_gets_401(
    client, db, cast, call, create_need
):
    other = services.prepare_call(
        cast.broker, create_need(org=cast.firm), call_data(cast, title="第二个榜单")
    )
    services.approve_call(cast.operator, other)
    db.session.commit()
    first = submit(db, cast.solver_a, call).proposal
    second = submit(db, cast.solver_a, other).proposal
    submit(db, cast.solver_b, other, approach="乙方案：机密")
    row, a = _token(db, cast.solver_a)
    page1 = client.get(
        "/api/v1/challenges/proposals/mine?limit=1", headers=a
    ).get_json()
    assert [p["id"] for p in page1["items"]] == [second.id]
    page2 = client.get(
        "/api/v1/challenges/proposals/mine",
        query_string={"limit": 1, "cursor": page1["next_cursor"]},
        headers=a,
    ).get_json()
    assert [p["id"] for p in page2["items"]] == [first.id]
    assert page2["next_cursor"] is None
    tokens.revoke_token(row, cast.solver_a)
    db.session.commit()
    gone = client.get("/api/v1/challenges/proposals/mine", headers=a)
    assert gone.status_code == 401 and "方案" not in gone.get_data(as_text=True)
