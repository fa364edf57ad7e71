"""Dashboard tables as text for the page and as CSV or XLSX files (openpyxl)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask_babel import gettext as _

from ..core.money import format_fen
from .report import Table

#: Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _header(table: Table, i: int) -> str:
    head = table.headers[i]
    if table.kinds[i] in ("fen", "kpi"):
        return f"{head}（{_('金额单位：元')}）"
    return head


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so that Excel in Chinese Windows opens it correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_header(table, i) for i in range(len(table.headers))])
    for row in table.rows:
        writer.writerow([raw(v, k) for v, k in zip(row, table.kinds, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table], subtitle: str = "") -> bytes:
    """One sheet per table: the title (and period) in row 1, headers in row 3."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.title[:31])
        ws.append([table.title, subtitle])
        ws["A1"].font = Font(bold=True)
        ws.append([])
        ws.append([_header(table, i) for i in range(len(table.headers))])
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([raw(v, k) for v, k in zip(row, table.kinds, strict=True)])
        ws.column_dimensions["A"].width = 24
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
