"""A small least-recently-used dict, shared by the snapshot's caches."""

from __future__ import annotations

from collections import OrderedDict


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
