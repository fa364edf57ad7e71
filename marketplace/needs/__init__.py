"""The needs feature."""

from flask import Blueprint

bp = Blueprint("needs", __name__)

from . import routes  # noqa: E402,F401
