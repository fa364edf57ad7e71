"""One copy of the index's arrays for every worker: read-only snapshot files.

What a :class:`~search_index.arrays.Snapshot` otherwise builds in each
process (every text/title term's posting list, the term table, field
lengths, app ids, the facet/sort columns as int16 codes and float64
numbers) is written next to the index as ``.npy`` files and opened
with ``np.load(mmap_mode="r")``: the workers share the operating system's
pages instead of each holding a copy.

- Per segment (segments never change once written), named after the segment
  so Whoosh deletes them with it: ``<segment>.snap_<part>.npy``. The term
  table is one sorted blob of ``field\\0term`` keys (UTF-8, newline
  separated; looked up by bisection, searched with ``mmap.find`` for the
  terms holding a character), ``starts``/``ends`` of each key's postings in
  ``docs``/``weights``.
- Per generation, a manifest ``snapshot_<kind>_<generation>.json``: the
  segments (id and document count) that generation reads. Written to a
  temporary file and moved into place with ``os.replace``, as are the array
  files; a reader uses the snapshot only when the manifest names exactly the
  generation and segments it opened, otherwise (stale, missing, unreadable)
  it takes the per-process path.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import threading
from bisect import bisect_left

import numpy as np
from whoosh.columns import NumericColumn

from .schema import VECTOR_COLUMNS

#: Bumped when the layout of the files changes (older files are then stale).
FORMAT = 1
_PARTS = ("keys", "keypos", "starts", "ends", "docs", "weights", "ids")


def manifest_name(kind: str, generation: int) -> str:
    return f"snapshot_{kind}_{generation}.json"


def _part_name(segment_name: str, part: str) -> str:
    return f"{segment_name}.snap_{part}.npy"


def _save(directory: str, name: str, array: np.ndarray) -> None:
    """np.save to a temporary file, then os.replace: readers never see half a file."""
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.{threading.get_ident()}")
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(array), allow_pickle=False)
    os.replace(tmp, os.path.join(directory, name))


def _segment_terms(arrays, reader):
    """(sorted keys, starts, ends, docs, weights, fields) of one segment's
    text/title/org_id postings, from its sidecar (IndexOutdated if none)."""
    terms, docs, weights, fields = arrays.sidecar(reader)
    items = sorted((k.encode("utf-8"), v) for k, v in terms.items())
    starts = np.fromiter((v >> 32 for _, v in items), np.int64, len(items))
    counts = np.fromiter((v & 0xFFFFFFFF for _, v in items), np.int64, len(items))
    return [k for k, _ in items], starts, starts + counts, docs, weights, fields


def _columns(reader) -> tuple[list[str], list[str]]:
    """(coded, numeric): the schema's columns a query reads as codes (facets,
    filters) or as numbers (sorts, ranges); ``id`` has its own file."""
    coded, numeric = [], []
    for name in reader.schema.names():
        kind = getattr(reader.schema[name], "column_type", None)
        if kind is None or name == "id" or name in VECTOR_COLUMNS:
            continue
        (numeric if isinstance(kind, NumericColumn) else coded).append(name)
    return coded, numeric


def _write_columns(directory: str, name: str, arrays, reader) -> dict:
    """Each column's codes (``code_<column>``, int16, labels in the meta) or
    numbers (``num_<column>``, float64, NaN where missing); their meta entry."""
    coded, numeric = _columns(reader)
    labels = {}
    for column in coded:
        codes, values = arrays.codes(reader, column)
        if all(isinstance(v, str) for v in values):  # labels go into JSON
            _save(directory, _part_name(name, f"code_{column}"), codes)
            labels[column] = values
    for column in numeric:
        _save(
            directory, _part_name(name, f"num_{column}"), arrays.numbers(reader, column)
        )
    return {"codes": labels, "numbers": numeric}


def _write_meta(meta: str, extra: dict) -> None:
    tmp = f"{meta}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(extra, f)
    os.replace(tmp, meta)


def write_segment(directory: str, arrays, reader) -> dict:
    """Write one segment's files (if not there yet); its manifest entry."""
    name = arrays.segid  # the segment's file prefix, e.g. achievements_x1y2
    entry = {"id": arrays.segid, "name": name, "n": arrays.n}
    meta = os.path.join(directory, _part_name(name, "meta").replace(".npy", ".json"))
    if os.path.exists(meta):
        with open(meta, encoding="utf-8") as f:
            entry.update(json.load(f))
        if "codes" not in entry:  # written before the column files existed
            entry.update(_write_columns(directory, name, arrays, reader))
            _write_meta(
                meta, {k: v for k, v in entry.items() if k not in ("id", "name", "n")}
            )
        return entry
    keys, starts, ends, docs, weights, fields = _segment_terms(arrays, reader)
    blob = b"\n" + b"\n".join(keys) + b"\n"
    lengths = np.fromiter((len(k) + 1 for k in keys), np.int64, len(keys))
    keypos = np.concatenate([[1], 1 + np.cumsum(lengths)])[: len(keys)]
    parts = {
        "keys": np.frombuffer(blob, np.uint8),
        "keypos": keypos.astype(np.int64),
        "starts": starts,
        "ends": ends,
        "docs": np.asarray(docs, "<i4"),
        "weights": np.asarray(weights, "<f4"),
    }
    if reader.has_column("id"):
        parts["ids"] = np.fromiter(
            (int(v) if v else -1 for v in reader.column_reader("id")),
            np.int64,
            arrays.n,
        )
    vectors = arrays.dense(reader)
    if vectors is not None:
        parts["dense"], parts["dense_bits"], parts["dense_fp"] = vectors
    lens = []
    for field in reader.schema.scorable_names():
        col = arrays.column(reader, f"_len:{field}")
        parts[f"len_{field}"] = np.asarray(col, np.float32)
        lens.append(field)
    for part, value in parts.items():
        _save(directory, _part_name(name, part), value)
    extra = {
        "fields": sorted(fields),
        "lengths": lens,
        "ids": "ids" in parts,
        "dense": "dense" in parts,
        "format": FORMAT,
        **_write_columns(directory, name, arrays, reader),
    }
    _write_meta(meta, extra)
    entry.update(extra)
    return entry


