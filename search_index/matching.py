"""Match needs to achievements and back: weighted concept queries, then re-ranking.

1. Concepts of the source listing (title x3, keywords x2, body, indicators):
   its words and thesaurus phrases, without numbers, units and generic words;
   a compound's dictionary parts count a little, under the compound's name.
2. Each concept is weighted by its IDF, smoothed towards a prior from general
   language (jieba's word frequencies; plain English words, which the trade
   thesaurus does not know, count as common): a small index cannot tell
   "heavy" from "heavy metal" by its own counts, a large one can.
3. Posting lists of each concept and its synonyms (and, weaker, related
   groups) score every document; the best are checked against the partner's
   stored text: a word only counts where it stands on its own (not as the
   modifier of another trade term, "heavy" in "heavy metal"), never in the
   organisation's name, and the reasons name the source's word and the
   partner's own words for it.
4. One score orders the list and is shown: coverage of the source's
   concepts and text score, both against what the source itself could reach
   (not the list's best), scaled by the strength of the matched evidence, plus
   small field/TRL/price/cooperation adjustments. A candidate's score does not
   depend on the other candidates; a source of one or two weak words stays low.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .analysis import (
    _FROM_PLACEHOLDER,
    _TO_PLACEHOLDER,
    analyze,
    normalize,
    piece_terms,
    stem,
    warm_up,
)
from .engine import filter_mask
from .highlight import decode_spec, highlight_spec
from .indexer import SearchIndex
from .query import _filter_key
from .schema import HIGHLIGHT_SPEC, NO_PRICE, RELATED_FIELDS, as_text
from .thesaurus import MAX_MEMBER_WORDS, get_thesaurus

#: How many concepts of the source listing go into the query, and candidates re-ranked.
MAX_CONCEPTS = 24
CANDIDATES = 60
#: Terms in more than this share of documents are not walked (see _accumulate).
DF_CAP = 0.08
DF_CAP_DOCS = 3000
#: Extra weight for a concept found in the title; BM25 length normalisation.
TITLE_BONUS = 0.5
BM25_K1 = 1.2
BM25_B = 0.5
#: Weight of each part of the source listing.
PART_WEIGHTS = (("title", 3.0), ("keywords", 2.0), ("body", 1.0), ("indicators", 0.7))
SYNONYM_WEIGHT = 0.7
RELATED_WEIGHT = 0.25
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
#: Weights of the parts of the final score (the list is ordered by it).
COVERAGE_SHARE = 0.55
TEXT_SHARE = 0.45
#: The score is absolute: the text score is measured against what the source
#: itself could reach (a partner holding all its concepts, in the title), and
#: the whole is scaled by the strength of the evidence, 1 - exp(-E / EVIDENCE),
#: where E is the matched concept weight in units of a specific term's IDF (a
#: term held by REF_DF_RATE of the documents, or by one in a small index). One
#: specific word matched scores at most about half; a generic word, far less.
EVIDENCE = 2.0
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

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NUMBER = re.compile(r"[0-9.%]+")
#: Chinese numerals, and what may follow one in a count ("三个", "十年", "第二").
_ZH_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
_ZH_COUNTED = frozenset("个次年月天日周倍片台件种元块层道副套位名款份")


@dataclass
class Match:
    """A ranked partner listing with its score (0-100) and JSON-ready reasons."""

    id: int
    score: float
    reasons: dict = field(default_factory=dict)


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
    tk = warm_up()
    coded = word.translate(_TO_PLACEHOLDER)
    n = len(coded)
    dag = tk.get_DAG(coded)
    dag[0] = [j for j in dag[0] if j != n - 1] or [0]
    route: dict = {}
    tk.calc(coded, dag, route)
    out, i = [], 0
    while i < n:
        j = route[i][1] + 1
        out.append(coded[i:j].translate(_FROM_PLACEHOLDER))
        i = j
    return frozenset(out)


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


def _source_concepts(doc: dict) -> dict[str, _Concept]:
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
        words = analyze(value)
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
    extra = PRIOR_DOCS * max(0.0, _prior_rate(term) - _rate(TRADE_TERM_FREQ))
    return math.log(1 + max(0.0, n - df + 0.5) / (df + extra + 0.5))


def _reference_idf(snap) -> float:
    """IDF of a specific term: held by REF_DF_RATE of the documents (by one
    document in an index too small for that). The unit of evidence."""
    n = max(snap.doc_count, 1)
    df = max(1.0, REF_DF_RATE * n)
    return math.log(1 + max(0.5, n - df + 0.5) / (df + 0.5))


def _choose(snap, found: dict[str, _Concept]) -> list[_Concept]:
    th = get_thesaurus()
    chosen = []
    for key, c in found.items():
        alts = {key: 1.0}
        # Sorted, shortest first: set order would make results vary per process.
        for s in sorted(th.expand(key), key=lambda k: (len(k), k)):
            alts.setdefault(s, SYNONYM_WEIGHT)
        for s in sorted(th.related(key), key=lambda k: (len(k), k)):
            alts.setdefault(s, RELATED_WEIGHT)
        idfs = {a: _idf(snap, a) for a in list(alts)[:16]}
        best = max((idfs[a] * w for a, w in alts.items() if a in idfs), default=0.0)
        if best <= 0:
            continue
        c.alts = {a: w for a, w in alts.items() if idfs.get(a)}
        tf = c.weight
        c.weight = best * (tf * 2.2) / (tf + 1.2)
        chosen.append(c)
    chosen.sort(key=lambda c: (-c.weight, c.key))
    return chosen[:MAX_CONCEPTS]


# -- fit of the other facts ----------------------------------------------------


def _field(value: str | None) -> str | None:
    # The index stores a missing field as "other": both mean "not known".
    return None if not value or value == "other" else value


def _field_fit(a: str | None, b: str | None) -> dict:
    a, b = _field(a), _field(b)
    if not a or not b:
        return {"fit": "unknown", "source": a, "target": b}
    if a == b:
        fit = "same"
    elif frozenset({a, b}) in RELATED_FIELDS:
        fit = "related"
    else:
        fit = "different"
    return {"fit": fit, "source": a, "target": b, "label": f"{a} / {b}"}


def _trl_fit(need_min, trl) -> dict:
    fit = (
        "unknown"
        if not need_min or not trl
        else "meets"
        if trl >= need_min
        else "below"
    )
    return {"need_min": need_min, "trl": trl, "fit": fit}


def _price_fit(price, budget_max) -> dict:
    price = None if price == NO_PRICE else price
    budget_max = None if budget_max == NO_PRICE else budget_max
    if price is None or budget_max is None:
        fit = "unknown"
    else:
        fit = "within" if price <= budget_max else "above"
    return {"price_fen": price, "budget_max_fen": budget_max, "fit": fit}


_ADJUST = {
    "same": 0.06,
    "related": 0.02,
    "different": -0.04,
    "meets": 0.03,
    "below": -0.06,
    "within": 0.03,
    "above": -0.05,
    "unknown": 0.0,
}


# -- retrieval -------------------------------------------------------------------


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


class _Hits(NamedTuple):
    """What the posting lists say about one candidate document."""

    #: BM25-style length normalisation of the document.
    norm: float
    #: Per concept (index into the chosen list): its alternatives in the
    #: document, best first, and whether the concept's own key is in the title.
    concepts: dict[int, tuple[list[str], bool]]


def _accumulate(snap, chosen: list[_Concept], allowed: np.ndarray) -> dict[int, _Hits]:
    """Score-at-a-time retrieval: concept weight x best alternative, per document.

    Terms held by more than DF_CAP of the documents (weak evidence) are
    skipped. Dense numpy arrays, one slot per document. Returns the best
    CANDIDATES documents.
    """
    cap = max(50, min(int(DF_CAP * snap.n), DF_CAP_DOCS))
    acc = np.zeros(snap.n, np.float64)
    # Per concept: (docnums, alternative numbers) sorted by doc, best first; title docs.
    per_concept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for c in chosen:
        docs, which = [], []
        for j, alt in enumerate(c.alts):
            d = _postings(snap, "text", alt, cap)
            if len(d):
                docs.append(d)
                which.append(np.full(len(d), j))
        title = _postings(snap, "title", c.key, cap)
        if not docs:
            per_concept.append((_NONE, _NONE, _NONE))
            continue
        d, j = np.concatenate(docs), np.concatenate(which)
        weights = np.array(list(c.alts.values()))
        order = np.lexsort((-weights[j], d))  # by doc, best alternative first
        d, j = d[order], j[order]
        keep = allowed[d]
        d, j = d[keep], j[keep]
        per_concept.append((d, j, title))
        first = np.ones(len(d), bool)
        first[1:] = d[1:] != d[:-1]
        best_d, best_w = d[first], weights[j[first]]
        if len(title):
            best_w = best_w + TITLE_BONUS * np.isin(best_d, title)
        acc[best_d] += c.weight * best_w
    cand = np.flatnonzero(acc)
    if len(cand) > CANDIDATES * 3:
        order = np.lexsort((cand, -acc[cand]))
        cand = cand[order[: CANDIDATES * 3]]
    avg = snap.avg_length("text")
    length = snap.lengths("text")[cand].astype(np.float64)
    length[length == 0] = 1
    norm = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
    raw = acc[cand] * norm
    order = np.lexsort((cand, -raw))[:CANDIDATES]
    out = {int(cand[k]): _Hits(float(norm[k]), {}) for k in order.tolist()}
    keep = np.array(sorted(out), dtype=np.int64)
    kept = np.zeros(snap.n, bool)
    kept[keep] = True
    for i, (d, j, title) in enumerate(per_concept):
        if not len(d):
            continue
        sel = kept[d]
        alts = list(chosen[i].alts)
        titled = set(title[kept[title]].tolist()) if len(title) else ()
        for doc, alt in zip(d[sel].tolist(), j[sel].tolist(), strict=True):
            entry = out[doc].concepts.get(i)
            if entry is None:
                entry = out[doc].concepts[i] = ([], doc in titled)
            entry[0].append(alts[alt])
    return out


# -- the partner's own words -------------------------------------------------------


class _Text:
    """A stored text of the partner: folded, with its analysed words' bounds;
    their terms are worked out as they are looked at."""

    __slots__ = ("_terms", "ends", "folded", "origin", "starts", "text")

    def __init__(self, text: str, spec: bytes):
        self.text = text
        self.folded, self.origin = normalize(text)
        starts, ends = decode_spec(spec)
        self.starts, self.ends = list(starts), list(ends)
        self._terms: list = [None] * len(self.starts)

    def term(self, i: int) -> tuple[str, tuple[str, ...], bool]:
        """(text, subs, oov) of word i, as the index has it."""
        got = self._terms[i]
        if got is None:
            got = self._terms[i] = piece_terms(
                self.folded[self.starts[i] : self.ends[i]]
            )
        return got

    def modifies(self, i: int, alts: dict[str, float]) -> bool:
        """Whether word i stands in a multi-word trade term other than ``alts``
        and is not its last word ("heavy" of "heavy metal")."""
        phrases = _phrase_index()
        n = len(self.starts)
        for s in range(max(0, i - MAX_MEMBER_WORDS + 2), i + 1):
            for key, rest in phrases.get(self.term(s)[0], ()):
                end = s + len(rest)  # the key's last word
                if (
                    i < end < n
                    and key not in alts
                    and all(self.term(s + k)[0] == w for k, w in enumerate(rest, 1))
                ):
                    return True
        return False


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Multi-word thesaurus keys by their first word: (key, the other words)."""
    out: dict[str, list] = {}
    for key in get_thesaurus().by_key:
        words = key.split()
        if len(words) > 1:
            out.setdefault(words[0], []).append((key, tuple(words[1:])))
    return out


