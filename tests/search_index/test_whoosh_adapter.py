"""Whoosh's private names are used in search_index/whoosh_adapter.py only."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
import whoosh

from search_index import whoosh_adapter
from search_index.whoosh_adapter import (
    PRIVATE_NAMES,
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
KEYWORD = re.compile(r"[(,]\s*(_[A-Za-z]\w*)\s*=(?!=)")
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
    used |= set(IMPORTED.findall(source)) | set(KEYWORD.findall(source))
    return {n for n in used if n in WHOOSH_PRIVATE and n not in own} - set(allowed)


def _others():
    """The modules of search_index but the adapter: (path, source)."""
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name != "whoosh_adapter.py":
            yield path, path.read_text(encoding="utf-8")


def test_the_names_the_adapter_relies_on_exist_in_the_installed_whoosh():
    missing = [n for n in PRIVATE_NAMES if n not in WHOOSH_PRIVATE]
    assert missing == []


def test_the_adapter_uses_no_private_name_it_does_not_list():
    source = Path(whoosh_adapter.__file__).read_text(encoding="utf-8")
    assert violations(source, PRIVATE_NAMES) == set()


def test_no_module_but_the_adapter_uses_private_whoosh_names():
    found = {}
    for path, source in _others():
        bad = violations(source)
        if bad:
            found[path.name] = sorted(bad)
    assert found == {}


def _whoosh_base_names(cls) -> set[str]:
    """Private names Whoosh's own classes in ``cls``'s MRO define or use."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith("whoosh."):
            names |= {n for n in vars(base) if n.startswith("_")}
            try:
                src = inspect.getsource(base)
            except (OSError, TypeError):
                continue
            names |= set(re.findall(r"self\.(_[A-Za-z]\w*)", src))
    return {n for n in names if not n.startswith("__")}


def _own_classes():
    """Classes defined in search_index's modules but the adapter."""
    for path, _ in _others():
        module = importlib.import_module(f"search_index.{path.stem}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                yield cls


def _self_names(cls) -> set[str]:
    """``self.<name>`` attributes and methods a class's own source uses."""
    node = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    used = {
        n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and n.value.id == "self"
    }
    used |= {
        n.name
        for n in node.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    return used


def test_subclasses_of_whoosh_classes_outside_the_adapter_touch_no_private_hook():
    # A subclass may override or set a private name of its Whoosh base (the
    # regex check counts what a module defines as its own): not outside the
    # adapter, whose AppSegmentWriter gives fastwrite public hooks instead.
    # Every class of its MRO written here is checked (mixins too).
    found = {}
    checked = set()
    for cls in _own_classes():
        base_names = _whoosh_base_names(cls)
        if not base_names:
            continue
        for part in cls.__mro__:
            name = part.__module__
            if not name.startswith("search_index.") or name.endswith("whoosh_adapter"):
                continue
            checked.add(part.__name__)
            bad = _self_names(part) & base_names
            if bad:
                found[f"{name}.{part.__name__}"] = sorted(bad)
    assert found == {}
    # The check sees the fast writer and its merge half as Whoosh subclasses.
    assert {"FastSegmentWriter", "MergedSegments"} <= checked


def _whoosh_bindings(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {
                (a.asname or a.name).split(".")[0]
                for a in node.names
                if a.name.startswith("whoosh")
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "whoosh"
        ):
            names |= {a.asname or a.name for a in node.names}
    return names


def _root(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def monkeypatches(source: str) -> list[str]:
    """Assignments to (or setattr/delattr on) anything imported from Whoosh."""
    tree = ast.parse(source)
    whooshy = _whoosh_bindings(tree)
    # Names bound to something from Whoosh (cls = structfile.BufferFile).
    grew = True
    while grew:
        grew = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _root(node.value) in whooshy:
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id not in whooshy:
                        whooshy.add(t.id)
                        grew = True
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
            and node.args
        ):
            if _root(node.args[0]) in whooshy:
                found.append(ast.unparse(node))
            continue
        for t in targets:
            if isinstance(t, ast.Attribute) and _root(t) in whooshy:
                found.append(ast.unparse(t))
    return found


def test_no_module_but_the_adapter_patches_whoosh():
    found = {p.name: bad for p, s in _others() if (bad := monkeypatches(s))}
    assert found == {}


def test_the_patch_check_finds_a_patch():
    assert monkeypatches(
        "from whoosh.filedb import structfile\nstructfile.BufferFile.__init__ = f\n"
    ) == ["structfile.BufferFile.__init__"]
    assert monkeypatches("import whoosh.writing\nsetattr(whoosh.writing, 'x', 1)\n")
    assert monkeypatches("from whoosh import index\nx = index.open_dir\n") == []
    assert monkeypatches("from whoosh import writing\nc = writing.X\nc.f = g\n")
    # The adapter's own two patches are what the check is for.
    adapter = Path(whoosh_adapter.__file__).read_text(encoding="utf-8")
    assert len(monkeypatches(adapter)) >= 2


def test_the_check_finds_a_private_name():
    assert violations("m = reader._terms.matcher(f, t)\n") == {"_terms"}
    assert violations("if hasattr(sub, '_perdoc'): pass\n") == {"_perdoc"}
    assert violations("x = writer._commit_toc(s)\n") == {"_commit_toc"}
    assert violations("w = FastSegmentWriter(ix, _lk=False)\n") == {"_lk"}
    # A module's own private attributes are its own business.
    assert violations("self._lock = 1\nwith self._lock: pass\n") == set()


def test_an_untested_whoosh_version_is_refused_with_a_clear_message():
    check_version((2, 7, 5))
    with pytest.raises(UnsupportedWhoosh, match="tested with whoosh-reloaded 2.7.5"):
        check_version((2, 8, 0))
