"""An import inside a function is the exception and says why (ARCHITECTURE.md, issue 14).

Imports belong at the top of a module. One inside a function is allowed where a top-level one
would close an import cycle, load something heavy that most callers never need, or run before
the app is configured; each such import carries a comment on its line or on the line just
above its block of imports. The app factory's imports are explained once, at its top.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("marketplace", "search_index")
# Functions whose opening comment explains every import inside them.
EXPLAINED_ONCE = {("marketplace/__init__.py", "create_app")}


def _local_imports_without_reason():
    missing: set[str] = set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            lines = path.read_text(encoding="utf-8").splitlines()
            tree = ast.parse("\n".join(lines), filename=rel)
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if (rel, func.name) in EXPLAINED_ONCE:
                    continue
                for node in ast.walk(func):
                    if isinstance(node, ast.Import | ast.ImportFrom) and not _explained(
                        lines, node.lineno
                    ):
                        missing.add(
                            f"{rel}:{node.lineno} {lines[node.lineno - 1].strip()}"
                        )
    return sorted(missing)


def _explained(lines: list[str], lineno: int) -> bool:
    """A comment on a line of the import's block of consecutive imports, or just above it."""
    above = lineno - 1
    while above >= 0:
        text = lines[above].strip()
        if text.startswith("#") or "  # " in text:
            return True
        if not text.startswith(("import ", "from ")):
            return False
        above -= 1
    return False


def test_every_import_inside_a_function_says_why():
    missing = _local_imports_without_reason()
    assert not missing, (
        "imports inside functions without a comment saying why:\n" + "\n".join(missing)
    )
