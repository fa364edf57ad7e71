"""The request layer for pages: one transaction per write, typed errors turned into pages.

A write route reads *validate → one service call → redirect*::

    if form.validate_on_submit():
        with Write(form) as write:
            contract = services.draft_contract(deal, current_user, form.to_body())
        if write.ok:
            flash(_("合同草稿已保存。"), "success")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
    return render_template("contracts/form.html", form=form), form_status(form)

`Write` commits when the block ends normally and rolls back on any error. An error the
user can fix (`ValidationFailed`, a plain `ServiceError`, `InvalidTransition`,
`StaleObject`) goes back on the form, or is flashed when the route has no form;
`PermissionDenied` and anything unexpected propagate to the app-level handlers
(core/web.py), which answer each typed error's 4xx page, never a 500.
The same status table serves the API (api/problems.py), so a refusal has one status.

Two shapes recur so often that they are written once: `submit` (a form's POST: validate,
one service call, the message, the next page; else the form again with its errors) and
`button` (a button's POST: its CSRF token, one service call, the message, back).
A route whose form lives on its object's page passes `submit(..., refused=...)`: the
refusal comes back as the typed error, and the route shows its page again with the
error's message and status (`status_of`, or 413 for a file over the limit).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect

from ..extensions import db
from .errors import (
    InvalidTransition,
    PermissionDenied,
    ServiceError,
    StaleObject,
    ValidationFailed,
)
from .forms import put_errors

#: The HTTP status of each typed service error, for pages and the API alike.
STATUS = (
    (ValidationFailed, 422),
    (PermissionDenied, 403),
    (StaleObject, 409),
    (InvalidTransition, 409),
    (ServiceError, 400),
)


def status_of(exc: ServiceError) -> int:
    """The status a typed service error answers with (most specific class first)."""
    return next(code for cls, code in STATUS if isinstance(exc, cls))


class Write:
    """Commit on success, roll back on error; user-fixable errors land on the form.

    `form`: errors go onto its fields (or above it). Without a form they are flashed,
    and the route redirects as it would after success. `write.ok` tells which happened.
    """

    def __init__(self, form=None):
        self.form = form
        self.ok = False
        self.error: ServiceError | None = None

    def __enter__(self) -> Write:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            db.session.commit()
            self.ok = True
            return False
        db.session.rollback()
        if not isinstance(exc, ServiceError) or isinstance(exc, PermissionDenied):
            return False  # the app-level handlers answer these
        self.error = exc
        if self.form is None:
            for message in messages_of(exc):
                flash(message, "error")
        elif isinstance(exc, ValidationFailed):
            put_errors(self.form, exc)
        else:
            self.form.form_errors.append(str(exc))
        return True


def form_status(form) -> int:
    """200 for a form shown afresh, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200


def messages_of(exc: ServiceError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [str(message) for _field, message in exc.errors]
    return [str(exc)]


def _of(value, result) -> str:
    """A message or category given as is, or as a function of the action's result."""
    return str(value(result) if callable(value) else value)


def button(action: Callable[[], object], done, back: str, category="success"):
    """A button's POST: `action()` (one service call) run through Write, `done` (a
    message, or a function of what the action returned) flashed under `category`
    (likewise) on success, and back to the page `back` either way (a refusal is
    flashed there). Its CSRF token was checked before the view, as for every POST
    (CSRFProtect: a 400 in the user's language)."""
    with Write() as write:
        result = action()
    if write.ok:
        flash(_of(done, result), _of(category, result))
    return redirect(back)


def submit(
    form,
    action: Callable[[], object],
    done,
    back,
    again,
    category="success",
    refused: Callable[[ServiceError], object] | None = None,
    on_form: bool = True,
):
    """A form's POST: validated, `action()` (one service call) run through
    Write(form), `done` flashed under `category` and on to `back` (each a value, or a
    function of what the action returned); otherwise `again()`, the page with the
    form's errors (422).

    `refused(error)`, when given, answers a refusal instead of `again()`: the route's
    own page shown again with the typed error (its message, and `status_of(error)` or
    413 for a file over the limit). `on_form=False` flashes the refusal rather than
    putting it on the form (for buttons that show no errors of their own)."""
    if form.validate_on_submit():
        with Write(form if on_form else None) as write:
            result = action()
        if write.ok:
            flash(_of(done, result), _of(category, result))
            return redirect(back(result) if callable(back) else back)
        if refused is not None:
            return refused(write.error)
    return again()
