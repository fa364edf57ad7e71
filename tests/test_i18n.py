"""The English catalog: every message in the source is translated, placeholders survive,
and the language switch shows the English UI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "marketplace" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}
# %(name)s / %(n)d style, a literal %%, bare %s, and str.format fields.
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|%[sdifr]|\{[^{}]*\}"
)


def _source_messages() -> dict[tuple[str, str | None], str]:
    """(msgid, context) → first location, for everything babel.cfg extracts."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(ROOT / "babel.cfg"))
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _catalog():
    with open(EN_PO, "rb") as f:
        return read_po(f, locale="en")


def _strings(message) -> list[str]:
    if isinstance(message.string, (tuple, list)):
        return list(message.string)
    return [message.string]


def _ids(message) -> list[str]:
    if isinstance(message.id, (tuple, list)):
        return list(message.id)
    return [message.id]


def test_every_source_message_has_an_english_translation():
    source = _source_messages()
    assert len(source) > 100, "extraction found suspiciously few messages"
    catalog = _catalog()
    missing = []
    for (msgid, context), where in sorted(source.items(), key=lambda kv: kv[1]):
        message = catalog.get(msgid, context=context)
        if message is None:
            missing.append(f"{where}: {msgid!r} (not in the catalog)")
        elif message.fuzzy:
            missing.append(f"{where}: {msgid!r} (fuzzy)")
        elif not all(s.strip() for s in _strings(message)):
            missing.append(f"{where}: {msgid!r} (empty msgstr)")
    assert not missing, (
        f"{len(missing)} message(s) lack an English translation; run `make extract-messages`, "
        "`pybabel update` and translate them:\n" + "\n".join(missing)
    )


def test_translations_keep_the_placeholders_of_the_source():
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for string in _strings(message):
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{message.id!r} → {string!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", ["/"])
def test_language_switch_shows_the_english_ui(client, path):
    zh = client.get(path)
    assert zh.status_code == 200
    zh_html = zh.get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh_html
    assert "瓯海科技大市场" in zh_html

    en = client.get(f"{path}?lang=en")
    assert en.status_code == 200
    en_html = en.get_data(as_text=True)
    assert '<html lang="en">' in en_html
    assert "Ouhai Technology Market" in en_html
    assert "瓯海科技大市场" not in en_html
