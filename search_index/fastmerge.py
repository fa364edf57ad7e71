"""Merging segments through the fast writer, so a merged segment has its
sidecar too (see fastwrite.FastSegmentWriter, whose base this is).

Whoosh's merge policies (``commit()``'s MERGE_SMALL, ``optimize``) call the
writer's ``add_reader``, which copies a segment's stored fields, columns and
lengths (``write_per_doc``) and hands its postings to
``add_postings_to_pool``: public methods of Whoosh's ``SegmentWriter``,
overridden here. The merged postings join the writer's own, so the sidecar
comes from the same pass that writes them; the field lengths stay exact
(from the merged segment's sidecar), so the total lengths BM25 averages are
what a rebuild of the same documents has.
"""

from __future__ import annotations

from array import array

from .sidecar import PHRASE_FIELDS, load_sidecar, phrases_in


def put_length(exact: dict, name: str, docnum: int, length: int) -> None:
    """Record a document's exact field length (``exact``: field -> array)."""
    col = exact.get(name)
    if col is None:
        col = exact[name] = array("i")
    if len(col) <= docnum:
        col.extend([0] * (docnum + 1 - len(col)))
    col[docnum] = length


class _ExactLengths:
    """A segment reader whose ``doc_field_length`` is the exact length its
    sidecar records (Whoosh's reader gives the byte-quantised one)."""

    def __init__(self, reader, lengths: dict):
        self._reader = reader
        self._lengths = lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        col = self._lengths.get(fieldname)
        if col is None:
            return self._reader.doc_field_length(docnum, fieldname, default)
        return int(col[docnum])

    def __getattr__(self, name):
        return getattr(self._reader, name)


class MergedSegments:
    """The merge half of FastSegmentWriter (its ``_posts``, ``_phr``,
    ``_exact`` and ``_str_terms``)."""

    def write_per_doc(self, fieldnames, reader):
        self._merging = side = load_sidecar(reader)
        if side is not None and side[3] is not None:
            reader = _ExactLengths(reader, side[3])
        return super().write_per_doc(fieldnames, reader)

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """A merged segment's postings (live documents, renumbered) join this
        writer's; its phrase lists from its sidecar (or, for a segment written
        before every segment had one, from its postings' positions).

        ``docmap``: old docnum -> new, or None when the segment has no
        deletions (new = ``startdoc`` + old).
        """
        schema, posts, str_terms = self.schema, self._posts, self._str_terms
        side, self._merging = self._merging, None
        n = reader.doc_count_all()

        def new_doc(old):
            return docmap.get(old) if docmap is not None else startdoc + old

        exact = side[3] if side is not None else None
        quantised: dict[str, list[int]] = {}
        for name in schema.scorable_names():
            if exact is not None and name in exact:
                col = exact[name].tolist()
            else:
                col = [reader.doc_field_length(d, name) for d in range(n)]
            quantised[name] = [reader.doc_field_length(d, name) for d in range(n)]
            for old in reader.all_doc_ids():
                if col[old]:
                    put_length(self._exact, name, new_doc(old), col[old])
        legacy: dict[tuple[str, int], dict] = {}  # positions, without a sidecar
        for name, tbytes, docnum, weight, value in reader.iter_postings():
            if name not in schema:
                continue
            field = schema[name]
            new = new_doc(docnum)
            lq = quantised[name][docnum] if name in quantised else 0
            term = tbytes.decode("utf-8") if name in str_terms else tbytes
            posts.setdefault(name, {}).setdefault(term, []).append(
                (new, weight, value or b"", lq)
            )
            if side is None and name in PHRASE_FIELDS:
                poses = legacy.setdefault((name, new), {})
                poses[term] = field.format.decode_positions(value)
        if side is not None:
            terms, docs = side[0], side[1]
            for key, packed in terms.items():
                if key.startswith("phrase:"):
                    name, phrase = key.split("\0", 1)
                    start = packed >> 32
                    olds = docs[start : start + (packed & 0xFFFFFFFF)].tolist()
                    news = [d for d in map(new_doc, olds) if d is not None]
                    if news:
                        self._phr.setdefault((name, phrase), []).extend(news)
        for (name, new), poses in sorted(legacy.items(), key=lambda kv: kv[0][1]):
            for key in phrases_in(poses):
                self._phr.setdefault(("phrase:" + name, key), []).append(new)
