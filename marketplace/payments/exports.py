"""CSV and XLSX exports of payment requests with their ledger balances."""

from __future__ import annotations

import csv
import io

from flask import Response
from openpyxl import Workbook

HEADERS = [
    "编号",
    "交易",
    "款项",
    "付款方",
    "收款方",
    "币种",
    "应付(元)",
    "已付(元)",
    "创新券(元)",
    "已退(元)",
    "未付(元)",
    "到期日",
    "状态",
]


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def rows(reqs, bal) -> list[list]:
    out = []
    for r in reqs:
        b = bal[r.id]
        out.append(
            [
                r.id,
                r.deal_id,
                r.title,
                r.payer_org.name,
                r.payee_name,
                r.currency,
                _yuan(b.due),
                _yuan(b.paid),
                _yuan(b.voucher),
                _yuan(b.refunded),
                _yuan(b.outstanding),
                r.due_on.isoformat(),
                b.status,
            ]
        )
    return out


def table_response(
    headers: list[str], data: list[list], fmt: str, name: str
) -> Response:
    """`data` as a CSV (UTF-8 with BOM, for Excel) or an XLSX download."""
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.append(headers)
        for row in data:
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(
            buf.getvalue(),
            mimetype=mime,
            headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
        )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in data:
        # A leading =, +, - or @ would run as a formula in a spreadsheet.
        writer.writerow(
            [("'" + c) if isinstance(c, str) and c[:1] in "=+-@" else c for c in row]
        )
    return Response(
        "\ufeff" + buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )
