"""Generate large, deterministic, realistic synthetic listings and organisations for benchmarks.

Standard library only: benchmarks import this module without Flask or a database.
Dicts have the shape of the demo JSON files in ``marketplace/demo/data/``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

#: GB 32100-2015 character set; a character's value is its index.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: GB 32100-2015 weights of positions 1..17.
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Field codes used across the market, with their Chinese names.
FIELDS = {
    "frame_materials": "镜架材料",
    "surface_treatment": "表面处理",
    "lenses_coatings": "镜片与镀膜",
    "myopia_control": "近视防控",
    "optometry_devices": "验光与视光设备",
    "smart_glasses": "智能眼镜",
    "design_3d_printing": "设计与3D打印",
    "automation": "自动化装备",
    "environmental": "环保与清洁生产",
}

IP_FORMS = (
    "invention_patent",
    "utility_model",
    "design_patent",
    "software_copyright",
    "know_how",
    "process",
    "formula",
)
COOPERATION_MODES = ("assignment", "licence", "equity", "joint_development", "service")
PRICING_MODES = ("agreement", "listing", "auction", "negotiable")

#: Number of synthetic organisations the listings draw their owners from.
ORG_POOL_SIZE = 200

#: Per field code: subjects, methods, effects, problems, the firms' own words, indicators
#: (name, low, high, decimals, unit, comparison, test method), keywords, scenarios,
#: existing conditions, and English subjects, methods and keywords.
_V = {
    field: vocab
    for field, vocab in json.loads(
        (Path(__file__).parent / "data" / "synth_vocabulary.json").read_text("utf-8")
    ).items()
    if field in FIELDS
}
FIELD_CODES = tuple(FIELDS)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗郑谢潘金叶蔡余许董"
_GIVEN = "伟明华建军晓丽敏静杰浩宇佳俊涛斌海燕琳志强磊鹏婷颖思远凯瑞晨欣怡峰"
_IT_TEXT = (
    "Marco Rossi, Giulia Conti, Luca Ferri, Sara Galli, Paolo Greco, Chiara Marino, "
    "Andrea Lombardi, Elena Fontana"
)
_IT_NAMES = tuple(_IT_TEXT.split(", "))
_STREET_TEXT = "娄桥 潘桥 郭溪 丽岙 仙岩 南白象 茶山 梧田 新桥 瞿溪"
_STREETS = tuple(_STREET_TEXT.split(" "))
#: Characters for firm brand names with their pinyin (for the English name).
_BRAND_TEXT = (
    "明Ming 瓯Ou 鸿Hong 嘉Jia 锦Jin 精Jing 视Shi 瑞Rui 佳Jia 新Xin 东Dong 华Hua "
    "博Bo 恒Heng 晶Jing 捷Jie 绿Lü 雅Ya 金Jin 睿Rui 天Tian 宏Hong 远Yuan 亚Ya 欧Ou "
    "富Fu 康Kang 盛Sheng 泰Tai 丰Feng 辉Hui 星Xing 宝Bao 利Li"
)
_BRANDS = {w[0]: w[1:] for w in _BRAND_TEXT.split(" ")}
_BRAND_CHARS = tuple(_BRANDS)
_FIRM_KINDS = {
    "眼镜": "Eyewear",
    "光学": "Optical",
    "眼镜配件": "Eyewear Parts",
    "眼镜盒": "Eyewear Case",
    "眼镜设备": "Eyewear Equipment",
    "光电科技": "Optoelectronics",
    "眼镜制造": "Eyewear Manufacturing",
    "表面处理": "Surface Finishing",
}
_FIRM_KIND_KEYS = tuple(_FIRM_KINDS)
_SUPPLIER_SITES = {
    "浙江": "Zhejiang",
    "温州": "Wenzhou",
    "瓯江": "Oujiang",
    "宁波": "Ningbo",
    "杭州": "Hangzhou",
    "浙南": "South Zhejiang",
    "瓯海": "Ouhai",
}
_SUPPLIER_STEMS = {
    "眼视光": "Optometry",
    "光学材料": "Optical Materials",
    "精密制造": "Precision Manufacturing",
    "表面工程": "Surface Engineering",
    "光电信息": "Optoelectronics",
    "智能装备": "Intelligent Equipment",
    "先进材料": "Advanced Materials",
    "工业设计": "Industrial Design",
    "环境工程": "Environmental Engineering",
    "视觉健康": "Vision Health",
}
_SUPPLIER_KINDS = (
    ("研究院", "institute", "Research Institute"),
    ("技术研究所", "institute", "Technology Institute"),
    ("学院", "university", "College"),
    ("技术转移中心", "tto", "Technology Transfer Centre"),
)
_SITE_KEYS, _STEM_KEYS = tuple(_SUPPLIER_SITES), tuple(_SUPPLIER_STEMS)


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a code."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w
        for c, w in zip(first17.upper(), CREDIT_CODE_WEIGHTS, strict=True)
    )
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def _org_code(body8: str) -> str:
    """Append the GB 11714 check character to an 8-character organisation code body."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    c9 = (
        11
        - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        % 11
    )
    return body8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def _pick(r, seq):
    """Pick one item with ``r``, a bound ``Random.random``: much faster than ``choice``."""
    return seq[int(r() * len(seq))]


