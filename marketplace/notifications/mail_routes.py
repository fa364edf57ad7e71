"""The operator's view of the mail outbox: what waits or failed, and why; send again."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import audit
from ..core.mail_outbox import MailOutbox, requeue
from ..extensions import db
from . import bp


def _operator_only() -> None:
    if not current_user.is_operator:
        abort(403)


@bp.route("/mail")
@login_required
def mail_outbox():
    _operator_only()
    unsent = sa.select(MailOutbox).where(MailOutbox.sent_at.is_(None))
    page = db.paginate(
        # Failed first (they wait for someone), then the oldest waiting.
        unsent.order_by(
            MailOutbox.failed_at.is_(None), MailOutbox.created_at, MailOutbox.id
        ),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    count = sa.select(sa.func.count()).where(MailOutbox.sent_at.is_(None))
    counts = {
        "failed": db.session.scalar(count.where(MailOutbox.failed_at.is_not(None))),
        "pending": db.session.scalar(count.where(MailOutbox.failed_at.is_(None))),
    }
    return render_template("notifications/mail_outbox.html", page=page, counts=counts)


@bp.route("/mail/<int:mail_id>/retry", methods=["POST"])
@login_required
def retry_mail(mail_id: int):
    _operator_only()
    row = db.session.get(MailOutbox, mail_id)
    if row is None:
        abort(404)
    if row.sent_at is None:
        requeue(row)
        audit.record(current_user, "mail.retry", row)
    db.session.commit()
    flash(_("邮件已重新排入发送队列。"), "success")
    return redirect(url_for(".mail_outbox"))
