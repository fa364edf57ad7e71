"""Open challenges (揭榜挂帅): calls prepared from published needs, proposals, judging
by an expert panel, the award."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)

from . import record, routes, routes_report, search_calls  # noqa: E402,F401
