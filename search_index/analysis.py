"""Chinese and English text analysis for the eyewear index: folding, jieba, stemming."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

from .folding import load as load_folding
from .folding import normalize

DATA_DIR = Path(__file__).parent / "data"
USERDICT_PATH = DATA_DIR / "userdict.txt"
#: Frequency given to trade terms without one: high enough to stay whole in context.
DEFAULT_TERM_FREQ = 3000

# jieba keeps only CJK and ASCII alphanumerics in a word; Greek letters used by the
# trade (β钛) are swapped for rare CJK code points while jieba runs, then back.
_GREEK = "αβγ"
_PLACEHOLDERS = "\u9fd0\u9fd1\u9fd2"
_TO_PLACEHOLDER = str.maketrans(_GREEK, _PLACEHOLDERS)
_FROM_PLACEHOLDER = str.maketrans(_PLACEHOLDERS, _GREEK)

_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fffαβγ]+(?:\.[0-9]+)?%?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"[0-9a-z.%]+")

ENGLISH_STOP = frozenset(
    """
    a about all also an and any are as at be been but by can could did do does each
    for from had has have he her his how i if in into is it its may more most no not
    of on or our she should so such than that the their them then there these they
    this those to tbd us very was we were what when where which who why will with
    would yet you your
    """.split()  # noqa: SIM905 (a word list, kept compact)
)
CHINESE_STOP = frozenset(
    """
    的 了 和 与 及 或 是 在 对 为 以 其 将 由 而 也 并 等 把 被 从 到 就 都 而且 以及 及其 并且 该 本 所述 所 之 中 上 下 内 后
    前 时 于 使 让 这 那 这种 那种 我们 我 你 他 它 们 有 没有 会 能 可 可以 要 如何 什么 怎么 很 较 更 非常 比较 已 已经 还 又 再
    个 各 每 得 地 着 过 吗 呢 吧 啊 即 但 若 如 则 且 此 之一 一些 一种 一个 其中 同时 以上 以下 用 让 给 向 至 即可 之间 方面
    """.split()  # noqa: SIM905 (a word list, kept compact)
)

_lock = threading.Lock()
_jieba = None


class Word(NamedTuple):
    """One analysed word: its index term, search-mode sub-terms and source span."""

    text: str
    subs: tuple[str, ...]
    oov: bool
    start: int
    end: int


def _import_jieba():
    # jieba imports pkg_resources and compiles non-raw regexes: silence exactly those.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="jieba")
        warnings.filterwarnings("ignore", message="invalid escape sequence")
        import jieba  # loads its dictionary (a second or two) only on first use
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _trade_terms() -> list[tuple[str, int]]:
    from .thesaurus import raw_members  # thesaurus.py imports this module

    terms = []
    for line in USERDICT_PATH.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        terms.append((parts[0], freq or DEFAULT_TERM_FREQ))
    for member in raw_members():
        if _CJK.search(member) and " " not in member:
            terms.append((member, DEFAULT_TERM_FREQ))
    return terms


def warm_up():
    """Load jieba, the trade dictionary and the folding tables once per process."""
    global _jieba
    if _jieba is not None:
        return _jieba
    with _lock:
        if _jieba is None:
            jieba = _import_jieba()
            load_folding()
            tk = jieba.Tokenizer()
            tk.initialize()
            for term, freq in _trade_terms():
                term = normalize(term)[0].translate(_TO_PLACEHOLDER)
                tk.add_word(term, max(freq, tk.FREQ.get(term, 0)))
            _jieba = tk
    return _jieba


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The words jieba would cut ``word`` into were it not one word, in order
    (自动检测 -> 自动, 检测): jieba's best route with the whole word's edge removed."""
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
    return tuple(out)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter-stem an ASCII word (numbers and codes such as tr90 stay as they are)."""
    if not word.isalpha() or len(word) < 3:
        return word
    # Porter strips any final s (lens -> len, defocus -> defocu) but keeps it in
    # lenses -> lens; singularise first and keep words that end in s by nature.
    if word.endswith(("sses", "nses", "uses")) and len(word) > 5:
        word = word[:-2]
    if word.endswith(("us", "is", "ss", "ns")):
        return word
    return _porter_stem(word)


def _cjk_subs(word: str, freq: dict, oov: bool) -> tuple[str, ...]:
    n = len(word)
    if n <= 2:
        return ()
    subs = []
    for size in (2, 3, 4):
        if size >= n:
            break
        for i in range(n - size + 1):
            gram = word[i : i + size]
            if freq.get(gram) or (oov and size == 2):
                subs.append(gram)
    return tuple(dict.fromkeys(subs))


@lru_cache(maxsize=50000)
def _analyse_run(run: str) -> tuple[tuple[str, tuple[str, ...], bool, int, int], ...]:
    tk = warm_up()
    out = []
    if not _CJK.search(run):
        pieces = [run]
    else:
        pieces = list(tk.cut(run.translate(_TO_PLACEHOLDER), HMM=True))
    offset = 0
    for piece in pieces:
        start, offset = offset, offset + len(piece)
        if _ASCII_WORD.fullmatch(piece):
            word = piece.rstrip(".")
            if not word or word in ENGLISH_STOP or word in ".%":
                continue
            out.append((stem(word), (), False, start, start + len(word)))
            continue
        word = piece.translate(_FROM_PLACEHOLDER)
        if word in CHINESE_STOP or not word.strip():
            continue
        oov = len(word) > 1 and not tk.FREQ.get(piece)
        subs = _cjk_subs(piece, tk.FREQ, oov)
        subs = tuple(s.translate(_FROM_PLACEHOLDER) for s in subs)
        out.append((word, subs, oov, start, offset))
    return tuple(out)


@lru_cache(maxsize=65536)
def piece_terms(piece: str) -> tuple[str, tuple[str, ...], bool]:
    """(text, subs, oov) of one word as jieba cut it, from its folded text.

    The same as :func:`analyze` gives that word, so that a word's index terms
    can be rebuilt from its boundaries alone (see highlight.py).
    """
    if _ASCII_WORD.fullmatch(piece):
        return stem(piece), (), False
    freq = warm_up().FREQ
    coded = piece.translate(_TO_PLACEHOLDER)
    oov = len(piece) > 1 and not freq.get(coded)
    subs = _cjk_subs(coded, freq, oov)
    return piece, tuple(x.translate(_FROM_PLACEHOLDER) for x in subs), oov


def analyze(text: str | None, bounds_out: list | None = None) -> list[Word]:
    """Split text into words (with sub-words) in order, offsets into the input.

    ``bounds_out``, if given, receives each word's (start, end) in the folded
    text (see :func:`normalize`), which highlight.py stores.
    """
    if not text:
        return []
    warm_up()
    folded, origin = normalize(text)
    words = []
    for m in _RUN.finditer(folded):
        base = m.start()
        for word, subs, oov, s, e in _analyse_run(m.group()):
            start, end = base + s, base + e
            if bounds_out is not None:
                bounds_out.append((start, end))
            if origin is not None:
                start = origin[start]
                end = origin[end - 1] + 1
            words.append(Word(word, subs, oov, start, end))
    return words


def terms(text: str | None) -> list[str]:
    """The top-level index terms of a text, in order (no sub-words)."""
    return [w.text for w in analyze(text)]


class EyewearTokenizer(Tokenizer):
    """Whoosh tokenizer: one position per word, sub-words share their word's position.

    Sharing positions keeps quoted phrases working while a search for a part of a
    compound (合金 inside 钛合金) still finds it.
    """

    def __init__(self, subwords: bool = True, dictionary: str | None = None):
        self.subwords = subwords
        #: The dictionary_version() the index was written with (kept in its schema).
        self.dictionary = dictionary

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, word in enumerate(analyze(value), start_pos):
            texts = (word.text, *word.subs) if self.subwords else (word.text,)
            for text in texts:
                t.text = text
                t.boost = 1.0
                if keeporiginal:
                    t.original = value[word.start : word.end]
                t.stopped = False
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + word.start
                    t.endchar = start_char + word.end
                yield t


def EyewearAnalyzer(subwords: bool = True) -> EyewearTokenizer:
    """The analyzer stored in the schema (a tokenizer that does all the work)."""
    return EyewearTokenizer(subwords=subwords, dictionary=dictionary_version())


@lru_cache(maxsize=1)
def dictionary_version() -> str:
    """A fingerprint of the data that decides how text is cut into terms: the
    trade dictionary and the thesaurus (jieba learns its Chinese members). An
    index written with other data is outdated (``SearchIndex.outdated``)."""
    from .thesaurus import THESAURUS_PATH  # thesaurus.py imports this module

    digest = hashlib.sha256()
    for path in (USERDICT_PATH, THESAURUS_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
