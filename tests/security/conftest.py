"""Fixtures for the security tests: a second app with production settings, served on a
real loopback port, and raw HTTP requests that set any Host header they like."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.config import TestingConfig
from marketplace.extensions import limiter
from tests.fixtures.services import free_port


class Served:
    """A werkzeug server on 127.0.0.1 running `app`; `request` speaks raw HTTP/1.1."""

    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        headers: dict | None = None,
    ) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        body = urlencode(form).encode() if form is not None else None
        # skip_host: the test's own Host header is the only one sent.
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers = dict(headers or {})
        headers.setdefault("Host", f"127.0.0.1:{self.port}")
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        conn.close()
        return response

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def make_served(app_config, db):
    """Start a served app built with these settings (limiter off unless asked)."""
    started: list[Served] = []

    def start(**overrides) -> Served:
        overrides.setdefault("RATELIMIT_ENABLED", False)
        served = Served(create_app(TestingConfig, **app_config, **overrides))
        started.append(served)
        return served

    yield start
    for served in started:
        served.close()
    if any(s.app.config["RATELIMIT_ENABLED"] for s in started):
        limiter.reset()
    limiter.enabled = False
