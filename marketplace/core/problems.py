"""RFC 9457 problem details: the JSON error document every /api/ response uses."""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"
#: Problem type URIs are relative references resolved against the API's base.
TYPE_BASE = "/api/v1/problems/"

#: The short slug of the problem type for each status the API returns.
SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-failed",
    429: "too-many-requests",
    500: "server-error",
}


def problem(
    status: int,
    detail: str = "",
    slug: str | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    """A problem+json response: type, title, status, detail, instance (+ extra members)."""
    body = {
        "type": TYPE_BASE + (slug or SLUGS.get(status, "error")),
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": str(detail or HTTP_STATUS_CODES.get(status, "")),
        "instance": request.path,
        **extra,
    }
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
