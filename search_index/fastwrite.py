"""A faster Whoosh segment writer and a rebuild that scales over processes.

The stock ``SegmentWriter`` runs the analyzer once per text field (the title
is analysed for ``title`` and again inside ``text``), pickles every posting
into an external sort pool and looks each posting's document length up again
from disk when it writes the segment. ``FastSegmentWriter`` analyses each part
of a document once, keeps postings in memory grouped by term, and writes them
straight to Whoosh's codec with the lengths it already knows. The files it
writes are ordinary Whoosh segments (same codec, same bytes per posting).
"""

from __future__ import annotations

import json
from pickle import dumps

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.fields import ID
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .analysis import EyewearTokenizer, analyze_with_spec
from .schema import HIGHLIGHT_SPEC, text_parts, to_document

#: Documents per segment a worker writes before it starts a new one.
SEGMENT_DOCS = 40_000
#: Extension and fields of the per-segment posting sidecar (see _sidecar).
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
        super().__init__(ix, **kwargs)
        self._posts: dict[tuple[str, bytes], list] = {}
        self._phr: dict[tuple[str, str], list[int]] = {}
        # Fields analysed here: those with the house tokenizer (with sub-words).
        self._boost = {
            name: field.format.field_boost
            for name, field in self.schema.items()
            if isinstance(getattr(field, "analyzer", None), EyewearTokenizer)
            and field.analyzer.subwords
            and field.format.__class__.__name__ == "Positions"
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
        specs: dict[str, str | None] = {}

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
        analysed = {
            "title": [words(title)],
            "text": [words(p) for p in text_parts(doc)],
        }
        fields = to_document(kind, doc, specs)
        if HIGHLIGHT_SPEC not in self.schema:
            fields.pop(HIGHLIGHT_SPEC, None)
        docnum = self.docnum
        self._add(fields, analysed)
        for name, lists in analysed.items():
            for key in _phrases_in(lists):
                self._phr.setdefault(("phrase:" + name, key), []).append(docnum)

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
                    if length:
                        lq = _LENQ.get(length)
                        if lq is None:
                            lq = _LENQ[length] = _lenq(length)
                        one, many = _ONE, _MANY
                        for term, plist in poses.items():
                            key = (name, term.encode("utf-8"))
                            if len(plist) == 1:
                                vb = one.get(plist[0]) or _encode(plist)
                            else:
                                vb = many.get(tuple(plist)) or _encode(plist)
                            post = (docnum, len(plist) * fb, vb, lq)
                            lst = posts.get(key)
                            if lst is None:
                                posts[key] = [post]
                            else:
                                lst.append(post)
                elif name in self._ids:
                    # An ID field: the whole value is the one term.
                    key = (name, value.encode("utf-8"))
                    post = (docnum, self._ids[name], b"", 0)
                    lst = posts.get(key)
                    if lst is None:
                        posts[key] = [post]
                    else:
                        lst.append(post)
                elif field.indexed:
                    items = list(field.index(value))
                    if field.scorable:
                        length = sum(freq for _, freq, _, _ in items)
                    lq = _lenq(length) if field.scorable and length else 0
                    for tbytes, _freq, weight, vbytes in items:
                        post = (docnum, weight, vbytes or b"", lq)
                        posts.setdefault((name, tbytes), []).append(post)
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
        self._sidecar = _sidecar(self._posts, self._phr)
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        last_field = None
        for name, btext in sorted(self._posts):
            if name != last_field:
                if last_field is not None:
                    fw.finish_field()
                fw.start_field(name, schema[name])
                last_field = name
            fw.start_term(btext)
            _add_postings(fw._postwriter, self._posts[(name, btext)])
            fw.finish_term()
        if last_field is not None:
            fw.finish_field()
        fw.close()
        self._posts = {}

    def finish(self):
        """Write the segment files and return the segment (no TOC change).

        Also writes the sidecar (see :func:`_sidecar`) after the compound file
        is assembled, so it stays a file of its own, named after the segment:
        Whoosh deletes it with the segment.
        """
        segment = self._finalize_segment()
        with self.storage.create_file(segment.make_filename(SIDECAR_EXT)) as f:
            f.write(self._sidecar)
        self._sidecar = None
        return segment


def _add_postings(pw, plist: list) -> None:
    """``pw.add_posting`` for a whole term, a block at a time (same bytes)."""
    limit = pw._blocklimit
    for i in range(0, len(plist), limit):
        if i:
            pw._write_block()
        chunk = plist[i : i + limit]
        weights = [p[1] for p in chunk]
        pw._ids.extend([p[0] for p in chunk])
        pw._weights.extend(weights)
        pw._values.extend([p[2] for p in chunk if p[2]])
        top = max(weights)
        if top > pw._maxweight:
            pw._maxweight = top
        lengths = [p[3] for p in chunk if p[3]]
        if lengths:
            low, high = min(lengths), max(lengths)
            if pw._minlength is None or low < pw._minlength:
                pw._minlength = low
            if high > pw._maxlength:
                pw._maxlength = high


_PHRASES: dict | None = None


def _phrases_in(lists) -> set[str]:
    """Multi-word thesaurus keys occurring as phrases (adjacent positions).

    Positions as the index has them: one per word, sub-words at their word's
    position, so this finds what a Whoosh Phrase query would.
    """
    global _PHRASES
    if _PHRASES is None:
        from .thesaurus import get_thesaurus

        index: dict = {}
        for key in get_thesaurus().by_key:
            ws = key.split()
            if len(ws) > 1:
                index.setdefault(ws[0], []).append((key, ws))
        _PHRASES = index
    flat = [w for words in lists for w in words]
    phrases = _PHRASES
    if not any(
        w.text in phrases or (w.subs and any(s in phrases for s in w.subs))
        for w in flat
    ):
        return set()
    slots = [{w.text, *w.subs} for w in flat]
    found = set()
    for p, slot in enumerate(slots):
        for t in slot:
            for key, ws in _PHRASES.get(t, ()):
                if p + len(ws) <= len(slots) and all(
                    ws[i] in slots[p + i] for i in range(1, len(ws))
                ):
                    found.add(key)
    return found


def _sidecar(posts: dict, phrases: dict | None = None) -> bytes:
    """Docnums and weights of every text/title term, as flat arrays.

    Layout: 8-byte little-endian length of a JSON term table
    ``[[field, term, start, end], ...]``, the table, then the int32 docnums
    and the float32 weights. Loading it is one read, where decoding Whoosh's
    posting blocks (pickled positions included) costs milliseconds per
    common term.
    """
    table, docs, weights = [], [], []
    start = 0
    for (name, btext), plist in posts.items():
        if name not in SIDECAR_FIELDS:
            continue
        docs.extend(p[0] for p in plist)
        weights.extend(p[1] for p in plist)
        table.append([name, btext.decode("utf-8"), start, start + len(plist)])
        start += len(plist)
    # Documents holding each multi-word thesaurus key as a phrase ("phrase:<field>").
    for (name, key), docnums in (phrases or {}).items():
        docs.extend(docnums)
        weights.extend([0.0] * len(docnums))
        table.append([name, key, start, start + len(docnums)])
        start += len(docnums)
    head = json.dumps(table, ensure_ascii=False).encode("utf-8")
    return b"".join(
        (
            len(head).to_bytes(8, "little"),
            head,
            np.array(docs, "<i4").tobytes(),
            np.array(weights, "<f4").tobytes(),
        )
    )


def read_sidecar(data: bytes):
    """(terms {(field, term): (start, end)}, docnums, weights) of a sidecar."""
    n = int.from_bytes(data[:8], "little")
    table = json.loads(data[8 : 8 + n].decode("utf-8"))
    total = table[-1][3] if table else 0
    docs = np.frombuffer(data, "<i4", count=total, offset=8 + n)
    weights = np.frombuffer(data, "<f4", count=total, offset=8 + n + 4 * total)
    return {(f, t): (a, b) for f, t, a, b in table}, docs, weights
