"""Public, printable pages of the NDA: the current version and each earlier one."""

from __future__ import annotations

from flask import abort, render_template

from . import bp, texts
from .models import TextKind


@bp.route("/")
def nda():
    return _page(texts.current(TextKind.NDA))


@bp.route("/<int:number>")
def nda_version(number: int):
    return _page(texts.version(TextKind.NDA, number) or abort(404))


def _page(text):
    current = texts.current(TextKind.NDA)
    return render_template(
        "legal/text.html",
        text=text,
        is_current=text.version == current.version,
        current=current,
        history=texts.history(TextKind.NDA),
    )