@lru_cache(maxsize=2048)
def _partner_text(text: str, spec: bytes | None) -> _Text:
    if spec is None:  # an index written before the specs were stored
        spec = highlight_spec(text)
    return _Text(text, spec)


def _texts(stored: dict) -> list[_Text]:
    specs = stored.get(HIGHLIGHT_SPEC) or (None, None, None)
    out = []
    for name, spec in zip(("title", "keywords", "body"), specs, strict=False):
        text = stored.get(name)
        if text:
            out.append(_partner_text(text, spec or None))
    return out


def _surface(t: _Text, first: int, last: int) -> str:
    start, end = t.starts[first], t.ends[last]
    if t.origin is not None:
        start, end = t.origin[start], t.origin[end - 1] + 1
    return t.text[start:end]


@lru_cache(maxsize=65536)
def _probe(alt: str) -> tuple[list[str], bool, str]:
    """(words, Chinese?, what every word indexed as the first word contains)."""
    words = alt.split()
    cjk = bool(_CJK.search(words[0]))
    # A Porter stem differs from its word in the last letter at most.
    return words, cjk, words[0] if cjk or len(words[0]) < 3 else words[0][:-1]


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return normalize(text)[0]


def _find(t: _Text, alt: str, alts: dict[str, float]) -> tuple[str | None, bool]:
    """(the partner's word(s) where it holds ``alt`` on its own, or None;
    whether it holds ``alt`` at all, perhaps only as a modifier).

    "On its own": not as the modifier of a multi-word trade term that is not
    itself one of the concept's alternatives ("heavy" of "heavy metal").
    """
    words, cjk, probe = _probe(alt)
    first = words[0]
    seen = False
    n = len(t.starts)
    pos = t.folded.find(probe)
    while pos >= 0:
        i = bisect_right(t.starts, pos) - 1
        if i >= 0 and pos + len(probe) <= t.ends[i]:
            text, subs, _ = t.term(i)
            last = i + len(words) - 1
            if (
                (text == first or (cjk and first in subs))
                and last < n
                and all(t.term(i + k)[0] == w for k, w in enumerate(words[1:], 1))
            ):
                seen = True
                if len(words) > 1 or not t.modifies(i, alts):
                    return _surface(t, i, last), True
        pos = t.folded.find(probe, pos + 1)
    return None, seen


