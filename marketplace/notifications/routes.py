"""The notification list: newest first, mark as read."""

from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.web import safe_next
from ..extensions import db
from . import bp
from .models import Notification
from .services import mark_read, unread_count


@bp.route("/")
@login_required
def index():
    page = db.paginate(
        sa.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        per_page=30,
    )
    return render_template("notifications/index.html", page=page)


@bp.route("/<int:note_id>/open", methods=["POST"])
@login_required
def open_note(note_id: int):
    note = db.session.get(Notification, note_id)
    if note is None or note.user_id != current_user.id:
        return redirect(url_for(".index"))
    mark_read(current_user, [note.id])
    db.session.commit()
    return redirect(safe_next(note.link, url_for(".index")))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    mark_read(current_user)
    db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for(".index")))


@bp.app_context_processor
def inject_unread_count():
    """The menu's bell on every page: how many notifications the user has not read."""
    unread = 0
    if current_user and current_user.is_authenticated:
        unread = unread_count(current_user)
    return {"unread_notifications": unread}
