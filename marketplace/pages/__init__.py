"""Pages that gather several features: the home page (later the workspace)."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from . import querycount, routes  # noqa: E402,F401


@bp.record_once
def _count_queries(state) -> None:
    # The benchmark's X-Query-Count header, when its setting is on (never in production).
    querycount.init_app(state.app)
