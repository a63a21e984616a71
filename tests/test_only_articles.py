"""Only articles are stored: a site whose robots.txt names only a sitemap index that lists the
home, section, tag and author pages next to the articles (tests/fixtures/sites/mixed/).
With an article_pattern the other pages are not even fetched; without one each is fetched
and refused by the article test `-a url=` links pass. The probe proposes a pattern."""

from __future__ import annotations

import re

import pytest

from crawler.store import Archive
from tests import fixture_site
from tests.conftest import run_scrapy

pytestmark = pytest.mark.slow
POSTS = {"council-approves-riverside-park", "tram-line-extension-opens", "harbour-festival-draws-crowds",
         "school-meals-go-organic", "library-adds-sunday-hours", "flood-barrier-test-passes"}  # fmt: skip
OTHER_PAGES = ["/", "/about/", "/contact/", "/section/city/", "/section/sport/", "/section/culture/",
               "/tag/council/", "/tag/river/", "/author/dana-reporter/"]  # fmt: skip


@pytest.fixture(scope="module")
def site():
    server = fixture_site.start("mixed")
    yield server
    server.shutdown()
    server.server_close()


def crawl(site, tmp_path, pattern: str | None):
    sources = tmp_path / "sources.toml"
    text = f'[[source]]\nname = "courier"\nsitemaps = ["{site.base}/sitemap_index.xml"]\n'
    if pattern:
        text += f"article_pattern = '{pattern}'\n"
    sources.write_text(text + 'language = "en"\nmax_age_days = 0\n', encoding="utf-8")
    db = tmp_path / "news.db"
    before = len(site.requests)
    result = run_scrapy("crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}")
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(db) as archive:
        stored = {row["url"].removeprefix(site.base) for row in archive.iter_all()}
    return result, stored, [path for path, _ in site.requests[before:]]


def test_with_an_article_pattern_only_matching_links_are_fetched(site, tmp_path):
    result, stored, asked = crawl(site, tmp_path, r"/news/\d{4}/\d\d/\d\d/[\w-]+\.html$")
    assert stored == {f"/news/2024/06/04/{slug}.html" for slug in POSTS}
    assert not set(OTHER_PAGES) & set(asked), asked
    assert "'news/links/not_article': 9" in result.stderr
    assert re.search(r"Source courier: 9 link\(s\) refused as not articles .* e\.g\. http://", result.stderr)


def test_without_a_pattern_the_article_test_refuses_the_other_pages(site, tmp_path):
    result, stored, asked = crawl(site, tmp_path, None)
    assert stored == {f"/news/2024/06/04/{slug}.html" for slug in POSTS}
    assert set(OTHER_PAGES) <= set(asked)
    assert "'news/skipped/not_article': 9" in result.stderr
    lines = [line for line in result.stderr.splitlines() if "not an article (" in line]
    assert len(lines) == 9
    assert any(f"{site.base}/section/city/ of source courier: not an article (its markup says website)" in line
               for line in lines)  # fmt: skip
    assert any(f"{site.base}/section/sport/ of source courier: not an article (no headline-sized title)" in line
               for line in lines)  # fmt: skip


def test_probe_of_the_mixed_site_proposes_an_article_pattern(site, tmp_path):
    result = run_scrapy("probe", f"{site.base}/", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    entry = result.stdout[result.stdout.index("[[source]]") :].split("\nprobe: ")[0]
    assert f'sitemaps = ["{site.base}/sitemap_index.xml"]' in entry
    pattern = re.search(r"^article_pattern = '(.+)'", entry, re.M).group(1)
    assert all(re.search(pattern, f"{site.base}/news/2024/06/04/{slug}.html") for slug in POSTS)
    assert not any(re.search(pattern, site.base + page) for page in OTHER_PAGES)


def test_probe_proposes_the_news_sitemap_of_a_mixed_index(tmp_path):
    server = fixture_site.start("mixed-news")
    try:
        result = run_scrapy("probe", f"{server.base}/", "-n", "1", "-s", f"NEWS_DB_PATH={tmp_path / 'x.db'}")
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert f"news sitemap  {server.base}/news-sitemap.xml  [sitemap index] 3 entries" in result.stdout
    entry = result.stdout[result.stdout.index("[[source]]") :]
    assert f'sitemaps = ["{server.base}/news-sitemap.xml"]' in entry
