"""Deals: the broker's pipeline from interest to a registered contract (pipeline.py,
services.py; starting.py, assignment.py, queue.py), how its price is set and made public
(pricing/: rules, notices, auctions) and the deal room (room/: the page, messages)."""

from flask import Blueprint

bp = Blueprint("deals", __name__)
notices_bp = Blueprint("notices", __name__)

from . import routes, routes_queue  # noqa: E402,F401
from .pricing import routes as pricing_routes  # noqa: E402,F401
from .room import routes as room_routes  # noqa: E402,F401
