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
    """Runs `job` in `app`'s context on a daemon thread named `name`, once per wake-up.

    With `every` (seconds) the thread also wakes by itself that often once started:
    a node follows work that other nodes wrote (the search log), not only its own.
    """

    def __init__(
        self,
        app: Flask,
        name: str,
        job: Callable[[], object],
        every: float | None = None,
    ):
        self.app, self.name, self.job = app, name, job
        self.every = every or None
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        """Start the thread if this process has none (threads do not survive a fork:
        each gunicorn worker starts its own at its first request)."""
        if self.running():
            return
        with self.lock:
            if not self.running():
                self.thread = threading.Thread(
                    target=self._run, name=self.name, daemon=True
                )
                self.thread.start()

    def poke(self) -> None:
        self.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait(self.every)
            self.wake.clear()
            with self.app.app_context():
                self.job()
                db.session.remove()
