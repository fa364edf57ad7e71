"""Synthetic listings: achievement and need text, indicators, patents and inventors."""

from __future__ import annotations

import random
from collections.abc import Iterator

from .synth_common import (
    COOPERATION_MODES,
    FIELD_CODES,
    IP_FORMS,
    ORG_POOL_SIZE,
    PRICING_MODES,
    VOCABULARY,
    between,
    few,
    person,
    pick,
)
from .synth_orgs import generate_organizations

_IT_TEXT = (
    "Marco Rossi, Giulia Conti, Luca Ferri, Sara Galli, Paolo Greco, Chiara Marino, "
    "Andrea Lombardi, Elena Fontana"
)
_IT_NAMES = tuple(_IT_TEXT.split(", "))
_DEVICE_FIELDS = ("optometry_devices", "smart_glasses", "automation")
_TITLE_SUFFIXES = {
    True: ("系统", "装置", "设备", "模组", "平台"),
    False: ("技术", "工艺", "及其制备方法", "成套工艺", "方法"),
}
_SUMMARY_TEMPLATES = (
    "针对{prob}的问题，本成果采用{meth}开发{subj}，{eff}。主要指标：{ind}。"
    "适用于{scen}，可提供技术培训与工艺指导。",
    "{subj}是眼镜生产中的常见需求。团队以{meth}为核心，解决了{prob}的难题，{eff}，"
    "经{batches}批次中试验证，{ind}。可用于{scen}。",
    "本成果面向{scen}，通过{meth}实现{subj}的稳定量产：{eff}；{ind}。"
    "已完成TRL {trl}级验证，欢迎企业洽谈转化。",
)
_DETAIL_TEMPLATES = (
    "关键工艺窗口：温度{t}℃，保温{d}min，关键原料配比{a}:{b}，升温速率{rate}℃/min；"
    "夹具与设备参数表、{batches}批次中试记录和{samples}件样品检测报告，签署保密协议后提供。"
    "工艺对来料含水率和表面清洁度敏感，需按附件作业指导书控制。",
    "核心配方含{a}种组分，主成分占比{pct}%，助剂占比{small}%；工艺温度{t}℃、时间{d}min。"
    "附{samples}件样品第三方检测报告、设备选型清单及{batches}批次良率数据（平均良率{yield_}%）。",
    "技术秘密包括：{meth}的参数组合（{a}段程序，每段{d}min，设定值{t}），"
    "关键外购件供应商清单，以及在{batches}条产线上的调试记录。转让后提供{days}天驻厂指导。",
)
_WISHES = (
    "想找个办法",
    "希望有高校或研究所帮忙",
    "预算可以商量",
    "最好明年能用上",
    "之前找过设备厂没解决",
    "有合适的技术可以买断",
)
#: How often each TRL is drawn: mostly pilot stage (5-6), few lab or mature results.
_TRL_WEIGHTS = {1: 1, 2: 2, 3: 4, 4: 6, 5: 8, 6: 8, 7: 6, 8: 4, 9: 2}
_TRL_TABLE = tuple(trl for trl, n in _TRL_WEIGHTS.items() for _ in range(n))
_PATENT_KIND = {"invention_patent": "1", "utility_model": "2", "design_patent": "3"}
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def patent_application_number(year: int, kind: str, serial: int) -> str:
    """Return a CN application number ``CN{year}{kind}{serial:07d}.{check}`` (check mod 11)."""
    digits = f"{year}{kind}{serial:07d}"
    check = sum(int(d) * w for d, w in zip(digits, _PATENT_WEIGHTS, strict=True)) % 11
    return f"CN{digits}.{'X' if check == 10 else check}"


def _fmt(v: float, decimals: int) -> str:
    if decimals:
        return f"{v:.{decimals}f}"
    step = 100 if v >= 1000 else 1
    return str(int(round(v / step)) * step)


def _indicators(r, voc: dict, k: int, need: bool) -> list[dict]:
    out = []
    for name, lo, hi, dec, unit, op, method in few(r, voc["indicators"], k):
        value = _fmt(lo + r() * (hi - lo), dec)
        if unit == "B":
            value, unit = value + "B", ""
        elif unit == "IPX":
            value, unit = "IPX" + value, ""
        item = {"name": name, "unit": unit, "test_method": method}
        if need:
            item["target"] = op + value
        else:
            item["value"] = value
        out.append(item)
    return out


