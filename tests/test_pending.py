"""Nothing left behind: links skipped for a per-run budget are kept in the archive as pending
and fetched by the next runs, newest first, even when every entry point answers 304; a link
that keeps failing is retried with backoff and given up after NEWS_PENDING_MAX_ATTEMPTS
(tests/fixtures/sites/pending/: a 12-article source that then falls silent, and a feed whose
one page always answers 500)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    server = fixture_site.start("pending")
    yield server
    server.shutdown()
    server.server_close()


def stored_days(db) -> list[int]:
    with Archive(db) as archive:
        return sorted(int(re.search(r"/2024/06/(\d\d)/", row["url"]).group(1)) for row in archive.iter_all())


def test_a_budget_of_5_stores_all_12_articles_in_three_runs_of_a_silent_source(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "quiet"\nfeeds = ["{site.base}/rss.xml"]\n'
        "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
        'language = "en"\nmax_age_days = 0\nmax_new_per_run = 5\n',
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}"]
    expected = [list(range(8, 13)), list(range(3, 13)), list(range(1, 13))]  # newest first, 5 a run
    for run, days in enumerate(expected, 1):
        before = len(site.requests)
        crawl = run_scrapy("crawl", "news", *settings)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert stored_days(db) == days, (run, crawl.stderr[-3000:])
        feed = [status for path, status in site.requests[before:] if path == "/rss.xml"]
        assert feed == ([200] if run == 1 else [304]), (run, feed)
        if run == 1:
            assert "'news/pending/kept': 7" in crawl.stderr
        else:
            assert f"'news/pending/fetched': {min(5, 12 - 5 * (run - 1))}" in crawl.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pending").fetchone()[0] == 7 - 5  # forgotten next run
    fourth = run_scrapy("crawl", "news", *settings)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pending").fetchone()[0] == 0
    assert not re.findall(r"'news/pending/\w+'", fourth.stderr), "nothing left to fetch or keep"


def test_a_failing_link_is_retried_with_backoff_then_given_up(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "flaky"\nfeeds = ["{site.base}/flaky.xml"]\n'
        "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
        'language = "en"\nmax_age_days = 0\n',
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}", "-s", "RETRY_TIMES=0",
                "-s", "NEWS_PENDING_MAX_ATTEMPTS=3"]  # fmt: skip
    broken = "/news/2024/06/05/story-that-never-loads.html"

    ran = []  # (start, end) of the last run: the next try is set from the clock inside it

    def tries(*extra):
        before = len(site.requests)
        ran[:] = [datetime.now(UTC)]
        crawl = run_scrapy("crawl", "news", *settings, *extra)
        ran.append(datetime.now(UTC))
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        return crawl, [status for path, status in site.requests[before:] if path == broken]

    def row():
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT attempts, next_try, last_error, gave_up FROM pending").fetchone()

    def an_hour_passes_and_more():  # the clock moves on: the next try is due
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE pending SET next_try = '2000-01-01T00:00:00+00:00'")

    def waits(hours: float) -> bool:  # however long the run took
        next_try = datetime.fromisoformat(row()[1])
        delay = timedelta(hours=hours)
        return ran[0] + delay - timedelta(seconds=1) <= next_try <= ran[1] + delay

    crawl, asked = tries()  # attempt 1: the next waits NEWS_PENDING_RETRY_DELAY (an hour)
    assert asked == [500] and row()[0] == 1 and waits(1)
    crawl, asked = tries()  # the feed answers 304 and the link is not due: not asked
    assert asked == []
    an_hour_passes_and_more()
    crawl, asked = tries()  # attempt 2, from the pending list though the feed answers 304
    assert asked == [500] and "'news/pending/fetched': 1" in crawl.stderr
    assert row()[0] == 2 and waits(2)  # twice as long
    an_hour_passes_and_more()
    crawl, asked = tries()  # attempt 3: given up
    assert asked == [500] and "'news/pending/given_up': 1" in crawl.stderr
    assert "Gave up on 1 link(s) that failed NEWS_PENDING_MAX_ATTEMPTS (3) times" in crawl.stderr
    an_hour_passes_and_more()
    crawl, asked = tries()
    assert asked == []
    assert row()[0] == 3 and row()[2] == "http_500" and row()[3]