def _org_holds(stored: dict, alts: list[str]) -> bool:
    org = stored.get("org_name")
    if not org:
        return False
    t = _partner_text(org, None)
    return any(_find(t, a, {})[1] for a in alts)


class _Evidence(NamedTuple):
    weight: float
    #: The partner's own words for the concept (empty when not in its stored text).
    forms: list[str]
    relation: str


#: How many of the partner's words a reason shows for one concept, and for
#: how many concepts (the strongest).
MAX_FORMS = 4
MAX_REASON_TERMS = 8


def _verify(
    stored: dict, c: _Concept, alts: list[str], max_forms: int = 0
) -> _Evidence | None:
    """The best alternative the partner holds on its own, and up to
    ``max_forms`` of its words for the concept (those of the best
    alternative's kind: the term or its synonyms, else the related groups).

    Words only inside the organisation's name do not count; what the stored
    texts do not show (indicators) counts unverified, without words. Without
    words wanted, a single word that modifies no trade term and is not in the
    organisation's name counts as its posting list says, unread.
    """
    texts = None
    best = None
    seen = False
    forms: list[str] = []
    for alt in alts:  # best first
        if best is not None and (
            len(forms) >= max_forms
            or _is_related(c.alts[alt]) != _is_related(c.alts[best])
        ):
            break
        if not max_forms and not _needs_reading(stored, alt):
            best = alt
            break
        if texts is None:
            texts = _texts(stored)
        for t in texts:
            form, there = _find(t, alt, c.alts)
            seen = seen or there
            if form is None:
                continue
            if best is None:
                best = alt
            if form.casefold() not in (f.casefold() for f in forms):
                forms.append(form)
            if len(forms) >= max_forms:
                break
    if best is None:
        # Only as a modifier of another term, or only in the organisation's
        # name: no evidence. Elsewhere (indicators are not stored): unverified.
        if seen or _org_holds(stored, alts):
            return None
        best = alts[0]
    w = c.alts[best]
    if _is_related(w):
        relation = "related"
    elif not c.exact:
        relation = "part"
    else:
        relation = "same" if best == c.key else "synonym"
    return _Evidence(w, forms, relation)


