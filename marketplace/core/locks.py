"""Work that must run on one node at a time: a PostgreSQL advisory lock.

`flask jobs tick` runs from every node's cron at the same minute; the first to
take the lock does the due work, the others see it taken and stop. On SQLite
(one node by definition) the lock is always granted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ..extensions import db


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (pg_try_advisory_lock takes a bigint)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def advisory_lock(name: str) -> Iterator[bool]:
    """Try to hold the lock `name` for the block; yields whether it is held.

    Never waits: a second holder gets False at once. The lock is taken on a
    connection of its own, so the caller's commits and rollbacks do not drop it,
    and it ends with the block (or with the process: PostgreSQL frees the locks
    of a closed connection).
    """
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with db.engine.connect() as conn:
        held = bool(conn.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
