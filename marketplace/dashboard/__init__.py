"""The operator's dashboard (/dashboard) and the public statistics page (/stats)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
stats_bp = Blueprint("stats", __name__)

from . import routes  # noqa: E402,F401
