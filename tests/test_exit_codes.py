"""Exit codes that tell the truth: a crawl that fetched no entry point fails and says why; an
`update` summary names each failed source's reason; an interrupted update says `interrupted`,
is recorded so and exits 130; a crawl takes the archive lock `update` takes.

Real subprocesses on 127.0.0.1. The signal and lock tests hold the site's article pages until
the test has seen what it waits for (the request arriving, the log line of the signal), so
they never depend on timing.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import fixture_site
from tests.conftest import ROOT, run_scrapy

pytestmark = pytest.mark.slow
PATTERN = "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
WAIT = 60  # seconds: a bound on waiting for a subprocess, never a pause


class GatedHandler(fixture_site.FixtureHandler):
    """Holds every article page until the test opens the gate; `/hang.xml` never answers."""

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/hang.xml":
            self.server.closing.wait(WAIT)
            return
        if fixture_site.ARTICLE_RE.match(path):
            self.server.arrived.set()
            self.server.gate.wait(WAIT)
        super().do_GET()


def gated_site():
    server = fixture_site.start("pending", GatedHandler)
    server.gate, server.arrived, server.closing = threading.Event(), threading.Event(), threading.Event()
    return server


@pytest.fixture
def site():
    server = gated_site()
    yield server
    server.gate.set()
    server.closing.set()
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: a site that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def source(name: str, feed: str, extra: str = "") -> str:
    return f'[[source]]\nname = "{name}"\nfeeds = ["{feed}"]\n{PATTERN}language = "en"\nmax_age_days = 0\n{extra}'


def settings(tmp_path: Path, *sources: str, timeout: int = WAIT) -> list[str]:
    """The run's settings; `timeout` (DOWNLOAD_TIMEOUT) is longer than any page is held."""
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(sources), encoding="utf-8")
    return ["-s", f"NEWS_SOURCES_FILE={path}", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}",
            "-s", "RETRY_TIMES=0", "-s", f"DOWNLOAD_TIMEOUT={timeout}"]  # fmt: skip


class Running:
    """A `scrapy` command in the background, its stderr read line by line as it comes."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *args], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def wait_for_line(self, text: str) -> None:
        with self.changed:
            found = self.changed.wait_for(lambda: any(text in line for line in self.lines), WAIT)
        assert found, f"no {text!r} in the log:\n" + "".join(self.lines[-40:])

    def finish(self) -> tuple[int, str, str]:
        stdout = self.process.stdout.read()
        code = self.process.wait(WAIT)
        self.reader.join(WAIT)
        self.process.stdout.close()
        self.process.stderr.close()
        return code, stdout, "".join(self.lines)


def test_a_crawl_whose_every_entry_point_failed_exits_1_and_says_why(site, tmp_path):
    down = f"http://127.0.0.1:{closed_port()}/rss.xml"
    args = settings(tmp_path, source("gone", f"{site.base}/missing.xml"), source("down", down))
    crawl = run_scrapy("crawl", "news", *args)
    assert crawl.returncode == 1, crawl.stdout + crawl.stderr[-3000:]
    assert "failed: no entry point could be fetched" in crawl.stdout
    assert "crawl: source gone failed (no entry point could be fetched: HTTP 404)" in crawl.stdout
    assert "crawl: source down failed (no entry point could be fetched: connection refused)" in crawl.stdout


def test_a_crawl_with_one_good_source_exits_0_and_names_the_failed_one(site, tmp_path):
    site.gate.set()
    args = settings(tmp_path, source("gone", f"{site.base}/missing.xml"),
                    source("quiet", f"{site.base}/rss.xml", "max_new_per_run = 2\n"))  # fmt: skip
    crawl = run_scrapy("crawl", "news", *args)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-3000:]
    assert "2 new" in crawl.stdout and "; finished" in crawl.stdout
    assert "crawl: source gone failed (no entry point could be fetched: HTTP 404)" in crawl.stdout


def test_the_update_summary_says_why_each_failed_source_failed(site, tmp_path):
    closed = fixture_site.start("closed")
    try:
        args = settings(
            tmp_path,
            source("gone", f"{site.base}/missing.xml"),
            source("down", f"http://127.0.0.1:{closed_port()}/rss.xml"),
            source("nowhere", "http://no-such-host.invalid/rss.xml"),
            source("slow", f"{site.base}/hang.xml"),
            source("forbidden", f"{closed.base}/rss.xml"),
            source("quiet", f"{site.base}/rss.xml", "max_new_per_run = 1\n"),
            timeout=3,  # for /hang.xml; the articles are not held in this test
        )
        site.gate.set()  # articles answer; /hang.xml still never does
        update = run_scrapy("update", "--crawl-only", *args)
    finally:
        closed.shutdown()
        closed.server_close()
    assert update.returncode == 1, update.stdout + update.stderr[-3000:]
    status = {line.split()[0]: line.split("  ")[-1].strip() for line in update.stdout.splitlines()[2:8]}
    assert status == {
        "gone": "no entry point could be fetched: HTTP 404",
        "down": "no entry point could be fetched: connection refused",
        "nowhere": "no entry point could be fetched: DNS lookup failed",
        "slow": "no entry point could be fetched: timeout",
        "forbidden": "no entry point could be fetched: forbidden by robots.txt",
        "quiet": "ok",
    }, update.stdout
    assert "update: 6 sources, 5 failed;" in update.stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_update_says_so_is_recorded_so_and_exits_130(site, tmp_path, signum):
    args = settings(tmp_path, source("quiet", f"{site.base}/rss.xml"))
    update = Running("update", *args)
    try:
        assert site.arrived.wait(WAIT), "the update never asked for an article"
        update.process.send_signal(signum)
        update.wait_for_line(f"Received {signum.name}, shutting down gracefully")
    finally:
        site.gate.set()
    code, stdout, stderr = update.finish()
    assert code == 130, stdout + stderr[-3000:]
    assert "quiet" in stdout and "interrupted" in stdout.splitlines()[2], stdout
    assert stdout.splitlines()[-1].startswith("update: interrupted; 1 sources, 1 failed; export skipped")
    with sqlite3.connect(tmp_path / "news.db") as conn:
        outcome, exit_code = conn.execute("SELECT outcome, exit_code FROM runs").fetchone()
    assert (outcome, exit_code) == ("interrupted", 130)


def test_a_crawl_takes_the_archive_lock_so_two_runs_never_fetch_the_same_pages(site, tmp_path):
    args = settings(tmp_path, source("quiet", f"{site.base}/rss.xml"))
    first = Running("crawl", "news", *args)
    try:
        assert site.arrived.wait(WAIT), "the first crawl never asked for an article"
        before = len(site.requests)
        second = run_scrapy("crawl", "news", *args)
        update = run_scrapy("update", *args)
        asked = site.requests[before:]
    finally:
        site.gate.set()
    assert second.returncode == 3, second.stdout + second.stderr[-3000:]
    assert f"another crawl is running (pid {first.process.pid}," in second.stderr
    assert update.returncode == 3 and f"`crawl` is running (pid {first.process.pid}," in update.stderr
    assert asked == [], "the runs that found the lock taken asked for nothing"
    code, stdout, stderr = first.finish()
    assert code == 0, stdout + stderr[-3000:]
    assert "12 new" in stdout