def write_manifest(directory: str, kind: str, generation: int, segments) -> str:
    """Write the generation's manifest atomically; remove older ones."""
    name = manifest_name(kind, generation)
    body = {
        "format": FORMAT,
        "kind": kind,
        "generation": generation,
        "segments": segments,
    }
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(body, f)
    os.replace(tmp, os.path.join(directory, name))
    pattern = re.compile(rf"^snapshot_{kind}_([0-9]+)\.json$")
    for other in os.listdir(directory):
        m = pattern.match(other)
        if m and int(m.group(1)) < generation - 1:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, other))
    return name


def read_manifest(directory: str, kind: str, generation: int) -> dict | None:
    """The generation's manifest, or None if missing, unreadable or of another
    format."""
    try:
        with open(
            os.path.join(directory, manifest_name(kind, generation)), encoding="utf-8"
        ) as f:
            body = json.load(f)
    except (OSError, ValueError):
        return None
    if body.get("format") != FORMAT or body.get("generation") != generation:
        return None
    return body


def _load(directory: str, name: str, part: str, n: int | None = None):
    array = np.load(os.path.join(directory, _part_name(name, part)), mmap_mode="r")
    if n is not None and len(array) != n:
        raise ValueError(f"{name} {part}: {len(array)} rows, expected {n}")
    return array


