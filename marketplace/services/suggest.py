"""The matcher's service suggestions: "this need asks for a salt-spray test: these labs do it".

A need's words (its title, the firm's description and the broker's translation) are
read for two things: the test standards they name (GB/T 10125, EN 1811, ISO 9227 …)
and the test words jieba finds in them (盐雾, 镍释放 …). A catalogue offering is
suggested when its standard is named or its name shares a specific word with the need;
the field only adds weight to such a match. Shared instruments are read the same way
(their standards and name). Each suggestion carries its reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from search_index import analyze

from ..extensions import db
from .models import Instrument, Offering, Provider

#: Standard code families a testing service is written against (national, trade,
#: metrology, environmental, inspection; international and foreign).
STANDARD = re.compile(
    r"(?<![A-Za-z])(GB/T|GB/Z|GB|QB/T|QB|JJF|JJG|HJ|SN/T|YY/T|YY|ISO|EN|IEC|ASTM|JIS|DIN)"
    r"\s*[-\s]?\s*(\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
#: Words every testing service shares, and the cluster's own products (every need and
#: half the catalogue name a 镜架): a match on these alone says nothing.
GENERIC = frozenset(
    [
        "检测",
        "检验",
        "测试",
        "试验",
        "测定",
        "分析",
        "服务",
        "评价",
        "认证",
        "鉴定",
        "报告",
        "样品",
        "标准",
        "要求",
        "提高",
        "问题",
        "镜架",
        "眼镜",
        "镜片",
        "镜腿",
        "产品",
        "材料",
        "工艺",
        "企业",
        "容易",
        "test",
        "testing",
        "servic",
        "analysi",
        "sampl",
        "report",
        "standard",
        "frame",
        "eyewear",
    ]
)
#: Score of one named standard, one shared word, and the same field.
STANDARD_WEIGHT, WORD_WEIGHT, FIELD_WEIGHT = 3.0, 1.0, 0.5
MAX_WORDS = 40
LIMIT = 5


def standards_in(text: str | None) -> set[str]:
    """The standard codes named in a text, normalised to 'GB/T 10125' (no year)."""
    return {f"{m.group(1).upper()} {m.group(2)}" for m in STANDARD.finditer(text or "")}


def words_in(text: str | None) -> set[str]:
    """The specific words of a text (with jieba's sub-words), generic ones dropped."""
    out = set()
    for w in analyze(text or ""):
        for t in (w.text, *w.subs):
            if t in GENERIC or t.isdigit():
                continue
            if (
                re.search(r"[\u4e00-\u9fff]", t)
                and len(t) >= 2
                or t.isascii()
                and len(t) >= 4
            ):
                out.add(t)
    return out


def need_text(need) -> str:
    parts = [need.title, need.description, " ".join(need.keywords or [])]
    t = need.current_translation
    if t is not None:
        parts += [
            t.technical_problem,
            t.existing_conditions,
            " ".join(t.keywords or []),
        ]
        for row in t.indicators or []:
            parts += [str(v) for v in row.values() if isinstance(v, str)]
    return "\n".join(p for p in parts if p)


@dataclass
class Suggestion:
    #: An Offering, or an Instrument for the shared-instrument list.
    item: Any
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def offering(self) -> Offering:
        return self.item


def _candidates(model, standards_col, codes: set[str], words: set[str]) -> list:
    conds = [standards_col.contains(code.split(" ")[1]) for code in codes]
    longest = sorted(words, key=len, reverse=True)[:MAX_WORDS]
    conds += [model.name.contains(w) for w in longest]
    if not conds:
        return []
    q = sa.select(model).where(model.active.is_(True), sa.or_(*conds))
    if model is Offering:
        q = q.options(joinedload(Offering.provider).joinedload(Provider.organization))
    else:
        q = q.options(joinedload(Instrument.owner))
    return list(db.session.scalars(q.order_by(model.id).limit(200)))


def _score(
    item, standards: str, name: str, codes: set[str], words: set[str], need_field
) -> Suggestion:
    s = Suggestion(item)
    for code in sorted(codes & standards_in(standards)):
        s.score += STANDARD_WEIGHT
        s.reasons.append(_("依据标准 %(s)s", s=code))
    shared = sorted(words & words_in(name), key=len, reverse=True)
    # A word inside a longer shared word (盐雾 in 盐雾试验) counts once.
    shared = [w for i, w in enumerate(shared) if not any(w in x for x in shared[:i])]
    if shared:
        s.score += WORD_WEIGHT * len(shared)
        s.reasons.append(_("检测项目：%(w)s", w="、".join(shared)))
    if s.score and need_field and item.field == need_field:
        s.score += FIELD_WEIGHT
        s.reasons.append(_("技术领域相同"))
    return s


def _read(need) -> tuple[str, str | None]:
    t = need.current_translation
    need_field = (t.field if t is not None and t.field else None) or need.field
    return need_text(need), need_field


def _best(suggestions: list[Suggestion], limit: int) -> list[Suggestion]:
    out = [s for s in suggestions if s.score]
    out.sort(key=lambda s: (-s.score, s.item.id))
    return out[:limit]


def services_for_text(
    text: str, field_code: str | None, limit: int = LIMIT
) -> list[Suggestion]:
    """Catalogue offerings that could answer a problem told in `text` (a need, a
    check-up's problems), best first, with reasons; the field only adds weight."""
    codes, words = standards_in(text), words_in(text)
    return _best(
        [
            _score(o, o.standard, o.name, codes, words, field_code)
            for o in _candidates(Offering, Offering.standard, codes, words)
        ],
        limit,
    )


def instruments_for_text(
    text: str, field_code: str | None, limit: int = LIMIT
) -> list[Suggestion]:
    """Shared instruments that test to a standard `text` names, or by its words."""
    codes, words = standards_in(text), words_in(text)
    return _best(
        [
            _score(i, i.standards, i.name, codes, words, field_code)
            for i in _candidates(Instrument, Instrument.standards, codes, words)
        ],
        limit,
    )


def suggest_for_need(need, limit: int = LIMIT) -> list[Suggestion]:
    """Catalogue offerings that could answer the need, best first, with reasons."""
    return services_for_text(*_read(need), limit=limit)


def instruments_for_need(need, limit: int = LIMIT) -> list[Suggestion]:
    """Shared instruments that test to a standard the need names, or by its words."""
    return instruments_for_text(*_read(need), limit=limit)
