"""A compact word diff of consecutive translation versions, as plain (op, text) segments.

Segments hold raw text; the template escapes them (autoescape) and only adds <ins>/<del>,
so nothing a broker typed can become markup.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from flask_babel import gettext as _

from ..core.domain import FIELD_LABELS

# Latin words and numbers stay whole; each Chinese character or symbol is its own token,
# since Chinese has no spaces to split on.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_.%≥≤±/-]+|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "same", "del" or "ins"; adjacent equal ops merged."""
    a, b = tokens(old), tokens(new)
    segments: list[tuple[str, str]] = []

    def add(op: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, a, b, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("del", a[i1:i2])
            add("ins", b[j1:j2])
    return segments


def translation_fields(t) -> list[tuple[str, str]]:
    """A translation version as (label, text) pairs, in the order the page shows them."""
    indicator_lines = "\n".join(
        " | ".join(
            x
            for x in (
                r.get("name"),
                r.get("target"),
                r.get("unit"),
                r.get("test_method"),
            )
            if x
        )
        for r in t.indicators or []
    )
    return [
        (_("拟解决的技术难题"), t.technical_problem or ""),
        (_("量化目标指标"), indicator_lines),
        (_("现有基础条件"), t.existing_conditions or ""),
        (_("技术领域"), str(FIELD_LABELS.get(t.field, t.field or ""))),
        (_("关键词"), "、".join(t.keywords or [])),
    ]


def version_diffs(translations) -> list[dict]:
    """For each version after the first: what changed from the one before it."""
    diffs = []
    for prev, cur in zip(translations, translations[1:], strict=False):
        fields = []
        for (label, old), (_label, new) in zip(
            translation_fields(prev), translation_fields(cur), strict=True
        ):
            if old != new:
                fields.append({"label": label, "segments": word_diff(old, new)})
        diffs.append({"old": prev, "new": cur, "fields": fields})
    return diffs
