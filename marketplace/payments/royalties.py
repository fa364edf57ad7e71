"""Royalty (提成) computation: reported base × the contract's rate for that contract year."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

#: Default yearly change of a rising / falling rate, relative (10 % of the rate per year),
#: used when the contract body does not say (`royalty.step_pct`).
DEFAULT_STEP_PCT = Decimal("10")


def contract_year(signed_on: date, period_start: date) -> int:
    """1 for the first twelve months after signing, 2 for the next, …"""
    months = (
        (period_start.year - signed_on.year) * 12 + period_start.month - signed_on.month
    )
    if period_start.day < signed_on.day:
        months -= 1
    return max(months // 12, 0) + 1


def rate_pct(royalty: dict, year: int) -> Decimal:
    """The rate in percent for contract year `year` under the body's trend."""
    base = Decimal(str(royalty["rate_pct"]))
    step = Decimal(str(royalty.get("step_pct") or DEFAULT_STEP_PCT)) / 100
    trend = royalty.get("trend", "fixed")
    if trend == "rising":
        factor = (1 + step) ** (year - 1)
    elif trend == "falling":
        factor = max(Decimal(0), (1 - step)) ** (year - 1)
    else:
        factor = Decimal(1)
    return (base * factor).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def royalty_fen(base_fen: int, rate: Decimal) -> int:
    """base × rate %, rounded half-up to the fen."""
    return int(
        (Decimal(base_fen) * rate / 100).to_integral_value(rounding=ROUND_HALF_UP)
    )
