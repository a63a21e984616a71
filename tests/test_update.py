"""`scrapy update` as cron runs it: incremental, conditional, locked, each story once."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.store import Archive
from demo import server
from tests.conftest import DEMO, EXPECTED, PARTNER_PATHS, ROOT, run_scrapy, write_demo_sources

pytestmark = pytest.mark.slow
ENTRY_POINTS = {"/rss.xml", "/sitemap.xml", "/news/", "/partner/rss.xml", "/partner/sitemap.xml"}


class Site:
    """A private, editable copy of the demo site, served on a free port."""

    def __init__(self, folder: Path):
        self.root = folder / "site"
        shutil.copytree(DEMO / "site", self.root)
        self.server = server.start(self.root, port=0)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sources = write_demo_sources(self.base, folder / "sources.toml")
        self.db = folder / "news.db"
        self.out = folder / "out"

    def update(self, *extra: str) -> subprocess.CompletedProcess:
        before = len(self.server.requests)
        result = run_scrapy(
            "update", "-s", f"NEWS_SOURCES_FILE={self.sources}", "-s", f"NEWS_DB_PATH={self.db}",
            "-o", str(self.out), *extra,
        )  # fmt: skip
        result.requests = self.server.requests[before:]
        return result

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text, (relpath, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        later = time.time() + 5  # a Last-Modified the server will tell apart from the last run's
        os.utime(path, (later, later))

    def rows(self) -> dict[str, dict]:
        with Archive(self.db) as archive:
            return {row["url"].removeprefix(self.base): row for row in archive.iter_all()}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    yield site
    site.close()


def article_paths(requests) -> list[str]:
    return [path for path, _, _ in requests if "/articles/" in path]


def test_a_second_update_of_an_unchanged_site_asks_only_entry_points_and_gets_304(site):
    first = site.update()
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    assert len(site.rows()) == len(EXPECTED) + len(PARTNER_PATHS)
    second = site.update()
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    paths = {path for path, _, _ in second.requests}
    assert paths == ENTRY_POINTS | {"/robots.txt"}
    assert all(status == 304 for path, _, status in second.requests if path in ENTRY_POINTS)
    assert "0 files written" in second.stdout


def test_a_new_article_is_the_only_article_fetched(site):
    assert site.update().returncode == 0
    page = (site.root / "articles" / "heatwave-warning.html").read_text(encoding="utf-8")
    new_page = page.replace("폭염", "한파").replace("heatwave-warning", "cold-wave-warning")
    (site.root / "articles" / "cold-wave-warning.html").write_text(new_page, encoding="utf-8")
    site.edit(
        "rss.xml", "<item>",
        "<item><title>한파 특보</title><link>__SITE__/articles/cold-wave-warning.html</link>"
        "<pubDate>Fri, 07 Jun 2024 09:00:00 +0900</pubDate></item><item>",
    )  # fmt: skip
    second = site.update()
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert article_paths(second.requests) == ["/articles/cold-wave-warning.html"]
    assert "/articles/cold-wave-warning.html" in site.rows()


def test_a_moved_lastmod_refetches_and_only_changed_text_is_an_update(site):
    assert site.update().returncode == 0
    before = site.rows()
    # Both entries' lastmod move; only the first article's text really changed.
    site.edit(
        "sitemap.xml",
        "<lastmod>2024-06-04T15:10:00+09:00</lastmod>",
        "<lastmod>2024-06-09T10:00:00+09:00</lastmod>",
    )
    site.edit(
        "sitemap.xml",
        "<lastmod>2024-06-03T23:10:00+09:00</lastmod>",
        "<lastmod>2024-06-09T10:00:00+09:00</lastmod>",
    )
    site.edit("articles/ai-policy-finance.html", "새로 만든다", "새로 만들기로 했다")
    second = site.update()
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert sorted(article_paths(second.requests)) == [
        "/articles/ai-policy-finance.html", "/articles/climate-summit-paris.html",
    ]  # fmt: skip
    after = site.rows()
    changed, same = after["/articles/ai-policy-finance.html"], after["/articles/climate-summit-paris.html"]
    assert "새로 만들기로 했다" in changed["body_html"]
    assert changed["id"] == before["/articles/ai-policy-finance.html"]["id"]
    assert changed["first_seen"] == before["/articles/ai-policy-finance.html"]["first_seen"]
    assert changed["updated_at"] > changed["first_seen"]
    assert same["updated_at"] == before["/articles/climate-summit-paris.html"]["updated_at"]
    assert len(after) == len(before)
    third = site.update()
    assert article_paths(third.requests) == []  # the new lastmod was recorded


def test_tracking_and_redirecting_links_are_neither_stored_twice_nor_fetched_again(site):
    assert site.update().returncode == 0
    (site.root / "_redirects").write_text("/go/ai /articles/ai-policy-finance.html\n", encoding="utf-8")
    site.edit(
        "partner/rss.xml", "<item>",
        "<item><title>AI</title><link>__SITE__/go/ai</link><pubDate>Tue, 04 Jun 2024 14:30:00 +0900</pubDate></item><item>",
    )  # fmt: skip
    second = site.update()
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert [path for path, _, _ in second.requests if path.startswith("/go/")] == ["/go/ai"]
    rows = site.rows()
    assert len(rows) == len(EXPECTED) + len(PARTNER_PATHS)
    assert not any("utm_" in url or "fbclid" in url or "/go/" in url for url in rows)
    site.edit("partner/rss.xml", "<title>AI</title>", "<title>AI정책금융</title>")
    third = site.update()
    assert not [path for path, _, _ in third.requests if path.startswith(("/go/", "/articles/"))]


def test_two_updates_at_once_leave_one_doing_the_work(site):
    command = [sys.executable, "-m", "scrapy", "update", "-s", f"NEWS_SOURCES_FILE={site.sources}",
               "-s", f"NEWS_DB_PATH={site.db}", "-o", str(site.out)]  # fmt: skip
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    out, err = first.communicate(timeout=180)
    assert first.returncode == 0, out + err[-3000:]
    assert second.returncode == 3
    assert "another update is running (pid " in second.stderr
    with Archive(site.db) as archive:
        assert archive.integrity_check() == ["ok"]
        assert archive.duplicates() == []
        assert len(archive.runs()) == 1


def test_exit_code_and_run_history_name_a_failed_source(site):
    text = site.sources.read_text(encoding="utf-8")
    site.sources.write_text(
        text + f'\n[[source]]\nname = "gone"\nfeeds = ["{site.base}/no-such-feed.xml"]\n', encoding="utf-8"
    )
    result = site.update()
    assert result.returncode == 1, result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("gone"))
    assert "no entry point could be fetched" in line
    assert re.search(r"^demo-news .* ok$", result.stdout, re.M)
    with Archive(site.db) as archive:
        (run,) = archive.runs()
    assert (run["exit_code"], run["outcome"]) == (1, "failed")
    assert run["sources"]["gone"]["problem"] == "no entry point could be fetched: HTTP 404"
    assert run["sources"]["demo-news"]["new"] == len(EXPECTED)
