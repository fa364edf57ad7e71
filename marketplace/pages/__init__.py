"""Pages that gather several features: the home page (later the workspace)."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from . import routes  # noqa: E402,F401