@lru_cache(maxsize=1)
def _modifier_words() -> frozenset[str]:
    """Words that stand before another in some multi-word thesaurus key."""
    return frozenset(w for key in get_thesaurus().by_key for w in key.split()[:-1])


def _needs_reading(stored: dict, alt: str) -> bool:
    """Whether the posting list alone may mislead about the alternative: a
    phrase (its words must be adjacent), a word that may modify a trade term,
    or one the organisation's name may hold."""
    if " " in alt or alt in _modifier_words():
        return True
    org = stored.get("org_name")
    return bool(org) and _probe(alt)[2] in _fold(org)


def _is_related(weight: float) -> bool:
    return weight < SYNONYM_WEIGHT


# -- matching ----------------------------------------------------------------------


def _match(index: SearchIndex, source: dict, target_kind: str, limit: int):
    snap = index.snapshot(target_kind)
    chosen = _choose(snap, _source_concepts(source))
    if not chosen:
        return []
    allowed = filter_mask(snap, _filter_key(None))
    if source.get("org_id") is not None:
        own = filter_mask(snap, _filter_key({"org_id": source["org_id"]}))
        allowed = allowed & ~own if own.any() else allowed
    hits = _accumulate(snap, chosen, allowed)
    total_weight = sum(c.weight for c in chosen)
    unit = _reference_idf(snap)
    checked = []
    for docnum, h in hits.items():
        stored = snap.stored_fields(docnum)
        matched = []
        raw = 0.0
        for i, (alts, in_title) in sorted(h.concepts.items()):
            c = chosen[i]
            ev = _verify(stored, c, alts)
            if ev is None:
                continue
            raw += c.weight * (ev.weight + (TITLE_BONUS if in_title else 0.0))
            matched.append((c, alts, ev))
        if matched:
            checked.append((raw * h.norm, docnum, stored, matched))
    if not checked:
        return []
    # What the source itself could reach: a partner of average length holding
    # all its concepts in the title. Not the list's best: a candidate's score
    # does not depend on the others.
    ideal = total_weight * (1.0 + TITLE_BONUS)
    out = []
    for raw, docnum, stored, matched in checked:
        # A synonym covers the concept (the same thing in other words); a
        # related group covers it only in part.
        covered = sum(
            c.weight * min(1.0, ev.weight / SYNONYM_WEIGHT) for c, _, ev in matched
        )
        coverage = covered / total_weight
        text = min(1.0, raw / ideal)
        strength = 1.0 - math.exp(-covered / unit / EVIDENCE)
        if target_kind == "achievements":
            trl = _trl_fit(source.get("trl_min"), stored.get("trl"))
            price = _price_fit(stored.get("price"), source.get("budget_max_fen"))
        else:
            trl = _trl_fit(stored.get("trl"), source.get("trl"))
            price = _price_fit(source.get("price_fen"), stored.get("price"))
        ffit = _field_fit(source.get("field"), stored.get("field"))
        mine = set(source.get("cooperation_modes") or [])
        theirs = set((stored.get("cooperation_modes") or "").split(",")) - {""}
        shared = sorted(mine & theirs)
        adjust = _ADJUST[ffit["fit"]] + _ADJUST[trl["fit"]] + _ADJUST[price["fit"]]
        if mine and theirs:
            adjust += 0.02 if shared else -0.02
        value = strength * (COVERAGE_SHARE * coverage + TEXT_SHARE * text) + adjust
        reasons = {
            "field_fit": ffit,
            "trl_fit": trl,
            "price_fit": price,
            "cooperation_fit": {"shared": shared},
            "text_score": round(text, 3),
            "coverage": round(coverage, 3),
            "evidence": round(strength, 3),
        }
        out.append((value, raw, docnum, stored, matched, reasons))
    # One value orders the list and is the score shown; ties by text score,
    # then by document.
    out.sort(key=lambda x: (-x[0], -x[1], x[2]))
    found = []
    for value, _, _, stored, matched, fits in out[:limit]:
        # The partner's words for the strongest concepts.
        matched = sorted(matched, key=lambda m: -m[0].weight * m[2].weight)
        matched = [
            (c, _verify(stored, c, alts, MAX_FORMS) or ev)
            for c, alts, ev in matched[:MAX_REASON_TERMS]
        ]
        terms = _reason_terms(matched, related=False)
        shown = {_fold(t["term"]) for t in terms}
        reasons = {
            "matched_terms": terms,
            "related_terms": _reason_terms(matched, related=True, skip=shown),
            **fits,
        }
        score = round(max(0.0, min(1.0, value)) * 100, 1)
        found.append(Match(int(stored["id"]), score, reasons))
    return found


