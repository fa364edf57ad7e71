"""Flask-Login wiring: how a session finds its user, and role guards for routes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from ..extensions import login_manager
from . import sessions
from .models import Role, User


def init_login(manager: LoginManager) -> None:
    manager.login_view = "accounts.login"
    manager.login_message = _l("请先登录。")
    manager.login_message_category = "warning"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The cookie holds a session token (alternative id), checked against its row.
        return sessions.load(session_token)


def roles_required(*roles: Role) -> Callable:
    """Route guard: signed in with one of these roles, else 403 (login first if anonymous)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
