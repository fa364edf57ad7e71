"""The concepts of a listing to match on, and how much each counts.

Its words and thesaurus phrases (title x3, keywords x2, body, indicators),
without numbers, units and generic words; a compound's dictionary parts count
a little, under the compound's name. Each is weighted by its IDF, smoothed
towards a prior from general language (jieba's word frequencies; plain
English words, which the trade thesaurus does not know, count as common): a
small index cannot tell "heavy" from "heavy metal" by its own counts, a large
one can. See matching.py for how they are matched.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .analysis import _CJK, analyze, compound_parts, stem, warm_up
from .schema import as_text
from .thesaurus import get_thesaurus

#: How many concepts of the source listing go into the query.
MAX_CONCEPTS = 24
#: Weight of each part of the source listing.
PART_WEIGHTS = (("title", 3.0), ("keywords", 2.0), ("body", 1.0), ("indicators", 0.7))
SYNONYM_WEIGHT = 0.7
RELATED_WEIGHT = 0.25
#: A remedy of a problem word (脱落 -> 附着力), and the reverse.
REMEDY_WEIGHT = 0.45
#: A dictionary translation (CC-CEDICT) not in the trade thesaurus, x its
#: sense weight and never above a thesaurus synonym.
TRANSLATION_WEIGHT = 0.8
#: A word the market's own listings use with the concept (co-occurrence).
COOCCUR_WEIGHT = 0.2
SUBWORD_WEIGHT = 0.35
#: The prior mixed into every document frequency: this many pseudo-documents
#: of general language, of about DOC_WORDS words each. It decides in a small
#: index and fades in a large one.
PRIOR_DOCS = 1000
DOC_WORDS = 100
#: Share of general-language documents holding a plain English word (one the
#: thesaurus does not list); trade terms count as jieba's dictionary has them.
PLAIN_ENGLISH_RATE = 0.02
TRADE_TERM_FREQ = 3000
#: A part of a compound used more than this in general language is no concept.
SUBWORD_MAX_RATE = 0.01
#: The unit of evidence (see matching.EVIDENCE): the IDF of a term held by
#: this share of the documents.
REF_DF_RATE = 0.005
#: Words too generic to choose a partner by (IDF alone misses them in small
#: indexes): everyday words, patent boilerplate, English function words.
GENERIC = frozenset(
    """
    技术 方法 装置 系统 产品 问题 提高 实现 提供 用于 采用 包括 进行 具有 目前 公司 企业 需要 希望 解决 一种 本发明 发明 实用新型 所述 通过
    使用 能够 以及 相关 现有 设备 进一步 有效 明显 显著 主要 工作 研究 开发 应用 效果 方式 结构 过程 生产 客户 我们 想 找 寻求 合作 目的
    涉及 领域 步骤 特征 优点 其中 不 好 大 小 高 低 新 method system device apparatu invent provid use
    compris includ base wherein present improv problem compani need want seek
    looking find product process make made one two first second thereof said also
    can use high low new good look want cheap way lot interest time long per too
    like better some customer buyer help offer kind able able get within after year
    month day 孩子 家长 顾客 客户 厂 车间 工人 东西 办法 方案 找到 引进 做 想要 最好 比较 现在 一些 老是 经常 很多 不会
    公开 在于 属于 实施例 权利要求 disclose characterised characterized contain consist
    according embodiment claim thereby therein whereby suitable between above below
    without only less via
    """.split()  # noqa: SIM905 (a word list, kept compact)
)
GENERIC = frozenset(stem(w) if w.isascii() else w for w in GENERIC)

_NUMBER = re.compile(r"[0-9.%]+")
#: Chinese numerals, and what may follow one in a count ("三个", "十年", "第二").
_ZH_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
_ZH_COUNTED = frozenset("个次年月天日周倍片台件种元块层道副套位名款份")


@dataclass
class _Concept:
    key: str
    #: The source's own word for it (for a part of a compound: the compound).
    surface: str
    weight: float = 0.0
    alts: dict[str, float] = field(default_factory=dict)
    exact: bool = True


# -- concepts of the source ------------------------------------------------------


def _is_number_word(text: str) -> bool:
    if _NUMBER.fullmatch(text):
        return True
    body = text[1:] if text[0] == "第" else text
    if body and body[-1] in _ZH_COUNTED and len(body) > 1:
        body = body[:-1]
    return bool(body) and all(ch in _ZH_NUMERALS for ch in body)


@lru_cache(maxsize=262144)
def _is_concept_word(text: str) -> bool:
    """Whether an index term can stand for a concept to match on.

    Not: generic words, numbers (circled digits fold to digits), counts
    ("三个"), single characters, quantities with a unit ("30min", "4h"), and
    Latin words of one or two letters; trade terms the thesaurus lists
    ("pc", "tr90", "316l") always can.
    """
    if not text or text in GENERIC or _is_number_word(text):
        return False
    if get_thesaurus().by_key.get(text):
        return True
    if _CJK.search(text):
        return len(text) > 1
    letters = sum(ch.isalpha() for ch in text)
    if any(ch.isdigit() for ch in text):
        # A model code starts with letters (cr39); a quantity with its number.
        return text[0].isalpha() and letters >= 2
    return letters >= 3


def _is_unit(words, i: int, value: str) -> bool:
    """A short Latin word right after a number ("180 mg", "30 min"): a unit."""
    w = words[i]
    if i == 0 or not w.text.isascii() or not w.text.isalpha() or len(w.text) > 3:
        return False
    prev = words[i - 1]
    return bool(_NUMBER.fullmatch(prev.text)) and not value[prev.end : w.start].strip()


@lru_cache(maxsize=65536)
def _parts(word: str) -> frozenset[str]:
    """The words jieba would cut a compound into if it were not one word.

    A search-mode sub-word across that cut is a fragment (动检 of 自动检测).
    """
    return frozenset(compound_parts(word))


@lru_cache(maxsize=65536)
def _is_specific_part(sub: str, word: str) -> bool:
    """Whether a part of a compound counts on its own (under the compound's name).

    Only a word of the compound's own cut that jieba knows and general language
    seldom uses: 检测 of 自动检测 counts, 动检 does not.
    """
    return (
        sub in _parts(word)
        and bool(warm_up().FREQ.get(sub))
        and _is_concept_word(sub)
        and _prior_rate(sub) <= SUBWORD_MAX_RATE
    )


def _source_concepts(doc: dict, analysed: dict | None = None) -> dict[str, _Concept]:
    """The listing's concepts by key (``analysed``: its parts' words, where
    known already, as :func:`analyze` gives them)."""
    th = get_thesaurus()
    found: dict[str, _Concept] = {}
    tf: dict[str, float] = defaultdict(float)

    def add(key: str, surface: str, weight: float, exact: bool) -> None:
        tf[key] += weight
        c = found.get(key)
        if c is None:
            found[key] = _Concept(key, surface, exact=exact)
        elif exact and not c.exact:
            # Shown as the word itself once the source has it on its own.
            c.surface, c.exact = surface, True

    for name, weight in PART_WEIGHTS:
        value = as_text(doc.get(name))
        words = analysed[name] if analysed and name in analysed else analyze(value)
        # Words of a multi-word trade term: the modifiers are no concepts of
        # their own ("heavy" of "heavy metal"), the head a weak one.
        heads: set[int] = set()
        inside: set[int] = set()
        for s, e, key in th.find([w.text for w in words]):
            surface = value[words[s].start : words[e - 1].end]
            add(key, surface, weight, True)
            inside.update(range(s, e))
            heads.add(e - 1)
        for i, w in enumerate(words):
            if i in inside:
                if i in heads and _is_concept_word(w.text):
                    add(w.text, value[w.start : w.end], weight * SUBWORD_WEIGHT, False)
                continue
            if not _is_concept_word(w.text) or _is_unit(words, i, value):
                continue
            surface = value[w.start : w.end]
            add(w.text, surface, weight, True)
            for sub in w.subs:
                if _is_specific_part(sub, w.text):
                    add(sub, surface, weight * SUBWORD_WEIGHT, False)
    merged: dict[str, _Concept] = {}
    for key, c in found.items():
        # Words of one synonym group are one concept, weighted by their sum.
        groups = th.expand(key)
        canon = min(groups) if groups else key
        if canon in merged:
            m = merged[canon]
            m.weight += tf[key]
            if c.exact and not m.exact:
                m.surface, m.exact = c.surface, True
        else:
            c.weight = tf[key]
            merged[canon] = c
    return merged


def _rate(freq: float) -> float:
    """Share of DOC_WORDS-word documents holding a word of jieba frequency ``freq``."""
    tk = warm_up()
    return 1.0 - math.exp(-DOC_WORDS * freq / tk.total)


def _prior_rate(term: str) -> float:
    """Share of general-language documents holding the term (the IDF prior)."""
    if term in get_thesaurus().by_key:
        return _rate(TRADE_TERM_FREQ)
    if _CJK.search(term):
        return _rate(warm_up().FREQ.get(term, 0))
    return PLAIN_ENGLISH_RATE


def _idf(snap, term: str) -> float:
    """BM25's IDF over the index, where a word more common in general language
    than a trade term counts as held by PRIOR_DOCS x the excess more documents
    (decisive in a small index, fading in a large one)."""
    df = len(_postings(snap, "text", term, snap.n + 1))
    if not df:
        return 0.0
    n = max(snap.doc_count, 1)
    # Postings of replaced documents stay until a merge: never more holders than documents.
    df = min(df, n)
    extra = PRIOR_DOCS * max(0.0, _prior_rate(term) - _rate(TRADE_TERM_FREQ))
    return math.log(1 + max(0.0, n - df + 0.5) / (df + extra + 0.5))


def _reference_idf(snap) -> float:
    """IDF of a specific term: held by REF_DF_RATE of the documents (by one
    document in an index too small for that). The unit of evidence."""
    n = max(snap.doc_count, 1)
    df = max(1.0, REF_DF_RATE * n)
    return math.log(1 + max(0.5, n - df + 0.5) / (df + 0.5))


#: How many alternatives of each kind a concept is looked for by.
MAX_ALTERNATIVES = {
    "synonym": 16,
    "remedy": 12,
    "problem": 12,
    "related": 8,
    "translation": 8,
    "cooccur": 6,
}


@lru_cache(maxsize=65536)
def _alternatives(key: str) -> tuple[tuple[str, float, str], ...]:
    th = get_thesaurus()
    alts: dict[str, tuple[float, str]] = {key: (1.0, "same")}

    def add(words, weight: float, rel: str) -> None:
        # Sorted, shortest first: set order would make results vary per process.
        words = [w for w in sorted(words, key=lambda k: (len(k), k)) if w not in alts]
        for s in words[: MAX_ALTERNATIVES[rel]]:
            alts[s] = (weight, "related" if rel == "cooccur" else rel)

    add(th.expand(key), SYNONYM_WEIGHT, "synonym")
    add(th.remedies(key), REMEDY_WEIGHT, "remedy")
    add(th.problems(key), REMEDY_WEIGHT, "problem")
    add(th.related(key), RELATED_WEIGHT, "related")
    for word, w in th.weighted_translations(key):
        add([word], min(TRANSLATION_WEIGHT * w, SYNONYM_WEIGHT), "translation")
    add(th.cooccurring(key), COOCCUR_WEIGHT, "cooccur")
    items = sorted(alts.items(), key=lambda kv: -kv[1][0])
    return tuple((a, w, r) for a, (w, r) in items)


@lru_cache(maxsize=65536)
def alternatives(key: str) -> dict[str, float]:
    """The concept's words and their weights, best first: the word, its
    synonyms, the remedies of a problem (or the problems a remedy cures),
    related groups, dictionary translations, words the market's listings use
    with it. (Shared: not to be changed.)"""
    return {a: w for a, w, _ in _alternatives(key)}


def relation(key: str, alt: str) -> str:
    """How ``alt`` stands to the concept ``key``: same, synonym, remedy (alt
    cures the problem key), problem (alt is what key cures), related,
    translation."""
    for a, _, r in _alternatives(key):
        if a == alt:
            return r
    return "related"


def _choose(snap, found: dict[str, _Concept]) -> list[_Concept]:
    chosen = []
    for key, c in found.items():
        alts = alternatives(key)
        idfs = {a: _idf(snap, a) for a in alts}
        best = max((idfs[a] * w for a, w in alts.items() if a in idfs), default=0.0)
        if best <= 0:
            continue
        c.alts = {a: w for a, w in alts.items() if idfs.get(a)}
        tf = c.weight
        c.weight = best * (tf * 2.2) / (tf + 1.2)
        chosen.append(c)
    chosen.sort(key=lambda c: (-c.weight, c.key))
    return chosen[:MAX_CONCEPTS]


def _postings(snap, fieldname: str, key: str, cap: int) -> np.ndarray:
    """Docnums holding the key (all words of a phrase); empty past ``cap`` docs."""
    found = None
    for word in key.split():
        ids = snap.postings(fieldname, word)[0]
        if not len(ids) or len(ids) > cap:
            return _NONE
        found = ids if found is None else np.intersect1d(found, ids, assume_unique=True)
    return _NONE if found is None else found


_NONE = np.zeros(0, np.int32)
