"""What every rule of the check-up shares: the sources' names, the bands, the facts of a
firm, an item and a verdict, and how a percentage is scored against a band."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from flask_babel import lazy_gettext as _l

SME = "国科发政〔2017〕115号"
HNTE = "国科发火〔2016〕32号 第十一条"
HNTE_GUIDE = "国科发火〔2016〕195号 工作指引 四"

#: 第六条(二): at most 500 staff, revenue and assets at most 2亿元 (in fen).
SME_MAX_STAFF = 500
SME_MAX_REVENUE_FEN = 200_000_000_00
SME_MAX_ASSETS_FEN = 200_000_000_00
SME_PASS = 60
#: 第七条: (lower edge in percent, points), best band first.
STAFF_BANDS = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))
RD_REVENUE_BANDS = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))
RD_COST_BANDS = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
#: Class-II items: (at least n items, points).
IP2_BANDS = ((4, 24), (3, 18), (2, 12), (1, 6))
IP1_POINTS = 30

#: 第十一条(五): (revenue up to, in fen, or None for above; minimum R&D share in percent).
HNTE_RD_BANDS = ((50_000_000_00, 5), (200_000_000_00, 4), (None, 3))
HNTE_STAFF_PCT = 10
HNTE_DOMESTIC_PCT = 60
HNTE_INCOME_PCT = 60
#: 工作指引: "综合得分达到70分以上（不含70分）为符合认定要求", integer scores, so 71.
HNTE_INNOVATION = 71

#: 工作指引 graded items: grade → (low, high) points.
#: 技术的先进程度 / 对主要产品在技术上发挥核心支持作用 (≤ 8 each).
GRADE_BANDS = {"A": (7, 8), "B": (5, 6), "C": (3, 4), "D": (1, 2), "E": (0, 0)}
GRADE_LABELS = {
    "A": _l("高 / 强（7–8 分）"),
    "B": _l("较高 / 较强（5–6 分）"),
    "C": _l("一般（3–4 分）"),
    "D": _l("较低 / 较弱（1–2 分）"),
    "E": _l("无（0 分）"),
}
#: 知识产权获得方式 (≤ 6): A 有自主研发 1–6, B 仅有受让、受赠和并购等 1–3.
ACQUISITION_BANDS = {"own": (1, 6), "acquired": (1, 3)}
ACQUISITION_LABELS = {
    "own": _l("有自主研发（1–6 分）"),
    "acquired": _l("仅有受让、受赠和并购等（1–3 分）"),
}
#: 科技成果转化能力: (yearly average at least, (low, high)), best first.
CONVERSION_BANDS = (
    (5, (25, 30)),
    (4, (19, 24)),
    (3, (13, 18)),
    (2, (7, 12)),
    (1, (1, 6)),
)
#: 研究开发组织管理水平: the four items and their ceilings.
RD_MANAGEMENT_ITEMS = (
    ("rd_system", 6),
    ("rd_institute", 6),
    ("conversion_incentives", 4),
    ("talent_system", 4),
)
RD_MANAGEMENT_LABELS = {
    "rd_system": _l(
        "制定了研究开发的组织管理制度，建立了研发投入核算体系，编制了研发费用辅助账"
    ),
    "rd_institute": _l(
        "设立了内部科学技术研究开发机构并具备相应的科研条件，与国内外研究开发机构开展多种形式产学研合作"
    ),
    "conversion_incentives": _l(
        "建立了科技成果转化的组织实施与激励奖励制度，建立了开放式的创新创业平台"
    ),
    "talent_system": _l(
        "建立了科技人员的培养进修、职工技能培训、优秀人才引进及人才绩效评价奖励制度"
    ),
}
#: 企业成长性: (growth rate at least, in percent, (low, high)) for each of the two rates.
#: The last band is "> 0"; a rate of 0 or below scores 0.
GROWTH_BANDS = (
    (35, (9, 10)),
    (25, (7, 8)),
    (15, (5, 6)),
    (5, (3, 4)),
)
GROWTH_POSITIVE = (1, 2)


@dataclass
class Facts:
    """What a check-up records, in the units the rules use (fen, counts, percent)."""

    staff: int = 0
    rd_staff: int = 0
    revenue_fen: int = 0
    assets_fen: int | None = None
    total_cost_fen: int | None = None
    rd_spend_fen: int = 0
    #: Sums over the last three fiscal years (高企 §11(五)); None: use the last year.
    revenue_3y_fen: int | None = None
    rd_spend_3y_fen: int | None = None
    ip_class1: int = 0
    ip_class2: int = 0
    years_registered: float = 0
    resident: bool = True
    clean_record: bool = True
    #: 科小 第六条(三): its products or services are of a prohibited, restricted or
    #: eliminated kind.
    restricted_products: bool = False
    core_ip: bool = False
    supported_field: bool = False
    domestic_rd_pct: int | None = None
    hightech_income_pct: int | None = None
    #: An innovation score assessed by experts, when there is one (it replaces the
    #: estimate from the facts below).
    innovation_score: int | None = None
    hnte_certificate: bool = False
    #: 科小 第八条 (二)–(四).
    national_award_top3: bool = False
    provincial_rd_centre: bool = False
    led_standard: bool = False
    #: 工作指引 innovation facts.
    ip_advancement: str | None = None
    ip_core_support: str | None = None
    ip_acquisition: str | None = None
    joined_standard: bool = False
    conversions_3y: int | None = None
    rd_system: bool = False
    rd_institute: bool = False
    conversion_incentives: bool = False
    talent_system: bool = False
    #: Sales revenue of the first and second of the last three years (the third is
    #: revenue_fen) and net assets at the end of each of the three (fen).
    revenue_y1_fen: int | None = None
    revenue_y2_fen: int | None = None
    net_assets_y1_fen: int | None = None
    net_assets_y2_fen: int | None = None
    net_assets_y3_fen: int | None = None


@dataclass
class Item:
    """One line of the report: met or not, points where scored, the gap, the source."""

    label: object
    met: bool
    source: str
    gap: str = ""
    points: int | None = None
    max_points: int | None = None
    value: str = ""
    key: str = ""
    #: One way among others (科小 第八条): not having it is no shortfall.
    optional: bool = False


@dataclass
class Verdict:
    qualifies: bool
    items: list[Item] = field(default_factory=list)
    score: int | None = None
    #: How it qualifies: "score", "direct" (科小 第八条) or "" when it does not.
    route: str = ""

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent, unrounded (a band edge is compared exactly: 4.9999% is
    not 5%); None when whole is 0."""
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def fmt(p: Decimal | None) -> str:
    """A share for the report, to two decimals at most (rounded down, so a share
    short of an edge never reads as the edge)."""
    if p is None:
        return "—"
    shown = p.quantize(Decimal("0.01"), rounding=ROUND_DOWN).normalize()
    return f"{shown:f}%"


def band_points(p: Decimal | None, bands) -> int:
    """The points of the first band whose lower edge p reaches (edge included)."""
    if p is None:
        return 0
    return next((pts for edge, pts in bands if p >= edge), 0)


def next_edge(p: Decimal | None, bands) -> int | None:
    """The lower edge of the band just above p, or None at the top band."""
    above = [edge for edge, _pts in bands if p is None or p < edge]
    return min(above) if above else None


def ip_points(class1: int, class2: int) -> int:
    """国科发政〔2017〕115号 第七条 3 科技成果指标: "A.1项及以上Ⅰ类知识产权（30分）
    B.4项及以上Ⅱ类知识产权（24分）C.3项Ⅱ类知识产权（18分）D.2项Ⅱ类知识产权（12分）
    E.1项Ⅱ类知识产权（6分）F.没有知识产权（0分）"
    (http://www.13880246603.com/api/PolicyDetail/PolicyInfo/27751)."""
    if class1 >= 1:
        return IP1_POINTS
    return next((pts for n, pts in IP2_BANDS if class2 >= n), 0)


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / 1_000_000:f}".rstrip("0").rstrip(".") or "0"
