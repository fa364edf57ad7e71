"""A faster Whoosh segment writer, for every write: rebuilds, upserts, merges.

The stock ``SegmentWriter`` runs the analyzer once per text field (the title
is analysed for ``title`` and again inside ``text``), pickles every posting
into an external sort pool and looks each posting's document length up again
from disk when it writes the segment. ``FastSegmentWriter`` analyses each part
of a document once, keeps postings in memory grouped by term, and writes them
straight to Whoosh's codec with the lengths it already knows. The files it
writes are ordinary Whoosh segments (the same W3 codec and postings; posting
blocks are stored uncompressed, see POSTING_COMPRESSION), each with the
posting sidecar the engine reads (sidecar.py).
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from pickle import dumps

from whoosh.analysis import IDTokenizer, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from .analysis import EyewearTokenizer
from .fastmerge import MergedSegments, put_length
from .highlight import analyze_with_spec
from .schema import text_parts, to_document
from .sidecar import (  # noqa: F401  (re-exported: arrays, segments, shared)
    SIDECAR_EXT,
    SIDECAR_FIELDS,
    Sidecar,
    phrases_in,
    read_sidecar,
    sidecar_range,
)
from .whoosh_adapter import AppSegmentWriter, add_postings, posting_writer

#: Documents per segment a worker writes before it starts a new one: fewer,
#: larger segments search faster; a worker holds its segment's postings in memory.
SEGMENT_DOCS = 60_000
#: zlib level of posting blocks in rebuilt segments. Whoosh compresses them
#: (level 3) by default; compressing was ~8% of a rebuild's CPU for a third
#: more disk, and queries read most postings from the sidecar anyway. Each
#: block records its own level, so any Whoosh reader or merge reads them.
POSTING_COMPRESSION = 0


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


class FastSegmentWriter(MergedSegments, AppSegmentWriter):
    """``SegmentWriter`` for app dicts: ``add_app_doc(kind, doc)`` (and
    ``delete_by_term``), then ``commit()``, or ``finish_segment()`` for a
    rebuild worker. Every segment it writes, merged ones included, gets its
    sidecar (sidecar.py) from the same pass that writes its postings."""

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
        self._id_fields = {
            name: field.format.field_boost
            for name, field in self.schema.items()
            if type(field) is ID
            and type(field.analyzer) is IDTokenizer
            and not field.scorable
        }
        #: Fields whose terms are kept as str (the others as Whoosh's bytes).
        self._str_terms = {*self._boost, *self._regex, *self._id_fields}
        self._sidecar: bytes | None = None
        #: Exact field lengths by field, then docnum (the length column keeps
        #: them a byte each): in the sidecar, so a merge keeps exact totals.
        self._exact: dict = {}

    def add_app_doc(self, kind: str, doc: dict, vector: tuple | None = None) -> None:
        """Index one app dict (see README), analysing each text part once;
        ``vector``: its dense vector bytes and their text's fingerprint."""
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
        if vector:
            fields["dense"], fields["dense_fp"] = vector
        fields = {k: v for k, v in fields.items() if k in self.schema}
        self._add(fields, analysed)

    def add_document(self, **fields):
        raise TypeError("FastSegmentWriter indexes app dicts: use add_app_doc")

    def _add(self, fields: dict, analysed: dict) -> None:
        self.check_open()
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
                    for key in phrases_in(poses):
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
                elif name in self._id_fields:
                    # An ID field: the whole value is the one term.
                    post = (docnum, self._id_fields[name], b"", 0)
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
                if length:
                    put_length(self._exact, name, docnum, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self.mark_added()
        self.docnum += 1

    def flush_postings(self):
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        side = Sidecar()
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
        side.lengths, side.n = self._exact, self.docnum
        self._sidecar = side.to_bytes()
        self._posts = {}

    def finish(self):
        """Write the segment files and return the segment (no TOC change)."""
        return self.finish_segment()

    def segment_written(self, segment) -> None:
        # After the compound file is assembled, so the sidecar stays a file of
        # its own, named after the segment: Whoosh deletes it with the segment.
        with self.storage.create_file(segment.make_filename(SIDECAR_EXT)) as f:
            f.write(self._sidecar)
        self._sidecar = None


_ID, _WEIGHT, _VALUE, _LENGTH = (itemgetter(i) for i in range(4))
