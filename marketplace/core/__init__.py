"""The plumbing every feature shares; its one page is the language switch."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from . import routes  # noqa: E402,F401
