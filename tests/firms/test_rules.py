"""The qualification rules on hand-computed cases at each band edge."""

from __future__ import annotations

import pytest

from marketplace.firms import rules
from marketplace.firms.rules import Facts

WAN = 1_000_000  # fen per 万元


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
        assert v.item("staff").points == points


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
        assert v.item("rd").points == points


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
        assert v.item("rd").points == 50


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
        assert str(v.item("score").gap) == "得分 58 分，需达到 60 分（差 2 分）"
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
        assert v.item("size").met is ok


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
        rd = v.item("rd")
        assert not rd.met
        assert str(rd.gap) == "研发费用占比 2.1%，需达到 5%"
        assert v.item("staff").met  # 10% staff: the edge is included


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
        "innovation_score": 71,
    }
    with app.test_request_context():
        assert rules.hnte(Facts(**base)).qualifies
        for name, value in [
            ("rd_staff", 9),
            ("rd_spend_fen", 50 * WAN - 1000),
            ("years_registered", 0.9),
            ("domestic_rd_pct", 59),
            ("hightech_income_pct", 59),
            ("innovation_score", 70),  # 工作指引: 70分以上（不含70分）
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
        assert v.item("rd").points == 30
        assert v.item("rd").value == "4.99%"


# --- 科小 第六条（三） and 第八条 direct confirmation -----------------------------------

SHORT = {  # 12 + 40 + 6 = 58: two points short
    "staff": 100,
    "rd_staff": 20,
    "revenue_fen": 1000 * WAN,
    "rd_spend_fen": 50 * WAN,
    "ip_class2": 1,
}


@pytest.mark.parametrize(
    "flag",
    ["hnte_certificate", "national_award_top3", "provincial_rd_centre", "led_standard"],
)
def test_each_direct_qualification_confirms_below_sixty(flag, app):
    with app.test_request_context():
        assert not rules.sme(Facts(**SHORT)).qualifies
        v = rules.sme(Facts(**SHORT, **{flag: True}))
        assert v.qualifies and v.route == "direct" and v.score == 58
        assert v.item(flag).met and "第八条" in v.item(flag).source


def test_direct_qualification_still_needs_the_first_four_conditions(app):
    with app.test_request_context():
        # 第八条 applies only to firms meeting 第六条（一）～（四）.
        for bad in (
            {"staff": 501, "rd_staff": 101},
            {"restricted_products": True},
            {"clean_record": False},
            {"resident": False},
        ):
            v = rules.sme(Facts(**{**SHORT, **bad}, led_standard=True))
            assert not v.qualifies, bad


def test_restricted_products_fail_even_a_full_score(app):
    with app.test_request_context():
        full = {**SHORT, "rd_staff": 30, "rd_spend_fen": 60 * WAN, "ip_class1": 1}
        assert rules.sme(Facts(**full)).route == "score"
        v = rules.sme(Facts(**full, restricted_products=True))
        assert v.score == 100 and not v.qualifies
        assert v.item("products").source.endswith("第六条（三）")


# --- 高企 创新能力评价 (工作指引) ----------------------------------------------------


@pytest.mark.parametrize(
    ("class1", "class2", "band"),
    [
        (1, 0, (7, 8)),
        (0, 5, (5, 6)),
        (0, 4, (3, 4)),
        (0, 3, (3, 4)),
        (0, 2, (1, 2)),
        (0, 1, (1, 2)),
        (0, 0, (0, 0)),
    ],
)
def test_ip_quantity_bands(class1, class2, band):
    assert rules._ip_quantity(class1, class2) == band


@pytest.mark.parametrize(
    ("total", "band"),
    # yearly average of the last three years: 15 → 5.0, 14 → 4.67 …
    [
        (15, (25, 30)),
        (14, (19, 24)),
        (12, (19, 24)),
        (11, (13, 18)),
        (9, (13, 18)),
        (8, (7, 12)),
        (6, (7, 12)),
        (5, (1, 6)),
        (3, (1, 6)),
        (2, (0, 0)),
        (0, (0, 0)),
    ],
)
def test_conversion_bands_on_the_yearly_average(total, band, app):
    with app.test_request_context():
        p = rules._conversion_part(Facts(conversions_3y=total))
        assert (p.low, p.high) == band


@pytest.mark.parametrize(
    ("rate", "band"),
    [
        ("35", (9, 10)),
        ("34.99", (7, 8)),
        ("25", (7, 8)),
        ("24.99", (5, 6)),
        ("15", (5, 6)),
        ("14.99", (3, 4)),
        ("5", (3, 4)),
        ("4.99", (1, 2)),
        ("0.01", (1, 2)),
        ("0", (0, 0)),
        ("-3", (0, 0)),
    ],
)
def test_growth_bands(rate, band):
    from decimal import Decimal

    assert rules.growth_points(Decimal(rate)) == band


def test_growth_rate_formula_and_its_zero_years():
    # 1/2 × (120/100 + 150/120) − 1 = 1/2 × (1.2 + 1.25) − 1 = 22.5%
    assert rules.growth_rate(100, 120, 150) == 22.5
    # first year 0: the last two years only, 150/120 − 1 = 25%
    assert rules.growth_rate(0, 120, 150) == 25
    # second year 0: 0 points
    assert rules.growth_rate(100, 0, 150) is None
    assert rules.growth_points(rules.growth_rate(100, 0, 150)) == (0, 0)


#: A firm the experts would put at 68–92: reachable, not certain.
STRONG = {
    "staff": 100,
    "rd_staff": 15,
    "revenue_fen": 150 * WAN,  # third year; with 100 and 120: 22.5% (5–6)
    "revenue_y1_fen": 100 * WAN,
    "revenue_y2_fen": 120 * WAN,
    "net_assets_y1_fen": 100 * WAN,
    "net_assets_y2_fen": 120 * WAN,
    "net_assets_y3_fen": 150 * WAN,  # 22.5% (5–6)
    "ip_class1": 1,  # quantity 7–8
    "ip_advancement": "A",  # 7–8
    "ip_core_support": "A",  # 7–8
    "ip_acquisition": "own",  # 1–6
    "joined_standard": True,  # 1–2 (capped at 30)
    "conversions_3y": 15,  # 25–30
    "rd_system": True,  # 3–6
    "rd_institute": True,  # 3–6
    "conversion_incentives": True,  # 2–4
    "talent_system": True,  # 2–4
}


def test_innovation_estimate_adds_the_four_parts(app):
    with app.test_request_context():
        inn = rules.innovation(Facts(**STRONG))
        ip, conv, mgmt, growth = inn.parts
        assert (ip.low, ip.high) == (23, 30)  # 7+7+7+1+1; 8+8+8+6+2 = 32 → 30
        assert (conv.low, conv.high) == (25, 30)
        assert (mgmt.low, mgmt.high) == (10, 20)
        assert (growth.low, growth.high) == (10, 12)
        assert (inn.low, inn.high) == (68, 92)
        assert not inn.met and inn.short == 0  # possible, not certain
        v = rules.hnte(Facts(**STRONG))
        assert not v.item("innovation").met
        assert "取决于专家评分" in str(v.item("innovation").gap)


def test_innovation_short_of_71_at_the_upper_end_names_the_steps(app):
    with app.test_request_context():
        weak = {**STRONG, "conversions_3y": 6, "rd_institute": False}
        inn = rules.innovation(Facts(**weak))
        # conversion 7–12, management 7–14: upper end 30 + 12 + 14 + 12 = 68
        assert inn.high == 68 and inn.short == 3
        steps = [str(s) for _gain, s in inn.steps]
        assert any("近三年科技成果转化达到 9 项" in s for s in steps)
        assert any("内部科学技术研究开发机构" in s for s in steps)
        gap = str(rules.hnte(Facts(**weak)).item("innovation").gap)
        assert gap == "估算最高 68 分，需达到 71 分（差 3 分）"


def test_innovation_met_only_when_the_lower_end_reaches_71(app):
    with app.test_request_context():
        # IP 7+7+7+0+0 = 21 (no acquisition stated, no standard), conversion 25,
        # management 10, growth: net assets 1/2 × (140/100 + 200/140) − 1 = 41.4% (9)
        # and sales 22.5% (5): 21 + 25 + 10 + 14 = 70 — "70分以上（不含70分）" fails.
        f = {
            **STRONG,
            "joined_standard": False,
            "ip_acquisition": None,
            "net_assets_y2_fen": 140 * WAN,
            "net_assets_y3_fen": 200 * WAN,
        }
        inn = rules.innovation(Facts(**f))
        assert inn.low == 70 and not inn.met
        assert not rules.hnte(Facts(**f)).item("innovation").met
        # own R&D adds 1–6: the lower end is 71.
        f["ip_acquisition"] = "own"
        inn = rules.innovation(Facts(**f))
        assert inn.low == 71 and inn.met
        assert rules.hnte(Facts(**f)).item("innovation").met
        # an experts' score decides over the estimate: 71 passes, 70 does not
        assert not rules.innovation(Facts(**f, innovation_score=70)).met
        assert rules.innovation(
            Facts(**{**f, "ip_acquisition": None}, innovation_score=71)
        ).met


def test_innovation_without_ip_scores_no_ip_part(app):
    with app.test_request_context():
        inn = rules.innovation(
            Facts(ip_advancement="A", ip_core_support="A", ip_acquisition="own")
        )
        assert (inn.parts[0].low, inn.parts[0].high) == (0, 0)
