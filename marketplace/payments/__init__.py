"""Payments: contract payments, service fees, deposits, Stripe, bank transfers, ledger."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from . import routes, routes_admin, webhooks  # noqa: E402,F401
