"""高新技术企业 (国科发火〔2016〕32号 第十一条): the eight conditions, item by item."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .common import (
    HNTE,
    HNTE_DOMESTIC_PCT,
    HNTE_GUIDE,
    HNTE_INCOME_PCT,
    HNTE_RD_BANDS,
    HNTE_STAFF_PCT,
    Facts,
    Item,
    Verdict,
    fmt,
    percent,
)
from .innovation_score import innovation


def hnte_rd_minimum(revenue_fen: int) -> int:
    """The R&D share (percent) §11(五) asks of a firm with this last-year revenue:
    "1. 最近一年销售收入小于5,000万元（含）的企业，比例不低于5%；2. 最近一年销售收入
    在5,000万元至2亿元（含）的企业，比例不低于4%；3. 最近一年销售收入在2亿元以上的企业，
    比例不低于3%。" (http://shoufuban.net/content/22/1205/15/80185856_1059039582.shtml)"""
    return next(pct for top, pct in HNTE_RD_BANDS if top is None or revenue_fen <= top)


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