def _few(r, seq, k: int) -> list:
    """Pick ``k`` distinct items of ``seq`` in random order."""
    out: list = []
    while len(out) < k:
        item = seq[int(r() * len(seq))]
        if item not in out:
            out.append(item)
    return out


def _between(r, low: int, high: int) -> int:
    return low + int(r() * (high - low + 1))


def _person(r) -> str:
    return _pick(r, _SURNAMES) + "".join(
        _pick(r, _GIVEN) for _ in range(_between(r, 1, 2))
    )


def _credit_code(r, prefix8: str, firm: bool) -> str:
    if firm:
        body = "MA2" + "".join(_pick(r, CREDIT_CODE_CHARSET) for _ in range(5))
    else:
        body = "4" + "".join(_pick(r, "0123456789") for _ in range(7))
    first17 = prefix8 + _org_code(body)
    return first17 + credit_code_check_char(first17)


def generate_organizations(n: int, seed: int = 0) -> list[dict]:
    """Return ``n`` unique synthetic organisations (every fourth a supplier) with valid codes."""
    r = random.Random(f"org-{seed}").random
    orgs: list[dict] = []
    names: set[str] = set()
    while len(orgs) < n:
        i = len(orgs)
        if i % 4 == 0:
            suffix, kind, kind_en = _pick(r, _SUPPLIER_KINDS)
            site, stem = _pick(r, _SITE_KEYS), _pick(r, _STEM_KEYS)
            name = site + stem + suffix
            name_en = f"{_SUPPLIER_SITES[site]} {_SUPPLIER_STEMS[stem]} {kind_en}"
            prefix, funded, domain = "12330300", True, "edu"
        else:
            a, b, trade = (
                _pick(r, _BRAND_CHARS),
                _pick(r, _BRAND_CHARS),
                _pick(r, _FIRM_KIND_KEYS),
            )
            name = f"温州{a}{b}{trade}有限公司"
            name_en = f"Wenzhou {_BRANDS[a]}{_BRANDS[b].lower()} {_FIRM_KINDS[trade]} Co., Ltd."
            kind, prefix, funded, domain = "firm", "91330304", False, "com"
        if name in names:
            continue
        names.add(name)
        orgs.append(
            {
                "name": name,
                "name_en": name_en,
                "type": kind,
                "credit_code": _credit_code(r, prefix, kind == "firm"),
                "address": f"浙江省温州市瓯海区{_pick(r, _STREETS)}街道{_between(r, 1, 399)}号",
                "contact_name": _person(r),
                "contact_phone": f"1{_pick(r, '3589')}{int(r() * 1e9):09d}",
                "contact_email": f"contact{i + 1:04d}@{domain}.synth.example",
                "state_funded": funded,
                "verification": "pending" if r() < 0.08 else "verified",
            }
        )
    return orgs


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
_TRL_TABLE = (
    1,
    2,
    2,
    3,
    3,
    3,
    3,
    4,
    4,
    4,
    4,
    4,
    4,
    5,
    5,
    5,
    5,
    5,
    5,
    5,
    5,
    6,
    6,
    6,
    6,
    6,
    6,
    6,
    6,
    7,
    7,
    7,
    7,
    7,
    7,
    8,
    8,
    8,
    8,
    9,
    9,
)
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
    for name, lo, hi, dec, unit, op, method in _few(r, voc["indicators"], k):
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
        "granted": _between(r, 2017, 2024),
        "pending": _between(r, 2024, 2026),
        "lapsed": _between(r, 2012, 2017),
    }[status]
    number = patent_application_number(year, kind, int(r() * 10_000_000))
    month = _between(r, 1, 10 if year == 2026 else 12)
    return number, status, f"{year}-{month:02d}-{_between(r, 1, 28):02d}"


def _shares(r, k: int) -> list[int]:
    if k == 1:
        return [100]
    cuts = sorted(_few(r, range(5, 96, 5), k - 1))
    return sorted(
        (b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)), reverse=True
    )


