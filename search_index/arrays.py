"""An in-memory numpy view of one Whoosh index generation, for fast scoring.

Whoosh stays the index and the storage. A :class:`Snapshot` reads, lazily and
once per index generation, what queries and matching need: per-term posting
lists (docnums and weights), field lengths, deletions and the facet and sort
columns, as numpy arrays. Per-segment parts are kept across generations
(segments never change once written; only their deletions do), so a refresh
after a small update reloads only the new segment.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_right

import numpy as np

from .fastwrite import sidecar_range
from .lru import _LRU, BytesLRU, ScoreCache
from .segments import SegmentArrays, check_sidecar, code_dtype
from .thesaurus import get_thesaurus
from .vocabulary import terms_containing
from .whoosh_adapter import (
    has_terms,
    stored_fields,
)

#: Memory for cached scores of query parts, per snapshot (kept sparse: a
#: word with its synonyms costs 8 bytes per matching document, not 4 per
#: document; see lru.ScoreCache).
SCORE_CACHE_BYTES = 8 * 2**20
#: Memory for the BM25 scores of single terms, per snapshot (cheap to score
#: again, so they do not share a budget with what is not).
TERM_CACHE_BYTES = 4 * 2**20
#: Memory for the callers' cache (filter masks, phrase documents, length
#: norms, joint facet codes, hints): about 2.3 MB after 600 searches at 100,000.
CACHE_BYTES = 4 * 2**20
#: Memory for posting lists joined over an index of several segments.
POSTINGS_CACHE_BYTES = 4 * 2**20
#: Stored fields of documents shown or checked (a page, a match's candidates).
STORED_CACHE_DOCS = 2_000
#: BM25F parameters, as Whoosh's default weighting.
BM25_B = 0.75
BM25_K1 = 1.2
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class Snapshot:
    """One generation of one index: global docnums over all its segments."""

    def __init__(self, searcher, segcache: dict, mapper=None):
        """``mapper(generation, [(segment id, docs), ...])`` gives the
        generation's memory-mapped segments (shared.open_segments) or None:
        then, or without a mapper, every array is built in this process."""
        self.searcher = searcher
        self.generation = searcher.reader().generation()
        reader = searcher.reader()
        subs = []
        for sub, offset in reader.leaf_readers():
            if not has_terms(sub) or not sub.doc_count_all():
                continue  # an empty index
            check_sidecar(sub)  # IndexOutdated: no other posting source
            seg = sub.segment()
            key = seg.segment_id() if seg is not None else f"{id(sub)}"
            subs.append((key, sub, offset))
        mapped = None
        if mapper is not None:
            mapped = mapper(
                self.generation, [(k, s.doc_count_all()) for k, s, _ in subs]
            )
        #: Whether this generation's arrays are the shared, memory-mapped files.
        self.mapped = mapped is not None
        self.leaves = []
        live = []
        for key, sub, offset in subs:
            seg_mapped = mapped.get(key) if mapped else None
            arrays = segcache.get(key)
            if (
                arrays is None
                or arrays.n != sub.doc_count_all()
                or (arrays.mapped is None) != (seg_mapped is None)
            ):
                arrays = segcache[key] = SegmentArrays(
                    key, sub.doc_count_all(), seg_mapped
                )
            self.leaves.append((arrays, sub, offset))
            mask = np.ones(sub.doc_count_all(), bool)
            if sub.has_deletions():
                dead = np.fromiter(sub.segment().deleted_docs(), dtype=np.int64)
                mask[dead[dead < len(mask)]] = False
            live.append(mask)
        self._offsets = [offset for _, _, offset in self.leaves]
        self.n = reader.doc_count_all()
        self.live = np.concatenate(live) if live else np.zeros(0, bool)
        self.doc_count = int(self.live.sum())
        #: Held while reading or filling the caches (``cache`` too); reentrant.
        self.lock = self._lock = threading.RLock()
        self._postings = BytesLRU(POSTINGS_CACHE_BYTES)
        self._columns: dict = {}
        self._codes: dict = {}
        #: For callers too: filter masks and the like (bounded in bytes).
        self.cache = BytesLRU(CACHE_BYTES)
        self._bm25 = BytesLRU(TERM_CACHE_BYTES)
        self._avg = {}
        self._stored = _LRU(STORED_CACHE_DOCS)
        # Scores of compound query parts (one word with its synonyms, say): the
        # same words come back in many queries. Bounded in bytes, not entries.
        self.scores = ScoreCache(SCORE_CACHE_BYTES)

    def drop_caches(self) -> None:
        """Empty the per-query caches (a retired generation a thread may still
        be reading: what it asks for again is computed again)."""
        with self._lock:
            caches = (self.scores, self.cache, self._bm25, self._postings, self._stored)
            for cache in caches:
                cache.clear()

    def doc_ids(self) -> np.ndarray | None:
        """Every document's app id (int64, -1 if none) from the ``id`` column,
        or None for an index written before that column existed."""
        with self._lock:
            if "#id" not in self._codes:
                ids = None
                if self.leaves and all(a.mapped is not None for a, _, _ in self.leaves):
                    parts = [a.mapped.ids for a, _, _ in self.leaves]
                    if all(p is not None for p in parts):
                        ids = parts[0] if len(parts) == 1 else np.concatenate(parts)
                        self._codes["#id"] = ids
                        return ids
                if all(sub.has_column("id") for _, sub, _ in self.leaves):
                    values = self.column("id")
                    ids = np.fromiter(
                        (int(v) if v else -1 for v in values), np.int64, len(values)
                    )
                self._codes["#id"] = ids
            return self._codes["#id"]

    def dense_parts(self) -> list[tuple]:
        """(first docnum, int8 vectors, sign bits, fingerprints) per segment that has dense
        vectors (dense.py); [] when none has."""
        with self._lock:
            if "#dense" not in self._codes:
                parts = []
                for arrays, sub, offset in self.leaves:
                    got = arrays.dense(sub)
                    if got is not None:
                        parts.append((offset, *got))
                self._codes["#dense"] = parts
            return self._codes["#dense"]

    def dense_vector(self, docnum: int) -> np.ndarray | None:
        """One document's int8 vector, or None."""
        for offset, vectors, *_ in reversed(self.dense_parts()):
            if docnum >= offset:
                if docnum - offset < len(vectors):
                    row = vectors[docnum - offset]
                    return row if row.any() else None
                return None
        return None

    def stored_fields(self, docnum: int) -> dict:
        """The stored fields of one document (cached; do not modify the dict)."""
        with self._lock:
            return self._stored.get_or(docnum, lambda: self._read_stored(docnum))

    def _read_stored(self, docnum: int) -> dict:
        # Straight from the segment's stored column: Whoosh's reader would also
        # check every name against the schema, which costs more than the read.
        i = bisect_right(self._offsets, docnum) - 1
        if i >= 0:
            arrays, sub, offset = self.leaves[i]
            got = arrays.stored(sub, docnum - offset)
            if got is None:
                got = stored_fields(sub, docnum - offset)
            if got is not None:
                return got
        return self.searcher.stored_fields(docnum)

    # -- terms ---------------------------------------------------------------

    def postings(self, fieldname: str, text: str):
        """(docnums, weights) of a term over the whole index, docnums ascending."""
        with self._lock:
            return self._postings.get_or(
                (fieldname, text), lambda: self._join(fieldname, text)
            )

    def _join(self, fieldname: str, text: str):
        if len(self.leaves) == 1:
            arrays, sub, _ = self.leaves[0]
            return arrays.postings(sub, fieldname, text)
        docs, weights = [], []
        for arrays, sub, offset in self.leaves:
            d, w = arrays.postings(sub, fieldname, text)
            if len(d):
                docs.append(d + offset if offset else d)
                weights.append(w)
        if not docs:
            return _EMPTY
        if len(docs) == 1 and docs[0].dtype == np.int32:
            return docs[0], weights[0]  # one segment's (shared) arrays, no copy
        return np.concatenate(docs).astype(np.int32, copy=False), np.concatenate(
            weights
        )

    def phrase_docs(self, fieldname: str, words) -> np.ndarray | None:
        """Documents holding a multi-word thesaurus key as a phrase, from the
        segments' sidecars (None when the key is not a thesaurus key: Whoosh
        then checks the positions)."""
        key = " ".join(words)
        if key not in get_thesaurus().by_key:
            return None
        parts = []
        for arrays, sub, offset in self.leaves:
            side = arrays.sidecar(sub)
            lo, hi = sidecar_range(side[0], f"phrase:{fieldname}", key)
            parts.append(side[1][lo:hi].astype(np.int64) + offset)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def terms_containing(self, fieldname: str, char: str, limit: int) -> tuple:
        """The ``limit`` most frequent terms of ``fieldname`` holding the
        non-ASCII character ``char`` (see vocabulary.terms_containing)."""
        key = ("containing", fieldname, char, limit)
        with self._lock:
            got = self.cache.get(key)
        if got is None:
            got = terms_containing(self.leaves, fieldname, char, limit)
            with self._lock:
                self.cache[key] = got
        return got

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """Documents holding the term (deleted ones included, as Whoosh counts)."""
        return len(self.postings(fieldname, text)[0])

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf: log(N / (df + 1)) + 1."""
        return math.log(self.n / (self.doc_frequency(fieldname, text) + 1)) + 1

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's (byte-quantised) field length, as Whoosh scores with."""
        return self.column("_len:" + fieldname)

    def avg_length(self, fieldname: str) -> float:
        if fieldname not in self._avg:
            total = self.searcher.reader().field_length(fieldname)
            self._avg[fieldname] = (total / (self.n or 1)) or 1.0
        return self._avg[fieldname]

    def _norms(self, fieldname: str) -> np.ndarray:
        """BM25's length normalisation of every document, once per field."""
        key = ("norms", fieldname)
        with self._lock:
            got = self.cache.get(key)
        if got is None:
            fl = self.lengths(fieldname)
            got = BM25_K1 * ((1 - BM25_B) + BM25_B * fl / self.avg_length(fieldname))
            with self._lock:
                self.cache[key] = got
        return got

    def bm25_at(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """One term's BM25F scores at ``docs`` (ascending; 0 where it is absent).

        The same float32 values :meth:`bm25` gives there, but a term not yet
        scored is scored only at ``docs``: a common word inside a phrase or
        an AND of few documents is not scored over all its postings.
        """
        with self._lock:
            got = self._bm25.get((fieldname, text))
        if got is not None:
            word_docs, values = got
        else:
            word_docs, values = self.postings(fieldname, text)
        if not len(word_docs):
            return np.zeros(len(docs), np.float32)
        at = np.minimum(np.searchsorted(word_docs, docs), len(word_docs) - 1)
        present = word_docs[at] == docs
        if got is None:
            w = values[at]
            values = w * (BM25_K1 + 1)  # as in bm25: the same float32 steps
            values *= self.idf(fieldname, text)
            den = self._norms(fieldname)[docs]
            den += w
            values /= den
            return np.where(present, values, 0).astype(np.float32, copy=False)
        return np.where(present, values[at], 0).astype(np.float32, copy=False)

    def bm25(self, fieldname: str, text: str, boost: float = 1.0):
        """(docnums, BM25F scores) of one term, scored as Whoosh's BM25F does."""
        key = (fieldname, text)
        with self._lock:
            got = self._bm25.get(key)
        if got is not None:
            docs, scores = got
            return docs, scores * boost if boost != 1.0 else scores
        docs, w = self.postings(fieldname, text)
        if len(docs):
            # idf * (w * (k1 + 1)) / (w + norm), in place: the same float32
            # operations in the same order, two fewer arrays.
            scores = w * (BM25_K1 + 1)
            scores *= self.idf(fieldname, text)
            den = self._norms(fieldname)[docs]
            den += w
            scores /= den
            scores = scores.astype(np.float32, copy=False)
        else:
            scores = np.zeros(0, np.float32)
        with self._lock:
            self._bm25[key] = (docs, scores)
        return docs, scores * boost if boost != 1.0 else scores

    # -- columns -------------------------------------------------------------

    def column(self, name: str) -> np.ndarray:
        """A stored column over all documents: float32 for lengths (kept), else
        objects (read each time: queries use ``codes`` and ``numbers``).

        Object arrays, unlike lists, are never walked by the garbage collector
        (a young list of 100,000 values made a collection cost milliseconds).
        """
        lengths = name.startswith("_len:")
        with self._lock:
            if name in self._columns:
                return self._columns[name]
            parts = [a.column(sub, name) for a, sub, _ in self.leaves]
            if len(parts) == 1 and (isinstance(parts[0], np.memmap) or not lengths):
                value = parts[0]  # shared pages, not a private copy
            elif parts:
                value = np.concatenate(parts)
            else:
                value = np.zeros(0, np.float32 if lengths else object)
            if lengths:
                self._columns[name] = value
            return value

    def codes(self, name: str, split: str | None = None):
        """(codes, labels): an int code per document (-1 = none) and the labels
        (in the order the values first occur in the index).

        Each segment's codes come from its shared file where it has one (one
        segment: that file's pages themselves), else from its column; an
        index of several segments joins them through each one's label table.
        ``split`` is accepted for older callers and changes nothing.
        """
        with self._lock:
            got = self._codes.get(name)
        if got is None:
            got = self._join_codes(name)
            with self._lock:
                self._codes[name] = got
        return got

    def _join_codes(self, name: str):
        parts = [a.codes(sub, name) for a, sub, _ in self.leaves]
        if len(parts) == 1:
            return parts[0]
        index: dict = {}
        luts = [
            np.array([index.setdefault(v, len(index)) for v in labels] + [-1], np.int32)
            for _, labels in parts
        ]
        dtype = code_dtype(len(index))
        joined = np.empty(self.n, dtype)
        for (arrays, _, offset), lut, (codes, _) in zip(
            self.leaves, luts, parts, strict=True
        ):
            joined[offset : offset + arrays.n] = lut[codes]  # -1 picks the -1
        return joined, list(index)

    def numbers(self, name: str, default: float = 0) -> np.ndarray:
        """A numeric column as float64 (``default`` where missing)."""
        key = ("#", name, default)
        with self._lock:
            got = self._codes.get(key)
        if got is None:
            parts = [a.numbers(sub, name) for a, sub, _ in self.leaves]
            if len(parts) == 1:
                got = parts[0]
            else:
                got = np.concatenate(parts) if parts else np.zeros(0, np.float64)
            missing = np.isnan(got)
            if missing.any():
                got = np.where(missing, default, got)
            with self._lock:
                self._codes[key] = got
        return got

    def mask(self, name: str, value) -> np.ndarray:
        """Documents whose column ``name`` equals ``value``."""
        codes, labels = self.codes(name)
        try:
            return codes == labels.index(value)
        except ValueError:
            return np.zeros(self.n, bool)
