"""Every feed is recognised by parsing it: RSS 1.0, 1.1 and 2.0, Atom feeds and entry documents,
prefixed roots, UTF-16 and UTF-32 with or without a byte order mark; a feed listed as a
sitemap is read as a feed and a sitemap listed as a feed as a sitemap. The crawl,
`scrapy sources --check` and `scrapy probe` read them alike (tests/fixtures/sites/forms/)."""

from __future__ import annotations

import urllib.request

import pytest

from crawler import documents
from crawler.discovery import read_feed
from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

FEEDS = {  # fixture feed -> the one article it lists
    "rss10.xml": "library-extends-hours",
    "rss11.xml": "ferry-timetable-changes",
    "atom-prefixed.xml": "night-market-returns-harbour",
    "entry.xml": "bridge-repairs-finish-early",
    "rss-prefixed.xml": "school-choir-wins-prize",
    "utf16.xml": "tram-line-opens-airport",
    "utf16be-nobom.xml": "harbour-cleanup-volunteers",
    "utf32le-nobom.xml": "farmers-market-moves-indoors",
    "utf16-bom-nodecl.xml": "new-cycle-lanes-river-road",
}
CROSS_LISTED = {"sitemaps/listed-as-feed.xml": "harbour-festival-program", "feeds/listed-as-sitemap.xml": "museum-opens-new-wing"}


@pytest.fixture(scope="module")
def site():
    server = fixture_site.start("forms")
    yield server
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type", "")


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_form_is_a_feed_with_its_one_link(site, name):
    body, content_type = fetch(f"{site.base}/feeds/{name}")
    doc = documents.read_document(body, content_type)
    assert doc.kind == "feed", (doc.root, doc.encoding)
    links, _ = read_feed(doc, f"{site.base}/feeds/{name}")
    assert [link.url for link in links] == [f"{site.base}/news/2024/06/04/{FEEDS[name]}.html"]
    assert links[0].title and "\ufffd" not in links[0].title


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<!doctype html><html><head><title>x</title></head><body><rss version='2.0'></body></html>", "page"),
        (b"<!-- <rss> --><html><body>a page that mentions <feed> and <urlset></body></html>", "page"),
        (b'<?xml version="1.0"?><sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "sitemap"),
        (b'<feed xmlns="http://example.com/not-atom"/>', "page"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "page"),
    ],
)
def test_kind_is_the_parsed_root_not_a_byte_pattern(body, kind):
    assert documents.read_document(body).kind == kind


@pytest.mark.slow
def test_the_crawl_reads_every_form_and_cross_listed_entry_points(site, tmp_path):
    sources = tmp_path / "sources.toml"
    feeds = [f"{site.base}/feeds/{name}" for name in FEEDS] + [f"{site.base}/sitemaps/listed-as-feed.xml"]
    sources.write_text(
        '[[source]]\nname = "forms"\n'
        f"feeds = {feeds!r}\n".replace("'", '"')
        + f'sitemaps = ["{site.base}/feeds/listed-as-sitemap.xml"]\n'
        + "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[\\w-]+\\.html$'\n"
        + 'language = "en"\ntimezone = "Asia/Seoul"\nmax_age_days = 0\n',
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}"]
    crawl = run_scrapy("crawl", "news", *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with Archive(db) as archive:
        stored = {row["url"].rsplit("/", 1)[1].removesuffix(".html") for row in archive.iter_all()}
    assert stored == set(FEEDS.values()) | set(CROSS_LISTED.values()), crawl.stderr[-3000:]
    assert "Ignoring" not in crawl.stderr and "Malformed" not in crawl.stderr

    check = run_scrapy("sources", "--check", *settings)
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]
    lines = check.stdout.splitlines()
    for name in FEEDS:
        assert f"ok   forms feed {site.base}/feeds/{name}: 1 entries" in lines, check.stdout
    assert (
        f"ok   forms feed {site.base}/sitemaps/listed-as-feed.xml: urlset of 1 locations"
        " (listed as a feed; the crawl reads it as a sitemap)" in lines
    )
    assert (
        f"ok   forms sitemap {site.base}/feeds/listed-as-sitemap.xml: 1 entries"
        " (listed as a sitemap; the crawl reads it as a feed)" in lines
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["utf16.xml", "rss11.xml", "entry.xml"])
def test_probe_of_a_feed_form_reads_it_as_a_feed(site, tmp_path, name):
    result = run_scrapy("probe", f"{site.base}/feeds/{name}", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert f"Probed {site.base}/feeds/{name} (feed)" in result.stdout
    assert f"feed          {site.base}/feeds/{name}  [given] 1 entries" in result.stdout
    assert f'feeds = ["{site.base}/feeds/{name}"]' in result.stdout


@pytest.mark.slow
def test_probe_reads_a_feed_named_in_robots_txt_as_a_feed(site, tmp_path):
    result = run_scrapy("probe", f"{site.base}/", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert f"feed          {site.base}/feeds/in-robots.xml  [robots.txt] 1 entries" in result.stdout
    assert f"feed          {site.base}/feeds/atom-prefixed.xml  [<link rel=alternate>] 1 entries" in result.stdout
    entry = result.stdout[result.stdout.index("[[source]]") :]
    assert f'"{site.base}/feeds/in-robots.xml"' in entry.split("sitemaps =")[0]
