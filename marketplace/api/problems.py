"""RFC 9457 problem details: every error under /api/v1 is application/problem+json."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..core.errors import (
    InvalidTransition,
    ServiceError,
    StaleObject,
    ValidationFailed,
)
from ..core.problems import problem
from ..core.transaction import status_of
from ..core.web import ERROR_MESSAGES
from ..extensions import db


class ApiProblem(Exception):
    """Raised inside API views to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        slug: str | None = None,
        headers: dict | None = None,
        **extra,
    ):
        super().__init__(detail)
        self.status, self.detail, self.slug = status, detail, slug
        self.headers, self.extra = headers or {}, extra


def field_errors(errors: list[tuple[str | None, str]]) -> list[dict]:
    return [{"field": name, "message": str(message)} for name, message in errors]


def from_service_error(exc: ServiceError) -> Response:
    """The problem document of a typed service error, with the pages' status for it."""
    db.session.rollback()
    status = status_of(exc)
    if isinstance(exc, ValidationFailed):
        return problem(status, _("提交的数据有误。"), errors=field_errors(exc.errors))
    if isinstance(exc, StaleObject):
        return problem(status, str(exc), slug="stale")
    if isinstance(exc, InvalidTransition):
        return problem(status, str(exc), slug="invalid-transition")
    return problem(status, str(exc))


def init_blueprint(bp) -> None:
    """Error handlers for errors raised inside API views (routing errors: core.web)."""

    @bp.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem):
        if exc.status >= 500:
            db.session.rollback()
        return problem(exc.status, exc.detail, exc.slug, exc.headers, **exc.extra)

    @bp.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return from_service_error(exc)

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code >= 500:
            db.session.rollback()
        headers = {}
        if exc.code == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        if exc.code == 429:
            headers["Retry-After"] = "60"
        return problem(exc.code, _error_detail(exc.code), headers=headers)


def _error_detail(code: int) -> str:

    message = ERROR_MESSAGES.get(code)
    return str(message()) if message else HTTP_STATUS_CODES.get(code, "")
