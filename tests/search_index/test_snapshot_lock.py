"""Snapshot.lock: the public, reentrant lock callers hold around a snapshot's
caches (engine.py, hints.py); nothing reaches a private lock from outside."""

from __future__ import annotations

import re
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOREIGN_LOCK = re.compile(r"\b(?!self\b)\w+\._lock\b")


def test_the_lock_is_reentrant_and_holds_off_other_threads(index):
    snap = index.snapshot("achievements")
    with snap.lock, snap.lock:  # reentrant: engine code takes it nested
        done = threading.Event()
        worker = threading.Thread(
            target=lambda: (snap.postings("text", "镜架"), done.set())
        )
        worker.start()
        assert not done.wait(0.2)  # the cache fill waits for the lock
    assert done.wait(5)
    worker.join()
    assert len(snap.postings("text", "镜架")[0])


def test_no_module_reaches_another_objects_private_lock():
    found = []
    for folder in ("search_index", "marketplace"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FOREIGN_LOCK.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
    assert FOREIGN_LOCK.search("with snap._lock:")
    assert not FOREIGN_LOCK.search("with self._lock:")
