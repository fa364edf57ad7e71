"""Search and matching in the app: the search page, the outbox sync, the CLI."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask
from flask_babel import gettext as _

from search_index import IndexOutdated

from ..core.background import Waker
from ..core.web import render_error

bp = Blueprint("search", __name__)
log = logging.getLogger("marketplace.search")

from . import routes  # noqa: E402,F401


def init_app(app: Flask) -> None:
    # Imported when the app is built, not with the package: they import the
    # achievements and needs packages, whose pages import this package's routes.
    from ..extensions import db
    from . import outbox  # noqa: F401  (registers the session hooks)
    from .outbox import COMMITTED_KEY
    from .service import safe_sync

    if app.config.get("SEARCH_WARM_UP", True):
        # jieba and the trade dictionaries: ~1 s once per process (before gunicorn
        # forks its workers), never on a request.
        from search_index import warm_up

        warm_up()
    from .queries import broker_opportunities  # the same cycle

    app.jinja_env.globals["broker_opportunities"] = broker_opportunities

    @app.errorhandler(IndexOutdated)
    def _index_outdated(exc: IndexOutdated):
        # An index written before this version's format (a deploy that skipped
        # `flask search reindex --if-outdated`): a 503 that says so, never a 500.
        db.session.rollback()
        log.error("search index outdated: %s", exc)
        message = _("搜索索引正在升级，请稍后再试。")
        return render_error(503, message, {"Retry-After": "60"})

    follow = float(app.config.get("SEARCH_FOLLOW_SECONDS") or 0)
    worker = Waker(app, "search-sync", safe_sync, every=follow)

    if app.config.get("SEARCH_SYNC", "thread") == "thread" and follow > 0:
        # Other nodes write the log too: this process's index follows it every
        # `follow` seconds, from its first request on (after gunicorn's fork).
        @app.before_request
        def _follow_the_log():
            worker.start()

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