class _Pools:
    """Pre-rendered fragments drawn once per run, so that each listing costs a few picks."""

    SIZE = 1024

    def __init__(self, r):
        size = self.SIZE
        self.people = [_person(r) for _ in range(size)]
        self.shares = [_shares(r, k) for k in (1, 2, 3, 4) for _ in range(size // 4)]
        self.patents = {
            form: [_patent(r, form) for _ in range(size)] for form in _PATENT_KIND
        }
        self.modes = [
            _few(r, COOPERATION_MODES, _between(r, 1, 3)) for _ in range(size)
        ]
        self.details = {}
        self.indicators = {}
        for field, v in _V.items():
            self.details[field] = [
                _pick(r, _DETAIL_TEMPLATES).format(
                    meth=_pick(r, v["methods"]), **_numbers(r)
                )
                for _ in range(size)
            ]
            self.indicators[field] = [
                _indicators(r, v, _between(r, 1, 3), need=False) for _ in range(size)
            ]


def _numbers(r) -> dict:
    return {
        "t": _between(r, 25, 480),
        "d": _between(r, 5, 120),
        "a": _between(r, 2, 9),
        "b": _between(r, 1, 5),
        "rate": _between(r, 1, 15),
        "batches": _between(r, 3, 12),
        "samples": _between(r, 50, 500),
        "pct": _between(r, 40, 85),
        "small": _between(r, 1, 9),
        "yield_": _between(r, 88, 99),
        "days": _between(r, 5, 30),
    }


def _achievement(r, pools: _Pools, i: int, org: dict) -> dict:
    field = FIELD_CODES[int(r() * 9)]
    v = _V[field]
    english = r() < 0.1
    subj, meth, eff, prob = (
        _pick(r, v["subjects"]),
        _pick(r, v["methods"]),
        _pick(r, v["effects"]),
        _pick(r, v["problems"]),
    )
    scen = "、".join(_few(r, v["scenarios"], 2))
    indicators = [dict(d) for d in _pick(r, pools.indicators[field])]
    if len(indicators) == 1:
        indicators.append(dict(_pick(r, pools.indicators[field])[0]))
    if indicators[0]["name"] == indicators[1]["name"]:
        indicators.pop()
    ind = "，".join(f"{d['name']}{d['value']}{d['unit']}" for d in indicators)
    trl = _pick(r, _TRL_TABLE)
    batches = 3 + int(r() * 10)
    if english:
        se, me = _pick(r, v["subjects_en"]), _pick(r, v["methods_en"])
        title = f"{se[0].upper()}{se[1:]} by {me}"
        summary = (
            f"A {se} developed with {me}. It answers a long-standing problem in eyewear "
            f"production and has been validated at TRL {trl}; key figures: {ind}. "
            f"Open to licensing and joint development."
        )
        detail = (
            f"Process window for {me}: {batches} stages, {_between(r, 60, 480)} °C, "
            f"dwell {_between(r, 5, 90)} min, tolerance ±{_between(r, 1, 5)}%. The data "
            f"room holds the supplier list, fixture drawings and QC sheets of "
            f"{_between(r, 50, 400)} samples from {batches} pilot batches."
        )
        keywords = _few(r, v["keywords_en"], 3) + _few(r, v["keywords"], 1)
        inventors = _few(r, _IT_NAMES, 1 + int(r() * 3))
    else:
        lead = ("基于" + meth + "的") if r() < 0.4 else meth
        title = lead + subj + _pick(r, _TITLE_SUFFIXES[field in _DEVICE_FIELDS])
        summary = _pick(r, _SUMMARY_TEMPLATES).format(
            prob=prob,
            meth=meth,
            subj=subj,
            eff=eff,
            ind=ind,
            scen=scen,
            trl=trl,
            batches=batches,
        )
        detail = _pick(r, pools.details[field])
        keywords = _few(r, v["keywords"], 3 + int(r() * 4))
        inventors = [_pick(r, pools.people) for _ in range(1 + int(r() * 4))]
    shares = pools.shares[(len(inventors) - 1) * (_Pools.SIZE // 4) + int(r() * 256)]
    ip_form = _pick(r, IP_FORMS)
    number, status, filed = (
        _pick(r, pools.patents[ip_form])
        if ip_form in _PATENT_KIND
        else (None, None, None)
    )
    pricing = _pick(r, PRICING_MODES[:3] if org["state_funded"] else PRICING_MODES)
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
        "cooperation_modes": list(_pick(r, pools.modes)),
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
    v = _V[field]
    prob, subj = _pick(r, v["problems"]), _pick(r, v["subjects"])
    indicators = _indicators(r, v, 1 + int(r() * 3), need=True)
    targets = "，".join(f"{d['name']}{d['target']}{d['unit']}" for d in indicators)
    low = (3 + int(r() * 78)) * 1_000_000
    conditions = _pick(r, v["conditions"])
    return {
        "kind": "need",
        "external_ref": f"SYN-N-{i:06d}",
        "organization": org["name"],
        "title": f"寻求{subj}技术，解决{prob}",
        "description": f"{_pick(r, v['firm_words'])}。{conditions}，{_pick(r, _WISHES)}。",
        "budget_min_fen": low,
        "budget_max_fen": low * (2 + int(r() * 3)),
        "deadline": f"{2027 + int(r() * 2)}-{1 + int(r() * 12):02d}-{1 + int(r() * 28):02d}",
        "cooperation_modes": list(_pick(r, pools.modes)[:2]),
        "confidential": r() < 0.05,
        "trl_min": _pick(r, (None, 4, 5, 6, 7)),
        "translation": {
            "technical_problem": f"{prob}。拟通过{_pick(r, v['methods'])}等途径开发{subj}，"
            f"目标：{targets}。",
            "indicators": indicators,
            "existing_conditions": conditions,
            "field": field,
            "keywords": _few(r, v["keywords"], 3 + int(r() * 3)),
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
