"""Innovation vouchers (科技创新券): issuing, applying to fees, settlement reports."""

from flask import Blueprint

bp = Blueprint("vouchers", __name__)

from . import routes  # noqa: E402,F401
