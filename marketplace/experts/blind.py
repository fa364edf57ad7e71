"""Rules every panel's work shares, whatever it scores (a call's proposals, an
evaluation): blind scoring and the texts of opinions and dissent.

Evaluations (evaluation/panel.py) and calls (challenges/judging.py, opinion.py) both
call these; neither keeps a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from flask_babel import gettext as _

from ..core.errors import ValidationFailed

#: Longest opinion, dissent or comment an expert writes.
TEXT_MAX = 5_000

S = TypeVar("S")


def blind(scores: Iterable[S], viewer_id: int | None, *, sees_all: bool) -> list[S]:
    """Blind scoring: who sees all is decided by the caller (the organisers, or an
    expert who has submitted); an expert who has not submitted sees only their own
    row (none yet), anyone else nothing."""
    rows = list(scores)
    if sees_all:
        return rows
    return [s for s in rows if viewer_id is not None and s.expert_id == viewer_id]


def has_scored(scores: Iterable, expert_id: int | None) -> bool:
    return expert_id is not None and any(s.expert_id == expert_id for s in scores)


def required_text(value: str | None, field: str, missing: str) -> str:
    """A stripped text that must be given and stay within TEXT_MAX."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed([(field, missing)])
    return optional_text(value, field)


def optional_text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationFailed([(field, _("内容不能超过 %(n)d 字。", n=TEXT_MAX))])
    return value
