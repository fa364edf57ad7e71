"""Operator-edited legal texts: the market's NDA and the notice board's objection
procedure, each kept as numbered versions; pages /nda/ and /nda/<version>."""

from flask import Blueprint

from . import texts
from .models import TextKind

bp = Blueprint("legal", __name__)


@bp.app_context_processor
def _current_nda():
    # A callable, so that only pages that show the NDA query it.
    return {"current_nda": lambda: texts.current(TextKind.NDA)}


from . import routes  # noqa: E402,F401
