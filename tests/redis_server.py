"""A real redis-server for the tests: 127.0.0.1, a free port, no persistence, a temporary folder.

Where redis-server is missing the tests that need it skip with the reason, except under
CI=true, where they fail: `make test` installs Debian's redis-server where it can.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis


def redis_server_or_skip() -> str:
    """The redis-server command; a skip where it is missing, but a failure under CI=true."""
    found = shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.access(p, os.X_OK)), None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed: `make test` installs Debian's redis-server package")
        pytest.skip("redis-server is not installed (make test installs it with apt-get where it can)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process; `url` for REDIS_URL, `client()` to look inside."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [redis_server_or_skip(), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes", "--daemonize", "no",
             "--logfile", str(folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=without_faketime(),
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                break
            except redis.exceptions.ConnectionError as exc:  # until it listens
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {exc}") from exc
            time.sleep(0.05)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True, socket_timeout=5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def without_faketime() -> dict[str, str]:
    """The environment without libfaketime (`make test-tomorrow`): redis-server's allocator
    recurses into its clock_gettime and the server never starts; its clock is not under test."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
