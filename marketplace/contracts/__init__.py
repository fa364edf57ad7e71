"""The contracts feature: technical contracts of deals, signing, documents, registration."""

from flask import Blueprint

bp = Blueprint("contracts", __name__)

from . import routes, routes_registration  # noqa: E402,F401
