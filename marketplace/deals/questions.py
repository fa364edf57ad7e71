"""What the deal workflow asks of the contracts feature, which sits on the floor above.

Deals cannot import contracts (imports go down), so contracts answers these questions
at import (contracts/__init__.py) with `answer`; the guards and the room `ask`. Every
feature is always installed: an unanswered question is a bug, not a "no".

- ``contract_fully_signed(deal) -> bool``: both parties signed the same latest version.
- ``registration_recorded(deal) -> bool``: the 技术合同认定登记 has been recorded.
- ``contract_of(deal) -> Contract | None``: the deal's contract, for the room's link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

QUESTIONS = ("contract_fully_signed", "registration_recorded", "contract_of")

_answers: dict[str, Callable[[Any], Any]] = {}


def answer(question: str, fn: Callable[[Any], Any]) -> None:
    """Register the function that answers `question` about a deal."""
    if question not in QUESTIONS:
        raise ValueError(f"deals asks no question {question!r}")
    _answers[question] = fn


def ask(question: str, deal) -> Any:
    return _answers[question](deal)
