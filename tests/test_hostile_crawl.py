"""A real crawl of the hostile site (tests/hostile_site.py): every fault of issue 14 is skipped or
handled with one log line and a `news/...` counter, the crawl finishes, and what is stored is
safe to publish and exact in Korean."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
import yaml

from crawler.store import Archive
from tests import hostile_site
from tests.conftest import ROOT, build_jekyll_site, rendered_post, run_scrapy

pytestmark = pytest.mark.slow

# Short caps so every fault trips quickly: 1 MiB, 2 s, one retry, Retry-After up to 2 s.
FAST_SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": str(1024 * 1024),
    "DOWNLOAD_WARNSIZE": "0",
    "RETRY_TIMES": "1",
    "NEWS_RETRY_AFTER_MAX": "2",
    "NEWS_MAX_FUTURE_SKEW": "1",
    "LOG_LEVEL": "INFO",
}
UNSAFE_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "base", "meta", "link", "svg", "math", "noscript", "template",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "cite", "data", "srcset"}
PLAIN_TEXT_FIELDS = ("title", "description", "excerpt", "section")
PLAIN_TEXT_LISTS = ("authors", "categories", "keywords")


@dataclass
class HostileRun:
    base: str
    db: Path
    server: object
    crawl: subprocess.CompletedProcess
    rows: list[dict]
    stats: dict[str, int]

    def rows_at(self, path: str) -> list[dict]:
        return [row for row in self.rows if urlsplit(row["url"]).path == path]

    def our_lines(self) -> list[str]:
        """Log lines of our spider and pipelines at INFO or above (Scrapy's own left out)."""
        return [
            line
            for line in self.crawl.stderr.splitlines()
            if re.search(r"\[(news|crawler\.[\w.]+)\] (INFO|WARNING|ERROR)", line)
            or "[scrapy.core.scraper] WARNING: Dropped:" in line
        ]


def news_stats(stderr: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r"'(news/[\w/]+)': (\d+)", stderr)}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> HostileRun:
    server = hostile_site.start(slow_seconds=3)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    folder: Path = tmp_path_factory.mktemp("hostile")
    sources = folder / "sources.toml"
    sources.write_text(hostile_site.sources_toml(base), encoding="utf-8")
    settings = [f"NEWS_SOURCES_FILE={sources}", f"NEWS_DB_PATH={folder / 'news.db'}"]
    settings += [f"{k}={v}" for k, v in FAST_SETTINGS.items()]
    crawl = run_scrapy("crawl", "news", *[arg for s in settings for arg in ("-s", s)], timeout=120)
    archive = Archive(folder / "news.db")
    try:
        rows = list(archive.iter_all())
    finally:
        archive.close()
    yield HostileRun(base, folder / "news.db", server, crawl, rows, news_stats(crawl.stderr))
    server.shutdown()
    server.server_close()


def test_the_crawl_finishes_despite_every_fault(hostile_run):
    assert hostile_run.crawl.returncode == 0, hostile_run.crawl.stderr[-3000:]
    assert "'finish_reason': 'finished'" in hostile_run.crawl.stderr
    assert "Traceback" not in hostile_run.crawl.stderr
    assert " ERROR: " not in hostile_run.crawl.stderr, [
        line for line in hostile_run.crawl.stderr.splitlines() if " ERROR: " in line
    ]
    assert hostile_run.rows_at("/a/ok.html"), "the one ordinary article is stored"


