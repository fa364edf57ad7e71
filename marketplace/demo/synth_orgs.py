"""Synthetic organisations: Ouhai eyewear firms and suppliers with valid credit codes."""

from __future__ import annotations

import random

from .synth_common import between, person, pick

#: GB 32100-2015 character set; a character's value is its index.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: GB 32100-2015 weights of positions 1..17.
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

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


def _credit_code(r, prefix8: str, firm: bool) -> str:
    if firm:
        body = "MA2" + "".join(pick(r, CREDIT_CODE_CHARSET) for _ in range(5))
    else:
        body = "4" + "".join(pick(r, "0123456789") for _ in range(7))
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
            suffix, kind, kind_en = pick(r, _SUPPLIER_KINDS)
            site, stem = pick(r, _SITE_KEYS), pick(r, _STEM_KEYS)
            name = site + stem + suffix
            name_en = f"{_SUPPLIER_SITES[site]} {_SUPPLIER_STEMS[stem]} {kind_en}"
            prefix, funded, domain = "12330300", True, "edu"
        else:
            a, b, trade = (
                pick(r, _BRAND_CHARS),
                pick(r, _BRAND_CHARS),
                pick(r, _FIRM_KIND_KEYS),
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
                "address": f"浙江省温州市瓯海区{pick(r, _STREETS)}街道{between(r, 1, 399)}号",
                "contact_name": person(r),
                "contact_phone": f"1{pick(r, '3589')}{int(r() * 1e9):09d}",
                "contact_email": f"contact{i + 1:04d}@{domain}.synth.example",
                "state_funded": funded,
                "verification": "pending" if r() < 0.08 else "verified",
            }
        )
    return orgs
