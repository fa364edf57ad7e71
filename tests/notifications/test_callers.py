"""No caller hands `notify` (or the helpers around it) text already translated in the
acting user's language: titles and bodies must stay lazy until the recipient's locale
is known (see marketplace/notifications/services.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "marketplace"
#: Function name → positions and keywords of its message arguments.
MESSAGE_ARGS = {
    "notify": ((2, 3), ("title", "body")),
    "tell_parties": ((3, 4), ("title", "body")),
    "tell_payer": ((1,), ("title",)),
    "tell_operators": ((1, 2), ("title", "body")),
    "_tell": ((2,), ("title", "body")),
}
#: Calls that turn a message into text in the current (the actor's) language.
GETTEXT = {"_", "gettext", "ngettext", "pgettext"}
EAGER = GETTEXT | {"str"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _eager_parts(
    expr: ast.expr, tainted: set[str], eager: set[str] = EAGER
) -> list[str]:
    """What in `expr` is text rendered now: gettext/str calls, names bound to gettext,
    f-strings formatting a lazy label. Lambdas are rendered later, so skipped."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Call) and _name(node.func) in eager:
            found.append(f"{_name(node.func)}(...)")
        elif isinstance(node, ast.Name) and node.id in tainted:
            found.append(node.id)
        elif isinstance(node, ast.JoinedStr):
            for value in ast.walk(node):
                if isinstance(value, ast.FormattedValue):
                    inner = _name(value.value)
                    if inner and (inner.endswith("_label") or inner == "_l"):
                        found.append(f"f-string with {inner}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(expr)
    return found


def eager_message_args(source: str, filename: str = "<src>") -> list[str]:
    problems: list[str] = []
    for fn in ast.walk(ast.parse(source, filename)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        tainted: set[str] = set()
        for node in ast.walk(fn):
            # str(x) of a person's text is data; only gettext binds a name to a
            # rendered message.
            if isinstance(node, ast.Assign) and _eager_parts(
                node.value, set(), GETTEXT
            ):
                tainted |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for call in ast.walk(fn):
            if not isinstance(call, ast.Call):
                continue
            spec = MESSAGE_ARGS.get(_name(call.func) or "")
            if spec is None:
                continue
            positions, keywords = spec
            args = [a for i, a in enumerate(call.args) if i in positions]
            args += [k.value for k in call.keywords if k.arg in keywords]
            for arg in args:
                for part in _eager_parts(arg, tainted):
                    problems.append(
                        f"{filename}:{call.lineno}: {_name(call.func)}() gets {part}"
                    )
    return problems


@pytest.mark.parametrize(
    "source",
    [
        'def f(u):\n    notify(u, "k", _("标题"))\n',
        'def f(u, t):\n    title = _("新：%(t)s", t=t)\n    notify(u, "k", title)\n',
        'def f(u, o, n):\n    notify(u, "k", _l("x"), f"{o.handling_label}: {n}")\n',
        'def f(d, r):\n    tell_parties(d, None, "k", _l("x"), gettext("y"), "d")\n',
        'def f(r):\n    tell_payer(r, title=str(_l("x")))\n',
    ],
)
def test_the_check_finds_eager_messages(source):
    assert eager_message_args(source)


@pytest.mark.parametrize(
    "source",
    [
        'def f(u, t):\n    notify(u, "k", _l("新：%(t)s", t=t), t, "/x")\n',
        'def f(u, o, n):\n    h = o.handling_label\n    notify(u, "k", "t", lambda: f"{h}: {n}")\n',
        'def f(r):\n    tell_operators("k", "Stripe", f"{r.id}: bad", "/p", "d")\n',
    ],
)
def test_the_check_accepts_lazy_messages_and_data(source):
    assert eager_message_args(source) == []


def test_no_caller_passes_text_rendered_in_the_actors_language():
    problems: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        problems += eager_message_args(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent))
        )
    assert not problems, "\n".join(problems)
