"""The one writer of every CSV and XLSX download, so no exported text runs as a formula.

A spreadsheet program runs a cell that starts with = + - @ (or a tab or CR before them)
as a formula: a listing titled `=HYPERLINK(...)` would become a live link, or worse, in
the operator's Excel. Every export goes through `cell()`, which keeps numbers and dates
as they are and puts an apostrophe in front of such text. Nothing else in the app imports
csv.writer or openpyxl's Workbook for a download (tests/security/test_exports.py checks).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

#: Text starting with one of these is taken for a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Control characters no XLSX cell may hold (openpyxl refuses them); CSV drops them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Characters a worksheet's name may not contain.
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def cell(value):
    """A value as a spreadsheet cell: numbers and dates stay typed, text stays text."""
    if value is None:
        return None  # an empty cell (csv writes it as "")
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def unquote(value):
    """The text `cell()` was given, for reading our own exports back in (bulk import):
    the apostrophe it added before a formula-like start is dropped again."""
    if (
        isinstance(value, str)
        and value[:1] == "'"
        and value[1:].startswith(FORMULA_START)
    ):
        return value[1:]
    return value


def _row(values: Sequence) -> list:
    return [cell(v) for v in values]


def to_csv(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM, so that Excel on a Chinese Windows opens it correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_row(header))
    for row in rows:
        writer.writerow(_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: optional lines above the header (a title, a period), the header
    in bold, the rows, and column widths by letter."""

    title: str
    header: Sequence
    rows: Iterable[Sequence]
    preamble: Sequence[Sequence] = ()
    widths: Mapping[str, float] = field(default_factory=dict)


def to_xlsx(*sheets: Sheet) -> bytes:
    # openpyxl loads only when a spreadsheet is made: most requests never need it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(_SHEET_NAME.sub("", str(sheet.title))[:31] or "Sheet")
        for i, line in enumerate(sheet.preamble):
            ws.append(_row(line))
            if i == 0 and line:
                ws.cell(row=1, column=1).font = Font(bold=True)
        ws.append(_row(sheet.header))
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(_row(row))
        for letter, width in sheet.widths.items():
            ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(body: bytes, fmt: str, filename: str) -> Response:
    """`body` as an attachment named `filename` (its extension added from `fmt`)."""
    name = f"{filename}.{fmt}"
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        body,
        mimetype=XLSX_MIMETYPE if fmt == "xlsx" else CSV_MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name)}",
            # Exports hold other people's money and names: no shared cache keeps them.
            "Cache-Control": "private, no-store",
        },
    )


def table(
    header: Sequence, rows: Iterable[Sequence], fmt: str, filename: str, title: str = ""
):
    """One table as a CSV or single-sheet XLSX download."""
    rows = list(rows)
    if fmt == "xlsx":
        body = to_xlsx(Sheet(title or filename, header, rows))
    else:
        body = to_csv(header, rows)
    return download(body, fmt, filename)
