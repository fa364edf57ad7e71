"""Bulk import (CSV/XLSX with preview → confirm) and XLSX export of an organisation's own
listings and deals."""

from flask import Blueprint

bp = Blueprint("bulk", __name__)

from . import routes  # noqa: E402,F401
