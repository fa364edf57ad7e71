"""A daemon thread per process that runs one job in an app context whenever woken.

The search outbox and the mail outbox are both applied after a commit without making
the request wait: the request pokes the worker, the worker drains what is due. A poke
while the job runs is remembered, so nothing committed meanwhile waits for the next one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from ..extensions import db


class Waker:
    """Runs `job` in `app`'s context on a daemon thread named `name`, once per wake-up."""

    def __init__(self, app: Flask, name: str, job: Callable[[], object]):
        self.app, self.name, self.job = app, name, job
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def poke(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name=self.name, daemon=True
                )
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.app.app_context():
                self.job()
                db.session.remove()
