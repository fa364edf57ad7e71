"""Match needs to achievements and back: weighted concept queries, then re-ranking."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .analysis import analyze, stem
from .engine import filter_mask
from .indexer import SearchIndex
from .query import _filter_key
from .schema import NO_PRICE, RELATED_FIELDS, as_text
from .thesaurus import get_thesaurus

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
#: Words too generic to choose a partner by (IDF alone misses them in small indexes).
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
    """.split()  # noqa: SIM905 (a word list, kept compact)
)
GENERIC = frozenset(stem(w) if w.isascii() else w for w in GENERIC)


@dataclass
class Match:
    """A ranked partner listing with its score (0-100) and JSON-ready reasons."""

    id: int
    score: float
    reasons: dict = field(default_factory=dict)


@dataclass
class _Concept:
    key: str
    surface: str
    weight: float = 0.0
    alts: dict[str, float] = field(default_factory=dict)


def _source_concepts(doc: dict) -> dict[str, _Concept]:
    th = get_thesaurus()
    found: dict[str, _Concept] = {}
    tf: dict[str, float] = defaultdict(float)
    for name, weight in PART_WEIGHTS:
        value = as_text(doc.get(name))
        words = analyze(value)
        for s, e, key in th.find([w.text for w in words]):
            tf[key] += weight
            found.setdefault(
                key, _Concept(key, value[words[s].start : words[e - 1].end])
            )
        for w in words:
            if w.text in GENERIC or (len(w.text) == 1 and not w.text.isdigit()):
                continue
            tf[w.text] += weight
            found.setdefault(w.text, _Concept(w.text, value[w.start : w.end]))
            for sub in w.subs:
                if sub not in GENERIC:
                    tf[sub] += weight * SUBWORD_WEIGHT
                    found.setdefault(sub, _Concept(sub, sub))
    merged: dict[str, _Concept] = {}
    for key, c in found.items():
        # Words of one synonym group are one concept, weighted by their sum.
        groups = th.expand(key)
        canon = min(groups) if groups else key
        if canon in merged:
            merged[canon].weight += tf[key]
        else:
            c.weight = tf[key]
            merged[canon] = c
    return merged


