"""Chinese and English text analysis for the eyewear index: folding, jieba, stemming."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

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
_t2s_table: dict[int, str] | None = None


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
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _load_t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    try:
        import opencc

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


def _trade_terms() -> list[tuple[str, int]]:
    from .thesaurus import raw_members

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
    global _jieba, _t2s_table
    if _jieba is not None:
        return _jieba
    with _lock:
        if _jieba is None:
            jieba = _import_jieba()
            _t2s_table = _load_t2s()
            tk = jieba.Tokenizer()
            tk.initialize()
            for term, freq in _trade_terms():
                term = normalize(term)[0].translate(_TO_PLACEHOLDER)
                tk.add_word(term, max(freq, tk.FREQ.get(term, 0)))
            _jieba = tk
    return _jieba


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Fold width (NFKC), case and traditional characters; map back to offsets.

    Returns the folded text and, when its length differs from the input, the
    index in the input of every folded character (None means the identity).
    """
    table = _t2s_table if _t2s_table is not None else {}
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
        out = _fold_char(ch)
        pieces.append(out)
        origin.extend([i] * len(out))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(o == i for i, o in enumerate(origin)):
        return folded, None
    return folded, origin


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower().translate(_t2s_table or {})


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


#: Separates the runs of a highlight spec (see highlight_spec).
_SPEC_SEP = "\x01"
_SPEC_BASE = 0x30
_SPEC_MAX_RUN = 50_000


def highlight_spec(text: str | None) -> str | None:
    """The word boundaries jieba gives the Chinese runs of ``text``, compactly.

    Stored at index time so that highlighting can rebuild :func:`analyze`'s
    words without running jieba at query time: for each run with Chinese
    characters, in order, two characters (start, end within the run) per
    word, runs separated by ``_SPEC_SEP``. None when a run is too long to code.
    """
    if not text:
        return ""
    warm_up()
    folded, _ = normalize(text)
    out = [
        _run_code(m.group()) for m in _RUN.finditer(folded) if _CJK.search(m.group())
    ]
    return _join_codes(out)


def _join_codes(codes: list) -> str | None:
    return None if None in codes else _SPEC_SEP.join(codes)


@lru_cache(maxsize=50000)
def _run_code(run: str) -> str | None:
    """One Chinese run's part of a highlight spec (None if too long to code)."""
    if len(run) > _SPEC_MAX_RUN:
        return None
    b = _SPEC_BASE
    return "".join(chr(b + s) + chr(b + e) for _w, _s, _o, s, e in _analyse_run(run))


def analyze_with_spec(text: str | None) -> tuple[list[Word], str | None]:
    """``(analyze(text), highlight_spec(text))`` in one pass (for indexing)."""
    if not text:
        return [], ""
    codes: list = []
    words = analyze(text, _codes_out=codes)
    return words, _join_codes(codes)


@lru_cache(maxsize=65536)
def _coded_word(piece: str) -> tuple[str, tuple[str, ...], bool]:
    """(text, subs, oov) of one word as jieba cut it (see _analyse_run)."""
    if _ASCII_WORD.fullmatch(piece):
        return stem(piece), (), False
    freq = _jieba.FREQ
    coded = piece.translate(_TO_PLACEHOLDER)
    oov = len(piece) > 1 and not freq.get(coded)
    subs = _cjk_subs(coded, freq, oov)
    return piece, tuple(x.translate(_FROM_PLACEHOLDER) for x in subs), oov


def _analyse_coded(run: str, code: str):
    """_analyse_run(run) from its highlight spec (no jieba)."""
    out = []
    base = _SPEC_BASE
    for i in range(0, len(code), 2):
        s = ord(code[i]) - base
        e = ord(code[i + 1]) - base
        out.append((*_coded_word(run[s:e]), s, e))
    return out


def analyze(
    text: str | None, only=None, spec: str | None = None, _folded=None, _codes_out=None
) -> list[Word]:
    """Split text into words (with sub-words) in order, offsets into the input.

    ``only(run)``, if given, skips the runs (folded stretches of letters) for
    which it is false: a caller looking for known words can spare jieba.
    ``spec``, the text's :func:`highlight_spec`, spares jieba altogether.
    """
    if not text:
        return []
    warm_up()
    folded, origin = normalize(text) if _folded is None else _folded
    words = []
    codes = spec.split(_SPEC_SEP) if spec else None
    k = 0
    for m in _RUN.finditer(folded):
        base = m.start()
        run = m.group()
        analysed = None
        if codes is not None and _CJK.search(run):
            if k < len(codes):
                analysed = codes[k]
            k += 1
        if only is not None and not only(run):
            continue
        if _codes_out is not None and _CJK.search(run):
            _codes_out.append(_run_code(run))
        analysed = (
            _analyse_run(run) if analysed is None else _analyse_coded(run, analysed)
        )
        for word, subs, oov, s, e in analysed:
            start, end = base + s, base + e
            if origin is not None:
                start = origin[start]
                end = origin[end - 1] + 1
            words.append(Word(word, subs, oov, start, end))
    return words


@lru_cache(maxsize=256)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern:
    """Matches a Latin letter or any Chinese term: the runs worth analysing."""
    cjk = sorted((t for t in terms if _CJK.search(t)), key=len, reverse=True)
    return re.compile("|".join(["[a-z]", *map(re.escape, cjk)]))


@lru_cache(maxsize=20000)
def analyze_for(
    text: str, terms: frozenset[str], spec: str | None = None
) -> tuple[Word, ...]:
    """The words of ``text`` that could be one of ``terms`` (for highlighting).

    A run of Chinese characters that contains no term as a substring cannot
    yield one (words and sub-words are substrings of their run), so it is
    not segmented; runs with Latin letters always are (stems differ).
    """
    only = _terms_pattern(terms).search
    folded = normalize(text)
    if not only(folded[0]):
        return ()
    return tuple(analyze(text, only, spec, folded))


def terms(text: str | None) -> list[str]:
    """The top-level index terms of a text, in order (no sub-words)."""
    return [w.text for w in analyze(text)]


class EyewearTokenizer(Tokenizer):
    """Whoosh tokenizer: one position per word, sub-words share their word's position.

    Sharing positions keeps quoted phrases working while a search for a part of a
    compound (合金 inside 钛合金) still finds it.
    """

    def __init__(self, subwords: bool = True):
        self.subwords = subwords

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
    return EyewearTokenizer(subwords=subwords)
