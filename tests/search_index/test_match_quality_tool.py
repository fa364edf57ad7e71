"""benchmarks/match_quality.py's monolingual thesaurus: each synonym group split
into its Chinese and its English members, so that only the dictionary links the
languages (a measure for words the hand-made thesaurus lacks)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    path = ROOT / "benchmarks" / "match_quality.py"
    spec = importlib.util.spec_from_file_location("match_quality_tool", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_groups_are_split_by_language_and_the_rest_is_kept():
    text = "# comment | kept\n铰链 | 合页 | hinge | spring hinge\n~ 铰链 ~ 螺丝\n钛 | titanium  # note\n"
    got = _tool().split_thesaurus(text).splitlines()
    assert got == [
        "# comment | kept",
        "铰链 | 合页",
        "hinge | spring hinge",
        "~ 铰链 ~ 螺丝",
        "钛",
        "titanium",
    ]


def test_the_shipped_thesaurus_has_no_group_of_both_languages_once_split():
    tool = _tool()
    text = (ROOT / "search_index" / "data" / "thesaurus.txt").read_text("utf-8")
    for line in tool.split_thesaurus(text).splitlines():
        if line.startswith(("#", "~")) or not line.strip():
            continue
        members = [m for m in line.split("|") if m.strip()]
        scripts = {bool(tool._CJK.search(m)) for m in members}
        assert len(scripts) == 1, line
