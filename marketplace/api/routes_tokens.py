"""Token management on the account page: list, create (shown once), revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write, form_status
from ..extensions import db
from . import tokens, tokens_bp
from .forms import TokenForm


def _page(form: TokenForm, status: int = 200, secret: str | None = None):
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens.tokens_of(current_user),
        secret=secret,
    ), status


@tokens_bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if form.validate_on_submit():
        with Write(form) as write:
            _token, secret = tokens.create_token(
                current_user, form.name.data, list(form.scopes.data), form.days.data
            )
        if write.ok:
            # Shown on this response only: the database keeps just its hash.
            return _page(TokenForm(formdata=None), 200, secret=secret)
    return _page(form, form_status(form))


@tokens_bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = db.session.get(tokens.PersonalAccessToken, token_id)
    # Someone else's token does not exist for this user.
    if token is None or token.user_id != current_user.id:
        abort(404)
    with Write():
        tokens.revoke_token(token, current_user)
    flash(_("令牌“%(name)s”已撤销。", name=token.name), "success")
    return redirect(url_for(".index"))
