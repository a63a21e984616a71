"""robots.txt read as search engines read it, with Protego: `Sitemap:` lines with CR-only line
ends, `Sitemap :`, `Site-map:`, no colon, a byte order mark (tests/fixtures/sites/robots/)."""

from __future__ import annotations

import urllib.request

import pytest

from crawler.discovery import robots_sitemaps
from tests import fixture_site
from tests.conftest import run_scrapy

NAMES = ["sitemap-space.xml", "sitemap-dash.xml", "sitemap-nocolon.xml"]


@pytest.fixture(scope="module")
def site():
    server = fixture_site.start("robots")
    yield server
    server.shutdown()
    server.server_close()


def test_every_sitemap_line_spelling_is_read(site):
    with urllib.request.urlopen(f"{site.base}/robots.txt", timeout=10) as response:
        text = response.read().decode("utf-8")
    assert "\n" not in text and text.count("\r") >= 6
    assert robots_sitemaps(text, f"{site.base}/robots.txt") == [f"{site.base}/{name}" for name in NAMES]


@pytest.mark.parametrize(
    "text",
    ["Sitemap: /s.xml\r\n", "\ufeffsitemap: /s.xml", "SITEMAP:/s.xml # the index\n", "User-agent: *\nSitemap:\t/s.xml"],
)
def test_other_spellings(text):
    assert robots_sitemaps(text, "http://example.test/robots.txt") == ["http://example.test/s.xml"]


def test_non_http_sitemap_lines_are_dropped():
    assert robots_sitemaps("Sitemap: ftp://example.test/s.xml\nSitemap: javascript:alert(1)\n", "http://e/") == []


@pytest.mark.slow
def test_probe_finds_the_sitemap_of_every_line(site, tmp_path):
    result = run_scrapy("probe", f"{site.base}/", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    for name in NAMES:
        assert f"sitemap       {site.base}/{name}  [robots.txt] 1 entries" in result.stdout, result.stdout
