"""The national qualifications a check-up measures a firm against, each rule with its source.

Pure functions over plain figures (no Flask, no database), so a changed rule is changed
here once and the band edges are tested on hand-computed cases.

Texts read (stored public copies, found with the search tool, December 2026):

科技型中小企业: 《科技型中小企业评价办法》 国科发政〔2017〕115号
  第六条 (the five conditions) and 第七条 (the three indicators):
    http://wzzgcs.com/page26?article_id=84&pagenum=2
    https://max.book118.com/html/2019/1107/8075124027002062.shtm
  the indicator bands as applied in 2024 (成都高新区 2024年科技型中小企业入库评价评分标准):
    http://www.13880246603.com/api/PolicyDetail/PolicyInfo/27751
  第八条 (direct confirmation, four cases):
    http://www.ghzfip.com/newsitem/36270
    http://www.cnguyuexuan.com/ask/answer/2958.html
  The 2022 revision (国科发区〔2022〕67号) was not among the stored texts; every page
  of 2022–2024 read states the same conditions, bands and four direct cases.
高新技术企业: 《高新技术企业认定管理办法》 国科发火〔2016〕32号 第十一条 (一)–(八):
    http://www.huiqiaojs.com/index.php?c=category&id=22
    http://shoufuban.net/content/22/1205/15/80185856_1059039582.shtml  (第十一条(五))
  the innovation score, 《高新技术企业认定管理工作指引》 国科发火〔2016〕195号 (四 企业创新能力评价):
    http://cn.shanghaiyincai.com.cn/news/938.html  (the four parts; "70分以上(不含70分)")
    https://www.sahxzzsa.cn/xinwen/23954.html     (研究开发组织管理水平)
    https://www.sanwenwang.com/ba/gwmecfqf.html    (科技成果转化能力)
    https://8.net.cn/g78156221.html, http://dzks.com/supplys/17_4_59872342.html (企业成长性)

Bands include their lower edge ("25%（含）–30%"), so 30% scores 20 and 29.99% 16.
"""

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


