"""The firm's side: the district's roster, check-ups, finance, digests and events (issue 18)."""

from flask import Blueprint

roster_bp = Blueprint("roster", __name__)
checkups_bp = Blueprint("checkups", __name__)
finance_bp = Blueprint("finance", __name__)

from . import routes_checkups, routes_finance, routes_roster  # noqa: E402,F401
