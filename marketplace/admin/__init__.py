"""The operator's pages: verification, accounts, review overview, audit trail."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes, routes_legal  # noqa: E402,F401
