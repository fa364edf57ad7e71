"""Enums whose members carry their label, so a code and its words live in one place."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabelledEnum(StrEnum):
    """A StrEnum declared as `DRAFT = "draft", _l("草稿")`: the member is the code (it
    compares and stores as the string) and `member.label` is its words on screen."""

    label: Any

    def __new__(cls, value: str, label: Any = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = value if label is None else label
        return member

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """{member: label} of every member, in declaration order (selects, templates);
        a member is its code, so the table is looked up by plain strings too."""
        return {m: m.label for m in cls}
