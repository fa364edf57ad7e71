"""The language switch, which every page links to."""

from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from ..extensions import db
from . import bp
from .web import safe_next


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
