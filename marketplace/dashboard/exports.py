"""Dashboard tables as text for the page and as CSV or XLSX files (core.exports)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from ..core import exports
from ..core.money import format_fen
from .tables import Table


def show(value, kind: str) -> str:
    """A cell as people read it on the page."""
    if kind == "kpi":
        value, unit = value
        kind = {"fen": "fen", "percent": "percent"}.get(unit, "count")
    if value is None:
        return "—" if kind != "kpi" else _("暂无数据")
    if kind == "fen":
        return format_fen(value)
    if kind == "percent":
        return f"{value}%"
    if kind == "days":
        return _("%(d)s 天", d=value)
    return str(value)


def raw(value, kind: str):
    """A cell as a spreadsheet value: numbers stay numbers, money in yuan."""
    if kind == "kpi":
        value, unit = value
        kind = "fen" if unit == "fen" else "count"
    if value is None:
        return ""
    if kind == "fen":
        return Decimal(value) / 100
    # Text that looks like a formula is neutralised by core.exports.cell.
    return value


def _header(table: Table, i: int) -> str:
    head = table.headers[i]
    if table.kinds[i] in ("fen", "kpi"):
        return f"{head}（{_('金额单位：元')}）"
    return head


def _headers(table: Table) -> list[str]:
    return [_header(table, i) for i in range(len(table.headers))]


def _rows(table: Table) -> list[list]:
    return [
        [raw(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows
    ]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so that Excel in Chinese Windows opens it correctly."""
    return exports.to_csv(_headers(table), _rows(table))


def to_xlsx(tables: list[Table], subtitle: str = "") -> bytes:
    """One sheet per table: the title (and period) in row 1, headers in row 3."""
    return exports.to_xlsx(
        *(
            exports.Sheet(
                title=table.title,
                header=_headers(table),
                rows=_rows(table),
                preamble=[[table.title, subtitle], []],
                widths={"A": 24},
            )
            for table in tables
        )
    )