@lru_cache(maxsize=65536)
def _label(key: str) -> str | None:
    return get_thesaurus().group_label(key)


def _reason_terms(matched, related: bool, skip=()) -> list[dict]:
    """Per concept the partner holds in words of its stored text: the source's
    word, the partner's words for it where they differ, how they relate
    ("same", "synonym", "part": a part of the source's compound or phrase;
    "related": a related group), and the concept's bilingual label.

    Strongest first; a term shown once (``skip``: terms shown already).
    """
    out: dict[str, dict] = {}
    for c, ev in sorted(matched, key=lambda m: -m[0].weight * m[1].weight):
        key = _fold(c.surface)
        if not ev.forms or (ev.relation == "related") != related or key in skip:
            continue
        entry = out.get(key)
        if entry is None:
            entry = out[key] = {
                "term": c.surface,
                "synonyms": [],
                "relation": ev.relation,
                "label": _label(c.key),
            }
        for f in ev.forms:
            folded = _fold(f)
            if folded != key and folded not in (_fold(s) for s in entry["synonyms"]):
                entry["synonyms"].append(f)
    return list(out.values())


def match_need(index: SearchIndex, need_doc: dict, limit: int = 20) -> list[Match]:
    """Published achievements that could answer a need (app dict), best first."""
    return _match(index, need_doc, "achievements", limit)


def match_achievement(
    index: SearchIndex, ach_doc: dict, limit: int = 20
) -> list[Match]:
    """Published needs that an achievement (app dict) could serve, best first."""
    return _match(index, ach_doc, "needs", limit)
