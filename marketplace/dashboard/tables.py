"""The shape of a dashboard table: shown on the page and exported as a sheet."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    #: Per column: "text", "count", "percent", "fen", "days", or "kpi" (a (value, unit)
    #: pair): how a cell is shown and exported.
    kinds: list[str]
    rows: list[list] = field(default_factory=list)
