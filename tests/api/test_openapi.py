"""The OpenAPI 3.1 document is generated from the operations and their schemas, is a
valid document, and the interactive docs render it from vendored assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from marketplace.api.operations import REGISTRY
from marketplace.core.domain import Field

STATIC = Path(__file__).resolve().parents[2] / "marketplace" / "static"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_documented_with_problem_responses(app, document):
    documented = {
        (path, method) for path, ops in document["paths"].items() for method in ops
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in (
            "api.openapi_json",
            "api.docs",
        ):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
            op = document["paths"][path][method.lower()]
            assert op["summary"] and op["security"] if "security" in op else True
            problem = op["responses"]["default"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert len(documented) == len(REGISTRY)


def test_schemas_come_from_the_validating_definitions(document):
    schemas = document["components"]["schemas"]
    body = schemas["AchievementIn"]
    assert body["properties"]["field"]["enum"] == [f.value for f in Field]
    assert body["properties"]["trl"]["maximum"] == 9
    assert set(body["required"]) >= {"title", "summary", "inventors", "pricing_mode"}
    assert body["additionalProperties"] is False
    post = document["paths"]["/achievements"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AchievementIn"
    }
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_uses_vendored_assets_under_the_strict_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for asset in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "api/docs-init.js",
    ):
        assert f"/static/{asset}" in html
        assert (STATIC / asset).is_file()
    assert (STATIC / "vendor/swagger-ui/LICENSE").is_file()
    assert "<script>" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe" not in csp


@pytest.mark.browser
def test_docs_render_the_operations_in_a_browser(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/v1/docs")
    page.locator(
        ".opblock-summary-path", has_text="/achievements/{achievement_id}"
    ).first.wait_for()
    assert page.locator(".opblock").count() >= 15
    page.locator(".opblock-summary").first.click()  # expanding renders more components
    page.locator(".opblock-body").first.wait_for()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_operations_have_stable_unique_operation_ids(document):
    ids = [
        op["operationId"] for ops in document["paths"].values() for op in ops.values()
    ]
    assert len(ids) == len(set(ids)) == len(REGISTRY)
    # The view's name: what url_for knows it by, so it changes only with the code.
    assert document["paths"]["/achievements"]["post"]["operationId"] == (
        "create_achievement"
    )


def test_links_chain_operations_as_a_client_would(document):
    paths = document["paths"]
    created = paths["/achievements"]["post"]["responses"]["201"]["links"]
    assert created["GetAchievement"] == {
        "operationId": "get_achievement",
        "description": "Read this achievement.",
        "parameters": {"achievement_id": "$response.body#/id"},
    }
    assert {"UpdateAchievement", "SubmitAchievement", "GetOrganization"} <= set(created)
    need_links = paths["/needs"]["post"]["responses"]["201"]["links"]
    assert need_links["SubmitNeed"]["operationId"] == "submit_need"
    listed = paths["/achievements"]["get"]["responses"]["200"]["links"]
    assert listed["GetAchievement"]["parameters"] == {
        "achievement_id": "$response.body#/items/0/id"
    }
    assert listed["NextPage"]["parameters"]["query.cursor"] == (
        "$response.body#/next_cursor"
    )
    assert listed["NextPage"]["parameters"]["query.sort"] == "$request.query.sort"
    action = paths["/deals/{deal_id}"]["get"]["responses"]["200"]["links"][
        "TakeDealAction"
    ]
    assert action["requestBody"] == {
        "action": "$response.body#/available_actions/0",
        "expected_version": "$response.body#/version",
    }
    org = paths["/me"]["get"]["responses"]["200"]["links"]["GetOrganization"]
    assert org["parameters"] == {"org_id": "$response.body#/organization/id"}


def test_every_link_targets_an_operation_and_its_parameters(document):
    operations = {
        op["operationId"]: op
        for ops in document["paths"].values()
        for op in ops.values()
    }
    count = 0
    for op in operations.values():
        for response in op["responses"].values():
            for name, link in response.get("links", {}).items():
                count += 1
                target = operations.get(link["operationId"])
                assert target is not None, (op["operationId"], name)
                accepted = {p["name"] for p in target["parameters"]} | {
                    f"{p['in']}.{p['name']}" for p in target["parameters"]
                }
                assert set(link.get("parameters", {})) <= accepted, (name, link)
                if "requestBody" in link:
                    body = target["requestBody"]["content"]["application/json"]
                    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
                    fields = document["components"]["schemas"][ref]["properties"]
                    assert set(link["requestBody"]) <= set(fields), (name, link)
                for expression in [
                    *link.get("parameters", {}).values(),
                    *link.get("requestBody", {}).values(),
                ]:
                    assert re.fullmatch(
                        r"\$response\.body#(/[\w-]+)+|\$request\.query\.\w+", expression
                    ), expression
    assert count >= 60


def test_a_link_to_a_missing_operation_fails_the_build(app, monkeypatch):
    from marketplace.api.links import Link
    from marketplace.api.openapi import build_spec

    op = next(o for o in REGISTRY if o.endpoint == "me")
    monkeypatch.setitem(op.links, "Broken", Link("no_such_view", "x"))
    with pytest.raises(LookupError, match="no_such_view"):
        build_spec()
    monkeypatch.setitem(
        op.links, "Broken", Link("get_organization", "x", {"organisation": "$x"})
    )
    with pytest.raises(LookupError, match="organisation"):
        build_spec()
