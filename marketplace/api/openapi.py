"""The OpenAPI 3.1 document, generated from the registered operations and their
marshmallow schemas (apispec), and the interactive docs page that renders it."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify, render_template

from ..core.problems import MEDIA_TYPE
from . import bp
from .operations import REGISTRY, Operation
from .schemas import MAX_ID, ProblemSchema

API_VERSION = "1.0.0"
_ERRORS = {
    "400": "Malformed request (bad JSON, bad cursor).",
    "401": "No valid bearer token.",
    "403": "The token lacks the scope, or the user may not do this.",
    "404": "Not found, or not visible to this user.",
    "409": "Not possible in the object's current state, or a stale version.",
    "415": "The body is not application/json.",
    "422": "The request failed validation; see `errors`.",
    "429": "The token's rate limit is exhausted.",
}


def _problem_response(description: str) -> dict:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": "Problem"}}}


def _check_links(op: Operation, targets: dict[str, Operation]) -> None:
    """A link must name a real operation and parameters it takes: a typo would leave a
    stateful client (and schemathesis) silently generating the value instead."""
    for name, link in op.links.items():
        target = targets.get(link.operation_id)
        if target is None:
            raise LookupError(f"{op.endpoint} link {name}: no {link.operation_id}")
        accepted = {f"path.{p}" for p in target.path_params} | set(target.path_params)
        if target.query is not None:
            accepted |= {f"query.{f}" for f in target.query().fields}
        fields = target.body().fields if target.body is not None else {}
        unknown = set(link.parameters) - accepted | set(link.body or {}) - set(fields)
        if unknown:
            raise LookupError(f"{op.endpoint} link {name}: unknown {sorted(unknown)}")


def _operation_doc(op: Operation) -> dict:
    success: dict = {
        "description": "OK" if op.status == 200 else "Created",
        "content": {"application/json": {"schema": op.response}},
    }
    if op.links:
        success["links"] = {name: link.to_openapi() for name, link in op.links.items()}
    doc: dict = {
        "operationId": op.endpoint,
        "tags": [op.tag],
        "summary": op.summary,
        "description": op.description + f"\n\nScope: `{op.scope}`.",
        "parameters": [
            {
                "in": "path",
                "name": name,
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
            for name in op.path_params
        ],
        "responses": {
            str(op.status): success,
            **{code: _problem_response(text) for code, text in _ERRORS.items()},
            "default": _problem_response("Any other error, as problem+json."),
        },
    }
    if op.query is not None:
        doc["parameters"].append({"in": "query", "schema": op.query})
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.body}},
        }
    return doc


def build_spec() -> dict:
    spec = APISpec(
        title="瓯海科技大市场 API",
        version=API_VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "Achievements, needs, search, matches, deals, open calls (揭榜挂帅) and "
                "organisations of the "
                "Ouhai eyewear technology market. Authenticate with a personal access "
                "token from your account page: `Authorization: Bearer omk_…`. Lists "
                "page with opaque cursors (`next_cursor`). Errors are RFC 9457 "
                "`application/problem+json`."
            )
        },
        servers=[{"url": "/api/v1"}],
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    paths: dict[str, dict] = {}
    targets = {op.endpoint: op for op in REGISTRY}
    for op in REGISTRY:
        _check_links(op, targets)
        paths.setdefault(op.path, {})[op.method.lower()] = _operation_doc(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.route("/openapi.json")
def openapi_json():
    document = current_app.extensions.get("api_openapi")
    if document is None:
        document = current_app.extensions["api_openapi"] = build_spec()
    return jsonify(document)


@bp.route("/docs")
def docs():
    # Swagger UI renders under the site's strict CSP (no inline script or style): its
    # React code sets styles through the DOM, which style-src does not govern.
    return render_template("api/docs.html")
