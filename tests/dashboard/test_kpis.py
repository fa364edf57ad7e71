"""KPIs of the fixed March 2024 market (tests/dashboard/conftest.py), computed by hand."""

from __future__ import annotations

from datetime import date

from marketplace.dashboard import kpis, kpis_contracts_payments, kpis_deals, report
from marketplace.dashboard.kpis import Period, default_period
from marketplace.dashboard.targets import set_targets

from .conftest import MARCH


def test_period_bounds_are_shanghai_midnights_in_utc():
    assert str(MARCH.lo) == "2024-02-29 16:00:00"
    assert str(MARCH.hi) == "2024-03-31 16:00:00"
    assert Period(date(2023, 11, 5), date(2024, 2, 1)).months() == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    assert default_period(date(2024, 3, 15)) == Period(
        date(2023, 4, 1), date(2024, 3, 15)
    )


def test_firms_served_counts_translated_needs_deals_and_evaluations(kpi_world):
    w = kpi_world
    # f1: need n1's translation approved 5 Mar (and the evaluation on d3, 6 Mar);
    # f2: deal d1 started 2 Mar (its need n2 was approved 28 Feb: outside, irrelevant);
    # f3: deals d2 (10 Mar) and d4 (31 Mar 00:30 Shanghai);
    # f4: a translation written but never approved → not served.
    assert kpis.firms_served_ids(MARCH) == {w["f1"].id, w["f2"].id, w["f3"].id}
    # Coverage of the default 780 firms: 3 / 780 × 100 = 0.3846… → 0.4.
    assert kpis.coverage_percent(3, 780) == 0.4


def test_listings_translations_matches_and_interests(kpi_world):
    # a1 (10 Mar) + n1 (6 Mar) + n2 (1 Mar 00:30 Shanghai); a2 is 1 Apr in Shanghai.
    assert kpis.listings_published(MARCH) == {"achievements": 1, "needs": 2, "total": 3}
    # Only n1's translation was approved inside March.
    assert kpis.needs_translated(MARCH) == 1
    # 3 renders of a1's panel on 5 Mar + 1 of n1's on 31 Mar; the 5 on 1 Apr are out.
    assert kpis.matches_viewed(MARCH) == 4
    # d1, d2, d4 started in March; d3 started 20 Feb.
    assert kpis.interests_expressed(MARCH) == {"interest": 3, "answer": 0, "total": 3}


def test_funnel_and_conversion_follow_the_deal_history(kpi_world):
    steps = dict(kpis_deals.funnel(MARCH))
    # Deals started in March: d1 reached contract_signed (skipping evaluation), d2 got to
    # matchmaking before it was terminated, d4 is at interest.
    assert steps == {
        "interest": 3,
        "matchmaking": 2,
        "negotiation": 1,
        "contract_signed": 1,
        "registered": 0,
        "performing": 0,
        "closed": 0,
    }
    conv = kpis_deals.conversion(kpis_deals.funnel(MARCH))
    # 2/3 = 66.7 %, 1/2 = 50 %, 1/1 = 100 %, 0/1 = 0 %, then nothing to convert from.
    assert [c for _a, _b, c in conv] == [66.7, 50.0, 100.0, 0.0, None, None]
    per_stage = dict(kpis_deals.deals_per_stage(MARCH))
    assert per_stage["contract_signed"] == 1 and per_stage["terminated"] == 1
    assert per_stage["interest"] == 1 and sum(per_stage.values()) == 3


def test_median_days_per_stage_counts_stays_that_ended_in_the_period(kpi_world):
    medians = {s: (n, d) for s, n, d in kpis_deals.median_days_per_stage(MARCH)}
    # interest: d1 2 d (2→4 Mar), d2 4 d (10→14), d3 12 d (20 Feb→3 Mar) → median 4.
    assert medians["interest"] == (3, 4.0)
    # matchmaking: d1 4 d (4→8), d2 6 d (14→20, terminated), d3 2 d (3→5) → median 4.
    assert medians["matchmaking"] == (3, 4.0)
    # negotiation: d1 8→18 Mar = 10 d; accepting the listed price kept the stage.
    assert medians["negotiation"] == (1, 10.0)
    # d3 is still in evaluation: no finished stay.
    assert medians["evaluation"] == (0, None)


def test_contract_value_and_registered_income(kpi_world):
    # The price of version 2, which both sides signed (version 1 said 280 000 yuan).
    assert kpis_contracts_payments.contracts_signed(MARCH) == {
        "count": 1,
        "value_fen": 30_000_000,
    }
    assert kpis_contracts_payments.technical_income(MARCH) == {
        "count": 1,
        "value_fen": 25_000_000,
    }
    april = Period(date(2024, 4, 1), date(2024, 4, 30))
    assert kpis_contracts_payments.contracts_signed(april) == {
        "count": 0,
        "value_fen": 0,
    }


def test_broker_workloads(kpi_world):
    rows = {r["broker"]: r for r in kpis_deals.broker_workloads(MARCH)}
    # 甲: d1 open (contract signed), d2 terminated; both assigned in March; wrote n1's
    # translation on 4 Mar.
    assert rows["经纪人甲"] == {
        **rows["经纪人甲"],
        "open_deals": 1,
        "assigned": 2,
        "translating": 0,
        "translations": 1,
        "evaluations": 0,
    }
    # 乙: d3 (evaluation) and d4 (interest) open; only d4 assigned in March; claims n3
    # and wrote its draft translation; wrote d3's evaluation report.
    assert rows["经纪人乙"] == {
        **rows["经纪人乙"],
        "open_deals": 2,
        "assigned": 1,
        "translating": 1,
        "translations": 1,
        "evaluations": 1,
    }


def test_monthly_trends_and_fields(kpi_world):
    assert kpis.monthly_trends(MARCH) == [
        {
            "month": "2024-03",
            "listings_published": 3,
            "needs_translated": 1,
            "interests_expressed": 3,
            "contracts_signed": 1,
        }
    ]
    fields = {f["field"]: f for f in kpis.fields_of_activity(MARCH)}
    assert fields["frame_materials"] == {
        "field": "frame_materials",
        "achievements": 1,
        "needs": 0,
        "deals": 3,
    }
    assert fields["surface_treatment"]["needs"] == 2


def test_report_measures_against_targets(kpi_world, db):
    set_targets({"firms_served": 6, "cluster_firms": 30}, None)
    db.session.commit()
    r = report.build(MARCH)
    # 3 firms of a target of 6 → 50 %; coverage 3 / 30 = 10 % of the 70 % target → 14.3 %.
    assert (r.kpi("firms_served").value, r.kpi("firms_served").progress) == (3, 50.0)
    assert r.kpi("coverage_percent").value == 10.0
    assert r.kpi("coverage_percent").progress == 14.3
    assert r.kpi("contract_value_fen").value == 30_000_000
    assert {t.name for t in r.tables()} == {
        "kpis",
        "funnel",
        "stages",
        "durations",
        "monthly",
        "fields",
        "brokers",
        "challenges",
        "challenge_calls",
        "providers",
        "service_states",
        "voucher_quota",
        "instrument_use",
    }
