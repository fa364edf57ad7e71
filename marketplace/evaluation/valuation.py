"""Valuation arithmetic (income approach with a cost-approach cross-check), in integer fen.

Pure: no Flask, no database. Money goes in and comes out as integer fen; rates are
Decimal percentages ("14" means 14 %). Every figure is computed in full Decimal
precision and rounded once, ROUND_HALF_UP to the fen, at the point it is shown:

* income approach, year t = 1..N:
      technology income_t = revenue_t × margin × share
      discounted_t        = technology income_t / (1 + r)^t, rounded to the fen
  where r = risk-free rate + technical + market + funding + management premiums.
  The total is the sum of the rounded yearly figures, so the table always adds up.
* cost approach (重置成本法):
      replacement cost = Σ cost items × (1 + reasonable profit %)
      value            = replacement cost × (1 − obsolescence %), rounded to the fen
  where obsolescence (贬值率) combines physical, functional and economic obsolescence,
  the usual 1 − remaining useful life / total useful life for a patent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

#: Longest income period accepted (years); a patent's term is at most 20.
MAX_YEARS = 20
#: Largest amount in fen accepted per figure (100 billion yuan, as core.money).
MAX_FEN = 10**13
#: Highest single percentage accepted for a margin, share or premium.
MAX_PCT = Decimal(100)
HUNDRED = Decimal(100)
FEN = Decimal(1)


class ValuationInputError(ValueError):
    """An input is out of range; `field` names it, `code` says what is wrong."""

    def __init__(self, field: str, code: str):
        self.field = field
        self.code = code
        super().__init__(f"{field}: {code}")


def round_fen(value: Decimal) -> int:
    """A Decimal amount of fen to a whole fen, half up (0.5 fen → 1 fen)."""
    return int(value.quantize(FEN, rounding=ROUND_HALF_UP))


def _pct(name: str, value, maximum: Decimal = MAX_PCT) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValuationInputError(name, "not_a_number") from None
    if not d.is_finite():
        raise ValuationInputError(name, "not_a_number")
    if d < 0 or d > maximum:
        raise ValuationInputError(name, "out_of_range")
    return d


def _fen(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValuationInputError(name, "not_fen")
    if value < 0 or value > MAX_FEN:
        raise ValuationInputError(name, "out_of_range")
    return value


@dataclass(frozen=True)
class IncomeInputs:
    """Inputs of the income approach; percentages as Decimal-able values."""

    revenues_fen: list[int]
    margin_pct: Decimal
    share_pct: Decimal
    risk_free_pct: Decimal
    technical_pct: Decimal = Decimal(0)
    market_pct: Decimal = Decimal(0)
    funding_pct: Decimal = Decimal(0)
    management_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class YearRow:
    year: int
    revenue_fen: int
    #: revenue × margin, rounded for display.
    profit_fen: int
    #: revenue × margin × share, rounded for display.
    technology_income_fen: int
    #: 1 / (1 + r)^t, kept at 6 decimals for display only.
    discount_factor: Decimal
    #: The discounted figure, computed unrounded then rounded once.
    present_value_fen: int


@dataclass(frozen=True)
class IncomeResult:
    rate_pct: Decimal
    rows: list[YearRow] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(r.present_value_fen for r in self.rows)


def discount_rate_pct(inputs: IncomeInputs) -> Decimal:
    """r in percent: the risk-free rate plus the four risk premiums."""
    parts = {
        "risk_free_pct": inputs.risk_free_pct,
        "technical_pct": inputs.technical_pct,
        "market_pct": inputs.market_pct,
        "funding_pct": inputs.funding_pct,
        "management_pct": inputs.management_pct,
    }
    return sum((_pct(name, v) for name, v in parts.items()), Decimal(0))


def income_approach(inputs: IncomeInputs) -> IncomeResult:
    """Each year's discounted technology income and (as a property) their total."""
    revenues = list(inputs.revenues_fen or [])
    if not 1 <= len(revenues) <= MAX_YEARS:
        raise ValuationInputError("revenues_fen", "years_out_of_range")
    revenues = [_fen(f"revenues_fen[{i}]", v) for i, v in enumerate(revenues)]
    margin = _pct("margin_pct", inputs.margin_pct) / HUNDRED
    share = _pct("share_pct", inputs.share_pct) / HUNDRED
    rate_pct = discount_rate_pct(inputs)
    rate = rate_pct / HUNDRED
    rows = []
    with localcontext() as ctx:
        # Enough digits that (1 + r)^20 on 13-digit fen amounts loses nothing at the fen.
        ctx.prec = 50
        for t, revenue in enumerate(revenues, start=1):
            growth = (1 + rate) ** t
            income = Decimal(revenue) * margin * share
            rows.append(
                YearRow(
                    year=t,
                    revenue_fen=revenue,
                    profit_fen=round_fen(Decimal(revenue) * margin),
                    technology_income_fen=round_fen(income),
                    discount_factor=(1 / growth).quantize(
                        Decimal("0.000001"), ROUND_HALF_UP
                    ),
                    present_value_fen=round_fen(income / growth),
                )
            )
    return IncomeResult(rate_pct=rate_pct, rows=rows)


@dataclass(frozen=True)
class CostItem:
    name: str
    amount_fen: int


@dataclass(frozen=True)
class CostResult:
    items_total_fen: int
    replacement_cost_fen: int
    value_fen: int


def cost_approach(items: list[CostItem], profit_pct, obsolescence_pct) -> CostResult:
    """Replacement cost with a reasonable profit, less obsolescence (贬值率)."""
    if not items:
        raise ValuationInputError("cost_items", "empty")
    total = sum(_fen(f"cost_items[{i}]", it.amount_fen) for i, it in enumerate(items))
    profit = _pct("profit_pct", profit_pct, maximum=Decimal(1000)) / HUNDRED
    obsolescence = _pct("obsolescence_pct", obsolescence_pct) / HUNDRED
    with localcontext() as ctx:
        ctx.prec = 50
        replacement = Decimal(total) * (1 + profit)
        value = replacement * (1 - obsolescence)
    return CostResult(
        items_total_fen=total,
        replacement_cost_fen=round_fen(replacement),
        value_fen=round_fen(value),
    )
