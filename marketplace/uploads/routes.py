"""Downloads through a permission check, and removal of attachments."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write
from ..extensions import db
from . import bp, services
from .models import Attachment


@bp.route("/<int:attachment_id>")
def download(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    # A file the user may not see does not exist for them.
    if not services.can_download(current_user, attachment):
        abort(404)
    path = services.stored_path(attachment)
    if not path.is_file():
        abort(404)
    # send_file writes filename*=UTF-8''… (RFC 5987) for Chinese names.
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    if not services.can_download(current_user, attachment):
        abort(404)
    back = _owner_url(attachment)
    with Write() as write:
        stored_name = services.delete_upload(attachment, current_user)
    if write.ok:
        services.remove_stored_file(stored_name)
        flash(_("附件已删除。"), "success")
    return redirect(back)


@bp.app_template_global("can_delete_attachment")
def can_delete_attachment(attachment: Attachment) -> bool:
    """For the owners' pages: may the current user remove this file?"""
    return services.can_delete(current_user, attachment)


def _owner_url(attachment: Attachment) -> str:
    """The page the file was listed on: the one its feature registered, else the
    listing's page (achievements and needs register none)."""
    registered = services.OWNER_URLS.get(attachment.owner_type)
    if registered is not None:
        return registered(attachment)
    endpoints = {
        "achievement": ("achievements.detail", "achievement_id"),
        "need": ("needs.detail", "need_id"),
    }
    if attachment.owner_type in endpoints:
        endpoint, arg = endpoints[attachment.owner_type]
        return url_for(endpoint, **{arg: attachment.owner_id})
    return url_for("pages.home")
