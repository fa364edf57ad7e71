"""CSV and XLSX exports of payment requests with their ledger balances."""

from __future__ import annotations

from decimal import Decimal

from flask import Response

from ..core import exports

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


def _yuan(fen: int) -> Decimal:
    """Yuan as a number (12.50), so a spreadsheet can add the column up."""
    return Decimal(fen).scaleb(-2)


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
    """`data` as a CSV (UTF-8 with BOM, for Excel) or an XLSX download (core.exports)."""
    return exports.table(headers, data, fmt, name)
