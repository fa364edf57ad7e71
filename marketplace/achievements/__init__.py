"""The achievements feature."""

from flask import Blueprint

bp = Blueprint("achievements", __name__)

from . import routes  # noqa: E402,F401
