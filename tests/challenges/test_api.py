"""/api/v1/challenges: public calls only, and a token sees only its own
organisation's proposals."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.api import tokens
from marketplace.challenges import services

from .conftest import call_data, submit


def _headers(db, user) -> dict:
    _row, secret = tokens.create_token(user, "测试令牌", ["read"], 30)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_public_calls_listed_with_stage_beijing_deadline_and_award_total(
    client, db, cast, call
):
    draft = services.prepare_call(
        cast.broker, cast.need, call_data(cast, title="尚未审核的榜单")
    )
    db.session.commit()
    headers = _headers(db, cast.solver_a)
    listed = client.get("/api/v1/challenges", headers=headers)
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [c["id"] for c in items] == [call.id]
    one = items[0]
    assert one["stage"] == "open" and one["award_total_fen"] == 25_000_000
    assert one["deadline"].endswith("+08:00")
    shown = datetime.fromisoformat(one["deadline"])
    assert shown.utcoffset().total_seconds() == 8 * 3600
    assert shown.astimezone(UTC).replace(tzinfo=None) == call.deadline_at
    got = client.get(f"/api/v1/challenges/{call.id}", headers=headers)
    assert got.status_code == 200 and got.get_json()["title"] == call.title
    # A draft is not found, even by the broker who prepared it.
    for who in (cast.solver_a, cast.broker):
        hidden = client.get(f"/api/v1/challenges/{draft.id}", headers=_headers(db, who))
        assert hidden.status_code == 404
    assert client.get("/api/v1/challenges").status_code == 401


def test_a_solver_token_sees_only_its_own_organisation_proposals(
    client, db, cast, call
):
    submit(db, cast.solver_a, call, approach="甲方案：机密")
    submit(db, cast.solver_b, call, approach="乙方案：机密")
    mine_a = client.get(
        "/api/v1/challenges/proposals/mine", headers=_headers(db, cast.solver_a)
    )
    assert mine_a.status_code == 200
    items = mine_a.get_json()["items"]
    assert [p["approach"] for p in items] == ["甲方案：机密"]
    assert items[0]["challenge_id"] == call.id and items[0]["version"] == 1
    assert "乙方案" not in mine_a.get_data(as_text=True)
    mine_b = client.get(
        "/api/v1/challenges/proposals/mine", headers=_headers(db, cast.solver_b)
    )
    assert [p["approach"] for p in mine_b.get_json()["items"]] == ["乙方案：机密"]
    # Neither the public list nor a person without an organisation sees proposals.
    public = client.get("/api/v1/challenges", headers=_headers(db, cast.e1))
    assert "方案：机密" not in public.get_data(as_text=True)
    no_org = client.get(
        "/api/v1/challenges/proposals/mine", headers=_headers(db, cast.e1)
    )
    assert no_org.status_code == 200 and no_org.get_json()["items"] == []


def test_challenge_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {
        "/challenges",
        "/challenges/{call_id}",
        "/challenges/proposals/mine",
    } <= set(paths)
