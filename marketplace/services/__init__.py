"""The service network: providers, service catalogue and orders, shared instruments (issue 17)."""

from flask import Blueprint

bp = Blueprint("services", __name__)
instruments_bp = Blueprint("instruments", __name__)
#: 兑付 pages, mounted under /vouchers/claims.
claims_bp = Blueprint("voucher_claims", __name__)

from . import (  # noqa: E402,F401
    routes,
    routes_claims,
    routes_deals,
    routes_instrument_terms,
    routes_instruments,
)
