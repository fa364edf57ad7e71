"""`flask jobs tick` from every node's cron at the same minute: the work is done once."""

from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import pytest

from marketplace import clock
from marketplace.core.locks import advisory_lock, lock_key

pg_only = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="advisory locks are PostgreSQL's; SQLite is one node",
)


@pytest.fixture
def probe(monkeypatch):
    """The tick's due work, counting its runs and takes a while (so two ticks overlap)."""
    runs: list[float] = []

    run_due = clock.run_due

    def slow_run_due(now=None) -> dict[str, int]:
        runs.append(time.monotonic())
        time.sleep(0.5)
        return run_due(now)

    monkeypatch.setattr(clock, "run_due", slow_run_due)
    return runs


def test_the_lock_key_is_stable_and_distinct():
    assert lock_key("jobs-tick") == lock_key("jobs-tick")
    assert lock_key("jobs-tick") != lock_key("other")
    assert -(2**63) <= lock_key("jobs-tick") < 2**63


def test_one_node_ticks_as_before(app, db, probe):
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "notices_closed=" in result.output and len(probe) == 1


@pg_only
def test_a_tick_while_another_node_ticks_does_nothing(app, db, probe):
    with advisory_lock("jobs-tick") as held:
        assert held
        with advisory_lock("jobs-tick") as again:
            assert not again  # a second holder is refused, never kept waiting
        result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "another node is running the tick" in result.output
    assert probe == []
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])  # lock released
    assert "notices_closed=" in result.output and len(probe) == 1


@pg_only
def test_two_ticks_at_once_do_the_work_once(app, db, probe, monkeypatch):
    barrier = threading.Barrier(2)
    # CliRunner swaps sys.stdout for the whole process, so two runners at once lose
    # each other's output: the clock's echoes are collected here instead.
    outputs: list[str] = []
    monkeypatch.setattr(clock, "click", SimpleNamespace(echo=outputs.append))

    def tick():
        with app.app_context():
            barrier.wait()
            app.test_cli_runner().invoke(args=["jobs", "tick"])

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(probe) == 1
    assert sorted("notices_closed=" in o for o in outputs) == [False, True], outputs
    assert any("another node is running the tick" in o for o in outputs)