def sme(f: Facts) -> Verdict:
    """科技型中小企业, 国科发政〔2017〕115号.

    第六条: "（一）在中国境内（不包括港、澳、台地区）注册的居民企业。（二）职工总数不超过
    500人、年销售收入不超过2亿元、资产总额不超过2亿元。（三）企业提供的产品和服务不属于
    国家规定的禁止、限制和淘汰类。（四）企业在填报上一年及当年内未发生重大安全、重大质量
    事故和严重环境违法、科研严重失信行为，且企业未列入经营异常名录和严重违法失信企业名单。
    （五）企业根据科技型中小企业评价指标进行综合评价所得分值不低于60分，且科技人员指标
    得分不得为0分。"
    第七条: 科技人员 20 (30%（含）以上 20, 25%–30% 16, 20%–25% 12, 15%–20% 8,
    10%–15% 4); 研发投入 50, "企业从(1)、(2)两项指标中选择一个指标进行评分": of sales
    6% 50, 5% 40, 4% 30, 3% 20, 2% 10, or of total cost 30% 50, 25% 40, 20% 30, 15% 20,
    10% 10; 科技成果 30: "1项及以上Ⅰ类知识产权（30分）、4项及以上Ⅱ类（24分）、3项（18分）、
    2项（12分）、1项（6分）".
    第八条: "符合第六条第（一）～（四）项条件的企业，若同时符合下列条件中的一项，则可直接
    确认符合科技型中小企业条件：（一）企业拥有有效期内高新技术企业资格证书；（二）企业近
    五年内获得过国家级科技奖励，并在获奖单位中排在前三名；（三）企业拥有经认定的省部级
    以上研发机构；（四）企业近五年内主导制定过国际标准、国家标准或行业标准。"
    Sources: http://wzzgcs.com/page26?article_id=84&pagenum=2 (第六条, 第七条),
    http://www.13880246603.com/api/PolicyDetail/PolicyInfo/27751 (bands),
    http://www.ghzfip.com/newsitem/36270 (第八条).
    """
    items: list[Item] = []
    items.append(
        Item(
            _l("在中国境内注册的居民企业"),
            f.resident,
            SME + " 第六条（一）",
            key="resident",
        )
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
            key="size",
        )
    )
    items.append(
        Item(
            _l("产品和服务不属于国家规定的禁止、限制和淘汰类"),
            not f.restricted_products,
            SME + " 第六条（三）",
            key="products",
        )
    )
    items.append(
        Item(
            _l("未发生重大安全、质量事故和严重违法失信行为"),
            f.clean_record,
            SME + " 第六条（四）",
            key="record",
        )
    )
    conditions = all(i.met for i in items)
    staff_pct = percent(f.rd_staff, f.staff)
    staff_pts = band_points(staff_pct, STAFF_BANDS)
    edge = next_edge(staff_pct, STAFF_BANDS)
    items.append(
        Item(
            _l("科技人员占职工总数比例"),
            staff_pts > 0,
            SME + " 第七条 1",
            gap=(
                _l("科技人员占比 %(p)s，需达到 %(e)s%%", p=fmt(staff_pct), e=edge)
                if edge is not None
                else ""
            ),
            points=staff_pts,
            max_points=20,
            value=fmt(staff_pct),
            key="staff",
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
            SME + " 第七条 2",
            gap=(
                _l("研发费用占比 %(p)s，需达到 %(e)s%%", p=fmt(rev_pct), e=edge)
                if edge is not None and rd_pts < 50
                else ""
            ),
            points=rd_pts,
            max_points=50,
            value=fmt(rev_pct if rev_pts >= cost_pts else cost_pct),
            key="rd",
        )
    )
    ip_pts = ip_points(f.ip_class1, f.ip_class2)
    items.append(
        Item(
            _l("与主要产品相关的有效知识产权"),
            ip_pts > 0,
            SME + " 第七条 3",
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
            key="ip",
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
            key="score",
        )
    )
    direct = [
        ("hnte_certificate", _l("拥有有效期内高新技术企业资格证书"), "（一）"),
        (
            "national_award_top3",
            _l("近五年内获得过国家级科技奖励，并在获奖单位中排在前三名"),
            "（二）",
        ),
        ("provincial_rd_centre", _l("拥有经认定的省部级以上研发机构"), "（三）"),
        (
            "led_standard",
            _l("近五年内主导制定过国际标准、国家标准或行业标准"),
            "（四）",
        ),
    ]
    direct_met = False
    for key, label, clause in direct:
        met = bool(getattr(f, key))
        direct_met = direct_met or met
        items.append(
            Item(
                _l("直接确认：%(c)s", c=label),
                met,
                SME + " 第八条" + clause,
                key=key,
                optional=True,
            )
        )
    qualifies = conditions and (score_ok or direct_met)
    route = ("score" if score_ok else "direct") if qualifies else ""
    return Verdict(qualifies, items, score, route)


def hnte_rd_minimum(revenue_fen: int) -> int:
    """The R&D share (percent) §11(五) asks of a firm with this last-year revenue:
    "1. 最近一年销售收入小于5,000万元（含）的企业，比例不低于5%；2. 最近一年销售收入
    在5,000万元至2亿元（含）的企业，比例不低于4%；3. 最近一年销售收入在2亿元以上的企业，
    比例不低于3%。" (http://shoufuban.net/content/22/1205/15/80185856_1059039582.shtml)"""
    return next(pct for top, pct in HNTE_RD_BANDS if top is None or revenue_fen <= top)


# --- 高新技术企业 innovation score (工作指引 四) --------------------------------------


@dataclass
class Part:
    """One of the four parts of the innovation score: a range, as the experts score
    within each band; the steps that would raise it."""

    key: str
    label: object
    max_points: int
    low: int = 0
    high: int = 0
    lines: list[str] = field(default_factory=list)
    #: (points the step would add at the upper end, what to do)
    steps: list[tuple[int, object]] = field(default_factory=list)


@dataclass
class Innovation:
    parts: list[Part]
    low: int
    high: int
    #: The score the experts gave, when recorded; it decides over the estimate.
    assessed: int | None = None

    @property
    def met(self) -> bool:
        if self.assessed is not None:
            return self.assessed >= HNTE_INNOVATION
        return self.low >= HNTE_INNOVATION

    @property
    def short(self) -> int:
        """Points the upper end of the estimate lacks to 71 (0 when it reaches it)."""
        return max(0, HNTE_INNOVATION - self.high)

    @property
    def steps(self) -> list[tuple[int, object]]:
        """Every step that would raise the score, largest gain first."""
        out = [s for p in self.parts for s in p.steps]
        return sorted(out, key=lambda s: -s[0])


def _graded(grade: str | None) -> tuple[int, int]:
    return GRADE_BANDS.get(grade or "E", (0, 0))


