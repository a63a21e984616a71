"""Feeds are read with their HTTP headers: the Content-Type charset and Content-Location go to
the feed parser, and a feed that declares its encoding nowhere is read by charset-normalizer's
guess (tests/fixtures/sites/korean/: EUC-KR feeds as older Korean CMSs serve them)."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote, unquote

import pytest

from crawler import documents
from crawler.discovery import read_feed
from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

HANGUL_SLUGS = ["한국은행-기준금리-동결", "부산국제영화제-개막", "서울-지하철-요금-인상"]


@pytest.fixture(scope="module")
def site():
    server = fixture_site.start("korean")
    yield server
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[bytes, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type", ""), response.headers.get("Content-Location", "")


@pytest.mark.parametrize("name", ["allArticle.xml", "undeclared.xml"])
def test_an_euc_kr_feed_without_encoding_declaration_reads_as_hangul(site, name):
    body, content_type, _ = fetch(f"{site.base}/feeds/{name}")
    assert b"encoding=" not in body and not body.isascii()
    links, problem = read_feed(documents.read_document(body, content_type), f"{site.base}/feeds/{name}")
    assert problem is None
    assert [link.url for link in links] == [f"{site.base}/news/2024/06/04/{slug}.html" for slug in HANGUL_SLUGS]
    assert links[0].title == "한국은행, 기준금리 연 3.50%로 동결…물가 둔화 흐름 더 지켜본다"


def test_relative_links_start_at_the_content_location(site):
    body, content_type, location = fetch(f"{site.base}/feeds/relative.xml")
    assert location == "/news/"
    links, _ = read_feed(documents.read_document(body, content_type), f"{site.base}/news/")
    assert [link.url for link in links] == [f"{site.base}/news/2024/06/04/library-night-opening.html"]


@pytest.mark.slow
def test_the_crawl_stores_the_hangul_articles_and_the_relative_one(site, tmp_path):
    sources = tmp_path / "sources.toml"
    feeds = ", ".join(f'"{site.base}/feeds/{name}"' for name in ("allArticle.xml", "undeclared.xml", "relative.xml"))
    sources.write_text(
        f'[[source]]\nname = "gangbyeon"\nfeeds = [{feeds}]\n'
        "article_pattern = '/news/\\d{4}/\\d\\d/\\d\\d/[^/]+\\.html$'\n"
        'language = "ko"\nmax_age_days = 0\n',
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    crawl = run_scrapy("crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with Archive(db) as archive:
        stored = sorted(unquote(row["url"]) for row in archive.iter_all())
    expected = [f"{site.base}/news/2024/06/04/{slug}.html" for slug in [*HANGUL_SLUGS, "library-night-opening"]]
    assert stored == sorted(expected), crawl.stderr[-3000:]
    asked = [path for path, status in site.requests if path.startswith("/news/")]
    assert f"/news/2024/06/04/{quote(HANGUL_SLUGS[0])}.html" in asked
    assert all(status == 200 for path, status in site.requests if path.startswith("/news/")), site.requests


@pytest.mark.parametrize(
    ("content_type", "declaration", "encoding"),
    [
        ("text/xml; charset=ISO-8859-1", "utf-8", "utf-8"),  # a server's default charset, a UTF-8 feed
        ("application/rss+xml; charset=euc-kr", "utf-8", "cp949"),  # a real charset: it wins
        ("text/xml", "euc-kr", "cp949"),
        ("text/xml; charset=utf-8", "euc-kr", "cp949"),  # the UTF-8 charset does not decode it: passed over
    ],
)
def test_charset_and_declaration(content_type, declaration, encoding):
    text = f'<?xml version="1.0" encoding="{declaration}"?><rss version="2.0"><channel><title>강변일보</title></channel></rss>'
    body = text.encode("utf-8" if encoding == "utf-8" else "euc-kr")
    doc = documents.read_document(body, content_type)
    assert doc.encoding == encoding and "강변일보" in doc.body.decode("utf-8")
