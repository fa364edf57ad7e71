"""Declarative state machines: a table of (state, action) → next state, with who may act.

Listings, needs and deals each declare one table; services call `Workflow.check` before
changing a state, and templates draw their buttons from `Workflow.available`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from .errors import InvalidTransition, PermissionDenied
from .timeutil import utcnow

#: A guard returns None when the action may go ahead, else the reason it may not.
#: A guard marked `@reads_clock` takes the moment too: `guard(obj, now)`.
Guard = Callable[..., str | None]


def reads_clock(guard: Guard) -> Guard:
    """Mark a guard that depends on the time: the workflow passes it `now` (the
    caller's, so a test or the market clock decides what "now" is)."""
    guard.reads_clock = True  # type: ignore[attr-defined]
    return guard


def _passes(guard: Guard, obj: Any, now: datetime | None) -> str | None:
    if getattr(guard, "reads_clock", False):
        return guard(obj, now or utcnow())
    return guard(obj)


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    #: Party names (e.g. "owner", "operator", "broker") that may take the action.
    roles: frozenset[str]
    guards: tuple[Guard, ...] = field(default=())
    #: The action needs a written reason (returning, rejecting, terminating).
    needs_reason: bool = False


class Workflow:
    """A state machine over string states, built from transitions."""

    def __init__(self, transitions: Iterable[Transition]):
        self.table: dict[tuple[str, str], Transition] = {}
        for t in transitions:
            key = (t.source, t.action)
            if key in self.table:
                raise ValueError(f"duplicate transition {key}")
            self.table[key] = t

    def transition(self, state: str, action: str) -> Transition:
        try:
            return self.table[(str(state), str(action))]
        except KeyError:
            raise InvalidTransition(
                _("当前状态下不能执行此操作，请刷新页面后重试。")
            ) from None

    def check(
        self,
        obj: Any,
        state: str,
        action: str,
        parties: set[str],
        reason: str = "",
        now: datetime | None = None,
    ) -> Transition:
        """Return the transition, or raise why this party may not take it at `now`
        (default: the real clock)."""
        t = self.transition(state, action)
        if not (parties & t.roles):
            raise PermissionDenied(_("您无权执行此操作。"))
        if t.needs_reason and not reason.strip():
            raise InvalidTransition(_("请填写原因。"))
        for guard in t.guards:
            if (problem := _passes(guard, obj, now)) is not None:
                raise InvalidTransition(problem)
        return t

    def available(
        self, obj: Any, state: str, parties: set[str], now: datetime | None = None
    ) -> list[Transition]:
        """The transitions these parties could take at `now` (guards passing), in
        table order."""
        found = []
        for (source, _action), t in self.table.items():
            if source != str(state) or not (parties & t.roles):
                continue
            if all(_passes(guard, obj, now) is None for guard in t.guards):
                found.append(t)
        return found
