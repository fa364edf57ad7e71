"""Whoosh's private names are used in search_index/whoosh_adapter.py only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import whoosh

from search_index import whoosh_adapter
from search_index.whoosh_adapter import (
    PRIVATE_NAMES,
    SUBCLASS_HOOKS,
    UnsupportedWhoosh,
    check_version,
)

PACKAGE = Path(whoosh_adapter.__file__).parent
WHOOSH = Path(whoosh.__file__).parent
ATTRIBUTE = re.compile(r"\.(_[A-Za-z]\w*)\b")
STRING = re.compile(r"[\"'](_[A-Za-z]\w*)[\"']")
IMPORTED = re.compile(
    r"^\s*from whoosh[\w.]* import .*?\b(_[A-Za-z]\w*)\b(?! as)", re.M
)
DEFINED = re.compile(r"(?:self\.|def |class |^\s*)(_[A-Za-z]\w*)\s*[(:=]", re.M)


def _whoosh_private_names() -> set[str]:
    names: set[str] = set()
    for path in WHOOSH.rglob("*.py"):
        names |= set(
            DEFINED.findall(path.read_text(encoding="utf-8", errors="replace"))
        )
    return {n for n in names if not n.startswith("__")}


WHOOSH_PRIVATE = _whoosh_private_names()


def violations(source: str, allowed=()) -> set[str]:
    """Whoosh private names ``source`` uses without defining them itself."""
    own = set(DEFINED.findall(source))
    used = set(ATTRIBUTE.findall(source)) | set(STRING.findall(source))
    used |= set(IMPORTED.findall(source))
    return {n for n in used if n in WHOOSH_PRIVATE and n not in own} - set(allowed)


def test_the_names_the_adapter_relies_on_exist_in_the_installed_whoosh():
    missing = [n for n in (*PRIVATE_NAMES, *SUBCLASS_HOOKS) if n not in WHOOSH_PRIVATE]
    assert missing == []


def test_no_module_but_the_adapter_uses_private_whoosh_names():
    found = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "whoosh_adapter.py":
            continue
        # FastSegmentWriter subclasses Whoosh's SegmentWriter: its hooks only.
        allowed = SUBCLASS_HOOKS if path.name in ("fastwrite.py", "rebuild.py") else ()
        bad = violations(path.read_text(encoding="utf-8"), allowed)
        if bad:
            found[path.name] = sorted(bad)
    assert found == {}


def test_the_check_finds_a_private_name():
    assert violations("m = reader._terms.matcher(f, t)\n") == {"_terms"}
    assert violations("if hasattr(sub, '_perdoc'): pass\n") == {"_perdoc"}
    assert violations("x = writer._commit_toc(s)\n") == {"_commit_toc"}
    # A module's own private attributes are its own business.
    assert violations("self._lock = 1\nwith self._lock: pass\n") == set()


def test_an_untested_whoosh_version_is_refused_with_a_clear_message():
    check_version((2, 7, 5))
    with pytest.raises(UnsupportedWhoosh, match="tested with whoosh-reloaded 2.7.5"):
        check_version((2, 8, 0))
