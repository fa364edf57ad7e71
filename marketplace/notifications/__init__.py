"""Notifications: in the app, and by e-mail for people who opted in."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import mail_routes, routes  # noqa: E402,F401
