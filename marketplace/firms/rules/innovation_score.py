"""The 高新技术企业 innovation-capability score (国科发火〔2016〕195号 工作指引 四):
knowledge IP 30, conversion of results 30, R&D management 20, growth 20; 71 needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from flask_babel import lazy_gettext as _l

from .common import (
    ACQUISITION_BANDS,
    CONVERSION_BANDS,
    GRADE_BANDS,
    GROWTH_BANDS,
    GROWTH_POSITIVE,
    HNTE_INNOVATION,
    RD_MANAGEMENT_ITEMS,
    RD_MANAGEMENT_LABELS,
    Facts,
    fmt,
)


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
