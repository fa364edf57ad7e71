"""Experts (评审专家) and their panels (专家组): invited by the operator, tied organisations
declared, panels formed for calls (and later evaluations)."""

from flask import Blueprint

bp = Blueprint("experts", __name__)

from . import routes  # noqa: E402,F401
