"""The valuation arithmetic against worked examples computed by hand, to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.evaluation.valuation import (
    CostItem,
    IncomeInputs,
    ValuationInputError,
    cost_approach,
    income_approach,
)


def test_income_approach_reproduces_the_worked_example_to_the_fen():
    """Three years of forecast revenue for a lens-coating process licence.

    Inputs: revenue ¥1,000,000 / ¥1,200,000 / ¥1,500,000 (100,000,000 / 120,000,000 /
    150,000,000 fen); profit margin 20 %; technology share 25 %;
    r = 3 % risk-free + 4 % technical + 3 % market + 2 % funding + 2 % management = 14 %.

    By hand (fen), technology income = revenue × 0.20 × 0.25 = revenue × 0.05:
      year 1: 100,000,000 × 0.05 = 5,000,000;  1.14^1 = 1.14
              5,000,000 / 1.14     = 4,385,964.912… → 4,385,965
      year 2: 120,000,000 × 0.05 = 6,000,000;  1.14^2 = 1.2996
              6,000,000 / 1.2996   = 4,616,805.170… → 4,616,805
      year 3: 150,000,000 × 0.05 = 7,500,000;  1.14^3 = 1.481544
              7,500,000 / 1.481544 = 5,062,286.371… → 5,062,286
      total = 4,385,965 + 4,616,805 + 5,062,286 = 14,065,056 fen (¥140,650.56)
    """
    result = income_approach(
        IncomeInputs(
            revenues_fen=[100_000_000, 120_000_000, 150_000_000],
            margin_pct=Decimal("20"),
            share_pct=Decimal("25"),
            risk_free_pct=Decimal("3"),
            technical_pct=Decimal("4"),
            market_pct=Decimal("3"),
            funding_pct=Decimal("2"),
            management_pct=Decimal("2"),
        )
    )
    assert result.rate_pct == Decimal("14")
    assert [r.profit_fen for r in result.rows] == [20_000_000, 24_000_000, 30_000_000]
    assert [r.technology_income_fen for r in result.rows] == [
        5_000_000,
        6_000_000,
        7_500_000,
    ]
    assert [r.present_value_fen for r in result.rows] == [
        4_385_965,
        4_616_805,
        5_062_286,
    ]
    assert [str(r.discount_factor) for r in result.rows] == [
        "0.877193",
        "0.769468",
        "0.674972",
    ]
    assert result.total_fen == 14_065_056


def test_cost_approach_reproduces_the_worked_example_to_the_fen():
    """R&D labour 8,000,000 fen + materials and testing 3,000,000 + patent fees 1,500,000.

    By hand: items = 12,500,000 fen; × (1 + 10 % profit) = 13,750,000;
    × (1 − 40 % obsolescence) = 8,250,000 fen (¥82,500).
    """
    result = cost_approach(
        [
            CostItem("研发人工", 8_000_000),
            CostItem("材料与测试", 3_000_000),
            CostItem("专利费用", 1_500_000),
        ],
        profit_pct="10",
        obsolescence_pct="40",
    )
    assert result.items_total_fen == 12_500_000
    assert result.replacement_cost_fen == 13_750_000
    assert result.value_fen == 8_250_000


def test_cost_approach_rounds_once_half_up():
    """1,234,567 × 1.10 = 1,358,023.7 → 1,358,024; × 0.65 = 882,715.405 → 882,715.

    (Rounding the replacement cost first would give 1,358,024 × 0.65 = 882,715.6 →
    882,716: the value is rounded once, from the unrounded product.)
    """
    result = cost_approach([CostItem("x", 1_234_567)], "10", "35")
    assert result.replacement_cost_fen == 1_358_024
    assert result.value_fen == 882_715


def test_zero_discount_rate_leaves_the_income_undiscounted():
    result = income_approach(
        IncomeInputs(
            revenues_fen=[1_000, 3_000], margin_pct=50, share_pct=10, risk_free_pct=0
        )
    )
    assert result.rate_pct == 0
    assert [r.present_value_fen for r in result.rows] == [50, 150]
    assert all(r.discount_factor == 1 for r in result.rows)
    assert result.total_fen == 200


def test_one_year_income_period():
    result = income_approach(
        IncomeInputs(
            revenues_fen=[10_000_000], margin_pct=30, share_pct=20, risk_free_pct=10
        )
    )
    # 10,000,000 × 0.3 × 0.2 = 600,000 / 1.1 = 545,454.54… → 545,455
    assert len(result.rows) == 1
    assert result.total_fen == 545_455


def test_half_a_fen_rounds_up_not_to_even():
    # 5 fen × 10 % × 100 % = 0.5 fen: half up gives 1 fen (banker's rounding would give 0).
    result = income_approach(
        IncomeInputs(revenues_fen=[5], margin_pct=10, share_pct=100, risk_free_pct=0)
    )
    assert result.total_fen == 1


def test_twenty_years_of_large_revenues_stay_exact():
    result = income_approach(
        IncomeInputs(
            revenues_fen=[10**13] * 20, margin_pct=100, share_pct=100, risk_free_pct=100
        )
    )
    # Year 20: 10^13 / 2^20 = 9,536,743.16… → 9,536,743
    assert result.rows[-1].present_value_fen == 9_536_743


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"revenues_fen": []}, "revenues_fen"),
        ({"revenues_fen": [1] * 21}, "revenues_fen"),
        ({"revenues_fen": [-1]}, "revenues_fen[0]"),
        ({"revenues_fen": [1.5]}, "revenues_fen[0]"),
        ({"revenues_fen": [True]}, "revenues_fen[0]"),
        ({"revenues_fen": [10**13 + 1]}, "revenues_fen[0]"),
        ({"margin_pct": "abc"}, "margin_pct"),
        ({"margin_pct": "NaN"}, "margin_pct"),
        ({"margin_pct": 101}, "margin_pct"),
        ({"share_pct": -1}, "share_pct"),
        ({"risk_free_pct": None}, "risk_free_pct"),
        ({"technical_pct": "Infinity"}, "technical_pct"),
    ],
)
def test_bad_income_inputs_are_rejected(kwargs, field):
    base = {
        "revenues_fen": [100],
        "margin_pct": 10,
        "share_pct": 10,
        "risk_free_pct": 3,
    }
    with pytest.raises(ValuationInputError) as info:
        income_approach(IncomeInputs(**{**base, **kwargs}))
    assert info.value.field == field


def test_bad_cost_inputs_are_rejected():
    with pytest.raises(ValuationInputError):
        cost_approach([], 0, 0)
    with pytest.raises(ValuationInputError):
        cost_approach([CostItem("x", 100)], 0, 120)
    with pytest.raises(ValuationInputError):
        cost_approach([CostItem("x", -5)], 0, 0)
