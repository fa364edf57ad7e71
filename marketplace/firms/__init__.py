"""The firm's side: the district's roster, check-ups, finance, digests and events (issue 18)."""

from flask import Blueprint

roster_bp = Blueprint("roster", __name__)
checkups_bp = Blueprint("checkups", __name__)
finance_bp = Blueprint("finance", __name__)
events_bp = Blueprint("events", __name__)
digest_bp = Blueprint("digest", __name__, cli_group="digest")

from . import (  # noqa: E402,F401
    routes_checkups,
    routes_digest,
    routes_events,
    routes_finance,
    routes_roster,
)
