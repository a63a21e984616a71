"""`scrapy probe`: find how a site can be crawled, show what we would store, print an entry."""

from __future__ import annotations

import io
import re

import pytest

from crawler.probe import article_pattern, source_name
from crawler.progress import Progress
from crawler.store import Archive
from tests.conftest import EXPECTED, run_scrapy


def probe(url: str, tmp_path, *extra: str):
    db = tmp_path / "probe.db"
    result = run_scrapy("probe", url, "-s", f"NEWS_DB_PATH={db}", *extra)
    assert not db.exists(), "a probe must write nothing to the archive"
    return result


def pasted_entry(stdout: str) -> str:
    """The entry as an operator copies it: from [[source]] to the blank line or summary."""
    start = stdout.index("[[source]]")
    return stdout[start:].split("\nprobe: ")[0] + "\n"


@pytest.mark.slow
def test_probe_of_the_home_page_gives_an_entry_that_crawls_the_demo_site_fully(demo_site, tmp_path):
    result = probe(f"{demo_site}/", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    out = result.stdout
    assert re.search(rf"^  feed +{demo_site}/rss.xml  \[<link rel=alternate>\] 7 entries", out, re.M)
    assert re.search(rf"^  news sitemap +{demo_site}/sitemap.xml  \[robots.txt\] 8 entries", out, re.M)
    assert f"Listing page:  {demo_site}/news/  (1 article(s) no feed or sitemap lists)" in out
    # Three articles, each field with the signal it came from.
    assert len(re.findall(r"^Article \d/3: ", out, re.M)) == 3
    assert "  headline   Korea's chip exports hit record high in May as AI server demand surges" in out
    assert "  published  2024-06-05T09:15:00+09:00   [JSON-LD datePublished]" in out
    assert "  authors    Sarah Kim, Daniel Park   [JSON-LD author]" in out
    assert f"  image      {demo_site}/img/chip-exports.jpg   [JSON-LD image]" in out
    assert re.search(r"  body       1,\d{3} characters, \d+ paragraphs   \[main text \(trafilatura\)\]", out)
    assert "South Korea's semiconductor exports climbed to a record in May" in out
    assert out.splitlines()[-1].startswith(
        "probe: 1 feed(s), 1 sitemap(s), 1 listing page(s); 3 of 3 article(s)"
    )

    entry = pasted_entry(out)
    assert 'language = "ko"' in entry and 'timezone = "Asia/Seoul"' in entry
    sources, db = tmp_path / "sources.toml", tmp_path / "news.db"
    sources.write_text(entry, encoding="utf-8")
    crawl = run_scrapy("crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with Archive(db) as archive:
        stored = sorted(row["url"].removeprefix(demo_site) for row in archive.iter_all())
    assert stored == sorted(article["path"] for article in EXPECTED)


def test_probe_of_a_feed_keeps_to_that_feed(demo_site, tmp_path):
    result = probe(f"{demo_site}/partner/rss.xml", tmp_path, "-n", "1", "--name", "partner")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    entry = pasted_entry(result.stdout)
    assert entry.startswith(
        f'[[source]]\nname = "partner"\nfeeds = ["{demo_site}/partner/rss.xml"]\nsitemaps = []\n'
    )
    assert "max_age_days = 0" in entry  # the demo's stories are from 2024: the default age limit skips them


def test_probe_of_a_missing_page_fails_in_one_line(demo_site, tmp_path):
    result = probe(f"{demo_site}/no-such-feed.xml", tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"probe: {demo_site}/no-such-feed.xml: HTTP 404\n"
    bad = run_scrapy("probe", "not-a-url")
    assert bad.returncode == 2 and "give one http(s) URL" in bad.stderr


@pytest.mark.parametrize(
    ("urls", "pattern"),
    [
        (["https://a.kr/articles/one-story.html", "https://a.kr/articles/other-2.html"],
         r"^https?://[^/]+/articles/[a-z0-9-]+\.html(?:[?#]|$)"),
        (["https://www.yna.co.kr/view/AKR20240604000100001", "https://www.yna.co.kr/view/AKR20240605123400002"],
         r"^https?://[^/]+/view/AKR\d+(?:[?#]|$)"),
        (["https://x.kr/news/articleView.html?idxno=123", "https://x.kr/news/articleView.html?idxno=4567"],
         r"^https?://[^/]+/news/articleView\.html\?idxno=\d+(?:[&#]|$)"),
        (["https://n.com/2024/06/04/politics/a-slug/", "https://n.com/2024/05/14/world/b-slug/"],
         r"^https?://[^/]+/\d+/\d+/\d+/[a-z0-9]+/[a-z0-9-]+/(?:[?#]|$)"),
        (["https://n.com/"], None),
    ],
)  # fmt: skip
def test_the_article_pattern_generalizes_known_article_urls(urls, pattern):
    assert article_pattern(urls) == pattern
    if pattern:
        assert all(re.search(pattern, url) for url in urls)
        assert not re.search(pattern, "https://a.kr/partner" + re.sub(r"^https?://[^/]+", "", urls[0]))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.yna.co.kr/", "yna"),
        ("https://www.hani.co.kr/rss/", "hani"),
        ("https://news.example.com/feed", "example"),
        ("https://www.bbc.co.uk/news", "bbc"),
        ("http://127.0.0.1:8765/", "127-0-0-1"),
    ],
)
def test_the_entry_is_named_after_the_site(url, name):
    assert source_name(url) == name


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_and_never_without_one():
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with Progress(stream, interval=0) as progress:
            progress.update("probe: fetching 1 of 3")
            progress.update("probe: fetching 2 of 3")
    assert terminal.getvalue() == "\r\x1b[Kprobe: fetching 1 of 3\r\x1b[Kprobe: fetching 2 of 3\r\x1b[K"
    assert pipe.getvalue() == ""
