"""Several web nodes share one rate limit through Redis (issue 15 item 3).

Two processes stand for two nodes: failures counted by one node's process count on the
other's, because both keep their counters in the same redis-server. With the per-process
memory store (one node) the second process starts from zero, which the control shows.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.config import TestingConfig
from marketplace.extensions import limiter

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "3 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "3 per 15 minutes",
}
NODE = """
import json, sys
from marketplace import create_app
from marketplace.config import TestingConfig
config = json.loads(sys.argv[1])
app = create_app(TestingConfig, **config)
client = app.test_client()
codes = [
    client.post(
        "/account/login",
        data={"email": "nobody@example.com", "password": "wrong-password-9"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    ).status_code
    for _ in range(3)
]
print(json.dumps(codes))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if not binary:
        if os.environ.get("REQUIRE_BROWSER"):  # CI installs redis-server (.ci/run)
            pytest.fail("redis-server not found but CI requires it")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _other_node(config: dict) -> list[int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", NODE, json.dumps(config)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _this_node_status(config: dict) -> int:
    node = create_app(TestingConfig, **config)
    try:
        return (
            node.test_client()
            .post(
                "/account/login",
                data={"email": "nobody@example.com", "password": "wrong-password-9"},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},
            )
            .status_code
        )
    finally:
        limiter.reset()
        limiter.enabled = False


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory"])
def test_failures_on_one_node_count_on_the_other(app_config, db, redis_url, shared):
    storage = redis_url if shared else "memory://"
    config = {**app_config, **LIMITS, "RATELIMIT_STORAGE_URI": storage}
    assert _other_node(config) == [422, 422, 422]
    # The fourth failure, on this node: refused only when the counters are shared.
    assert _this_node_status(config) == (429 if shared else 422)


def test_redis_url_is_the_default_store(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    import importlib

    import marketplace.config as config_module

    reloaded = importlib.reload(config_module)
    try:
        assert reloaded.Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6390/0"
    finally:
        monkeypatch.undo()
        importlib.reload(config_module)
