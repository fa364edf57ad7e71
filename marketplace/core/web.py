"""Web plumbing every page shares: security headers, error pages, template helpers."""

from __future__ import annotations

import math
import time
from datetime import date, datetime

from flask import Flask, abort, render_template, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ..extensions import db, limiter
from . import domain, money
from .errors import ServiceError
from .problems import problem
from .transaction import messages_of, status_of

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def visible_or_404(model, object_id: int):
    """The object if the current user may see it; otherwise it does not exist (404),
    so private objects never betray their existence."""

    obj = db.get_or_404(model, object_id)
    if not obj.can_view(current_user):
        abort(404)
    return obj


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths: an open redirect would let phishers borrow us."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 32 for c in target)
    ):
        return target
    return default


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` limited to the 32-bit range of the id columns, so /needs/999…9 is a
    404 rather than a database overflow error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


ERROR_MESSAGES = {
    400: lambda: _("请求有误，请检查后重试。"),
    403: lambda: _("您无权访问此页面。"),
    404: lambda: _("页面不存在或已被移除。"),
    405: lambda: _("不支持此请求方式。"),
    413: lambda: _("上传的文件过大。"),
    429: lambda: _("操作过于频繁，请稍后再试。"),
    500: lambda: _("服务器出错了，我们已记录此问题，请稍后重试。"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None, headers: dict | None = None):
    message = message or ERROR_MESSAGES.get(code, ERROR_MESSAGES[400])()
    if _wants_json():
        return problem(code, message, headers=headers)
    page = render_template("errors/error.html", code=code, message=message)
    return page, code, headers or {}


def retry_after_seconds() -> int | None:
    """Seconds until the rate limit this request broke lets it through again."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def too_many_requests():
    """The 429 page: when to try again, in words and in Retry-After."""
    seconds = retry_after_seconds()
    if seconds is None:
        return render_error(429)
    minutes = max(1, math.ceil(seconds / 60))
    message = _("操作过于频繁，请在 %(minutes)s 分钟后重试。", minutes=minutes)
    return render_error(429, message, {"Retry-After": str(seconds)})


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.before_request
    def refuse_nul_characters():
        # No text column can hold U+0000 (PostgreSQL refuses it outright), and no
        # person types it: such a request is malformed, whatever the page.
        for source in (request.args, request.form):
            for _key, values in source.lists():
                if any("\x00" in v for v in values):
                    return render_error(
                        400, _("请求中包含无效字符（NUL），请检查后重试。")
                    )
        return None

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            h.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400, _("表单已失效或来源不明（CSRF 校验失败），请刷新页面后重新提交。")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code >= 500:
            db.session.rollback()
        if exc.code == 429:
            return too_many_requests()
        message = None
        if exc.code == 413:
            limit_mb = app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
            message = _("上传的文件过大，单个文件不能超过 %(mb)s MB。", mb=limit_mb)
        return render_error(exc.code, message)

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        # A typed error that no route put on a form: its 4xx, never a 500. API views
        # answer these with problem documents by their blueprint's own handler.
        db.session.rollback()
        return render_error(status_of(exc), "；".join(messages_of(exc)))

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS") and not app.config.get("TESTING_500"):
            raise exc
        return render_error(500)

    app.jinja_env.filters.update(
        money=money.format_fen,
        yuan=money.fen_to_yuan_str,
        dt=_format_dt,
        d=_format_d,
        nl2br=nl2br,
    )
    app.jinja_env.globals.update(domain=domain)

    @app.context_processor
    def inject_globals():
        return {
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale() or "zh_CN"),
        }


def _format_dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC datetime shown in Asia/Shanghai."""
    return format_datetime(value, fmt) if value else ""


def _format_d(value: date | None) -> str:
    return format_date(value, "yyyy-MM-dd") if value else ""


def nl2br(text: str) -> Markup:
    escaped = Markup.escape(text or "")
    return Markup("<br>").join(escaped.split("\n"))
