"""Count the SQL statements of each request, for benchmarks: an `X-Query-Count` header
(and `X-CPU-ms`, the CPU time of the request's thread: a figure a busy machine skews
less than wall-clock time).

Off unless the `QUERY_COUNT_HEADER` setting (or environment variable) is on: the
benchmark (benchmarks/pages_bench.py) turns it on; production never does. The tests
count with `counting()` instead, which needs no setting.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time

import sqlalchemy as sa
from flask import Flask

#: The statements of the request (or `counting()` block) running in this context.
_statements: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "statements", default=None
)
_cpu_started: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "cpu_started", default=None
)
_listening = False


def _record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
    found = _statements.get()
    if found is not None:
        found.append(statement)


def _listen() -> None:
    global _listening
    if not _listening:
        # On the Engine class: every engine, created now or later, in every thread.
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _record)
        _listening = True


@contextlib.contextmanager
def counting():
    """Collect the SQL statements run inside the block: `with counting() as sql: ...`."""
    _listen()
    found: list[str] = []
    token = _statements.set(found)
    try:
        yield found
    finally:
        _statements.reset(token)


def enabled(app: Flask) -> bool:
    setting = app.config.get("QUERY_COUNT_HEADER")
    if setting is None:
        setting = os.environ.get("QUERY_COUNT_HEADER", "") in ("1", "true", "yes")
    return bool(setting)


def init_app(app: Flask) -> None:
    if not enabled(app):
        return
    _listen()

    @app.before_request
    def _start_counting():
        _statements.set([])
        _cpu_started.set(time.thread_time())

    @app.after_request
    def _send_count(response):
        found = _statements.get()
        if found is not None:
            response.headers["X-Query-Count"] = str(len(found))
        if (started := _cpu_started.get()) is not None:
            spent = 1000 * (time.thread_time() - started)
            response.headers["X-CPU-ms"] = f"{spent:.2f}"
        return response
