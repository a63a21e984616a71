"""Scale-out on Redis: real redis-server, real `scrapy crawl` and `scrapy ingest` processes.

Two crawlers and one ingest store every demo article once and fetch no URL twice; a crawler
killed midway loses only the requests it had taken (counted), and a rerun stores the rest;
an ingest killed midway loses and doubles nothing.
"""

from __future__ import annotations

import functools
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from scrapy.settings import Settings

from crawler.distributed import Keys
from crawler.distributed.addon import RedisAddon
from crawler.runs import SourceRun, summary_table
from demo import server
from tests import redis_server
from tests.conftest import EXPECTED, PARTNER_PATHS, ROOT, write_demo_sources

ARTICLES = sorted([a["path"] for a in EXPECTED] + PARTNER_PATHS)
ENTRY_POINTS = {"/rss.xml", "/sitemap.xml", "/news/", "/partner/rss.xml", "/partner/sitemap.xml"}
KEYS = Keys("newsdao")
README = (ROOT / "README.md").read_text(encoding="utf-8")


class SlowHandler(server.SiteHandler):
    """The demo site, answering article pages after `server.delay` seconds; `server.arrivals`
    lists requests as they come in (`server.requests` as they are answered)."""

    def do_GET(self):
        self.server.arrivals.append((self.path, self.headers.get("User-Agent", "")))
        if "/articles/" in self.path:
            time.sleep(self.server.delay)
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):  # the killed crawler's requests
            pass


@pytest.fixture
def site():
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SlowHandler, directory=str(server.SITE_ROOT))
    )
    httpd.daemon_threads = True
    httpd.requests, httpd.arrivals, httpd.delay = [], [], 0.5
    Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def redis(tmp_path):
    instance = redis_server.RedisServer(tmp_path / "redis")
    yield instance
    instance.stop()