def _ip_quantity(class1: int, class2: int) -> tuple[int, int]:
    """知识产权数量 (≤ 8): "A. 1项及以上（Ⅰ类）(7-8分) B. 5项及以上（Ⅱ类）(5-6分)
    C. 3~4项（Ⅱ类）(3-4分) D. 1~2项（Ⅱ类）(1-2分) E. 0项 (0分)" — 国科发火〔2016〕195号
    工作指引 四 (http://cn.shanghaiyincai.com.cn/news/938.html)."""
    if class1 >= 1:
        return 7, 8
    if class2 >= 5:
        return 5, 6
    if class2 >= 3:
        return 3, 4
    if class2 >= 1:
        return 1, 2
    return 0, 0


def _ip_part(f: Facts) -> Part:
    """知识产权 (≤ 30): 技术的先进程度 ≤ 8, 核心支持作用 ≤ 8, 数量 ≤ 8, 获得方式 ≤ 6,
    参与编制国家标准、行业标准、检测方法、技术规范 +1–2 ("加分后'知识产权'总分不超过30分").
    Source: http://cn.shanghaiyincai.com.cn/news/938.html"""
    p = Part("ip", _l("知识产权"), 30)
    has_ip = f.ip_class1 + f.ip_class2 > 0
    adv = _graded(f.ip_advancement) if has_ip else (0, 0)
    core = _graded(f.ip_core_support) if has_ip else (0, 0)
    qty = _ip_quantity(f.ip_class1, f.ip_class2)
    acq = ACQUISITION_BANDS.get(f.ip_acquisition or "", (0, 0)) if has_ip else (0, 0)
    bonus = (1, 2) if (f.joined_standard or f.led_standard) else (0, 0)
    p.low = min(30, adv[0] + core[0] + qty[0] + acq[0] + bonus[0])
    p.high = min(30, adv[1] + core[1] + qty[1] + acq[1] + bonus[1])
    p.lines = [
        _l("技术的先进程度 %(a)s–%(b)s / 8", a=adv[0], b=adv[1]),
        _l("核心支持作用 %(a)s–%(b)s / 8", a=core[0], b=core[1]),
        _l("知识产权数量 %(a)s–%(b)s / 8", a=qty[0], b=qty[1]),
        _l("获得方式 %(a)s–%(b)s / 6", a=acq[0], b=acq[1]),
        _l("参与编制标准加分 %(a)s–%(b)s / 2", a=bonus[0], b=bonus[1]),
    ]
    room = 30 - p.high
    if f.ip_class1 < 1 and room > 0:
        p.steps.append(
            (
                min(room, 8 - qty[1]),
                _l("获得 1 项发明专利（Ⅰ类），知识产权数量可得 7–8 分"),
            )
        )
    if not has_ip:
        p.steps.append(
            (
                min(room, 14),
                _l(
                    "取得与主要产品相关的自主知识产权（先进程度、核心支持作用、获得方式方可计分）"
                ),
            )
        )
    elif f.ip_acquisition != "own" and room > 0:
        p.steps.append(
            (min(room, 6 - acq[1]), _l("以自主研发取得知识产权，获得方式可得 1–6 分"))
        )
    if not bonus[1] and room > 0:
        p.steps.append(
            (
                min(room, 2),
                _l("参与编制国家标准、行业标准、检测方法或技术规范，可加 1–2 分"),
            )
        )
    return p


def _conversion_part(f: Facts) -> Part:
    """科技成果转化能力 (≤ 30), "近3年内科技成果转化的年平均数": ≥5项 25-30, ≥4项 19-24,
    ≥3项 13-18, ≥2项 7-12, ≥1项 1-6, 0项 0; "同一科技成果分别在国内外转化的，或转化为多个
    产品、服务、工艺、样品、样机等的，只计为一项".
    Source: https://www.sanwenwang.com/ba/gwmecfqf.html"""
    p = Part("conversion", _l("科技成果转化能力"), 30)
    total = f.conversions_3y or 0
    avg = Decimal(total) / 3
    band = next((pts for n, pts in CONVERSION_BANDS if avg >= n), (0, 0))
    p.low, p.high = band
    p.lines = [
        _l(
            "近三年转化 %(n)s 项，年均 %(a)s 项",
            n=total,
            a=f"{avg.quantize(Decimal('0.01'), rounding=ROUND_DOWN).normalize():f}",
        )
    ]
    above = [n for n, _pts in CONVERSION_BANDS if avg < n]
    if above:
        n = min(above)
        pts = dict(CONVERSION_BANDS)[n]
        p.steps.append(
            (
                pts[1] - p.high,
                _l(
                    "近三年科技成果转化达到 %(t)s 项（年均 %(n)s 项），可得 %(a)s–%(b)s 分",
                    t=n * 3,
                    n=n,
                    a=pts[0],
                    b=pts[1],
                ),
            )
        )
    return p


