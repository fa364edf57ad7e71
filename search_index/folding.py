"""Folding text for the index: width and compatibility forms (NFKC), case, and
traditional to simplified Chinese, with offsets back into the original text.

Folding runs on every text indexed and every snippet highlighted, so the
common case is fast: when a text holds no character whose NFKC form depends
on its neighbours (combining marks, Hangul jamo, the second half of a
composition, anything beyond the Basic Multilingual Plane) and none that
folds to more than one character, folding is a per-character table applied
with one regular expression. Every other text takes the exact path.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

_lock = threading.Lock()


class _Tables(NamedTuple):
    t2s: dict[int, str]
    #: Characters of a lower-cased text that still change, and what into.
    change: re.Pattern
    table: dict[str, str]
    #: Characters that send a text down the exact path.
    unsafe: re.Pattern


_tables: _Tables | None = None


def _load_t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    try:
        import opencc  # optional: without it the built-in table serves

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 2 and len(parts[0]) == 1:
                simple = parts[1].split()[0]
                if len(simple) == 1 and simple != parts[0]:
                    table[ord(parts[0])] = simple
    except (ImportError, OSError):  # pragma: no cover - folding degrades gracefully
        pass
    return table


def _char_class(chars) -> str:
    """A regular-expression class of ``chars``, as ranges."""
    points = sorted(map(ord, chars))
    ranges = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return f"[{body}]"


#: Blocks whose characters may take the fast path (after the checks in _build):
#: Latin, Greek, punctuation, CJK symbols, ideographs and full-width forms. Text
#: with any other character takes the exact path.
FAST_BLOCKS = (
    (0x0000, 0x024F),
    (0x0370, 0x03FF),
    (0x2000, 0x206F),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
)


def _build() -> _Tables:
    t2s = _load_t2s()
    seconds = set()  # characters that can end a canonical composition
    for cp in range(0x10000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    folds = {}
    for lo, hi in FAST_BLOCKS:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            nfkc = (
                unicodedata.normalize("NFKC", c) if unicodedata.decomposition(c) else c
            )
            folded = nfkc.lower()
            if len(folded) != 1 or len(c.lower()) != 1:
                continue
            if any(
                unicodedata.combining(x) or x in seconds or "\u1100" <= x <= "\u11ff"
                for x in unicodedata.normalize("NFKD", c)
            ):
                continue
            folds[c] = t2s.get(ord(folded), folded)
    # A character is safe when its lower-case form is too and folds the same.
    safe = [c for c, f in folds.items() if folds.get(c.lower()) == f]
    table = {c: folds[c] for c in safe if folds[c] != c}
    unsafe = re.compile("[^" + _char_class(safe)[1:])
    return _Tables(t2s, re.compile(_char_class(table)), table, unsafe)


def load() -> _Tables:
    """Build the folding tables once per process (about a tenth of a second)."""
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _build()
    return _tables


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Fold width (NFKC), case and traditional characters; map back to offsets.

    Returns the folded text and, when its length differs from the input, the
    index in the input of every folded character (None means the identity).
    """
    t = _tables or load()
    if not t.unsafe.search(text):
        folded = text.lower()
        # Few distinct characters change (full-width punctuation mostly):
        # str.replace per character beats a per-character callback.
        for c in set(t.change.findall(folded)):
            folded = folded.replace(c, t.table[c])
        return folded, None
    return normalize_exactly(text)


def normalize_exactly(text: str) -> tuple[str, list[int] | None]:
    """:func:`normalize` by the book (whole-text NFKC), for any text."""
    table = (_tables or load()).t2s
    if not unicodedata.is_normalized("NFKC", text):
        folded = unicodedata.normalize("NFKC", text)
        if len(folded) != len(text):
            return _fold_slowly(text)
        text_nfkc = folded
    else:
        text_nfkc = text
    folded = text_nfkc.lower().translate(table)
    if len(folded) == len(text):
        return folded, None
    return _fold_slowly(text)


def _fold_slowly(text: str) -> tuple[str, list[int] | None]:
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        out = fold_char(ch)
        pieces.append(out)
        origin.extend([i] * len(out))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(o == i for i, o in enumerate(origin)):
        return folded, None
    return folded, origin


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One character folded on its own."""
    return unicodedata.normalize("NFKC", ch).lower().translate((_tables or load()).t2s)
