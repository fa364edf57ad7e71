"""Links to the market's own pages, built from MARKET_BASE_URL and never from the request.

A request's Host and X-Forwarded-Host are chosen by whoever sends it: a reset link built
from them (`url_for(..., _external=True)`) can point at an attacker's site. Every link that
leaves the site (e-mail, notification, CLI output) is built here instead, the same way
inside and outside a request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def _adapter(with_prefix: bool) -> MapAdapter:
    base = urlsplit(current_app.config["MARKET_BASE_URL"])
    script_name = (base.path.rstrip("/") or "/") if with_prefix else "/"
    return current_app.url_map.bind(
        base.netloc, script_name=script_name, url_scheme=base.scheme or "https"
    )


def _build(endpoint: str, values: dict, external: bool) -> str:
    current_app.inject_url_defaults(endpoint, values)
    return _adapter(with_prefix=external).build(
        endpoint, values, force_external=external
    )


def external_url(endpoint: str, **values) -> str:
    """The page's full address at MARKET_BASE_URL, e.g. for a link in an e-mail."""
    return _build(endpoint, values, external=True)


def site_path(endpoint: str, **values) -> str:
    """The page's path from the site's root, e.g. "/deals/3", for a stored link.

    Notification e-mails put MARKET_BASE_URL in front of it (templates/email/notification.*),
    so it carries no host and no prefix of its own.
    """
    return _build(endpoint, values, external=False)
