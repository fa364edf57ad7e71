"""The house query syntax: a user's string as concepts, phrases and exclusions,
and the Whoosh query of them (AND of the words, each with its synonyms)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as Q

from .analysis import _CJK, CHINESE_STOP, Word, analyze
from .arrays import Snapshot
from .qbuild import Concept, concept_query, concepts, phrase_query

MAX_QUERY_CHARS = 300
MAX_CONCEPTS = 8
MAX_EXCLUDES = 4
#: Index terms holding a one-character Chinese word that it also finds (the
#: most frequent; 钛 finds 钛合金, 纯钛, β钛 ...).
MAX_CONTAINS = 40
_CHUNK = re.compile(r'(-?)(?:"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+))')
#: Words of everyday speech that say how often or how badly, not what: a firm
#: owner types 镜腿铰链老是松. They are no keyword a listing must hold (unless
#: the query has nothing else).
QUERY_FILLER = frozenset(
    """
    老是 总是 经常 常常 时常 一直 总 老 有时 有时候 偶尔 容易 很容易 特别 太 有点 有些 比较 严重 厉害
    出现 发生 产生 现象 情况 问题 怎么办 怎么 咋办 咋 求助 请问 求 想 想要 希望 需要 急需 寻找 找 能否
    能不能 解决 改善 避免 防止 一下 之后 以后 时候 后来 不好 不行 不够 没法 无法
    不 没 未 差 很差 太差 效果 不佳 不理想 久 老 总会 就会
    """.split()  # noqa: SIM905 (a word list, kept compact)
)


@dataclass
class ParsedQuery:
    """The user's string split into concepts, phrases and exclusions."""

    concepts: list[Concept]
    phrases: list[list]
    excludes: list[Q.Query]
    english: list[str]


def _lone_characters(text: str, words: list) -> set[str]:
    """Chinese characters that stand as a word of their own in ``text``
    (analysed into ``words``), folded as the analyzer folds them: written
    between spaces or punctuation, or cut out of an unspaced run by jieba
    (松 of 镜腿铰链老是松 is the 松 of 松动, as 镜腿 铰链 松 would mean)."""
    return {w.text for w in words if len(w.text) == 1 and _CJK.match(w.text)}


def expand_characters(snap: Snapshot | None, found: list[Concept], chars) -> None:
    """Let each concept that is one of ``chars`` (a character written alone),
    or has a one-character synonym (titanium: 钛), also find the index's words
    holding that character: the term 钛 alone is rare, as jieba keeps 钛合金 or
    纯钛 whole. The most frequent such terms of the ``text`` field, cached
    per index generation."""
    if snap is None:
        return
    for c in found:
        seeds = [c.key] if c.key in chars else []
        seeds += [s for s in c.synonyms if len(s) == 1 and _CJK.match(s)]
        if not seeds:
            continue
        known = {c.key, *c.synonyms}
        terms = [
            t for ch in seeds for t in snap.terms_containing("text", ch, MAX_CONTAINS)
        ]
        c.contains = [t for t in dict.fromkeys(terms) if t not in known][:MAX_CONTAINS]


def _exclusion(words: list, surfaces: list[str], snap, chars) -> Q.Query:
    """What a plain word after a minus finds as a search word: each of its
    concepts (synonyms in both languages, parts, words holding a lone
    character), all of them (as one positive word would need)."""
    found = concepts(words, surfaces=surfaces)[:MAX_CONCEPTS]
    expand_characters(snap, found, chars)
    clauses = [concept_query(c) for c in found]
    return clauses[0] if len(clauses) == 1 else Q.And(clauses)


def _split_unknown(words: list[Word], snap: Snapshot | None) -> list[Word]:
    """A two-character word jieba's HMM made up where the dictionary has none
    and no listing holds (点断 of 钛架焊接点断: the owner means 焊接点 断), as
    its two characters, each written alone: 断 then also finds 断裂, 折断."""
    if snap is None:
        return words
    out = []
    for w in words:
        if (
            w.oov
            and w.text not in QUERY_FILLER
            and len(w.text) == 2 == w.end - w.start
            and _CJK.fullmatch(w.text[0])
            and _CJK.fullmatch(w.text[1])
            and not len(snap.postings("text", w.text)[0])
        ):
            out += [
                Word(ch, (), False, w.start + i, w.start + i + 1)
                for i, ch in enumerate(w.text)
                if ch not in CHINESE_STOP
            ]
        else:
            out.append(w)
    return out


def _without_filler(found: list[Concept]) -> list[Concept]:
    """The concepts less the words of everyday speech (QUERY_FILLER), unless
    nothing else is left: spaced or not, 镜腿铰链老是松 asks for 镜腿, 铰链, 松."""
    kept = [c for c in found if c.key not in QUERY_FILLER]
    return kept or found


def parse(q: str, snap: Snapshot | None = None) -> ParsedQuery:
    """Split a user string safely: never raises, bounds the number of clauses.

    With ``snap`` (the index searched) a Chinese character written alone also
    finds the index's words that hold it (see :func:`expand_characters`).
    """
    q = (q or "")[:MAX_QUERY_CHARS]
    words, surfaces, phrases, excludes, english = [], [], [], [], []
    lone: set[str] = set()
    for m in _CHUNK.finditer(q):
        neg = bool(m.group(1))
        quoted = next((g for g in m.group(2, 3, 4) if g is not None), None)
        text = quoted if quoted is not None else m.group(5)
        if neg and len(excludes) >= MAX_EXCLUDES:
            continue
        analysed = analyze(text)
        if not analysed:
            continue
        if quoted is None:
            analysed = _split_unknown(analysed, snap)
        if quoted is not None:
            if neg:
                excludes.append(phrase_query(analysed))
            else:
                phrases.append(analysed)
            continue
        chunk = [text[w.start : w.end] for w in analysed]
        if neg:
            excludes.append(
                _exclusion(analysed, chunk, snap, _lone_characters(text, analysed))
            )
        else:
            words.extend(analysed)
            surfaces += chunk
            lone |= _lone_characters(text, analysed)
    english = [w.lower() for w in surfaces]
    english = [w for w in english if w.isascii() and w.isalpha() and len(w) >= 4]
    found = _without_filler(concepts(words, surfaces=surfaces))[:MAX_CONCEPTS]
    expand_characters(snap, found, lone)
    return ParsedQuery(found, phrases[:MAX_CONCEPTS], excludes, english)


def _filter_key(filters: dict | None) -> tuple:
    filters = dict(filters or {})
    filters.setdefault("status", "published")
    return tuple(sorted((k, str(v)) for k, v in filters.items() if v not in (None, "")))


def build_query(parsed: ParsedQuery, any_of: bool = False) -> Q.Query | None:
    """AND (or OR) of the concepts and phrases, minus the exclusions.

    Only exclusions: every document but the excluded ones.
    """
    clauses = [concept_query(c) for c in parsed.concepts]
    clauses += [phrase_query(p) for p in parsed.phrases]
    if not clauses and not parsed.excludes:
        return None
    if not clauses:
        q = Q.Every()
    elif len(clauses) == 1:
        q = clauses[0]
    else:
        q = (Q.Or if any_of else Q.And)(clauses)
    if parsed.excludes:
        q = Q.AndNot(q, Q.Or(parsed.excludes))
    return q
