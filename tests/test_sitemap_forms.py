"""Sitemaps in every form the protocol allows, and anything else at a sitemap URL as one warning:
plain-text sitemaps (plain or gzipped), a soft-404 HTML page, JSON, whitespace, a byte order
mark and text, a file cut off inside a <loc>, lastmod as YYYY, YYYY-MM, RFC 2822 and without
offset (tests/fixtures/sites/sitemaps/)."""

from __future__ import annotations

import re
import urllib.request

import pytest

from crawler import documents
from crawler.discovery import iso_utc, sitemap_links, what_it_is
from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

NEWS = "/news/2024/06/04/"
GOOD = {  # sitemap -> the articles it lists
    "/sitemap.xml": ["dam-inspection-report", "bus-depot-solar-roof"],
    "/sitemap.txt": ["plain-text-sitemap-story", "second-plain-text-story"],
    "/sitemap-gz.txt.gz": ["gzipped-text-sitemap-story"],
    "/sitemap-truncated.xml": ["before-the-cut-one", "before-the-cut-two"],
    "/sitemap-dates.xml": [
        "lastmod-year-only", "lastmod-year-month", "lastmod-rfc-2822", "lastmod-no-offset", "lastmod-date-only",
    ],
}  # fmt: skip
BAD = {  # sitemap URL -> what its warning calls it
    "/sitemap_index.xml": "an HTML page",
    "/sitemap.json": "JSON",
    "/sitemap-blank.xml": "an empty body",
    "/sitemap-bomtext.xml": "text",
}
# lastmod -> UTC, for a source in Asia/Seoul (UTC+9)
LASTMODS = {
    "lastmod-year-only": "2023-12-31T15:00:00+00:00",
    "lastmod-year-month": "2024-05-31T15:00:00+00:00",
    "lastmod-rfc-2822": "2024-06-04T00:30:00+00:00",
    "lastmod-no-offset": "2024-06-04T00:30:00+00:00",
    "lastmod-date-only": "2024-06-03T15:00:00+00:00",
}


@pytest.fixture(scope="module")
def site():
    server = fixture_site.start("sitemaps")
    yield server
    server.shutdown()
    server.server_close()


def read(site, path: str) -> documents.Document:
    with urllib.request.urlopen(site.base + path, timeout=10) as response:
        return documents.read_document(response.read(), response.headers.get("Content-Type", ""))


@pytest.mark.parametrize("path", sorted(GOOD))
def test_each_sitemap_form_lists_its_articles(site, path):
    shape, links = sitemap_links(read(site, path), "Asia/Seoul")
    assert shape == "urlset"
    assert [link.url for link in links] == [f"{site.base}{NEWS}{slug}.html" for slug in GOOD[path]]


def test_lastmod_forms_and_the_sources_time_zone(site):
    _, links = sitemap_links(read(site, "/sitemap-dates.xml"), "Asia/Seoul")
    assert {link.url.rsplit("/", 1)[1][:-5]: link.updated for link in links} == LASTMODS
    assert iso_utc("2024-06-04T09:30:00") == "2024-06-04T09:30:00+00:00"  # no zone given: UTC
    assert iso_utc("Tue, 04 Jun 2024 09:30:00 -0000") == "2024-06-04T09:30:00+00:00"
    assert iso_utc("2024-13") is None and iso_utc("yesterday") is None


@pytest.mark.parametrize("path", sorted(BAD))
def test_any_other_body_at_a_sitemap_url_is_named_never_raised(site, path):
    doc = read(site, path)
    assert doc.kind == "page"
    assert what_it_is(doc) == BAD[path]
    assert sitemap_links(doc) == ("invalid", [])


@pytest.mark.slow
def test_the_crawl_reads_every_form_and_warns_once_for_each_bad_body(site, tmp_path):
    sources = tmp_path / "sources.toml"
    urls = ", ".join(f'"{site.base}{path}"' for path in [*BAD, *GOOD])
    sources.write_text(
        f'[[source]]\nname = "courier"\nsitemaps = [{urls}]\n'
        "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
        'language = "en"\ntimezone = "Asia/Seoul"\nmax_age_days = 0\n',
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}"]
    crawl = run_scrapy("crawl", "news", *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "Traceback" not in crawl.stderr and " ERROR: " not in crawl.stderr, crawl.stderr[-3000:]
    for path, what in BAD.items():
        lines = [line for line in crawl.stderr.splitlines() if re.search(re.escape(site.base + path) + r"\b", line)
                 and "WARNING" in line]  # fmt: skip
        assert len(lines) == 1 and lines[0].endswith(what), lines
    assert "'news/entry_points/not_feed_or_sitemap': 4" in crawl.stderr
    with Archive(db) as archive:
        rows = {row["url"].rsplit("/", 1)[1][:-5]: row for row in archive.iter_all()}
    assert set(rows) == {slug for slugs in GOOD.values() for slug in slugs}
    assert {slug: rows[slug]["listed_at"] for slug in LASTMODS} == LASTMODS
    assert not [path for path, _ in site.requests if "cut-in-half" in path], "a cut <loc> is not requested"

    check = run_scrapy("sources", "--check", *settings)
    lines = check.stdout.splitlines()
    assert f"FAIL courier sitemap {site.base}/sitemap_index.xml: not a sitemap (an HTML page)" in lines
    assert f"ok   courier sitemap {site.base}/sitemap.txt: urlset of 2 locations" in lines
    assert f"ok   courier sitemap {site.base}/sitemap-gz.txt.gz: urlset of 1 locations" in lines
    assert "no answer" not in check.stdout


@pytest.mark.slow
def test_probe_finds_the_good_sitemap_after_a_soft_404_in_robots_txt(site, tmp_path):
    result = run_scrapy("probe", f"{site.base}/", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert f"sitemap       {site.base}/sitemap.xml  [robots.txt] 2 entries" in result.stdout
    assert f"note: {site.base}/sitemap_index.xml: not a feed or a sitemap (an HTML page)" in result.stdout
    assert f'sitemaps = ["{site.base}/sitemap.xml"]' in result.stdout
