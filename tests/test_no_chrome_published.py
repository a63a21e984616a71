"""A page whose main text cannot be found: crawled and exported, no post or feed entry carries its chrome.

Issue 27: trafilatura's last resort printed such a page as one paragraph (headline, byline,
share buttons, related headlines) and it was published. Real crawl and export over loopback.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from tests.conftest import run_scrapy, static_server

pytestmark = pytest.mark.slow

STORY = "".join(
    f"<p>문단 {n}: 소방당국은 물류창고 화재의 원인을 조사하고 있으며 인명 피해는 없는 것으로 알려졌다.</p>"
    for n in range(4)
)
ARTICLE = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>부산 물류창고 화재 진화</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-06-06T03:40:00+09:00"></head>
<body><article><h1>부산 물류창고 화재 진화</h1><div class="byline">한상훈 기자</div>
<div class="article-body">{STORY}</div></article></body></html>"""
# No paragraph, no sentence: the headline, a byline, share buttons and teaser titles in spans.
CHROME = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>코스피 마감 시황 업데이트</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-06-06T15:45:00+09:00"></head>
<body><div class="wrap"><div class="title"><span>코스피 마감 시황 업데이트</span></div>
<div class="meta"><span>조민재 기자</span> <span>입력 2024.06.06 15:45</span> <span>공유하기</span>
<span>Facebook</span> <span>Twitter</span></div>
<div class="teasers"><span>날씨 서울 흐림 낮 최고 22도</span> <span>프로야구 7일 경기 결과</span></div>
<div class="ad"><span>AD</span> <span>광고 문의 02-000-1002</span></div></div></body></html>"""
CHROME_WORDS = ("공유하기", "Facebook", "조민재 기자", "입력 2024", "날씨 서울 흐림", "광고 문의")


def feed(base: str) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{base}/{path}</link><guid>{base}/{path}</guid>"
        f"<pubDate>Thu, 06 Jun 2024 0{hour}:00:00 +0000</pubDate></item>"
        for title, path, hour in (("화재", "fire.html", 1), ("시황", "market.html", 6))
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def test_a_page_of_chrome_is_neither_posted_nor_in_a_feed(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "fire.html").write_text(ARTICLE, encoding="utf-8")
    (site / "market.html").write_text(CHROME, encoding="utf-8")
    with static_server(site) as base:
        (site / "rss.xml").write_text(feed(base), encoding="utf-8")
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "chrome"\nfeeds = ["{base}/rss.xml"]\nlanguage = "ko"\n'
            f'timezone = "Asia/Seoul"\nmax_age_days = 0\n',
            encoding="utf-8",
        )
        settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}"]
        crawl = run_scrapy("crawl", "news", *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "'news/dropped/no_body': 1" in crawl.stderr
    assert f"Dropped: no body: {base}/market.html" in crawl.stderr
    out = tmp_path / "out"
    export = run_scrapy("export", *settings, "-o", str(out))
    assert export.returncode == 0, export.stderr[-3000:]
    posts = list((out / "_posts").glob("*.md"))
    assert len(posts) == 1 and "소방당국은 물류창고 화재의 원인을" in posts[0].read_text(encoding="utf-8")
    published = [path.read_text(encoding="utf-8") for path in [*posts, *(out / "feeds").rglob("*.*")]]
    for text in published:
        for word in CHROME_WORDS:
            assert word not in text, word
    entries = feedparser.parse((out / "feeds" / "rss.xml").read_bytes()).entries
    assert [entry.link for entry in entries] == [f"{base}/fire.html"]
    items = json.loads((out / "feeds" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [item["url"] for item in items] == [f"{base}/fire.html"]
