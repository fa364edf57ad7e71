"""A faster Whoosh segment writer and a rebuild that scales over processes.

The stock ``SegmentWriter`` runs the analyzer once per text field (the title
is analysed for ``title`` and again inside ``text``), pickles every posting
into an external sort pool and looks each posting's document length up again
from disk when it writes the segment. ``FastSegmentWriter`` analyses each part
of a document once, keeps postings in memory grouped by term, and writes them
straight to Whoosh's codec with the lengths it already knows. The files it
writes are ordinary Whoosh segments (the same W3 codec and postings; posting
blocks are stored uncompressed, see POSTING_COMPRESSION).
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from operator import itemgetter
from pickle import dumps

import numpy as np
from whoosh.analysis import IDTokenizer, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID
from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .analysis import EyewearTokenizer
from .highlight import analyze_with_spec
from .schema import text_parts, to_document
from .whoosh_adapter import add_postings, posting_writer

#: Documents per segment a worker writes before it starts a new one: fewer,
#: larger segments search faster; a worker holds its segment's postings in memory.
SEGMENT_DOCS = 60_000
#: zlib level of posting blocks in rebuilt segments. Whoosh compresses them
#: (level 3) by default; compressing was ~8% of a rebuild's CPU for a third
#: more disk, and queries read most postings from the sidecar anyway. Each
#: block records its own level, so any Whoosh reader or merge reads them.
POSTING_COMPRESSION = 0
#: Extension and fields of the per-segment posting sidecar (see _Sidecar).
SIDECAR_EXT = ".eyw"
SIDECAR_FIELDS = ("text", "title")


def _lenq(length: int) -> int:
    # The length the stock writer would read back from the byte-coded column.
    from whoosh.util.numeric import byte_to_length, length_to_byte

    return byte_to_length(length_to_byte(length))


_LENQ: dict[int, int] = {}
_SHORT: dict[str, tuple] = {}


def _positions(words_lists, subwords: bool = True) -> tuple[dict[str, list[int]], int]:
    """Term -> positions over consecutive word lists (one position per word)."""
    poses: dict[str, list[int]] = {}
    pos = 0
    n = 0
    for words in words_lists:
        for w in words:
            lst = poses.get(w.text)
            if lst is None:
                poses[w.text] = [pos]
            else:
                lst.append(pos)
            n += 1
            if subwords:
                for s in w.subs:
                    lst = poses.get(s)
                    if lst is None:
                        poses[s] = [pos]
                    else:
                        lst.append(pos)
                    n += 1
            pos += 1
    return poses, n


_ONE: dict[int, bytes] = {}
_MANY: dict[tuple, bytes] = {}


def _encode(poslist: list[int]) -> bytes:
    """Whoosh's Positions encoding (delta list, pickled), cached for one position."""
    if len(poslist) == 1:
        pos = poslist[0]
        got = _ONE.get(pos)
        if got is None:
            got = _ONE[pos] = pack_uint(1) + dumps(poslist, 2)
        return got
    key = tuple(poslist)
    got = _MANY.get(key)
    if got is not None:
        return got
    deltas = [poslist[0]]
    deltas += [b - a for a, b in zip(poslist, poslist[1:], strict=False)]
    got = pack_uint(len(deltas)) + dumps(deltas, 2)
    if len(_MANY) < 500_000:
        _MANY[key] = got
    return got


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` for app dicts: ``add_app_doc(kind, doc)`` then commit."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("limitmb", 32)
        kwargs.setdefault("codec", W3Codec(compression=POSTING_COMPRESSION))
        super().__init__(ix, **kwargs)
        # Postings by field, then by term: str (UTF-8 keeps code-point order) or
        # bytes for the fields Whoosh encodes itself.
        self._posts: dict[str, dict[str | bytes, list]] = {}
        self._phr: dict[tuple[str, str], list[int]] = {}
        # Facet-like values (modes, TRL, prices) repeat: each is indexed once
        # per writer, with this writer's schema.
        self._indexed: dict[tuple, list] = {}
        # Fields analysed here: those with the house tokenizer (with sub-words).
        self._boost = {
            name: field.format.field_boost
            for name, field in self.schema.items()
            if isinstance(getattr(field, "analyzer", None), EyewearTokenizer)
            and field.analyzer.subwords
            and field.format.__class__.__name__ == "Positions"
        }

        # Fields of whole regex matches counted (the "did you mean" vocabulary).
        self._regex = {
            name: (field.analyzer.expression, field.format.field_boost)
            for name, field in self.schema.items()
            if type(getattr(field, "analyzer", None)) is RegexTokenizer
            and not field.analyzer.gaps
            and type(field.format) is Frequency
            and field.scorable
        }
        self._ids = {
            name: field.format.field_boost
            for name, field in self.schema.items()
            if type(field) is ID
            and type(field.analyzer) is IDTokenizer
            and not field.scorable
        }

    def add_app_doc(self, kind: str, doc: dict) -> None:
        """Index one app dict (see README), analysing each text part once."""
        cache = _SHORT if len(_SHORT) < 200_000 else {}
        specs: dict[str, bytes] = {}

        def words(text):
            # Short parts (keywords, indicators, organisation names) repeat a lot.
            got = cache.get(text)
            if got is None:
                got = analyze_with_spec(text)
                if len(text) <= 64:
                    cache[text] = got
            specs[text] = got[1]
            return got[0]

        title = doc.get("title") or ""
        parts = text_parts(doc)
        analysed = {"title": [words(title)], "text": [words(p) for p in parts]}
        fields = to_document(kind, doc, specs, parts)
        fields = {k: v for k, v in fields.items() if k in self.schema}
        self._add(fields, analysed)

    def _add(self, fields: dict, analysed: dict) -> None:
        self._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        posts = self._posts
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if name in analysed and name in self._boost:
                    poses, length = _positions(analysed[name])
                    fb = self._boost[name]
                    for key in _phrases_in(poses):
                        self._phr.setdefault(("phrase:" + name, key), []).append(docnum)
                    if length:
                        lq = _LENQ.get(length)
                        if lq is None:
                            lq = _LENQ[length] = _lenq(length)
                        one, many = _ONE, _MANY
                        fposts = posts.setdefault(name, {})
                        for term, plist in poses.items():
                            if len(plist) == 1:
                                vb = one.get(plist[0]) or _encode(plist)
                            else:
                                vb = many.get(tuple(plist)) or _encode(plist)
                            post = (docnum, len(plist) * fb, vb, lq)
                            lst = fposts.get(term)
                            if lst is None:
                                fposts[term] = [post]
                            else:
                                lst.append(post)
                elif name in self._ids:
                    # An ID field: the whole value is the one term.
                    post = (docnum, self._ids[name], b"", 0)
                    posts.setdefault(name, {}).setdefault(value, []).append(post)
                elif name in self._regex:
                    expression, fb = self._regex[name]
                    counts = Counter(expression.findall(value))
                    length = sum(counts.values())
                    lq = _lenq(length) if length else 0
                    for word, freq in counts.items():
                        post = (docnum, freq * fb, pack_uint(freq), lq)
                        posts.setdefault(name, {}).setdefault(word, []).append(post)
                elif field.indexed:
                    memo_key = (name, value) if isinstance(value, (str, int)) else None
                    items = self._indexed.get(memo_key) if memo_key else None
                    if items is None:
                        items = list(field.index(value))
                        if memo_key and len(str(value)) < 65:
                            self._indexed[memo_key] = items
                    if field.scorable:
                        length = sum(freq for _, freq, _, _ in items)
                    lq = _lenq(length) if field.scorable and length else 0
                    fposts = posts.setdefault(name, {})
                    for tbytes, _freq, weight, vbytes in items:
                        post = (docnum, weight, vbytes or b"", lq)
                        fposts.setdefault(tbytes, []).append(post)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        side = _Sidecar()
        for name in sorted(self._posts):
            fposts = self._posts[name]
            fw.start_field(name, schema[name])
            in_sidecar = name in SIDECAR_FIELDS
            for term in sorted(fposts):
                plist = fposts[term]
                ids = list(map(_ID, plist))
                weights = list(map(_WEIGHT, plist))
                if in_sidecar:
                    side.add(name, term, ids, weights)
                # Generic fields (numbers) keep their terms as bytes.
                fw.start_term(term if isinstance(term, bytes) else term.encode("utf-8"))
                add_postings(posting_writer(fw), plist, ids, weights, _VALUE, _LENGTH)
                fw.finish_term()
            fw.finish_field()
        fw.close()
        # Documents holding each multi-word thesaurus key as a phrase.
        for (name, key), docnums in self._phr.items():
            side.add(name, key, docnums, [0.0] * len(docnums))
        self._sidecar = side.to_bytes()
        self._posts = {}

    def finish(self):
        """Write the segment files and return the segment (no TOC change).

        Also writes the sidecar (see :class:`_Sidecar`) after the compound file
        is assembled, so it stays a file of its own, named after the segment:
        Whoosh deletes it with the segment.
        """
        segment = self._finalize_segment()
        with self.storage.create_file(segment.make_filename(SIDECAR_EXT)) as f:
            f.write(self._sidecar)
        self._sidecar = None
        return segment


_ID, _WEIGHT, _VALUE, _LENGTH = (itemgetter(i) for i in range(4))


_PHRASES: dict | None = None


def _phrases_in(poses: dict[str, list[int]]) -> list[str]:
    """Multi-word thesaurus keys occurring as phrases (adjacent positions).

    ``poses`` maps each term of one field of one document to its positions
    (one per word, sub-words at their word's position), so this finds what a
    Whoosh Phrase query would.
    """
    global _PHRASES
    if _PHRASES is None:
        from .thesaurus import get_thesaurus

        index: dict = {}
        for key in get_thesaurus().by_key:
            ws = key.split()
            if len(ws) > 1:
                index.setdefault(ws[0], []).append((key, ws[1:]))
        _PHRASES = index
    found = []
    for first in _PHRASES.keys() & poses.keys():
        for key, rest in _PHRASES[first]:
            if all(w in poses for w in rest) and any(
                all(p + i in poses[w] for i, w in enumerate(rest, 1))
                for p in poses[first]
            ):
                found.append(key)
    return found


class _Sidecar:
    """Docnums and weights of every text/title term of a segment, as flat arrays.

    Layout: 8-byte little-endian length of a JSON term table
    ``[[field, term, start, end], ...]``, the table, then the int32 docnums
    and the float32 weights. Loading it is one read, where decoding Whoosh's
    posting blocks (pickled positions included) costs milliseconds per
    common term. Multi-word thesaurus keys are listed under "phrase:<field>"
    with the documents holding them as a phrase.
    """

    def __init__(self):
        self.table: list = []
        self.docs = array("i")
        self.weights = array("f")

    def add(self, field: str, term: str, docs, weights) -> None:
        start = len(self.docs)
        self.docs.extend(docs)
        self.weights.extend(weights)
        self.table.append([field, term, start, len(self.docs)])

    def to_bytes(self) -> bytes:
        head = json.dumps(self.table, ensure_ascii=False).encode("utf-8")
        return b"".join(
            (
                len(head).to_bytes(8, "little"),
                head,
                np.frombuffer(self.docs, np.int32).astype("<i4").tobytes(),
                np.frombuffer(self.weights, np.float32).astype("<f4").tobytes(),
            )
        )


def read_sidecar(data: bytes):
    """(terms, docnums, weights) of a sidecar; see :func:`sidecar_range`.

    ``terms`` maps ``"field\\0term"`` to the term's range packed in one int: a
    dict of only strings and ints is never walked by the garbage collector
    (a dict of tuples, hundreds of thousands of them, cost ~10 ms a collection).
    """
    n = int.from_bytes(data[:8], "little")
    table = json.loads(data[8 : 8 + n].decode("utf-8"))
    total = table[-1][3] if table else 0
    docs = np.frombuffer(data, "<i4", count=total, offset=8 + n)
    weights = np.frombuffer(data, "<f4", count=total, offset=8 + n + 4 * total)
    terms = {f"{f}\0{t}": (a << 32) | (b - a) for f, t, a, b in table}
    return terms, docs, weights


def sidecar_range(terms: dict, field: str, term: str) -> tuple[int, int]:
    """(start, end) of a term's postings in a sidecar's arrays ((0, 0) if absent)."""
    packed = terms.get(f"{field}\0{term}")
    if packed is None:
        return 0, 0
    start = packed >> 32
    return start, start + (packed & 0xFFFFFFFF)