# (path of the fault, the stats reason its one log line carries, its counter)
FAULTS = [
    ("/a/gone-404.html", "http_404", "news/failed/http_404"),
    ("/a/gone-410.html", "http_410", "news/failed/http_410"),
    ("/a/error-500.html", "http_500", "news/failed/http_500"),
    ("/a/busy-forever.html", "http_503", "news/failed/http_503"),
    ("/a/busy-long.html", "over NEWS_RETRY_AFTER_MAX", "news/retry_after/too_long"),
    ("/a/slow.html", "timeout", "news/failed/timeout"),
    ("/a/drip.html", "timeout", "news/failed/timeout"),
    ("/a/endless.html", "too_large", "news/failed/too_large"),
    ("/a/huge-declared.html", "too_large", "news/failed/too_large"),
    ("/a/gzip-bomb.html", "too_large", "news/failed/too_large"),
    ("/a/brotli-bomb.html", "too_large", "news/failed/too_large"),
    ("/sitemap-br.xml", "too_large", "news/failed/too_large"),
    ("/sitemap-bomb.xml.gz", "larger than DOWNLOAD_MAXSIZE", "news/sitemaps/unreadable"),
    ("/a/loop-1.html", "redirect_loop", "news/failed/redirect_loop"),
    ("/a/offsite.html", "offsite_redirect", "news/failed/offsite_redirect"),
    ("/a/to-javascript.html", "bad_redirect", "news/failed/bad_redirect"),
    ("/a/report.pdf.html", "binary file", "news/skipped/binary"),
    ("/a/photo.html", "binary file", "news/skipped/binary"),
    ("/a/pdf-as-html.html", "binary file", "news/skipped/binary"),
    ("/a/empty.html", "empty page", "news/skipped/empty"),
    ("/a/blank.html", "empty page", "news/skipped/empty"),
    ("/a/no-headline.html", "no headline", "news/dropped/no_headline"),
    ("/a/date-13-45.html", "No usable publication date", "news/dates/missing"),
    ("/a/date-9999.html", "No usable publication date", "news/dates/missing"),
    ("/a/date-0001.html", "No usable publication date", "news/dates/missing"),
    ("/a/date-future.html", "NEWS_MAX_FUTURE_SKEW", "news/dates/future"),
    ("/a/long-headline.html", "NEWS_MAX_TITLE_LENGTH", "news/fixed/long_headline"),
    ("/feed-xxe.xml", "declares XML entities", "news/feeds/refused_entities"),
    ("/feed-laughs.xml", "declares XML entities", "news/feeds/refused_entities"),
    ("/sitemap-xxe.xml", "declares XML entities", "news/sitemaps/refused_entities"),
    ("/sitemap-laughs.xml", "declares XML entities", "news/sitemaps/refused_entities"),
    ("/feed-malformed.xml", "Malformed feed", "news/feeds/malformed"),
    ("/sitemap-trap.xml?page=4", "NEWS_SITEMAP_DEPTH", "news/sitemaps/too_deep"),
]


