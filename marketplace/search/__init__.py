"""Search and matching in the app: the search page, the outbox sync, the CLI."""

from __future__ import annotations

import logging
import threading

from flask import Blueprint, Flask

bp = Blueprint("search", __name__)
log = logging.getLogger("marketplace.search")

from . import routes  # noqa: E402,F401


class _SyncWorker:
    """A daemon thread per process that drains the outbox when woken after a commit."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def poke(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="search-sync", daemon=True
                )
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        from ..extensions import db
        from .service import safe_sync

        while True:
            self.wake.wait()
            self.wake.clear()
            with self.app.app_context():
                safe_sync()
                db.session.remove()


def init_app(app: Flask) -> None:
    from ..extensions import db
    from . import outbox  # noqa: F401  (registers the session hooks)
    from .outbox import COMMITTED_KEY
    from .service import safe_sync

    if app.config.get("SEARCH_WARM_UP", True):
        # jieba and the trade dictionaries: ~1 s once per process (before gunicorn
        # forks its workers), never on a request.
        from search_index import warm_up

        warm_up()
    from .queries import broker_opportunities

    app.jinja_env.globals["broker_opportunities"] = broker_opportunities
    worker = _SyncWorker(app)

    @app.after_request
    def _apply_outbox(response):
        if not db.session.info.pop(COMMITTED_KEY, False):
            return response
        mode = app.config.get("SEARCH_SYNC", "thread")
        if mode == "inline":
            safe_sync()
        elif mode == "thread":
            worker.poke()
        return response
