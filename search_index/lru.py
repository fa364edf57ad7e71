"""Least-recently-used caches shared by the snapshot: by entries (``_LRU``) and
by bytes (``BytesLRU``; ``ScoreCache`` keeps score arrays sparse)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

#: What an entry costs besides its arrays (key, tuple, dict slot), roughly.
ENTRY_BYTES = 200


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, build):
        got = self.lookup(key)
        if got is None:
            got = self.put(key, build())
        return got

    def lookup(self, key):
        """The value of ``key`` (now the most recently used), or None."""
        got = self.get(key)
        if got is not None:
            self.move_to_end(key)
        return got

    def put(self, key, value):
        """Keep ``value`` under ``key``, dropping the least recently used."""
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


def owned_bytes(value) -> int:
    """Bytes of the numpy arrays in ``value`` (through tuples and lists) that
    hold their own memory: views of a memory-mapped file cost nothing here."""
    if isinstance(value, np.ndarray):
        return value.nbytes if value.base is None else 0
    if isinstance(value, (tuple, list)):
        return sum(owned_bytes(v) for v in value)
    return 0


class BytesLRU:
    """A dict bounded by the bytes of its arrays (``owned_bytes``, plus
    ``ENTRY_BYTES`` an entry); the least recently used entries go first.
    Not thread-safe: callers hold the snapshot's lock."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._data: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data

    def __getitem__(self, key):
        value, _ = self._data[key]
        self._data.move_to_end(key)
        return value

    def get(self, key, default=None):
        got = self._data.get(key)
        if got is None:
            self.misses += 1
            return default
        self.hits += 1
        self._data.move_to_end(key)
        return got[0]

    def lookup(self, key):
        return self.get(key)

    def __setitem__(self, key, value) -> None:
        self.put(key, value)

    def put(self, key, value):
        old = self._data.pop(key, None)
        if old is not None:
            self.nbytes -= old[1]
        size = owned_bytes(value) + ENTRY_BYTES
        self._data[key] = (value, size)
        self.nbytes += size
        while self.nbytes > self.max_bytes and len(self._data) > 1:
            _, (_, dropped) = self._data.popitem(last=False)
            self.nbytes -= dropped
        return value

    def get_or(self, key, build):
        got = self.get(key)
        if got is None:
            got = self.put(key, build())
        return got

    def clear(self) -> None:
        self._data.clear()
        self.nbytes = 0

    def items(self):
        return ((k, v) for k, (v, _) in self._data.items())

    def values(self):
        return (v for v, _ in self._data.values())


class ScoreCache(BytesLRU):
    """Dense float32 score arrays (one slot per document), kept as the
    (docnums, scores) of their non-zero slots when that is smaller: a word with
    its synonyms scores a few per cent of an index. ``lookup`` gives the dense,
    read-only array back."""

    def put(self, key, value):
        nonzero = np.flatnonzero(value != 0)  # a bool array's is ten times faster
        if len(nonzero) * 8 < value.nbytes:
            stored = (len(value), nonzero.astype(np.int32), value[nonzero])
        else:
            stored = value
        super().put(key, stored)
        return value

    def get(self, key, default=None):
        got = super().get(key)
        if got is None:
            return default
        if isinstance(got, tuple):
            n, docs, scores = got
            dense = np.zeros(n, np.float32)
            dense[docs] = scores
            dense.flags.writeable = False
            return dense
        return got
