"""Every API error is an RFC 9457 problem document, and rate limits count per token."""

from __future__ import annotations

import pytest

from marketplace import create_app
from marketplace.accounts.models import OrgType, Role
from marketplace.config import TestingConfig
from marketplace.extensions import limiter
from marketplace.listings.lifecycle import ListingStatus


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    assert body["title"] and isinstance(body["detail"], str)
    assert body["instance"] == response.request.path
    return body


@pytest.fixture
def supplier(db, create_org, create_user):
    return create_user(Role.SUPPLIER, org=create_org(type=OrgType.UNIVERSITY))


def test_400_malformed_json(client, supplier, auth):
    r = client.post(
        "/api/v1/achievements",
        data="{nope",
        headers=auth(supplier),
        content_type="application/json",
    )
    assert assert_problem(r, 400)["type"].endswith("/malformed-json")


def test_401_without_token(client, db):
    assert_problem(client.get("/api/v1/needs"), 401)


def test_403_read_token_cannot_write(client, supplier, auth):
    body = assert_problem(
        client.post(
            "/api/v1/achievements", json={}, headers=auth(supplier, scopes=["read"])
        ),
        403,
    )
    assert body["type"].endswith("/insufficient-scope")


def test_write_token_can_also_read(client, supplier, auth):
    assert (
        client.get("/api/v1/me", headers=auth(supplier, scopes=["write"])).status_code
        == 200
    )


def test_404_unknown_path_unknown_id_and_huge_id(client, supplier, auth):
    headers = auth(supplier)
    assert_problem(client.get("/api/v1/nothing-here", headers=headers), 404)
    assert_problem(client.get("/api/v1/achievements/12345", headers=headers), 404)
    assert_problem(client.get(f"/api/v1/needs/{2**40}", headers=headers), 404)
    assert_problem(client.get("/api/v1/deals/abc", headers=headers), 404)


def test_405_wrong_method(client, supplier, auth):
    assert_problem(client.delete("/api/v1/achievements", headers=auth(supplier)), 405)


def test_409_submit_twice(client, supplier, auth, create_achievement):
    a = create_achievement(org=supplier.organization, status=ListingStatus.IN_REVIEW)
    r = client.post(f"/api/v1/achievements/{a.id}/submit", headers=auth(supplier))
    assert assert_problem(r, 409)["type"].endswith("/invalid-transition")


def test_415_body_not_json(client, supplier, auth):
    r = client.post("/api/v1/needs", data={"title": "x"}, headers=auth(supplier))
    assert_problem(r, 415)


def test_422_lists_field_errors_from_the_schema_and_from_the_services(
    client, supplier, auth
):
    headers = auth(supplier)
    body = assert_problem(
        client.post(
            "/api/v1/achievements",
            json={"title": "<b>x</b>", "trl": 12, "extra": 1},
            headers=headers,
        ),
        422,
    )
    fields = {e["field"] for e in body["errors"]}
    assert {"title", "trl", "extra", "summary"} <= fields
    # Valid shape, but the domain's rule (shares sum to 100) is the service's.
    body = assert_problem(
        client.post(
            "/api/v1/achievements",
            json={
                "title": "镜片加硬工艺",
                "summary": "简介",
                "field": "lenses_coatings",
                "trl": 4,
                "ip_form": "know_how",
                "inventors": [{"name": "甲", "share_percent": 60}],
                "cooperation_modes": ["licence"],
                "pricing_mode": "agreement",
                "price_fen": 100,
            },
            headers=headers,
        ),
        422,
    )
    assert [e["field"] for e in body["errors"]] == ["inventors"]


def test_integers_in_a_body_are_json_schema_integers(client, supplier, auth, db):
    """The document says `integer`, which JSON Schema grants to 6.0 (found by the
    stateful schemathesis run); a fraction, a string or a boolean stays a 422."""
    from marketplace.achievements.models import Achievement

    base = {
        "title": "镜片加硬工艺",
        "summary": "简介",
        "field": "lenses_coatings",
        "ip_form": "know_how",
        "inventors": [{"name": "甲", "share_percent": 100.0}],
        "cooperation_modes": ["licence"],
        "pricing_mode": "agreement",
        "price_fen": 100.0,
    }
    headers = auth(supplier)
    r = client.post("/api/v1/achievements", json=base | {"trl": 6.0}, headers=headers)
    assert r.status_code == 201, r.get_json()
    a = db.session.get(Achievement, r.get_json()["id"])
    assert (a.trl, a.price_fen, a.inventors[0].share_percent) == (6, 100, 100)
    assert type(a.trl) is int
    for bad in (6.5, "6", True):
        body = assert_problem(
            client.post(
                "/api/v1/achievements", json=base | {"trl": bad}, headers=headers
            ),
            422,
        )
        assert [e["field"] for e in body["errors"]] == ["trl"]


def test_422_bad_query_parameters(client, supplier, auth):
    body = assert_problem(
        client.get("/api/v1/achievements?trl_min=12&limit=0", headers=auth(supplier)),
        422,
    )
    assert {e["field"] for e in body["errors"]} == {"trl_min", "limit"}


def test_500_is_a_problem_without_details(app_config, db):
    app = create_app(TestingConfig, **app_config, PROPAGATE_EXCEPTIONS=False)

    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("kaboom")

    with app.test_client() as c:
        r = c.get("/api/v1/boom")
    body = assert_problem(r, 500)
    assert "kaboom" not in r.get_data(as_text=True) and body["detail"]


@pytest.fixture
def limited_client(app_config, db):
    """A second app with the limiter on (it is off in TestingConfig, read at start)."""
    limited = create_app(
        TestingConfig,
        RATELIMIT_ENABLED=True,
        API_RATE_LIMIT="3 per minute",
        **app_config,
    )
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False


def test_rate_limit_counts_per_token_and_answers_429_problem(
    limited_client, supplier, make_token
):
    first = {"Authorization": f"Bearer {make_token(supplier)}"}
    second = {"Authorization": f"Bearer {make_token(supplier)}"}
    for _ in range(3):
        assert limited_client.get("/api/v1/me", headers=first).status_code == 200
    # The budget is the token's, across endpoints.
    blocked = limited_client.get("/api/v1/organizations", headers=first)
    assert_problem(blocked, 429)
    assert blocked.headers["Retry-After"]
    assert limited_client.get("/api/v1/me", headers=second).status_code == 200
