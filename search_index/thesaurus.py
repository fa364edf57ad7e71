"""Bilingual eyewear thesaurus: synonym groups and related-group links from a data file."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .analysis import terms
from .cooccur import cooccurring as _cooccurring

THESAURUS_PATH = Path(__file__).parent / "data" / "thesaurus.txt"
#: Problem -> remedy relations (a defect -> the property or process that cures it).
REMEDIES_PATH = Path(__file__).parent / "data" / "remedies.txt"
#: The longest member, in analysed words, that a token sequence is matched against.
MAX_MEMBER_WORDS = 5
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{3,}")


def _lines(path: Path = THESAURUS_PATH) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.startswith("#") else ""
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def raw_members() -> tuple[str, ...]:
    """Every synonym-group member as written in the data file."""
    members = []
    for line in _lines():
        if not line.startswith("~"):
            members.extend(m.strip() for m in line.split("|") if m.strip())
    return tuple(members)


@dataclass
class Group:
    """One synonym group: members as written and as analysed keys."""

    members: list[str]
    keys: list[str]
    related: set[int] = field(default_factory=set)

    @property
    def label(self) -> str:
        """First Chinese member / first English member."""
        zh = next((m for m in self.members if _CJK.search(m)), None)
        en = next((m for m in self.members if not _CJK.search(m)), None)
        return " / ".join(m for m in (zh, en) if m)


class Thesaurus:
    """Synonym lookup by analysed form; load it with :func:`get_thesaurus`."""

    def __init__(self, path: Path = THESAURUS_PATH):
        self.groups: list[Group] = []
        self.by_key: dict[str, list[int]] = {}
        for line in _lines(path):
            if line.startswith("~"):
                continue
            members = [m.strip() for m in line.split("|") if m.strip()]
            keys = list(dict.fromkeys(" ".join(terms(m)) for m in members))
            keys = [k for k in keys if k]
            gid = len(self.groups)
            self.groups.append(Group(members, keys))
            for key in keys:
                self.by_key.setdefault(key, []).append(gid)
        for line in _lines(path):
            if line.startswith("~"):
                heads = [h.strip() for h in line.split("~") if h.strip()]
                ids = {g for h in heads for g in self._ids(h)}
                for g in ids:
                    self.groups[g].related |= ids - {g}
        #: Analysed key -> keys of its remedies, and of the problems it cures.
        self._remedies: dict[str, set[str]] = {}
        self._problems: dict[str, set[str]] = {}
        if path == THESAURUS_PATH and REMEDIES_PATH.exists():
            self._load_remedies(REMEDIES_PATH)

    def _keys(self, term: str) -> set[str]:
        """Analysed forms of a term and of its groups' members."""
        own = " ".join(terms(term))
        return ({own} if own else set()) | self.expand(term)

    def _load_remedies(self, path: Path) -> None:
        # "problem, problem => remedy, remedy": every problem word to every remedy.
        for line in _lines(path):
            if "=>" not in line:
                continue
            left, right = line.split("=>", 1)
            problems = {
                k for t in left.split(",") if t.strip() for k in self._keys(t.strip())
            }
            remedies = {
                k for t in right.split(",") if t.strip() for k in self._keys(t.strip())
            }
            for p in problems:
                self._remedies.setdefault(p, set()).update(remedies - problems)
            for r in remedies:
                self._problems.setdefault(r, set()).update(problems - remedies)

    def remedies(self, term: str) -> set[str]:
        """Keys of what cures the problem ``term`` (脱落 -> 附着力), from remedies.txt."""
        return self._remedies.get(term, set())

    def problems(self, term: str) -> set[str]:
        """Keys of the problems that ``term`` (a property or process) cures."""
        return self._problems.get(term, set())

    def translations(self, term: str) -> set[str]:
        """Dictionary translations of ``term`` (see bilingual.py)."""
        # bilingual.py imports concepts.py, which imports this module.
        from .bilingual import translations

        return translations(term)

    def weighted_translations(self, term: str) -> tuple[tuple[str, float], ...]:
        """Dictionary translations of ``term`` with their sureness (0-1), surest first."""
        # bilingual.py imports concepts.py, which imports this module.
        from .bilingual import weighted_translations

        return weighted_translations(term)

    def cooccurring(self, term: str) -> set[str]:
        """Words the market's own listings use with ``term`` (see cooccur.py)."""
        return _cooccurring(term)

    def _ids(self, term: str) -> list[int]:
        memo = self.__dict__.setdefault("_memo", {})
        got = memo.get(term)
        if got is None:
            key = term if term in self.by_key else " ".join(terms(term))
            got = self.by_key.get(key, [])
            if len(memo) > 100_000:
                memo.clear()
            memo[term] = got
        return got

    def expand(self, term: str) -> set[str]:
        """Analysed forms of all members of the groups the term belongs to."""
        return {k for g in self._ids(term) for k in self.groups[g].keys}

    def related(self, term: str) -> set[str]:
        """Analysed forms of the groups linked to the term's groups (weaker)."""
        own = self.expand(term)
        out = set()
        for g in self._ids(term):
            for r in self.groups[g].related:
                out.update(self.groups[r].keys)
        return out - own

    def group_label(self, term: str) -> str | None:
        """A bilingual label such as "离焦 / defocus", or None if unknown."""
        ids = self._ids(term)
        return self.groups[ids[0]].label if ids else None

    def members(self, term: str) -> list[str]:
        """Members as written (both languages) of the term's groups."""
        out: list[str] = []
        for g in self._ids(term):
            out.extend(m for m in self.groups[g].members if m not in out)
        return out

    def related_members(self, term: str) -> list[str]:
        """Members as written of the groups linked to the term's groups."""
        own = set(self._ids(term))
        out: list[str] = []
        for g in self._ids(term):
            for r in sorted(self.groups[g].related - own):
                out.extend(m for m in self.groups[r].members if m not in out)
        return out

    def english_words(self) -> frozenset[str]:
        """Every ASCII word of three or more letters in a member (lower case)."""
        words = self.__dict__.get("_english")
        if words is None:
            words = frozenset(
                w
                for group in self.groups
                for m in group.members
                for w in _LATIN_WORD.findall(m.lower())
            )
            self.__dict__["_english"] = words
        return words

    def _first_words(self) -> frozenset[str]:
        """The first words of the keys of several words."""
        got = self.__dict__.get("_firsts")
        if got is None:
            got = frozenset(k.split()[0] for k in self.by_key if " " in k)
            self.__dict__["_firsts"] = got
        return got

    def find(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """Greedy longest matches of member keys in a token list: (start, end, key)."""
        found = []
        firsts = self._first_words()
        i = 0
        while i < len(tokens):
            if tokens[i] not in firsts:
                i += 1
                continue
            for n in range(min(MAX_MEMBER_WORDS, len(tokens) - i), 1, -1):
                key = " ".join(tokens[i : i + n])
                if key in self.by_key:
                    found.append((i, i + n, key))
                    i += n
                    break
            else:
                i += 1
        return found


_lock = threading.Lock()
_instance: Thesaurus | None = None


def get_thesaurus() -> Thesaurus:
    """The process-wide thesaurus, loaded on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Thesaurus()
    return _instance
