"""Corpus statistics a pair's score is weighed by, frozen at each rebuild.

A pair's score must not depend on what was published before it (issue 13:
one pair, one score). Live document frequencies change with every listing,
so the score reads these instead: per index kind, the number of documents,
the total ``text`` length and the document frequency of every term held by
two or more documents, written by :meth:`SearchIndex.rebuild` (``flask
search reindex``) to ``<kind>.pairstats`` beside the index. Until the next
rebuild they stay as they are; without a file (a new market) the score is
weighed by general language alone (concepts.py's prior).
"""

from __future__ import annotations

import os
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .schema import KINDS

VERSION = 1
#: The average length assumed where no statistics were frozen yet.
DEFAULT_AVG_LENGTH = 60.0


@dataclass(frozen=True, eq=False)
class PairStats:
    """Both kinds' frozen statistics, summed (a pair joins one of each)."""

    n: int = 0
    avg_length: float = DEFAULT_AVG_LENGTH
    df: dict = field(default_factory=dict)
    #: Identifies the files read: caches of weighed concepts key on it.
    key: tuple = ()


def stats_path(directory, kind: str) -> Path:
    return Path(directory) / f"{kind}.pairstats"


def write_stats(directory, kind: str, reader) -> None:
    """Freeze ``kind``'s statistics from a Whoosh reader of its new index."""
    df: dict[str, int] = {}
    for term, info in reader.iter_field("text"):
        n = info.doc_frequency()
        if n > 1:
            df[term if isinstance(term, str) else term.decode("utf-8")] = n
    data = {
        "version": VERSION,
        "n": reader.doc_count(),
        "length": reader.field_length("text"),
        "df": df,
    }
    path = stats_path(directory, kind)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


_lock = threading.Lock()
_cache: dict[str, PairStats] = {}


def load_stats(directory) -> PairStats:
    """The frozen statistics of the index in ``directory`` (cached per file version)."""
    directory = str(directory)
    stamps = []
    for kind in KINDS:
        try:
            st = os.stat(stats_path(directory, kind))
            stamps.append((kind, st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append((kind, 0, 0))
    key = tuple(stamps)
    got = _cache.get(directory)
    if got is not None and got.key == key:
        return got
    with _lock:
        n, length, df = 0, 0, {}
        for kind, stamp, _ in key:
            if not stamp:
                continue
            try:
                with open(stats_path(directory, kind), "rb") as fh:
                    data = pickle.load(fh)  # noqa: S301 - our own file
            except (OSError, pickle.UnpicklingError, EOFError):
                continue
            if data.get("version") != VERSION:
                continue
            n += data["n"]
            length += data["length"]
            for term, count in data["df"].items():
                df[term] = df.get(term, 0) + count
        avg = length / n if n else DEFAULT_AVG_LENGTH
        got = PairStats(n, avg, df, key)
        _cache[directory] = got
        return got