def _rd_management_part(f: Facts) -> Part:
    """研究开发组织管理水平 (≤ 20): (1) ≤6 (2) ≤6 (3) ≤4 (4) ≤4, "由技术专家根据企业
    研究开发与技术创新组织管理的总体情况，结合以下几项评价，进行综合打分". The guide
    names only the ceilings: a met item is counted from half its ceiling to the ceiling,
    an unmet one 0 (our convention, so that the estimate can reach 71 at its lower end).
    Source: https://www.sahxzzsa.cn/xinwen/23954.html"""
    p = Part("rd_management", _l("研究开发组织管理水平"), 20)
    for key, ceiling in RD_MANAGEMENT_ITEMS:
        if getattr(f, key):
            p.low += ceiling // 2
            p.high += ceiling
        else:
            p.steps.append(
                (
                    ceiling,
                    _l("%(l)s（≤ %(c)s 分）", l=RD_MANAGEMENT_LABELS[key], c=ceiling),
                )
            )
    return p


def growth_rate(y1: int | None, y2: int | None, y3: int | None) -> Decimal | None:
    """工作指引: "增长率=1/2（第二年÷第一年+第三年÷第二年）-1"; "第一年末净资产或销售收入
    为0的，按后两年计算；第二年末净资产或销售收入为0的，按0分计算". In percent; None
    when a year is unknown or the second year is 0 (0 points)."""
    if y1 is None or y2 is None or y3 is None or not y2:
        return None
    if not y1:
        return (Decimal(y3) / Decimal(y2) - 1) * 100
    return ((Decimal(y2) / Decimal(y1) + Decimal(y3) / Decimal(y2)) / 2 - 1) * 100


def growth_points(rate: Decimal | None) -> tuple[int, int]:
    """A ≥35% 9-10, B ≥25% 7-8, C ≥15% 5-6, D ≥5% 3-4, E >0 1-2, F ≤0 0
    ("企业净资产增长率或销售收入增长率为负的，按0分计算") — 国科发火〔2016〕195号 工作指引 四
    (https://8.net.cn/g78156221.html). The page prints "E.增长率≥0（1-2分） F.增长率≤0
    （0分）", overlapping at 0; a rate of exactly 0 is not growth and scores 0."""
    if rate is None or rate <= 0:
        return 0, 0
    return next((pts for edge, pts in GROWTH_BANDS if rate >= edge), GROWTH_POSITIVE)


def _growth_part(f: Facts) -> Part:
    """企业成长性 (≤ 20): 净资产增长率 ≤ 10 and 销售收入增长率 ≤ 10.
    Sources: https://8.net.cn/g78156221.html, http://dzks.com/supplys/17_4_59872342.html"""
    p = Part("growth", _l("企业成长性"), 20)
    rates = [
        (
            _l("净资产增长率"),
            growth_rate(f.net_assets_y1_fen, f.net_assets_y2_fen, f.net_assets_y3_fen),
            f.net_assets_y3_fen is None
            or f.net_assets_y2_fen is None
            or f.net_assets_y1_fen is None,
        ),
        (
            _l("销售收入增长率"),
            growth_rate(f.revenue_y1_fen, f.revenue_y2_fen, f.revenue_fen),
            f.revenue_y1_fen is None or f.revenue_y2_fen is None,
        ),
    ]
    for label, rate, unknown in rates:
        lo, hi = growth_points(rate)
        p.low += lo
        p.high += hi
        shown = _l("未填写") if unknown else fmt(rate)
        p.lines.append(
            _l("%(l)s %(r)s：%(a)s–%(b)s / 10", l=label, r=shown, a=lo, b=hi)
        )
        if unknown:
            p.steps.append(
                (10 - hi, _l("填写近三年的%(l)s所需数据，方可计算该项得分", l=label))
            )
            continue
        above = [edge for edge, _pts in GROWTH_BANDS if rate is None or rate < edge]
        if above:
            edge = min(above)
            pts = dict(GROWTH_BANDS)[edge]
            p.steps.append(
                (
                    pts[1] - hi,
                    _l(
                        "%(l)s达到 %(e)s%%，可得 %(a)s–%(b)s 分",
                        l=label,
                        e=edge,
                        a=pts[0],
                        b=pts[1],
                    ),
                )
            )
    return p


