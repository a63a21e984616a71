"""Crawls SIGKILLed at different moments, and crawls run at once, leave a sound archive:
`PRAGMA integrity_check` is ok, no URL twice, no half-written row, and a rerun finishes the work."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.store import CONTENT_FIELDS, committed_articles
from tests import hostile_site
from tests.conftest import ROOT, run_scrapy

pytestmark = pytest.mark.slow
COUNT = 40  # articles of the /bulk/ site


@pytest.fixture(scope="module")
def bulk_site():
    server = hostile_site.start(bulk_delay=0.1)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def crawl_command(sources: Path, db: Path) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}",
        "-s", f"NEWS_DB_PATH={db}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "LOG_LEVEL=INFO",
        # Small batches: a 40-article crawl commits several times, so kills fall between
        # commits and inside open batches.
        "-s", "NEWS_STORE_BATCH_SIZE=4", "-s", "NEWS_STORE_BATCH_SECONDS=0.5",
    ]  # fmt: skip


def check_archive(db: Path) -> list[sqlite3.Row]:
    """Integrity ok, no URL twice, every row whole (its content hash matches its content)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall()[0][0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = conn.execute("SELECT * FROM articles").fetchall()
    finally:
        conn.close()
    urls = [row["url"] for row in rows]
    assert len(urls) == len(set(urls))
    for row in rows:
        assert row["title"] and row["body_html"] and row["first_seen"], dict(row)
        content = json.dumps([row[key] for key in CONTENT_FIELDS], ensure_ascii=False)
        assert hashlib.sha256(content.encode("utf-8")).hexdigest() == row["content_hash"], row["url"]
    return rows


def test_sigkilled_crawls_then_a_rerun_leave_every_article_once(bulk_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(hostile_site.bulk_sources_toml(bulk_site, COUNT), encoding="utf-8")
    db = tmp_path / "news.db"
    command = crawl_command(sources, db)
    # Kill moments: while starting up, then once 1, 8 and 20 articles are stored (mid-crawl:
    # requests in flight, items in the pipelines, a transaction possibly open).
    killed_at = []
    for moment in ("startup", 1, 8, 20):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if moment == "startup":
                time.sleep(0.8)
            else:
                deadline = time.monotonic() + 60
                while committed_articles(db) < moment and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
            assert process.poll() is None, f"the crawl ended before the kill at {moment}"
            process.kill()  # SIGKILL: no shutdown handler runs
        finally:
            process.wait(timeout=30)
        killed_at.append(committed_articles(db))
        if db.exists():
            check_archive(db)
    print("rows stored at each kill:", killed_at)
    assert killed_at[-1] < COUNT, killed_at  # the last kill really cut the work short
    rerun = run_scrapy(*command[3:], timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    rows = check_archive(db)
    assert sorted(row["url"] for row in rows) == sorted(f"{bulk_site}/bulk/{i}.html" for i in range(COUNT))
    assert "news/stored/new': " in rerun.stderr


def test_two_crawls_at_once_store_each_article_once(bulk_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(hostile_site.bulk_sources_toml(bulk_site, COUNT), encoding="utf-8")
    db = tmp_path / "news.db"
    command = crawl_command(sources, db)
    processes = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[1] for process in processes]
    # The archive lock lets one crawl at a time in: the other exits 3 and fetches nothing (or,
    # had it started after the first ended, finds every article stored). tests/test_exit_codes.py
    # shows the lock case deterministically.
    codes = sorted(process.returncode for process in processes)
    assert codes in ([0, 0], [0, 3]), [stderr[-3000:] for stderr in outputs]
    for process, stderr in zip(processes, outputs, strict=True):
        assert "news/store_errors" not in stderr and "Traceback" not in stderr
        if process.returncode == 3:
            assert "another crawl is running (pid " in stderr
    rows = check_archive(db)
    assert len(rows) == COUNT
