"""Digest pages (/digest): the subscriber's digest and settings, the operator's note,
the signed unsubscribe link; `flask digest send` queues the week's e-mails."""

from __future__ import annotations

import click
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.domain import FIELD_LABELS
from ..core.transaction import Write, form_status
from ..extensions import db
from . import digest, digest_bp, fields
from .forms_digest import NoteForm, SettingsForm, UnsubscribeForm


@digest_bp.route("", methods=["GET", "POST"])
@login_required
def page():
    sub = digest.subscription_of(current_user)
    form = SettingsForm(data={"fields": sub.fields if sub else []})
    if form.validate_on_submit():
        with Write(form) as write:
            digest.subscribe(current_user, form.fields.data or [])
        if write.ok:
            flash(_("订阅设置已保存，每周一发送。"), "success")
            return redirect(url_for(".page"))
    d = digest.build(sub.fields if sub else [])
    note_form = NoteForm(data={"body": d.note})
    return render_template(
        "firms/digest.html",
        d=d,
        sub=sub,
        form=form,
        note_form=note_form,
        field_labels=FIELD_LABELS,
    ), form_status(form)


@digest_bp.route("/note", methods=["POST"])
@login_required
def note():
    if not current_user.is_operator:
        abort(403)
    form = NoteForm()
    d = digest.build([])
    if form.validate_on_submit():
        with Write(form) as write:
            digest.set_note(current_user, d.week, form.body.data or "")
        if write.ok:
            flash(_("按语已保存。"), "success")
    return redirect(url_for(".page"))


@digest_bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    form = UnsubscribeForm()
    done = False
    if form.validate_on_submit():
        with Write(form) as write:
            digest.unsubscribe(token)
        done = write.ok
    return render_template(
        "firms/digest_unsubscribe.html", form=form, done=done
    ), form_status(form) if not done else 200


@digest_bp.cli.command("send")
def send_command() -> None:
    """Queue last week's digest to every active subscriber (run weekly, on Monday)."""
    n = digest.send_weekly()
    db.session.commit()
    click.echo(f"queued {n} digests")


@digest_bp.route("/fields/")
def fields_index():
    return render_template(
        "firms/fields_index.html",
        counts=fields.counts(),
        field_labels=FIELD_LABELS,
    )


@digest_bp.route("/fields/<code>")
def field_briefing(code: str):
    b = fields.briefing(code)
    if b is None:
        abort(404)
    return render_template("firms/field_briefing.html", b=b)
