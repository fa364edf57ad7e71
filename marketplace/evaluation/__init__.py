"""The evaluation feature: 科技成果评价 reports and the valuation calculator."""

from flask import Blueprint

bp = Blueprint("evaluation", __name__)

from . import panel_routes, routes  # noqa: E402,F401