def innovation(f: Facts) -> Innovation:
    """The 工作指引 innovation score estimated from the check-up: 知识产权 30,
    科技成果转化能力 30, 研究开发组织管理水平 20, 企业成长性 20; "各级指标均按整数打分，
    满分为100分，综合得分达到70分以上（不含70分）为符合认定要求"
    (http://cn.shanghaiyincai.com.cn/news/938.html). The experts score within each band,
    so the estimate is a range; it counts as met only when its lower end reaches 71."""
    parts = [_ip_part(f), _conversion_part(f), _rd_management_part(f), _growth_part(f)]
    return Innovation(
        parts,
        low=sum(p.low for p in parts),
        high=sum(p.high for p in parts),
        assessed=f.innovation_score,
    )


def hnte(f: Facts) -> Verdict:
    """高新技术企业, 国科发火〔2016〕32号 第十一条: "（一）企业申请认定时须注册成立一年
    以上；（二）企业通过自主研发、受让、受赠、并购等方式，获得对其主要产品（服务）在技术上
    发挥核心支持作用的知识产权的所有权；（三）对企业主要产品（服务）发挥核心支持作用的技术
    属于《国家重点支持的高新技术领域》规定的范围；（四）企业从事研发和相关技术创新活动的
    科技人员占企业当年职工总数的比例不低于10%；（五）企业近三个会计年度……的研究开发费用
    总额占同期销售收入总额的比例符合如下要求 [5% / 4% / 3%, see hnte_rd_minimum]……其中，
    企业在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例不低于60%；（六）近
    一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%；（七）企业创新能力评价
    应达到相应要求；（八）企业申请认定前一年内未发生重大安全、重大质量事故或严重环境违法
    行为。" Sources: http://www.huiqiaojs.com/index.php?c=category&id=22,
    https://www.jiamengwang.com.cn/tag/3576; (七) per 工作指引, see innovation()."""
    items: list[Item] = []
    items.append(
        Item(
            _l("注册成立一年以上"),
            f.years_registered >= 1,
            HNTE + "（一）",
            value=_l("%(y)s 年", y=f.years_registered),
            key="registered",
        )
    )
    items.append(
        Item(
            _l("拥有对主要产品发挥核心支持作用的知识产权"),
            f.core_ip,
            HNTE + "（二）",
            key="core_ip",
        )
    )
    items.append(
        Item(
            _l("核心技术属于《国家重点支持的高新技术领域》"),
            f.supported_field,
            HNTE + "（三）",
            key="field",
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
            key="staff",
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
            key="rd",
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
            key="domestic",
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
            key="income",
        )
    )
    inn = innovation(f)
    if inn.assessed is not None:
        value = _l("专家评价 %(s)s 分", s=inn.assessed)
        gap = (
            ""
            if inn.met
            else _l("创新能力评价 %(s)s 分，需达到 71 分（70 分以上）", s=inn.assessed)
        )
    else:
        value = _l("估算 %(a)s–%(b)s 分", a=inn.low, b=inn.high)
        if inn.met:
            gap = ""
        elif inn.short:
            gap = _l(
                "估算最高 %(h)s 分，需达到 71 分（差 %(d)s 分）",
                h=inn.high,
                d=inn.short,
            )
        else:
            gap = _l(
                "估算 %(a)s–%(b)s 分，取决于专家评分，需达到 71 分",
                a=inn.low,
                b=inn.high,
            )
    items.append(
        Item(
            _l("企业创新能力评价 70 分以上（不含 70 分）"),
            inn.met,
            HNTE + "（七）；" + HNTE_GUIDE,
            gap=gap,
            value=value,
            key="innovation",
        )
    )
    items.append(
        Item(
            _l("申请前一年内未发生重大安全、质量事故或严重环境违法行为"),
            f.clean_record,
            HNTE + "（八）",
            key="record",
        )
    )
    return Verdict(all(i.met for i in items), items)


def _pct_or_dash(value: int | None) -> str:
    return "—" if value is None else f"{value}%"
