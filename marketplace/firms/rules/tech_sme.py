"""科技型中小企业 (国科发政〔2017〕115号 第六条–第八条): the conditions, the score, and
the direct confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .common import (
    IP1_POINTS,
    RD_COST_BANDS,
    RD_REVENUE_BANDS,
    SME,
    SME_MAX_ASSETS_FEN,
    SME_MAX_REVENUE_FEN,
    SME_MAX_STAFF,
    SME_PASS,
    STAFF_BANDS,
    Facts,
    Item,
    Verdict,
    _wan,
    band_points,
    fmt,
    ip_points,
    next_edge,
    percent,
)


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
