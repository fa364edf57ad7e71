"""Technical indicators typed as text: the one parser of achievements and needs.

A line is either the table form ``名称 | 数值 | 单位 | 测试方法`` or the plain form people
write, ``膜层附着力 ≥ 5B（百格法）``, ``透光率>92%``, ``Adhesion >= 5B (cross-cut)``:
name, comparator, value, unit, and the test method in brackets (full-width or ASCII).
Rows are stored as {"name", <value key>, "unit", "test_method"}; achievements call the
value "value", need translations "target". The comparator stays in front of the value
("≥48"), as the rows have always been stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

MAX_INDICATORS = 30
MAX_PART = 200

TABLE_SPLIT = re.compile(r"\s*[|｜]\s*")

#: Comparators as typed → as stored. Longest first, so ">=" wins over ">".
COMPARATORS = {
    ">=": "≥",
    "=>": "≥",
    "≥": "≥",
    "⩾": "≥",
    "＞＝": "≥",
    "<=": "≤",
    "=<": "≤",
    "≤": "≤",
    "⩽": "≤",
    "＜＝": "≤",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
    "=": "=",
    "＝": "=",
    "～": "～",
    "~": "～",
    "≈": "≈",
    "±": "±",
    "不低于": "≥",
    "不小于": "≥",
    "不少于": "≥",
    "不高于": "≤",
    "不大于": "≤",
    "不超过": "≤",
    "大于": ">",
    "小于": "<",
    "约": "≈",
}
_CMP = "|".join(
    # A tilde right after a number is a range (10～20), not "about".
    rf"(?<!\d)(?<!\d\s){re.escape(c)}" if c in "～~" else re.escape(c)
    for c in sorted(COMPARATORS, key=len, reverse=True)
)
#: A number, a range (10～20, 10-20, 10 至 20), or a coating grade glued to it (5B, 2H).
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_VALUE = rf"{_NUMBER}(?:[BH](?![A-Za-z]))?(?:\s*(?:～|~|-|–|至|to)\s*{_NUMBER})?"
_METHOD = r"(?:[(（](?P<method>[^()（）]*)[)）])?"
_UNIT = r"[^()（）≥≤<>=＞＜＝]*?"
_TAIL = rf"(?P<value>{_VALUE})\s*(?P<unit>{_UNIT})\s*{_METHOD}\s*[。.;；]?"
#: With a comparator: everything before the first one is the name.
PLAIN_WITH_CMP = re.compile(rf"(?P<name>.*?)\s*(?P<cmp>{_CMP})\s*{_TAIL}")
#: Without one ("透光率 92%"): the name runs up to the last number; the unit has no digits.
PLAIN_NO_CMP = re.compile(
    rf"(?P<name>.*?\D)\s*(?P<value>{_VALUE})\s*(?P<unit>[^()（）\d]*?)\s*{_METHOD}"
    r"\s*[。.;；]?"
)

_NAME_METHOD = re.compile(r"(?P<name>.+?)\s*[(（](?P<method>[^()（）]+)[)）]")


@dataclass
class Parsed:
    rows: list[dict[str, str]]
    #: Translated messages, each naming its line.
    errors: list[str]


def parse_line(line: str) -> dict[str, str] | None:
    """One plain-form line → {"name", "value", "unit", "test_method"}; None if it is not
    one (no number to read)."""
    for pattern in (PLAIN_WITH_CMP, PLAIN_NO_CMP):
        m = pattern.fullmatch(line.strip())
        if m is None:
            continue
        cmp = COMPARATORS.get(m.groupdict().get("cmp") or "", "")
        name, method = m["name"].strip(" ：:，,"), (m["method"] or "").strip()
        # "附着力（百格法）≥ 5B": the method written after the name.
        before = _NAME_METHOD.fullmatch(name)
        if not method and before:
            name, method = before["name"].strip(), before["method"].strip()
        return {
            "name": name,
            "value": cmp + re.sub(r"\s+", "", m["value"]),
            "unit": m["unit"].strip(),
            "test_method": method,
        }
    return None


def _table_line(
    line: str, n: int, require_value: bool
) -> tuple[dict | None, str | None]:
    parts = TABLE_SPLIT.split(line)
    if len(parts) > 4:
        return None, _(
            "第 %(n)d 行的栏目过多，格式为：名称 | 数值 | 单位 | 测试方法。", n=n
        )
    name, value, unit, method = (p.strip() for p in parts + [""] * (4 - len(parts)))
    if require_value and not value:
        return None, _(
            "第 %(n)d 行缺少数值，格式为：名称 | 数值 | 单位 | 测试方法。", n=n
        )
    return {"name": name, "value": value, "unit": unit, "test_method": method}, None


def parse_indicators(
    text: str, value_key: str = "value", require_value: bool = True
) -> Parsed:
    """Every non-blank line of `text` in either form; bad lines give a message each.

    `require_value`: each line must have a value (achievements). Needs allow a table
    line without one and ask for at least one quantified target instead.
    """
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    lines = [line.strip() for line in (text or "").splitlines()]
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        if TABLE_SPLIT.search(line):
            row, error = _table_line(line, n, require_value)
        else:
            row = parse_line(line)
            error = None
            if row is None:
                error = _(
                    "第 %(n)d 行无法识别：“%(line)s”。请写成“名称 ≥ 数值 单位（测试方法）”，"
                    "如“盐雾 ≥ 48 h（GB/T 10125）”，或写成“名称 | 数值 | 单位 | 测试方法”。",
                    n=n,
                    line=line[:60],
                )
        if error is None and not row["name"]:
            error = _("第 %(n)d 行缺少指标名称。", n=n)
        if error is None and any(len(v) > MAX_PART for v in row.values()):
            error = _("第 %(n)d 行的内容过长。", n=n)
        if error:
            errors.append(error)
            continue
        row[value_key] = row.pop("value")
        rows.append(row)
    if len(rows) > MAX_INDICATORS:
        errors.append(_("指标最多 %(n)d 项。", n=MAX_INDICATORS))
    return Parsed(rows, errors)


def indicators_text(rows: list[dict] | None, value_key: str = "value") -> str:
    """Stored rows back into the table-form lines the forms edit."""
    lines = []
    for r in rows or []:
        value = r.get(value_key, r.get("value", r.get("target")))
        parts = (r.get("name"), value, r.get("unit"), r.get("test_method"))
        lines.append(" | ".join(str(p or "") for p in parts).rstrip(" |"))
    return "\n".join(lines)
