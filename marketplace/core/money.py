"""Money as integer fen: parsing what people type and showing it back."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_YUAN_RE = re.compile(r"^\s*[¥￥]?\s*([0-9][0-9,]*)(\.[0-9]{1,2})?\s*(元)?\s*$")
#: The largest amount a form accepts: 100 billion yuan keeps us far from int64 limits.
MAX_FEN = 10**13


def yuan_to_fen(text: str) -> int:
    """Parse '12,345.6' or '¥300000' (yuan) into fen; ValueError when it is not money."""
    m = _YUAN_RE.match(text or "")
    if not m:
        raise ValueError(text)
    try:
        amount = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already checked
        raise ValueError(text) from exc
    fen = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if fen > MAX_FEN:
        raise ValueError(text)
    return fen


def fen_to_yuan_str(fen: int | None) -> str:
    """'1234567' fen → '12345.67', the value a form field shows for editing."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def format_fen(fen: int | None, currency: str = "CNY") -> str:
    """Show an amount to people: ¥12,345.67, or in 万元 from 10,000 yuan up."""
    if fen is None:
        return ""
    symbol = "¥" if currency == "CNY" else f"{currency} "
    yuan, cents = divmod(abs(fen), 100)
    sign = "-" if fen < 0 else ""
    if cents:
        return f"{sign}{symbol}{yuan:,}.{cents:02d}"
    return f"{sign}{symbol}{yuan:,}"
