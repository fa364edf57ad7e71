"""Which language a request is shown in: the user's choice, else Chinese."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """?lang= switch (kept in the session), the account's setting, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if (lang := request.args.get("lang")) in languages:
        session["lang"] = lang
        return lang
    if (lang := session.get("lang")) in languages:
        return lang
    if (
        current_user
        and current_user.is_authenticated
        and current_user.locale in languages
    ):
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