@pytest.mark.parametrize(("path", "reason", "counter"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_has_one_log_line_and_a_counter(hostile_run, path, reason, counter):
    url = hostile_run.base + path
    lines = [line for line in hostile_run.our_lines() if re.search(re.escape(url) + r"(?![\w?/.-])", line)]
    assert len(lines) == 1, lines
    assert reason in lines[0]
    assert hostile_run.stats.get(counter, 0) >= 1, hostile_run.stats


def test_counters_add_up(hostile_run):
    stats = hostile_run.stats
    assert (
        stats["news/failed/too_large"] == 5
    )  # endless, declared 5 GiB, gzip and brotli pages, brotli sitemap
    assert stats["news/failed/timeout"] == 2
    assert stats["news/failed/http_503"] == 2
    assert stats["news/skipped/binary"] == 3
    assert stats["news/dates/missing"] == 3
    assert stats["news/links/bad_scheme"] == 2  # javascript: and data: items of the feed
    assert stats["news/links/bad_meta_refresh"] == 1  # the XSS page refreshes to javascript:
    assert stats["news/stored/duplicate"] >= 2  # /a/same.html?v=2, ?v=3 (and the trap's ?from= variant)
    assert stats["news/links/duplicate"] >= 4  # /a/story.html behind utm_*, fbclid and a fragment


def test_retry_after_is_waited_for_then_the_article_is_stored(hostile_run):
    times = [t for path, t in hostile_run.server.requests if path == "/a/busy-503.html"]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0  # Retry-After: 1
    assert hostile_run.rows_at("/a/busy-503.html")[0]["title"] == "Story served after a Retry-After pause"
    # A Retry-After of a day is not waited for: one request, no retry.
    assert [p for p, _ in hostile_run.server.requests].count("/a/busy-long.html") == 1


def test_traps_end(hostile_run):
    paths = [p for p, _ in hostile_run.server.requests]
    # "next page" forever: followed to NEWS_FIRST_RUN_LISTING_PAGES (5) on this first run, no further
    assert [p for p in paths if p.startswith("/list/trap.html")] == [f"/list/trap.html?page={n}" for n in range(1, 6)]
    assert len([p for p in paths if p.startswith("/sitemap-trap.xml")]) == 4  # depth 3 below the entry
    assert not [p for p in paths if p.startswith("/a/entity-")]  # nothing from refused XML was followed
    assert paths.count("/a/story.html") == 1  # utm_*, fbclid and #fragment variants fetched once
    assert len(hostile_run.rows_at("/a/story.html")) == 1
    assert len(hostile_run.rows_at("/a/same.html")) == 1  # ?v=1..3 serve one article: one row
    assert len(hostile_run.rows_at("/a/ok.html")) == 1


def test_impossible_dates_are_not_stored(hostile_run):
    for name in ("date-13-45", "date-9999", "date-0001", "date-future"):
        (row,) = hostile_run.rows_at(f"/a/{name}.html")
        assert row["published"] is None, row
        assert row["first_seen"]


def test_a_10000_character_headline_is_cut(hostile_run):
    (row,) = hostile_run.rows_at("/a/long-headline.html")
    assert len(row["title"]) <= 300 and row["title"].endswith("…")
    assert row["title"].startswith("Endless headline Endless headline")


def test_no_local_file_or_entity_expansion_reaches_the_archive(hostile_run):
    text = repr(hostile_run.rows) + hostile_run.crawl.stderr
    assert "root:x:0:0" not in text and "lollollol" not in text


def test_the_xss_article_is_stored_as_text(hostile_run):
    (row,) = hostile_run.rows_at("/a/xss.html")
    assert row["title"].startswith("Hostile headline")
    assert "{{ site.github.api_url }}" in row["title"]  # kept as text: exporters must escape it
    assert "Paragraph 7 about the hostile markup" in row["body_html"]
    assert row["image"] == "https://ok.example/i.png"  # og:image was javascript:, the body's image stands in
    assert row["url"] == hostile_run.base + "/a/xss.html"  # canonical javascript: ignored


def _elements(fragment: str):
    doc = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in doc.iter() if isinstance(el.tag, str) and el is not doc]


def _safe_url(value: str) -> bool:
    parts = urlsplit(value)
    return value == value.strip() and parts.scheme in ("http", "https") and bool(parts.netloc)


def test_no_stored_field_holds_a_script_a_handler_or_a_non_http_url(hostile_run):
    assert len(hostile_run.rows) >= 15
    for row in hostile_run.rows:
        for element in _elements(row["body_html"]):
            tag = element.tag.split("}")[-1].lower()
            assert tag not in UNSAFE_ELEMENTS, (row["url"], tag)
            for name, value in element.attrib.items():
                name = name.split("}")[-1].lower()
                assert not name.startswith("on") and name not in ("style", "srcdoc"), (row["url"], name)
                if name in URL_ATTRIBUTES:
                    assert _safe_url(value), (row["url"], name, value)
                if tag == "a" and name == "href":
                    assert set(element.get("rel", "").split()) >= {"nofollow", "noopener"}, ET.tostring(
                        element
                    )
        for field in ("url", "image", "requested_url"):
            assert row[field] is None or _safe_url(row[field]), (row["url"], field, row[field])
        texts = [row[f] for f in PLAIN_TEXT_FIELDS if row[f]]
        texts += [v for f in PLAIN_TEXT_LISTS for v in row[f]]
        for text in texts:
            assert _elements(text) == [], (row["url"], text)  # plain text: no element at all
            for target in re.findall(r"\]\(\s*<?([^)\s>]*)", text):  # markdown links
                assert _safe_url(target), (row["url"], text)


@pytest.mark.parametrize("path", sorted(hostile_site.KOREAN_ARTICLES))
def test_korean_pages_decode_exactly(hostile_run, path):
    (row,) = hostile_run.rows_at(path)
    assert row["title"] == f"{hostile_site.KOREAN_TITLE} ({hostile_site.KOREAN_ARTICLES[path]})"
    paragraphs = [" ".join(el.text.split()) for el in _elements(row["body_html"]) if el.tag == "p"]
    assert paragraphs == hostile_site.KOREAN_PARAGRAPHS
    assert "똠" in row["body_html"] and "햏" in row["body_html"] and "\ufffd" not in row["body_html"]
    assert row["authors"] == ["김똠햏"]


def test_a_source_stops_at_its_article_budget(hostile_run, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(hostile_site.bulk_sources_toml(hostile_run.base, 30), encoding="utf-8")
    crawl = run_scrapy(
        "crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}",
        "-s", "NEWS_MAX_ARTICLES_PER_SOURCE=5", timeout=120,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    stats = news_stats(crawl.stderr)
    assert stats["news/stored/new"] == 5 and stats["news/links/over_limit"] == 25
    assert crawl.stderr.count("reached its budget of 5 new articles") == 1
    assert "its further links are kept for the next runs" in crawl.stderr and stats["news/pending/kept"] == 25


def _assert_safe_html(fragment: str, where: str) -> None:
    for element in _elements(fragment):
        tag = element.tag.split("}")[-1].lower()
        assert tag not in UNSAFE_ELEMENTS, (where, tag)
        for name, value in element.attrib.items():
            name = name.split("}")[-1].lower()
            assert not name.startswith("on") and name not in ("style", "srcdoc"), (where, name)
            if name in URL_ATTRIBUTES:
                assert _safe_url(value), (where, name, value)


def test_exported_files_of_the_hostile_archive_are_safe(hostile_run, tmp_path):
    """The exporters' side, on what this crawl stored: every post, feed entry and JSON item."""
    out = tmp_path / "site"
    export = run_scrapy("export", "-s", f"NEWS_DB_PATH={hostile_run.db}", "-o", str(out))
    assert export.returncode == 0, export.stderr[-3000:]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(out.resolve()) for p in written)
    titles = {row["title"] for row in hostile_run.rows}
    posts = sorted((out / "_posts").glob("*.md"))
    assert len(posts) == len([row for row in hostile_run.rows if not row["duplicate_of"]])  # copies: no post
    for post in posts:
        _, front, body = post.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        assert meta["title"] in titles, post.name
        assert meta["render_with_liquid"] is False
        _assert_safe_html(body, post.name)
    for name in ("rss.xml", "atom.xml"):
        root = ET.parse(out / "feeds" / name).getroot()
        for element in root.iter():
            if element.text and "<" in element.text:
                _assert_safe_html(element.text, f"{name} {element.tag}")
    feed = json.loads((out / "feeds" / "feed.json").read_text(encoding="utf-8"))
    for item in feed["items"]:
        _assert_safe_html(item.get("content_html", ""), item["url"])
        assert _safe_url(item["url"])


def test_hostile_posts_render_in_jekyll_without_script_and_with_the_title_as_text(hostile_run, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "exporters" / "jekyll_site", site)
    export = run_scrapy("export", "-s", f"NEWS_DB_PATH={hostile_run.db}", "-o", str(site))
    assert export.returncode == 0, export.stderr[-3000:]
    build = build_jekyll_site(site)
    assert build.returncode == 0, build.stdout + build.stderr
    posts = sorted((site / "_posts").glob("*.md"))
    assert posts
    for post in posts:
        _, front, _ = post.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        page = rendered_post(site, post, meta["date"]).read_text(encoding="utf-8")
        document = html5lib.parse(page, namespaceHTMLElements=False)
        assert not document.findall(".//script"), post.name
        content = document.find(".//div[@class='post-content']")
        _assert_safe_html(ET.tostring(content, encoding="unicode"), post.name)
        heading = document.find(".//h1")
        assert "".join(heading.itertext()) == meta["title"], post.name
