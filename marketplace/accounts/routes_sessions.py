"""The account page's list of signed-in browsers: end one, or all but this one."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..core.transaction import Write, button
from . import bp, sessions


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    row = sessions.own_session(current_user, session_id)
    if row is None:
        abort(404)
    this_one = row is sessions.current()
    with Write() as write:
        sessions.end(row)
    if not write.ok:
        return redirect(url_for("accounts.profile", _anchor="sessions"))
    if this_one:
        logout_user()
        flash(_("您已退出登录。"), "info")
        return redirect(url_for("accounts.login"))
    flash(_("已结束该设备上的登录。"), "success")
    return redirect(url_for("accounts.profile", _anchor="sessions"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    return button(
        lambda: sessions.end_all(current_user, keep=sessions.current()),
        lambda ended: _("已结束其他 %(n)s 处登录。", n=ended),
        url_for("accounts.profile", _anchor="sessions"),
    )
