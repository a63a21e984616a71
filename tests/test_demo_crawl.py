"""End to end on the bundled demo site: real `scrapy crawl` and `scrapy export` processes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import html as lxml_html

from crawler.store import Archive
from tests.conftest import (
    DEMO,
    EXPECTED,
    PARTNER,
    PARTNER_PATHS,
    PUBLISHED_PATHS,
    crawl_and_export,
    run_scrapy,
)

pytestmark = pytest.mark.slow
EXAMPLE_KEYS = ["title", "categories", "excerpt", "feature_text", "image"]
FOOTER = '실시간 뉴스 속보는, <a href="https://newsdao.kr" rel="dofollow">https://newsdao.kr</a>\n\n\n'


def stored(run) -> dict[str, dict]:
    archive = Archive(run.db)
    try:
        return {row["url"].removeprefix(run.base): row for row in archive.iter_all()}
    finally:
        archive.close()


def body_parts(body_html: str) -> tuple[list[str], list[str]]:
    """(paragraphs, headings) of a stored or posted body, as plain text."""
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    paragraphs, headings = [], []
    for child in root:
        text = " ".join(child.text_content().split())
        if child.tag in ("p", "blockquote") and text and child.find("img") is None:
            paragraphs.append(text)
        elif child.tag in ("h2", "h3"):
            headings.append(text)
    return paragraphs, headings


def table_rows(body_html: str) -> list[list[str]]:
    """The cells of every table row in a body, as plain text."""
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in root.iter("tr")
    ]


# Every article of both demo outlets, with its expected fields: (path, expected record).
ALL_EXPECTED = [(a["path"], a) for a in EXPECTED] + [
    (a.get("partner_path") or a["path"], a) for a in PARTNER["republished"] + PARTNER["templated"]
]


def read_post(path: Path) -> tuple[dict, str, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body, front


def test_every_demo_article_is_stored_once(demo_run):
    rows = stored(demo_run)
    assert sorted(rows) == sorted([a["path"] for a in EXPECTED] + PARTNER_PATHS)
    assert {path for path, row in rows.items() if row["source"] == "demo-news"} == {
        a["path"] for a in EXPECTED
    }
    assert "news/stored/new': 20" in demo_run.crawl.stderr


def test_copies_are_linked_to_their_originals_and_templated_stories_stay(demo_run):
    rows = stored(demo_run)
    for copy in PARTNER["republished"]:
        original = rows[copy["original_path"]]
        assert rows[copy["partner_path"]]["duplicate_of"] == original["id"]
        assert original["duplicate_of"] is None
        assert rows[copy["partner_path"]]["similarity"] >= 0.8
    for story in PARTNER["templated"]:
        assert rows[story["path"]]["duplicate_of"] is None, story["path"]
    tracked = PARTNER["tracking_url_item"]
    assert not any("utm_source" in path or "fbclid" in path for path in rows)
    assert rows[tracked["original_path"]]["duplicate_of"] is None


@pytest.mark.parametrize("expected", EXPECTED, ids=[a["path"].rsplit("/", 1)[-1] for a in EXPECTED])
def test_article_fields_match_the_page(demo_run, expected):
    row = stored(demo_run)[expected["path"]]
    assert row["title"] == expected["headline"]
    assert datetime.fromisoformat(row["published"]) == datetime.fromisoformat(expected["published"])
    assert row["published"].endswith("+00:00")  # stored in UTC
    assert row["authors"] == expected["authors"]
    assert row["language"] == expected["lang"]
    assert row["categories"] == [expected["category"]]
    if expected["image"]:
        assert row["image"] == demo_run.base + expected["image"]
    else:
        assert row["image"] is None
    paragraphs, headings = body_parts(row["body_html"])
    assert paragraphs == expected["paragraphs"]
    assert headings == expected["headings"]
    assert "<script" not in row["body_html"] and "무단전재" not in row["body_html"]


@pytest.mark.parametrize("path,expected", ALL_EXPECTED, ids=[p.rsplit("/", 1)[-1] for p, _ in ALL_EXPECTED])
def test_every_article_of_both_outlets_is_stored_as_printed(demo_run, path, expected):
    """Headline, date, authors, image, paragraphs, headings and table of each demo article.

    The partner outlet's short templated stories (a few paragraphs, a results table) once
    came out as the whole page run into one paragraph: byline, share buttons, related links.
    """
    row = stored(demo_run)[path]
    assert row["title"] == expected["headline"]
    assert datetime.fromisoformat(row["published"]) == datetime.fromisoformat(expected["published"])
    assert row["authors"] == expected["authors"]
    assert row["image"] == (demo_run.base + expected["image"] if expected["image"] else None)
    paragraphs, headings = body_parts(row["body_html"])
    assert paragraphs == expected["paragraphs"]
    assert headings == expected["headings"]
    assert table_rows(row["body_html"]) == expected.get("table", [])
    for chrome in ("공유하기", "Facebook", "관련기사", "무단전재", "이 자리에 광고", "기자"):
        assert chrome not in row["body_html"], chrome


def test_every_post_body_is_its_article(demo_run):
    """Each post's body holds its source article's paragraphs and table, nothing else."""
    by_url = {demo_run.base + path: expected for path, expected in ALL_EXPECTED}
    posts = sorted((demo_run.out / "_posts").glob("*.md"))
    assert len(posts) == len(PUBLISHED_PATHS) == 18
    for post in posts:
        meta, body, _ = read_post(post)
        expected = by_url[meta["original_url"]]
        content = body.removesuffix(FOOTER)
        assert body_parts(content) == (expected["paragraphs"], expected["headings"]), post.name
        assert table_rows(content) == expected.get("table", []), post.name


def test_feeds_parse_and_list_every_article(demo_run):
    urls = {demo_run.base + path for path in PUBLISHED_PATHS}  # the wire copies are left out
    for name in ("rss.xml", "atom.xml"):
        feed = feedparser.parse((demo_run.out / "feeds" / name).read_bytes())
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        assert {entry.link for entry in feed.entries} == urls
        for entry in feed.entries:
            assert entry.title and entry.published_parsed and entry.content[0].value, (name, entry.link)
        dates = [entry.published_parsed for entry in feed.entries]
        assert dates == sorted(dates, reverse=True)  # newest first


def test_every_post_follows_the_format(demo_run):
    posts = sorted((demo_run.out / "_posts").glob("*.md"))
    assert len(posts) == len(PUBLISHED_PATHS)
    for path in posts:
        meta, body, front = read_post(path)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md", path.name)
        assert list(meta)[:5] == EXAMPLE_KEYS
        assert isinstance(meta["categories"], list) and meta["categories"]
        assert "\ncategories:\n  - " in "\n" + front and "\nexcerpt: >\n" in front
        assert meta["feature_text"] == f"## flaretime 실시간 뉴스 속보입니다.\n{meta['excerpt']}"
        assert re.search(r"^image: '[^']+'$", front, re.M)
        assert body.startswith(f'\n<p><img src="{meta["image"]}" alt="flaretime 속보" /></p>\n\n')
        assert body.endswith(FOOTER)
        blocks = body.split("\n\n")[1:-1]
        for block in blocks[:-1]:
            assert re.match(
                r'<(p data-ke-size="size16"|h2 data-ke-size="size26"|ul|ol|blockquote|figure|table|p><img)',
                block,
            ), block
        assert meta["original_url"].startswith(demo_run.base)
        assert meta["render_with_liquid"] is False
        assert path.name.startswith(meta["date"][:10])


def test_the_example_story_is_published_faithfully(demo_run):
    expected = next(a for a in EXPECTED if a["path"].endswith("/ai-policy-finance.html"))
    row = stored(demo_run)[expected["path"]]
    posts = list((demo_run.out / "_posts").glob("2024-06-04-ai-policy-finance-*.md"))
    assert len(posts) == 1
    meta, body, _ = read_post(posts[0])
    assert meta["title"] == expected["headline"]
    assert meta["categories"] == ["News"]
    paragraphs, headings = body_parts(body.rsplit("\n", 4)[0])
    assert paragraphs == expected["paragraphs"]  # no byline, date line, copyright or related links
    assert headings == []
    for line in ("입력 2024", "수정 2024", "홍길동 기자", "gildong@", "무단전재", "▶", "관련기사"):
        assert line not in body, line
    page = (DEMO / "site" / expected["path"].lstrip("/")).read_text(encoding="utf-8")
    description = re.search(r'<meta property="og:description" content="([^"]+)"', page).group(1)
    assert meta["excerpt"] == description + "\n"  # the page's own summary is a real one
    assert meta["image"] == row["image"] == demo_run.base + "/img/ai-finance.jpg"
    assert meta["authors"] == ["홍길동"]
    assert meta["date"] == "2024-06-04 14:30:00 +0900"


def test_euc_kr_article_text_is_exact(demo_run):
    expected = next(a for a in EXPECTED if a["charset"] == "euc-kr")
    raw = (DEMO / "site" / expected["path"].lstrip("/")).read_bytes()
    assert b"charset=euc-kr" in raw and expected["headline"].encode("euc-kr") in raw
    row = stored(demo_run)[expected["path"]]
    assert row["title"] == expected["headline"]
    assert body_parts(row["body_html"])[0] == expected["paragraphs"]


def test_second_run_adds_no_row_and_changes_no_file(demo_site, tmp_path):
    first = crawl_and_export(demo_site, tmp_path)
    files = {p: p.read_bytes() for p in first.out.rglob("*") if p.is_file()}
    rows_before = stored(first)
    second = crawl_and_export(demo_site, tmp_path)
    # Both outlets' feeds and sitemaps and the section page answer 304; no article is asked for.
    assert "'news/entry_points/not_modified': 5" in second.crawl.stderr
    assert "news/stored/" not in second.crawl.stderr
    rows_after = stored(second)
    assert len(rows_after) == len(rows_before) == len(EXPECTED) + len(PARTNER_PATHS)
    assert rows_after == rows_before
    assert {p: p.read_bytes() for p in second.out.rglob("*") if p.is_file()} == files


def test_one_source_and_one_url(demo_run, tmp_path):
    only = run_scrapy("crawl", "news", *demo_run.settings()[:2], "-a", "source=demo-news",
                      "-s", f"NEWS_DB_PATH={tmp_path / 'one.db'}")  # fmt: skip
    assert only.returncode == 0 and "news/stored/new': 10" in only.stderr
    feed_only = run_scrapy("crawl", "news", "-a", f"url={demo_run.base}/rss.xml", "-s", "NEWS_MAX_ARTICLE_AGE_DAYS=0",
                           "-s", f"NEWS_DB_PATH={tmp_path / 'url.db'}")  # fmt: skip
    assert feed_only.returncode == 0, feed_only.stderr[-2000:]
    archive = Archive(tmp_path / "url.db")
    rows = list(archive.iter_all())
    archive.close()
    in_feed = {demo_run.base + a["path"] for a in EXPECTED if "feed" in a["via"]}
    assert {row["url"] for row in rows} == in_feed
    assert {row["source"] for row in rows} == {"url"}


def test_unknown_source_name_fails_clearly(demo_run):
    result = run_scrapy("crawl", "news", *demo_run.settings(), "-a", "source=nope")
    assert result.returncode == 2
    assert "no source named 'nope'" in result.stderr


def test_a_home_or_section_page_given_as_url_is_crawled_politely(demo_server, demo_site, tmp_path):
    """-a url= on a section page: its advertised feed and article links, robots.txt obeyed."""
    before = len(demo_server.requests)
    result = run_scrapy(
        "crawl", "news", "-a", f"url={demo_site}/news/", "-s", f"NEWS_DB_PATH={tmp_path / 'p.db'}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    requests = demo_server.requests[before:]
    paths = [path for path, _, _ in requests]
    assert "/admin/secret.html" not in paths  # disallowed by robots.txt, linked from the page
    assert "'robotstxt/forbidden': 1" in result.stderr
    assert len(paths) == len(set(paths)), "a URL was fetched twice"
    assert all(agent.startswith("newsdao-crawler/") for _, agent, _ in requests)
    archive = Archive(tmp_path / "p.db")
    urls = {row["url"].removeprefix(demo_site) for row in archive.iter_all()}
    archive.close()
    assert urls == {a["path"] for a in EXPECTED}  # section, about and contact pages are not articles
    assert "news/skipped/not_article" in result.stderr
