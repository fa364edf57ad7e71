"""The qualification rules on hand-computed cases at each band edge."""

from __future__ import annotations

import pytest

from marketplace.firms import rules
from marketplace.firms.rules import Facts

WAN = 1_000_000  # fen per 万元


def sme_item(verdict, index):
    return verdict.items[index]


# 科技人员 share bands (20 / 16 / 12 / 8 / 4 / 0), lower edge included.
@pytest.mark.parametrize(
    ("rd_staff", "points"),
    [
        (30, 20),
        (29, 16),
        (25, 16),
        (24, 12),
        (20, 12),
        (19, 8),
        (15, 8),
        (14, 4),
        (10, 4),
        (9, 0),
    ],
)
def test_staff_share_band_edges(rd_staff, points, app):
    with app.test_request_context():
        v = rules.sme(Facts(staff=100, rd_staff=rd_staff, revenue_fen=1000 * WAN))
        assert v.items[3].points == points


# R&D spend as share of revenue (50 / 40 / 30 / 20 / 10 / 0).
@pytest.mark.parametrize(
    ("spend_wan", "points"),
    [
        (60, 50),
        (59.9, 40),
        (50, 40),
        (49.9, 30),
        (40, 30),
        (30, 20),
        (29.9, 10),
        (20, 10),
        (19.9, 0),
    ],
)
def test_rd_revenue_band_edges(spend_wan, points, app):
    with app.test_request_context():
        v = rules.sme(
            Facts(
                staff=100,
                rd_staff=30,
                revenue_fen=1000 * WAN,
                rd_spend_fen=int(spend_wan * WAN),
            )
        )
        assert v.items[4].points == points


def test_rd_takes_the_better_of_revenue_and_cost_share(app):
    with app.test_request_context():
        # 1% of revenue (0 points) but 30.03% of total cost (50 points).
        v = rules.sme(
            Facts(
                staff=100,
                rd_staff=30,
                revenue_fen=1000 * WAN,
                total_cost_fen=int(33.3 * WAN),
                rd_spend_fen=10 * WAN,
            )
        )
        assert v.items[4].points == 50


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_points(class1, class2, points):
    assert rules.ip_points(class1, class2) == points


def test_sme_two_points_short_and_passing_at_sixty(app):
    with app.test_request_context():
        # staff 20% → 12, R&D 5% → 40, one utility model → 6: 58.
        short = Facts(
            staff=100,
            rd_staff=20,
            revenue_fen=1000 * WAN,
            rd_spend_fen=50 * WAN,
            ip_class2=1,
        )
        v = rules.sme(short)
        assert v.score == 58 and not v.qualifies
        assert str(v.items[-1].gap) == "得分 58 分，需达到 60 分（差 2 分）"
        # A second utility model: 12 + 40 + 12 = 64; exactly 60 needs staff 15% (8).
        short.ip_class2 = 2
        short.rd_staff = 15
        v = rules.sme(short)
        assert v.score == 60 and v.qualifies


def test_sme_refuses_a_zero_staff_score_even_above_sixty(app):
    with app.test_request_context():
        v = rules.sme(
            Facts(
                staff=100,
                rd_staff=9,
                revenue_fen=1000 * WAN,
                rd_spend_fen=60 * WAN,
                ip_class1=1,
            )
        )
        assert v.score == 80 and not v.qualifies


@pytest.mark.parametrize(
    ("staff", "revenue_wan", "ok"),
    [(500, 20000, True), (501, 20000, False), (500, 20000.01, False)],
)
def test_sme_size_conditions(staff, revenue_wan, ok, app):
    with app.test_request_context():
        v = rules.sme(
            Facts(staff=staff, rd_staff=staff, revenue_fen=int(revenue_wan * WAN))
        )
        assert v.items[1].met is ok


@pytest.mark.parametrize(
    ("revenue_wan", "minimum"),
    [(5000, 5), (5000.01, 4), (20000, 4), (20000.01, 3)],
)
def test_hnte_rd_minimum_by_revenue(revenue_wan, minimum):
    assert rules.hnte_rd_minimum(int(revenue_wan * WAN)) == minimum


def test_hnte_rd_gap_message(app):
    with app.test_request_context():
        v = rules.hnte(
            Facts(staff=100, rd_staff=10, revenue_fen=1000 * WAN, rd_spend_fen=21 * WAN)
        )
        rd = v.items[4]
        assert not rd.met
        assert str(rd.gap) == "研发费用占比 2.1%，需达到 5%"
        assert v.items[3].met  # 10% staff: the edge is included


def test_hnte_edges_and_full_pass(app):
    base = {
        "staff": 100,
        "rd_staff": 10,
        "revenue_fen": 1000 * WAN,
        "rd_spend_fen": 50 * WAN,
        "years_registered": 1,
        "core_ip": True,
        "supported_field": True,
        "domestic_rd_pct": 60,
        "hightech_income_pct": 60,
        "innovation_score": 70,
    }
    with app.test_request_context():
        assert rules.hnte(Facts(**base)).qualifies
        for name, value in [
            ("rd_staff", 9),
            ("rd_spend_fen", 50 * WAN - 1000),
            ("years_registered", 0.9),
            ("domestic_rd_pct", 59),
            ("hightech_income_pct", 59),
            ("innovation_score", 69),
            ("core_ip", False),
            ("clean_record", False),
        ]:
            assert not rules.hnte(Facts(**{**base, name: value})).qualifies, name


def test_every_item_cites_its_source(app):
    with app.test_request_context():
        for v in (rules.sme(Facts(staff=1)), rules.hnte(Facts(staff=1))):
            assert all("国科发" in i.source for i in v.items)


def test_a_share_just_below_an_edge_is_not_the_edge(app):
    with app.test_request_context():
        # 4.9999%: 30 points, not 40, and shown as 4.99%, never as 5%.
        v = rules.sme(
            Facts(
                staff=100, rd_staff=30, revenue_fen=1000 * WAN, rd_spend_fen=49_999_000
            )
        )
        assert v.items[4].points == 30
        assert v.items[4].value == "4.99%"
