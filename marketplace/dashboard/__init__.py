"""The operator's dashboard (/dashboard) and the public statistics page (/stats)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
stats_bp = Blueprint("stats", __name__)

from . import routes  # noqa: E402,F401


@bp.record_once
def _register_tick_step(state) -> None:
    # The market clock sits on a lower floor: it runs what we hand it (daily.py).
    from ..deals.commands import TICK_STEPS
    from .daily import refresh_daily_stats

    TICK_STEPS["daily_stats"] = refresh_daily_stats