class Shared:
    """Crawler and ingest processes of one shared crawl over `site`, writing `folder/news.db`."""

    def __init__(self, redis, site, folder: Path):
        self.redis, self.site, self.folder = redis, site, folder
        self.sources = write_demo_sources(site.base, folder / "sources.toml")
        self.db = folder / "news.db"

    def command(self, *args: str, agent: str = "ingest") -> list[str]:
        return [
            sys.executable, "-m", "scrapy", *args, "-s", f"REDIS_URL={self.redis.url}",
            "-s", f"NEWS_SOURCES_FILE={self.sources}", "-s", f"NEWS_DB_PATH={self.db}",
            "-s", f"USER_AGENT=newsdao-crawler/0.1 (test) crawler-{agent}", "-s", "CONCURRENT_REQUESTS=2",
            "-s", "NEWS_REDIS_CRAWLER_TIMEOUT=4", "-s", "NEWS_EXTRACT_WORKERS=0", "-s", "NEWS_PROGRESS=False",
        ]  # fmt: skip

    def start(self, *args: str, agent: str = "ingest") -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args, agent=agent),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def crawler(self, name: str) -> subprocess.Popen:
        return self.start("crawl", "news", agent=name)

    def ingest_until_drained(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command("ingest", "--until-drained"), cwd=ROOT, capture_output=True, text=True, timeout=180
        )

    def rows(self) -> list[str]:
        """The stored articles' paths, one per row (a URL twice would show twice)."""
        conn = sqlite3.connect(self.db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            urls = [row[0] for row in conn.execute("SELECT url FROM articles")]
        finally:
            conn.close()
        return sorted(url.removeprefix(self.site.base) for url in urls)

    def wait_for_next_run(self, timeout: float = 30) -> None:
        """Until a crawler that starts begins the next run (not the one just drained)."""
        client, deadline = self.redis.client(), time.monotonic() + timeout
        while client.exists(KEYS.ended):
            assert time.monotonic() < deadline, "the drained run never made way for the next"
            time.sleep(0.1)

    def wait_for_queue(self, timeout: float = 60) -> None:
        """Until the ingest has taken and acknowledged every message."""
        client, deadline = self.redis.client(), time.monotonic() + timeout
        while client.llen(KEYS.items) or client.llen(KEYS.processing):
            assert time.monotonic() < deadline, "the ingest did not drain the queue"
            time.sleep(0.1)


def finish(process: subprocess.Popen, timeout: float = 180) -> tuple[str, str]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, out + err[-4000:]
    return out, err


def fetched_by(site, agent: str) -> list[str]:
    return [
        path for path, ua, _ in site.requests if ua.endswith(f"crawler-{agent}") and path != "/robots.txt"
    ]


@pytest.mark.slow
def test_two_crawlers_and_one_ingest_store_each_article_once_fetching_nothing_twice(redis, site, tmp_path):
    shared = Shared(redis, site, tmp_path)
    ingest = shared.start("ingest")  # the service, started first as the README says
    a, b = shared.crawler("A"), shared.crawler("B")
    (_, a_log), (_, b_log) = finish(a), finish(b)
    shared.wait_for_queue()
    ingest.send_signal(signal.SIGTERM)
    ingest_out, ingest_log = finish(ingest, timeout=60)

    assert shared.rows() == ARTICLES  # every article once
    by_a, by_b = fetched_by(site, "A"), fetched_by(site, "B")
    assert sorted(by_a + by_b) == sorted(set(by_a + by_b)), Counter(by_a + by_b).most_common(3)  # none twice
    assert {p for p in by_a + by_b if "/articles/" in p} == set(ARTICLES)
    assert [p for p in by_a if "/articles/" in p] and [p for p in by_b if "/articles/" in p]  # both worked
    assert {p for p in by_a + by_b if p in ENTRY_POINTS} == ENTRY_POINTS
    assert sorted(re.findall(r"(Started|Joined) run 1 ", a_log + b_log)) == ["Joined", "Started"]
    for log in (a_log, b_log):
        assert "Traceback" not in log and "'finish_reason': 'finished'" in log and "Lost" not in log
    assert "StorePipeline" not in a_log + b_log  # crawlers hand articles over, the ingest stores them
    assert f"{len(ARTICLES)} new" in ingest_out and "Traceback" not in ingest_log

    # The next cron run starts fresh: entry points are asked again (304), stored articles skipped.
    # A crawler started a moment late joins the drained run 2 and ends: it starts no run 3.
    shared.wait_for_next_run()
    before = len(site.requests)
    a = shared.crawler("A")
    time.sleep(0.5)
    b = shared.crawler("B")
    (_, a_log), (_, b_log) = finish(a), finish(b)
    assert "Started run 2 " in a_log + b_log and "run 3" not in a_log + b_log
    again = [(path, status) for path, _, status in site.requests[before:] if path != "/robots.txt"]
    assert sorted(path for path, _ in again) == sorted(ENTRY_POINTS)
    assert {status for _, status in again} == {304}
    drained = shared.ingest_until_drained()
    assert drained.returncode == 0, drained.stderr[-3000:]
    assert shared.rows() == ARTICLES


@pytest.mark.slow
def test_a_killed_crawler_loses_only_what_it_had_taken_and_a_rerun_stores_the_rest(redis, site, tmp_path):
    site.delay = 1.0
    shared = Shared(redis, site, tmp_path)
    a, b = shared.crawler("A"), shared.crawler("B")

    def outstanding() -> list[str]:  # A's article requests the server has not answered yet
        came = Counter(p for p, ua in list(site.arrivals) if ua.endswith("crawler-A") and "/articles/" in p)
        came.subtract(p for p in fetched_by(site, "A") if "/articles/" in p)
        return sorted(came.elements())

    deadline = time.monotonic() + 90
    while len(outstanding()) < 2:
        assert a.poll() is None and time.monotonic() < deadline, "crawler A never had two pages in flight"
        time.sleep(0.01)
    a.kill()  # SIGKILL: nothing of it runs again
    a.communicate(timeout=30)
    in_flight = outstanding()
    _, b_log = finish(b)
    lost = int(
        re.search(r"Lost (\d+) request\(s\) that a crawler that died during this run had taken", b_log)[1]
    )
    lost_paths = [
        json.loads(e)["url"].removeprefix(site.base) for e in redis.client().lrange(KEYS.lost, 0, -1)
    ]
    assert len(lost_paths) == lost and set(in_flight) <= set(lost_paths)  # kept for the next run
    assert f"'news/redis/lost_requests': {lost}" in b_log
    assert not shared.db.exists()  # crawlers never open the archive

    first = shared.ingest_until_drained()
    assert first.returncode == 0, first.stderr[-3000:]
    stored = shared.rows()
    missing = sorted(set(ARTICLES) - set(stored))
    assert stored == sorted(set(stored)) and set(in_flight) <= set(missing)

    shared.wait_for_next_run()
    before = len(site.requests)
    rerun = shared.crawler("C")
    _, c_log = finish(rerun)
    assert "Started run 2 " in c_log and "Lost" not in c_log  # counted once, by the run that lost them
    refetched = [path for path, _, _ in site.requests[before:] if "/articles/" in path]
    # What was lost is fetched again, each page once. (A stored article may be fetched again
    # too, as after a crash on one machine: the killed crawler took the feed dates it had seen
    # with it, so a later sitemap date looks new. The store keeps it once, unchanged.)
    assert len(refetched) == len(set(refetched)) and set(missing) <= set(refetched)
    assert f"Fetching again {lost} request(s) the last run lost" in c_log
    second = shared.ingest_until_drained()
    assert second.returncode == 0, second.stderr[-3000:]
    assert shared.rows() == ARTICLES


@pytest.mark.slow
def test_an_ingest_killed_midway_loses_and_doubles_nothing(redis, site, tmp_path):
    site.delay = 0
    shared = Shared(redis, site, tmp_path)
    finish(shared.crawler("A"))
    client = redis.client()
    messages = client.lrange(KEYS.items, 0, -1)
    articles = [m for m in messages if json.loads(m)["kind"] == "article"]
    assert len(articles) == len(ARTICLES)
    for _ in range(9):  # the same articles again and again: work enough to kill the ingest inside it
        client.rpush(KEYS.items, *articles)
    ingest = shared.start("ingest")
    deadline = time.monotonic() + 60
    while client.llen(KEYS.items) > 8 * len(articles):
        assert ingest.poll() is None and time.monotonic() < deadline, "the ingest did not start"
        time.sleep(0.01)
    ingest.kill()
    ingest.communicate(timeout=30)
    left = client.llen(KEYS.items) + client.llen(KEYS.processing)
    assert 0 < left < len(messages) + 9 * len(articles)  # killed midway

    resumed = shared.ingest_until_drained()
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert shared.rows() == ARTICLES  # nothing lost, nothing doubled
    assert client.llen(KEYS.items) == 0 and client.llen(KEYS.processing) == 0
    assert "Traceback" not in resumed.stderr
    known = client.hgetall(KEYS.known)
    assert {url.removeprefix(site.base) for url in known} >= set(ARTICLES)  # published for crawlers
    assert set(client.hgetall(KEYS.validators)) == {site.base + path for path in ENTRY_POINTS}


# --- quick checks -------------------------------------------------------------------------------


def project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def test_without_redis_url_the_addon_changes_nothing():
    settings = project_settings()
    before = {name: settings.get(name) for name in ("SCHEDULER", "DUPEFILTER_CLASS")}
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    RedisAddon().update_settings(settings)
    assert {name: settings.get(name) for name in before} == before
    assert settings.getdict("ITEM_PIPELINES") == pipelines
    assert not settings.getdict("EXTENSIONS").keys() - {"crawler.progress.CrawlProgress"}


def test_with_redis_url_the_addon_shares_the_queue_and_hands_items_to_the_ingest():
    settings = project_settings(REDIS_URL="redis://127.0.0.1:1/0")
    RedisAddon().update_settings(settings)
    assert settings.get("SCHEDULER") == "crawler.distributed.scheduler.SharedScheduler"
    assert settings.get("DUPEFILTER_CLASS") == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST")  # else the first to finish empties the others' queue
    active = [name for name, order in settings.getdict("ITEM_PIPELINES").items() if order is not None]
    assert [getattr(p, "__name__", p) for p in active] == ["RedisItemPipeline"]


def test_the_run_summary_says_what_was_handed_over_and_lost():
    table = summary_table([SourceRun("demo", {"links": 5, "queued": 4, "lost": 2})])
    assert "demo" in table and "ok" in table.splitlines()[2]  # handed over counts as stored
    assert "4 article(s) handed to the ingest; 2 request(s) lost by a killed crawler" in table


def test_a_missing_redis_server_skips_but_fails_under_ci(monkeypatch):
    monkeypatch.setattr(redis_server.shutil, "which", lambda name: None)
    monkeypatch.setattr(redis_server.os, "access", lambda path, mode: False)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="redis-server is not installed"):
        redis_server.redis_server_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="make test"):
        redis_server.redis_server_or_skip()


def test_the_readme_documents_the_scale_out():
    for needle in ("## Scale-out on Redis", "scrapy ingest", "`REDIS_URL`", "--until-drained", "crontab"):
        assert needle in README, needle
