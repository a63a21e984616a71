"""Listings with pages: a listing page's own pagination ("다음", rel="next", page numbers) is
followed up to max_listing_pages: more pages on a source's first run, page one on later runs
(tests/fixtures/sites/listing/: a three-page section, three articles a page)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from scrapy.http import HtmlResponse

from crawler.discovery import next_listing_page
from crawler.sources import SourcesError, load_sources
from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

SITE = fixture_site.SITES / "listing"
BASE = "http://news.example"
DOMAINS = ("news.example",)


def page(path: str, body: str | None = None) -> HtmlResponse:
    body = body if body is not None else (SITE / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    return HtmlResponse(BASE + path, body=body.encode("utf-8"), encoding="utf-8")


def test_the_next_page_is_found_by_its_words_its_rel_and_its_number():
    assert next_listing_page(page("/news/"), 1, DOMAINS) == BASE + "/news/page/2/"  # "다음 ›"
    assert next_listing_page(page("/news/page/2/"), 2, DOMAINS) == BASE + "/news/page/3/"  # <link rel="next">
    assert next_listing_page(page("/news/page/3/"), 3, DOMAINS) is None  # "‹ 이전", 1, 2: nothing further
    numbers = '<a href="/s?p=1">1</a> <a href="/s?p=2">2</a> <a href="/s?p=3">3</a>'
    assert next_listing_page(page("/s?p=2", numbers), 2, DOMAINS) == BASE + "/s?p=3"
    english = '<a href="/s?p=1">Previous</a> <a href="/s?p=3" aria-label="Next page">»</a>'
    assert next_listing_page(page("/s?p=2", english), 2, DOMAINS) == BASE + "/s?p=3"
    offsite = '<a rel="next" href="http://elsewhere.example/s?p=2">Next</a>'
    assert next_listing_page(page("/s", offsite), 1, DOMAINS) is None


def test_max_listing_pages_is_checked_like_the_other_keys(tmp_path):
    path = tmp_path / "sources.toml"
    entry = '[[source]]\nname = "s"\nlistings = ["http://a.example/news/"]\narticle_pattern = "/n/"\n'
    path.write_text(entry + "max_listing_pages = 3\n", encoding="utf-8")
    assert load_sources(path)[0].max_listing_pages == 3
    for bad in ("0", "-1", '"3"', "true", "1.5"):
        path.write_text(entry + f"max_listing_pages = {bad}\n", encoding="utf-8")
        with pytest.raises(SourcesError, match="field 'max_listing_pages': must be a whole number >= 1"):
            load_sources(path)


@pytest.mark.slow
def test_a_first_run_reads_every_page_of_a_listing_a_later_run_page_one(tmp_path):
    site = fixture_site.start("listing")
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "courier"\nlistings = ["{site.base}/news/"]\n'
            "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
            'language = "en"\nmax_age_days = 0\n',
            encoding="utf-8",
        )
        db = tmp_path / "news.db"
        settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}"]

        first = run_scrapy("crawl", "news", *settings)
        assert first.returncode == 0, first.stdout + first.stderr[-3000:]
        listings = [path for path, _ in site.requests if not path.startswith("/news/2024/")]
        assert listings == ["/robots.txt", "/news/", "/news/page/2/", "/news/page/3/"]
        with Archive(db) as archive:
            days = sorted(int(re.search(r"/2024/06/(\d\d)/", row["url"]).group(1)) for row in archive.iter_all())
        assert days == list(range(4, 13)), "the articles of all three pages"

        with sqlite3.connect(db) as conn:  # as a site that never answers 304 would: page one is read again
            conn.execute("DELETE FROM validators")
        before = len(site.requests)
        second = run_scrapy("crawl", "news", *settings)
        assert second.returncode == 0, second.stdout + second.stderr[-3000:]
        assert site.requests[before:] == [("/robots.txt", 404), ("/news/", 200)], "page one only"
    finally:
        site.shutdown()
        site.server_close()