def _choose(snap, found: dict[str, _Concept]) -> list[_Concept]:
    th = get_thesaurus()
    n = max(snap.doc_count, 1)

    def idf(term: str) -> float:
        df = sum(snap.doc_frequency("text", t) for t in term.split()[:1])
        if " " in term and df:
            df = max(1, df // 2)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    chosen = []
    for key, c in found.items():
        alts = {key: 1.0}
        # Sorted, shortest first: set order would make results vary per process.
        for s in sorted(th.expand(key), key=lambda k: (len(k), k)):
            alts.setdefault(s, SYNONYM_WEIGHT)
        for s in sorted(th.related(key), key=lambda k: (len(k), k)):
            alts.setdefault(s, RELATED_WEIGHT)
        idfs = {a: idf(a) for a in list(alts)[:16]}
        best = max((idfs[a] * w for a, w in alts.items() if a in idfs), default=0.0)
        if best <= 0:
            continue
        c.alts = {a: w for a, w in alts.items() if idfs.get(a)}
        tf = c.weight
        c.weight = best * (tf * 2.2) / (tf + 1.2)
        chosen.append(c)
    chosen.sort(key=lambda c: c.weight, reverse=True)
    return chosen[:MAX_CONCEPTS]


def _field_fit(a: str | None, b: str | None) -> dict:
    if not a or not b or "other" in (a, b):
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


def _accumulate(snap, chosen: list[_Concept], allowed: np.ndarray):
    """Score-at-a-time retrieval: concept weight x best alternative, per document.

    Terms held by more than DF_CAP of the documents (weak evidence) are
    skipped. Dense numpy arrays, one slot per document.
    """
    cap = max(50, min(int(DF_CAP * snap.n), DF_CAP_DOCS))
    acc = np.zeros(snap.n, np.float64)
    matched: list[np.ndarray] = []
    for c in chosen:
        docs, weights = [], []
        for alt, w in c.alts.items():
            d = _postings(snap, "text", alt, cap)
            if len(d):
                docs.append(d)
                weights.append(np.full(len(d), w))
        title = _postings(snap, "title", c.key, cap)
        if not docs and not len(title):
            matched.append(_NONE)
            continue
        if docs:
            d, w = np.concatenate(docs), np.concatenate(weights)
            order = np.lexsort((-w, d))  # by doc, best alternative first
            d, w = d[order], w[order]
            first = np.ones(len(d), bool)
            first[1:] = d[1:] != d[:-1]
            d, w = d[first], w[first]
        else:
            d, w = _NONE, np.zeros(0)
        if len(title):
            both = np.union1d(d, title)
            best = np.zeros(len(both))
            best[np.searchsorted(both, d)] = w
            best[np.searchsorted(both, title)] += TITLE_BONUS
            d, w = both, best
        keep = allowed[d]
        d, w = d[keep], w[keep]
        acc[d] += c.weight * w
        matched.append(d)
    cand = np.flatnonzero(acc)
    if len(cand) > CANDIDATES * 3:
        order = np.lexsort((cand, -acc[cand]))
        cand = cand[order[: CANDIDATES * 3]]
    avg = snap.avg_length("text")
    length = snap.lengths("text")[cand]
    length[length == 0] = 1
    norm = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
    scored = sorted(
        zip((acc[cand] * norm).tolist(), cand.tolist(), strict=True), reverse=True
    )
    scored = scored[:CANDIDATES]
    hits = {d: [] for _, d in scored}
    keep = np.array(sorted(hits), dtype=np.int64)
    for i, nz in enumerate(matched):
        for d in np.intersect1d(keep, nz, assume_unique=True).tolist():
            hits[d].append(i)
    return scored, hits


def _match(index: SearchIndex, source: dict, target_kind: str, limit: int):
    snap = index.snapshot(target_kind)
    chosen = _choose(snap, _source_concepts(source))
    if not chosen:
        return []
    allowed = filter_mask(snap, _filter_key(None))
    if source.get("org_id") is not None:
        own = filter_mask(snap, _filter_key({"org_id": source["org_id"]}))
        allowed = allowed & ~own if own.any() else allowed
    scored, hits = _accumulate(snap, chosen, allowed)
    if not scored:
        return []
    best = scored[0][0] or 1.0
    total_weight = sum(c.weight for c in chosen)
    th = get_thesaurus()
    members = {i: th.members(c.key)[:8] for i, c in enumerate(chosen)}
    out = []
    for raw, docnum in scored:
        stored = snap.stored_fields(docnum)
        matched = [(chosen[i], members[i]) for i in hits[docnum]]
        coverage = sum(c.weight for c, _ in matched) / total_weight
        text = raw / best
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
        rank = 0.75 * text + 0.25 * coverage + adjust
        score = max(0.0, min(1.0, 0.55 * coverage + 0.45 * text + adjust)) * 100
        reasons = {
            "matched_terms": [
                {"term": c.surface, "synonyms": list(syn)} for c, syn in matched
            ],
            "field_fit": ffit,
            "trl_fit": trl,
            "price_fit": price,
            "cooperation_fit": {"shared": shared},
            "text_score": round(text, 3),
        }
        out.append((rank, Match(int(stored["id"]), round(score, 1), reasons)))
    out.sort(key=lambda x: x[0], reverse=True)
    return [m for _, m in out[:limit]]


def match_need(index: SearchIndex, need_doc: dict, limit: int = 20) -> list[Match]:
    """Published achievements that could answer a need (app dict), best first."""
    return _match(index, need_doc, "achievements", limit)


def match_achievement(
    index: SearchIndex, ach_doc: dict, limit: int = 20
) -> list[Match]:
    """Published needs that an achievement (app dict) could serve, best first."""
    return _match(index, ach_doc, "needs", limit)