class MappedTerms:
    """A segment's term table over the memory-mapped key blob.

    ``get(key)`` packs a term's range as the sidecar's dict does, so
    ``fastwrite.sidecar_range`` reads both.
    """

    def __init__(self, directory: str, name: str):
        path = os.path.join(directory, _part_name(name, "keys"))
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                np.lib.format.read_array_header_1_0(f)
            else:
                np.lib.format.read_array_header_2_0(f)
            self._base = f.tell()
            size = os.fstat(f.fileno()).st_size
            self._mm = (
                mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )
        self.keypos = _load(directory, name, "keypos")
        self.starts = _load(directory, name, "starts", len(self.keypos))
        self.ends = _load(directory, name, "ends", len(self.keypos))
        self._n = len(self.keypos)

    def __len__(self) -> int:
        return self._n

    def key(self, i: int) -> bytes:
        a = self._base + int(self.keypos[i])
        return self._mm[a : self._mm.find(b"\n", a)]

    def __getitem__(self, i: int) -> bytes:  # for bisect
        return self.key(i)

    def index(self, key: bytes) -> int:
        i = bisect_left(self, key)
        return i if i < self._n and self.key(i) == key else -1

    def get(self, key: str, default=None):
        i = self.index(key.encode("utf-8"))
        if i < 0:
            return default
        start = int(self.starts[i])
        return (start << 32) | (int(self.ends[i]) - start)

    def containing(self, fieldname: str, char: str) -> list[tuple[str, int]]:
        """(term, postings) of every term of ``fieldname`` holding ``char``."""
        prefix = f"{fieldname}\0".encode()
        lo = bisect_left(self, prefix)
        hi = bisect_left(self, f"{fieldname}\x01".encode())
        if lo >= hi:
            return []
        mm, base, needle = self._mm, self._base, char.encode("utf-8")
        end = base + int(self.keypos[hi - 1])
        end = mm.find(b"\n", end)
        at = mm.find(needle, base + int(self.keypos[lo]), end)
        found = []
        while at >= 0:
            i = int(np.searchsorted(self.keypos, at - base, "right")) - 1
            key = self.key(i)
            stop = base + int(self.keypos[i]) + len(key)
            term = key[len(prefix) :].decode("utf-8")
            if key.startswith(prefix) and char in term and not term.isascii():
                found.append((term, int(self.ends[i]) - int(self.starts[i])))
            at = mm.find(needle, stop, end)
        return found


class MappedSegment:
    """One segment's arrays, memory-mapped from its snapshot files."""

    def __init__(self, directory: str, entry: dict):
        name, n = entry["name"], entry["n"]
        self.n = n
        terms = MappedTerms(directory, name)
        docs = _load(directory, name, "docs")
        weights = _load(directory, name, "weights", len(docs))
        fields = set(entry["fields"])
        self.side = (terms, docs, weights, frozenset(fields))
        self.lengths = {
            f: _load(directory, name, f"len_{f}", n) for f in entry["lengths"]
        }
        self.ids = _load(directory, name, "ids", n) if entry.get("ids") else None
        #: (int8 vectors, sign bits, text fingerprints) of dense.py, or None.
        self.dense = (
            tuple(
                _load(directory, name, p, n)
                for p in ("dense", "dense_bits", "dense_fp")
            )
            if entry.get("dense")
            else None
        )
        #: {column: (codes, labels)} and {column: float64 values} (NaN: none);
        #: a segment written before these files has neither (computed then).
        self.codes = {
            column: (_load(directory, name, f"code_{column}", n), labels)
            for column, labels in entry.get("codes", {}).items()
        }
        self.numbers = {
            column: _load(directory, name, f"num_{column}", n)
            for column in entry.get("numbers", ())
        }


def open_segments(directory: str, kind: str, generation: int, leaves) -> dict | None:
    """{segment id: MappedSegment} for a generation whose manifest matches
    ``leaves`` ((segment id, doc count) pairs), or None (stale or missing)."""
    body = read_manifest(directory, kind, generation)
    if body is None:
        return None
    entries = {e["id"]: e for e in body["segments"]}
    if sorted((e["id"], e["n"]) for e in entries.values()) != sorted(leaves):
        return None
    try:
        return {sid: MappedSegment(directory, e) for sid, e in entries.items()}
    except (OSError, ValueError, KeyError):
        return None
