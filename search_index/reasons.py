"""Why a pair matched, honestly: only words both listings hold, or a named
relation between them shown as such ("问题 → 方案: 脱落 → 附着力")."""

from __future__ import annotations

from functools import lru_cache

from .evidence import MAX_REASON_TERMS, _fold
from .thesaurus import get_thesaurus

#: Relations shown as the same concept in both listings (other words, the
#: other language, a part of a compound).
SAME = frozenset({"same", "synonym", "part", "translation"})
#: From the other listing's side a remedy is what it cures, and the reverse.
_FLIP = {"remedy": "problem", "problem": "remedy"}


@lru_cache(maxsize=65536)
def _label(key: str) -> str | None:
    return get_thesaurus().group_label(key)


def _entries(forward, back):
    """(strength, the source's word, the partner's words, relation, concept key)."""
    for f in forward:
        yield (
            f.concept.weight * f.weight,
            f.concept.surface,
            f.forms,
            f.relation,
            f.concept.key,
        )
    for f in back:
        rel = _FLIP.get(f.relation, f.relation)
        yield (
            f.concept.weight * f.weight,
            f.forms[0],
            [f.concept.surface],
            rel,
            f.concept.key,
        )


def reason_terms(forward, back) -> dict:
    """The reasons of a pair: ``forward`` are the source's concepts the partner
    holds (the partner's words for them), ``back`` the partner's concepts the
    source holds (pairscore.Found).

    ``matched_terms``: the source's word, the partner's words for it where they
    differ (synonyms, the other language), the relation and bilingual label;
    ``related_terms``: a related group; ``relation_terms``: a problem in one
    listing and the property or process that cures it in the other. Strongest
    first, each word once.
    """
    matched: dict[str, dict] = {}
    related: dict[str, dict] = {}
    remedies: dict[tuple, dict] = {}
    for _, term, forms, rel, key in sorted(
        _entries(forward, back), key=lambda e: -e[0]
    ):
        folded = _fold(term)
        if rel in ("remedy", "problem"):
            for other in forms:
                problem, remedy = (term, other) if rel == "remedy" else (other, term)
                pair = (_fold(problem), _fold(remedy))
                if pair in remedies or len(remedies) >= MAX_REASON_TERMS:
                    continue
                remedies[pair] = {
                    "problem": problem,
                    "remedy": remedy,
                    "relation": "problem_remedy",
                    "label": f"{problem} → {remedy}",
                    # Which listing names the problem: the source or the partner.
                    "problem_in": "source" if rel == "remedy" else "partner",
                }
            continue
        table = matched if rel in SAME else related
        if folded in matched or folded in related:
            entry = table.get(folded)
            if entry is None:
                continue
        else:
            if len(table) >= MAX_REASON_TERMS:
                continue
            entry = table[folded] = {
                "term": term,
                "synonyms": [],
                "relation": rel,
                "label": _label(key),
            }
        for f in forms:
            f_folded = _fold(f)
            if f_folded != folded and f_folded not in (
                _fold(s) for s in entry["synonyms"]
            ):
                entry["synonyms"].append(f)
    return {
        "matched_terms": list(matched.values()),
        "related_terms": list(related.values()),
        "relation_terms": list(remedies.values()),
    }
