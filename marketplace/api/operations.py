"""The `operation` decorator: one declaration routes a view, authenticates, validates the
request, shapes the response, and is what openapi.py turns into the OpenAPI document."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import wraps

from flask import Response, jsonify, request
from marshmallow import Schema, ValidationError

from . import bp
from .auth import authenticate
from .links import Link
from .problems import ApiProblem
from .schemas import MAX_ID


@dataclasses.dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    tag: str
    summary: str
    description: str
    scope: str
    query: type[Schema] | None
    body: type[Schema] | None
    response: type[Schema] | None
    status: int
    #: The success response's OpenAPI links, by name.
    links: dict[str, Link] = dataclasses.field(default_factory=dict)

    @property
    def path(self) -> str:
        """The OpenAPI path: Flask's `<int:x>` becomes `{x}`."""
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)


REGISTRY: list[Operation] = []


def _flatten(messages, prefix: str = "") -> list[dict]:
    """Marshmallow's nested error dict as a flat list of {field, message}."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out += _flatten(value, "" if key == "_schema" and not prefix else name)
    elif isinstance(messages, list):
        for item in messages:
            out += _flatten(item, prefix)
    else:
        out.append({"field": prefix or None, "message": str(messages)})
    return out


def _invalid(exc: ValidationError, where: str) -> ApiProblem:
    return ApiProblem(422, f"Invalid {where}.", errors=_flatten(exc.messages))


def load_query(schema: type[Schema]) -> dict:
    try:
        return schema().load(request.args.to_dict())
    except ValidationError as exc:
        raise _invalid(exc, "query parameters") from None


def load_body(schema: type[Schema], partial: bool) -> dict:
    if not request.is_json:
        raise ApiProblem(415, "Send the body as application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The body is not valid JSON.", slug="malformed-json")
    try:
        return schema().load(data, partial=partial)
    except ValidationError as exc:
        raise _invalid(exc, "request body") from None


def operation(
    rule: str,
    method: str = "GET",
    *,
    tag: str,
    summary: str,
    scope: str | None = None,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    response: type[Schema] | None = None,
    status: int = 200,
    links: dict[str, Link] | None = None,
) -> Callable:
    """Declare an API endpoint.

    The view is called as view(user, **path_args, [query=...], [body=...]) and returns
    data for `response` (or (data, status), or a Response). Writes need the "write"
    scope, reads "read"; PATCH bodies are validated as partial. `links` are what a
    client calls next with values from the success response (see links.py).
    """
    scope = scope or ("read" if method == "GET" else "write")

    def decorator(view: Callable) -> Callable:
        op = Operation(
            rule,
            method,
            view.__name__,
            tag,
            summary,
            (view.__doc__ or "").strip(),
            scope,
            query,
            body,
            response,
            status,
            dict(links or {}),
        )

        @wraps(view)
        def wrapped(**path):
            for value in path.values():
                if isinstance(value, int) and not 0 < value <= MAX_ID:
                    raise ApiProblem(404)
            user = authenticate(scope)
            kwargs = dict(path)
            if query is not None:
                kwargs["query"] = load_query(query)
            if body is not None:
                kwargs["body"] = load_body(body, partial=method == "PATCH")
            result = view(user, **kwargs)
            if isinstance(result, Response):
                return result
            data, code = result if isinstance(result, tuple) else (result, status)
            payload = response().dump(data) if response is not None else data
            return jsonify(payload), code

        bp.add_url_rule(
            rule, endpoint=view.__name__, view_func=wrapped, methods=[method]
        )
        REGISTRY.append(op)
        return wrapped

    return decorator
