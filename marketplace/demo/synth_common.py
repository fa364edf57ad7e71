"""Vocabulary and random-pick helpers shared by the synthetic organisation and listing generators.

Standard library only, and imported relatively: see ``synth.py`` for how benchmarks load it.
"""

from __future__ import annotations

import json
from pathlib import Path

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
FIELD_CODES = tuple(FIELDS)

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
VOCABULARY = {
    field: vocab
    for field, vocab in json.loads(
        (Path(__file__).parent / "data" / "synth_vocabulary.json").read_text("utf-8")
    ).items()
    if field in FIELDS
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗郑谢潘金叶蔡余许董"
_GIVEN = "伟明华建军晓丽敏静杰浩宇佳俊涛斌海燕琳志强磊鹏婷颖思远凯瑞晨欣怡峰"


def pick(r, seq):
    """Pick one item with ``r``, a bound ``Random.random``: much faster than ``choice``."""
    return seq[int(r() * len(seq))]


def few(r, seq, k: int) -> list:
    """Pick ``k`` distinct items of ``seq`` in random order."""
    out: list = []
    while len(out) < k:
        item = seq[int(r() * len(seq))]
        if item not in out:
            out.append(item)
    return out


def between(r, low: int, high: int) -> int:
    """A random integer from ``low`` to ``high`` inclusive."""
    return low + int(r() * (high - low + 1))


def person(r) -> str:
    """A Chinese personal name of two or three characters."""
    return pick(r, _SURNAMES) + "".join(
        pick(r, _GIVEN) for _ in range(between(r, 1, 2))
    )