def _patent(r, ip_form: str) -> tuple:
    kind = _PATENT_KIND.get(ip_form)
    if kind is None:
        return None, None, None
    x = r()
    if kind == "1":
        status = "granted" if x < 0.5 else "pending" if x < 0.9 else "lapsed"
    else:
        status = "granted" if x < 0.85 else "pending" if x < 0.93 else "lapsed"
    year = {
        "granted": between(r, 2017, 2024),
        "pending": between(r, 2024, 2026),
        "lapsed": between(r, 2012, 2017),
    }[status]
    number = patent_application_number(year, kind, int(r() * 10_000_000))
    month = between(r, 1, 10 if year == 2026 else 12)
    return number, status, f"{year}-{month:02d}-{between(r, 1, 28):02d}"


def _shares(r, k: int) -> list[int]:
    if k == 1:
        return [100]
    cuts = sorted(few(r, range(5, 96, 5), k - 1))
    return sorted(
        (b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)), reverse=True
    )


class _Pools:
    """Pre-rendered fragments drawn once per run, so that each listing costs a few picks."""

    SIZE = 1024

    def __init__(self, r):
        size = self.SIZE
        self.people = [person(r) for _ in range(size)]
        self.shares = [_shares(r, k) for k in (1, 2, 3, 4) for _ in range(size // 4)]
        self.patents = {
            form: [_patent(r, form) for _ in range(size)] for form in _PATENT_KIND
        }
        self.modes = [few(r, COOPERATION_MODES, between(r, 1, 3)) for _ in range(size)]
        self.details = {}
        self.indicators = {}
        for field, v in VOCABULARY.items():
            self.details[field] = [
                pick(r, _DETAIL_TEMPLATES).format(
                    meth=pick(r, v["methods"]), **_numbers(r)
                )
                for _ in range(size)
            ]
            self.indicators[field] = [
                _indicators(r, v, between(r, 1, 3), need=False) for _ in range(size)
            ]


def _numbers(r) -> dict:
    return {
        "t": between(r, 25, 480),
        "d": between(r, 5, 120),
        "a": between(r, 2, 9),
        "b": between(r, 1, 5),
        "rate": between(r, 1, 15),
        "batches": between(r, 3, 12),
        "samples": between(r, 50, 500),
        "pct": between(r, 40, 85),
        "small": between(r, 1, 9),
        "yield_": between(r, 88, 99),
        "days": between(r, 5, 30),
    }


def _achievement(r, pools: _Pools, i: int, org: dict) -> dict:
    field = FIELD_CODES[int(r() * 9)]
    v = VOCABULARY[field]
    english = r() < 0.1
    subj, meth, eff, prob = (
        pick(r, v["subjects"]),
        pick(r, v["methods"]),
        pick(r, v["effects"]),
        pick(r, v["problems"]),
    )
    scen = "、".join(few(r, v["scenarios"], 2))
    indicators = [dict(d) for d in pick(r, pools.indicators[field])]
    if len(indicators) == 1:
        indicators.append(dict(pick(r, pools.indicators[field])[0]))
    if indicators[0]["name"] == indicators[1]["name"]:
        indicators.pop()
    ind = "，".join(f"{d['name']}{d['value']}{d['unit']}" for d in indicators)
    trl = pick(r, _TRL_TABLE)
    batches = 3 + int(r() * 10)
    if english:
        se, me = pick(r, v["subjects_en"]), pick(r, v["methods_en"])
        title = f"{se[0].upper()}{se[1:]} by {me}"
        summary = (
            f"A {se} developed with {me}. It answers a long-standing problem in eyewear "
            f"production and has been validated at TRL {trl}; key figures: {ind}. "
            f"Open to licensing and joint development."
        )
        detail = (
            f"Process window for {me}: {batches} stages, {between(r, 60, 480)} °C, "
            f"dwell {between(r, 5, 90)} min, tolerance ±{between(r, 1, 5)}%. The data "
            f"room holds the supplier list, fixture drawings and QC sheets of "
            f"{between(r, 50, 400)} samples from {batches} pilot batches."
        )
        keywords = few(r, v["keywords_en"], 3) + few(r, v["keywords"], 1)
        inventors = few(r, _IT_NAMES, 1 + int(r() * 3))
    else:
        lead = ("基于" + meth + "的") if r() < 0.4 else meth
        title = lead + subj + pick(r, _TITLE_SUFFIXES[field in _DEVICE_FIELDS])
        summary = pick(r, _SUMMARY_TEMPLATES).format(
            prob=prob,
            meth=meth,
            subj=subj,
            eff=eff,
            ind=ind,
            scen=scen,
            trl=trl,
            batches=batches,
        )
        detail = pick(r, pools.details[field])
        keywords = few(r, v["keywords"], 3 + int(r() * 4))
        inventors = [pick(r, pools.people) for _ in range(1 + int(r() * 4))]
    shares = pools.shares[(len(inventors) - 1) * (_Pools.SIZE // 4) + int(r() * 256)]
    ip_form = pick(r, IP_FORMS)
    number, status, filed = (
        pick(r, pools.patents[ip_form])
        if ip_form in _PATENT_KIND
        else (None, None, None)
    )
    pricing = pick(r, PRICING_MODES[:3] if org["state_funded"] else PRICING_MODES)
    return {
        "kind": "achievement",
        "external_ref": f"SYN-A-{i:06d}",
        "organization": org["name"],
        "title": title,
        "summary": summary,
        "detail": detail,
        "field": field,
        "keywords": keywords,
        "trl": trl,
        "ip_form": ip_form,
        "patent_number": number,
        "patent_status": status,
        "patent_filing_date": filed,
        "inventors": [
            {"name": n, "share": s} for n, s in zip(inventors, shares, strict=True)
        ],
        "cooperation_modes": list(pick(r, pools.modes)),
        "pricing_mode": pricing,
        "price_fen": None
        if pricing == "negotiable"
        else (5 + int(r() * 296)) * 1_000_000,
        "indicators": indicators,
        "application_scenarios": f"{scen}等场景",
        "valid_until": f"{2027 + int(r() * 3)}-12-31",
        "status": "published",
    }


def _need(r, pools: _Pools, i: int, org: dict) -> dict:
    field = FIELD_CODES[int(r() * 9)]
    v = VOCABULARY[field]
    prob, subj = pick(r, v["problems"]), pick(r, v["subjects"])
    indicators = _indicators(r, v, 1 + int(r() * 3), need=True)
    targets = "，".join(f"{d['name']}{d['target']}{d['unit']}" for d in indicators)
    low = (3 + int(r() * 78)) * 1_000_000
    conditions = pick(r, v["conditions"])
    return {
        "kind": "need",
        "external_ref": f"SYN-N-{i:06d}",
        "organization": org["name"],
        "title": f"寻求{subj}技术，解决{prob}",
        "description": f"{pick(r, v['firm_words'])}。{conditions}，{pick(r, _WISHES)}。",
        "budget_min_fen": low,
        "budget_max_fen": low * (2 + int(r() * 3)),
        "deadline": f"{2027 + int(r() * 2)}-{1 + int(r() * 12):02d}-{1 + int(r() * 28):02d}",
        "cooperation_modes": list(pick(r, pools.modes)[:2]),
        "confidential": r() < 0.05,
        "trl_min": pick(r, (None, 4, 5, 6, 7)),
        "translation": {
            "technical_problem": f"{prob}。拟通过{pick(r, v['methods'])}等途径开发{subj}，"
            f"目标：{targets}。",
            "indicators": indicators,
            "existing_conditions": conditions,
            "field": field,
            "keywords": few(r, v["keywords"], 3 + int(r() * 3)),
        },
        "status": "published",
    }


def generate_listings(kind: str, n: int, seed: int = 0) -> Iterator[dict]:
    """Yield ``n`` synthetic listings of ``kind`` ("achievement" or "need"), deterministic per seed.

    Owners come from ``generate_organizations(ORG_POOL_SIZE, seed)``: suppliers own
    achievements, firms own needs.
    """
    if kind not in ("achievement", "need"):
        raise ValueError(f"unknown kind {kind!r}")
    orgs = generate_organizations(ORG_POOL_SIZE, seed)
    owners = [o for o in orgs if (o["type"] != "firm") == (kind == "achievement")]
    make = _achievement if kind == "achievement" else _need
    r = random.Random(f"{kind}-{seed}").random
    pools = _Pools(r)
    for i in range(1, n + 1):
        yield make(r, pools, i, owners[int(r() * len(owners))])
