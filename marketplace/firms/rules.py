"""The national qualifications a check-up measures a firm against, each rule with its source.

Pure functions over plain figures (no Flask, no database), so a changed rule is changed
here once and the band edges are tested on hand-computed cases.

科技型中小企业: 《科技型中小企业评价办法》(国科发政〔2017〕115号, 修订 国科发政〔2022〕16号)
  第六条 conditions, 第八条 direct confirmation, 附件 评价指标 (20 + 50 + 30 points).
高新技术企业: 《高新技术企业认定管理办法》(国科发火〔2016〕32号) 第十一条 (一)–(八);
  the innovation score ≥ 70 is from 《高新技术企业认定管理工作指引》(国科发火〔2016〕195号).
Bands include their lower edge ("25%（含）–30%"), so 30% scores 20 and 29.99% 16.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from flask_babel import lazy_gettext as _l

SME = "国科发政〔2017〕115号（2022年修订）"
SME_SCORE = SME + " 附件 评价指标"
HNTE = "国科发火〔2016〕32号 第十一条"
HNTE_GUIDE = "国科发火〔2016〕195号 工作指引"

#: 第六条(二): at most 500 staff, revenue and assets at most 2亿元 (in fen).
SME_MAX_STAFF = 500
SME_MAX_REVENUE_FEN = 200_000_000_00
SME_MAX_ASSETS_FEN = 200_000_000_00
SME_PASS = 60
#: (lower edge in percent, points), best band first.
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
HNTE_INNOVATION = 70


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
    core_ip: bool = False
    supported_field: bool = False
    domestic_rd_pct: int | None = None
    hightech_income_pct: int | None = None
    innovation_score: int | None = None
    hnte_certificate: bool = False


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


@dataclass
class Verdict:
    qualifies: bool
    items: list[Item] = field(default_factory=list)
    score: int | None = None


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
    if class1 >= 1:
        return IP1_POINTS
    return next((pts for n, pts in IP2_BANDS if class2 >= n), 0)


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / 1_000_000:f}".rstrip("0").rstrip(".") or "0"


def sme(f: Facts) -> Verdict:
    """科技型中小企业: the 第六条 conditions and the score (≥ 60, staff points not 0)."""
    items: list[Item] = []
    items.append(
        Item(_l("在中国境内注册的居民企业"), f.resident, SME + " 第六条（一）")
    )
    size_ok = (
        f.staff <= SME_MAX_STAFF
        and f.revenue_fen <= SME_MAX_REVENUE_FEN
        and (f.assets_fen is None or f.assets_fen <= SME_MAX_ASSETS_FEN)
    )
    items.append(
        Item(
            _l("职工总数 ≤ 500 人，年销售收入 ≤ 2 亿元，资产总额 ≤ 2 亿元"),
            size_ok,
            SME + " 第六条（二）",
            value=_l(
                "职工 %(n)s 人，收入 %(r)s 万元", n=f.staff, r=_wan(f.revenue_fen)
            ),
        )
    )
    items.append(
        Item(
            _l("未发生重大安全、质量事故和严重违法失信行为"),
            f.clean_record,
            SME + " 第六条（四）",
        )
    )
    staff_pct = percent(f.rd_staff, f.staff)
    staff_pts = band_points(staff_pct, STAFF_BANDS)
    edge = next_edge(staff_pct, STAFF_BANDS)
    items.append(
        Item(
            _l("科技人员占职工总数比例"),
            staff_pts > 0,
            SME_SCORE + " 一",
            gap=(
                _l("科技人员占比 %(p)s，需达到 %(e)s%%", p=fmt(staff_pct), e=edge)
                if edge is not None
                else ""
            ),
            points=staff_pts,
            max_points=20,
            value=fmt(staff_pct),
        )
    )
    rev_pct = percent(f.rd_spend_fen, f.revenue_fen)
    cost_pct = percent(f.rd_spend_fen, f.total_cost_fen or 0)
    rev_pts = band_points(rev_pct, RD_REVENUE_BANDS)
    cost_pts = band_points(cost_pct, RD_COST_BANDS)
    rd_pts = max(rev_pts, cost_pts)
    edge = next_edge(rev_pct, RD_REVENUE_BANDS)
    items.append(
        Item(
            _l("研发费用占销售收入（或成本费用）比例，取高者"),
            rd_pts > 0,
            SME_SCORE + " 二",
            gap=(
                _l("研发费用占比 %(p)s，需达到 %(e)s%%", p=fmt(rev_pct), e=edge)
                if edge is not None and rd_pts < 50
                else ""
            ),
            points=rd_pts,
            max_points=50,
            value=fmt(rev_pct if rev_pts >= cost_pts else cost_pct),
        )
    )
    ip_pts = ip_points(f.ip_class1, f.ip_class2)
    items.append(
        Item(
            _l("与主要产品相关的有效知识产权"),
            ip_pts > 0,
            SME_SCORE + " 三",
            gap=(
                _l(
                    "现有 Ⅱ类知识产权 %(n)s 项，再获 1 项发明专利（Ⅰ类）可得 30 分",
                    n=f.ip_class2,
                )
                if ip_pts < IP1_POINTS
                else ""
            ),
            points=ip_pts,
            max_points=30,
            value=_l("Ⅰ类 %(a)s 项，Ⅱ类 %(b)s 项", a=f.ip_class1, b=f.ip_class2),
        )
    )
    score = staff_pts + rd_pts + ip_pts
    score_ok = score >= SME_PASS and staff_pts > 0
    items.append(
        Item(
            _l("综合评价得分 ≥ 60 分且科技人员指标不为 0 分"),
            score_ok,
            SME + " 第六条（五）",
            gap=(
                _l(
                    "得分 %(s)s 分，需达到 60 分（差 %(d)s 分）",
                    s=score,
                    d=SME_PASS - score,
                )
                if score < SME_PASS
                else (_l("科技人员指标得分为 0") if not staff_pts else "")
            ),
            points=score,
            max_points=100,
        )
    )
    conditions = all(i.met for i in items[:3])
    direct = f.hnte_certificate
    if direct:
        items.append(
            Item(
                _l("持有效期内高新技术企业证书（直接确认）"),
                True,
                SME + " 第八条（一）",
            )
        )
    return Verdict(conditions and (score_ok or direct), items, score)


def hnte_rd_minimum(revenue_fen: int) -> int:
    """The R&D share (percent) §11(五) asks of a firm with this last-year revenue."""
    return next(pct for top, pct in HNTE_RD_BANDS if top is None or revenue_fen <= top)


def hnte(f: Facts) -> Verdict:
    """高新技术企业: the eight conditions of §11, each with the gap."""
    items: list[Item] = []
    items.append(
        Item(
            _l("注册成立一年以上"),
            f.years_registered >= 1,
            HNTE + "（一）",
            value=_l("%(y)s 年", y=f.years_registered),
        )
    )
    items.append(
        Item(_l("拥有对主要产品发挥核心支持作用的知识产权"), f.core_ip, HNTE + "（二）")
    )
    items.append(
        Item(
            _l("核心技术属于《国家重点支持的高新技术领域》"),
            f.supported_field,
            HNTE + "（三）",
        )
    )
    staff_pct = percent(f.rd_staff, f.staff)
    staff_ok = staff_pct is not None and staff_pct >= HNTE_STAFF_PCT
    items.append(
        Item(
            _l("科技人员占当年职工总数比例不低于 10%"),
            staff_ok,
            HNTE + "（四）",
            gap=""
            if staff_ok
            else _l("科技人员占比 %(p)s，需达到 10%%", p=fmt(staff_pct)),
            value=fmt(staff_pct),
        )
    )
    minimum = hnte_rd_minimum(f.revenue_fen)
    revenue = f.revenue_3y_fen if f.revenue_3y_fen else f.revenue_fen
    spend = f.rd_spend_3y_fen if f.rd_spend_3y_fen is not None else f.rd_spend_fen
    rd_pct = percent(spend, revenue)
    rd_ok = rd_pct is not None and rd_pct >= minimum
    items.append(
        Item(
            _l("近三年研发费用占同期销售收入比例"),
            rd_ok,
            HNTE + "（五）",
            gap=""
            if rd_ok
            else _l("研发费用占比 %(p)s，需达到 %(m)s%%", p=fmt(rd_pct), m=minimum),
            value=fmt(rd_pct),
        )
    )
    dom = f.domestic_rd_pct
    items.append(
        Item(
            _l("境内研发费用占全部研发费用比例不低于 60%"),
            dom is not None and dom >= HNTE_DOMESTIC_PCT,
            HNTE + "（五）",
            gap=""
            if dom is not None and dom >= HNTE_DOMESTIC_PCT
            else _l("境内研发费用占比 %(p)s，需达到 60%%", p=_pct_or_dash(dom)),
        )
    )
    inc = f.hightech_income_pct
    items.append(
        Item(
            _l("近一年高新技术产品（服务）收入占同期总收入比例不低于 60%"),
            inc is not None and inc >= HNTE_INCOME_PCT,
            HNTE + "（六）",
            gap=""
            if inc is not None and inc >= HNTE_INCOME_PCT
            else _l("高新技术产品收入占比 %(p)s，需达到 60%%", p=_pct_or_dash(inc)),
        )
    )
    score = f.innovation_score
    items.append(
        Item(
            _l("企业创新能力评价达到 70 分"),
            score is not None and score >= HNTE_INNOVATION,
            HNTE + "（七）；" + HNTE_GUIDE,
            gap=""
            if score is not None and score >= HNTE_INNOVATION
            else _l(
                "创新能力评价 %(s)s 分，需达到 70 分", s="—" if score is None else score
            ),
        )
    )
    items.append(
        Item(
            _l("申请前一年内未发生重大安全、质量事故或严重环境违法行为"),
            f.clean_record,
            HNTE + "（八）",
        )
    )
    return Verdict(all(i.met for i in items), items)


def _pct_or_dash(value: int | None) -> str:
    return "—" if value is None else f"{value}%"
