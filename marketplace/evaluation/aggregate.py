"""The panel's aggregate of its experts' scores (pure: no Flask, no database).

* Each item (创新度, 先进度, 知识产权强度, 市场前景, 团队能力; 1–5): the mean of the
  experts' scores, rounded once to two decimals, half up.
* TRL (1–9, an ordinal level, not a quantity): the median; with an even number of
  experts, the lower of the two middle levels, so the panel's TRL is one that at least
  half of the experts found reached.
* Total: the sum of the item means (out of 25), as the single report's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Summary:
    count: int
    #: Median TRL (lower middle for an even count); None without scores.
    trl: int | None
    #: Item prefix → mean, two decimals.
    means: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.means.values(), Decimal(0)).quantize(CENT)


def lower_median(values: Sequence[int]) -> int | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[(len(ordered) - 1) // 2]


def mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def summarise(scores: Iterable, items: Sequence[str]) -> Summary:
    """The aggregate of score rows (objects with `trl` and `<item>_score`)."""
    rows = list(scores)
    return Summary(
        count=len(rows),
        trl=lower_median([r.trl for r in rows]),
        means={
            name: mean([getattr(r, f"{name}_score") for r in rows])
            for name in items
            if rows
        },
    )
