"""The extraction callable on pages built for one rule each."""

from __future__ import annotations

from crawler.extract import extract_article
from crawler.sources import Source

ODD_PAGE = """<html><head><meta charset="utf-8"><title>데모 | 사이트</title>
<meta property="og:title" content="사이트 이름만 있는 제목">
</head><body>
<div class="top"><h1>데모뉴스</h1></div>
<div class="tit">선택자로만 찾을 수 있는 진짜 기사 제목입니다</div>
<div class="info"><em class="when">2024.06.04 09:05</em></div>
<div id="news-text">첫 문단은 선택자로 고른 본문의 시작이다. 두 번째 문장이 이어진다.<br><br>둘째 문단도 본문에 들어가야 한다.<br><br>이순신 기자 sunsin@example.kr</div>
<div class="sidebar"><p>사이드바의 긴 문단은 본문이 아니므로 들어가면 안 된다. 여러 문장이 있어도 그렇다. 정말로.</p></div>
</body></html>"""


def test_source_selectors_override_title_date_and_body():
    source = Source(
        name="odd", feeds=("https://odd.example/rss",), timezone="Asia/Seoul", language="ko",
        selectors={"title": "div.tit", "date": "xpath://em[@class='when']", "body": "#news-text"},
    )  # fmt: skip
    fields = extract_article(ODD_PAGE, "https://odd.example/a/1", source)
    assert fields["title"] == "선택자로만 찾을 수 있는 진짜 기사 제목입니다"
    assert fields["published"] == "2024-06-04T09:05:00+09:00"
    assert fields["body_html"] == (
        "<p>첫 문단은 선택자로 고른 본문의 시작이다. 두 번째 문장이 이어진다.</p>\n<p>둘째 문단도 본문에 들어가야 한다.</p>"
    )


JSON_LD_PAGE = """<html lang="en"><head><meta charset="utf-8">
<link rel="canonical" href="/news/2024/06/real-story?utm_source=x">
<meta property="og:image" content="https://cdn.example/logo.png">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Example"},
 {"@type": "NewsArticle", "headline": "Tom &amp; Jerry sign a peace deal",
  "datePublished": "2024-06-04T09:00:00-04:00", "author": [{"@type": "Person", "name": "Jane Doe"},
  {"@type": "Organization", "name": "Example Wire"}], "image": [{"@type": "ImageObject", "url": "/img/lead.jpg"}],
  "articleSection": "World", "keywords": ["peace", "cartoons"]}]}</script>
</head><body><h1>Tom &amp; Jerry sign a peace deal</h1>
<article><p>The cat and the mouse agreed to stop fighting on Tuesday, ending a feud of many decades.</p>
<p>Both sides said the deal would hold, though observers were not convinced at all.</p></article>
</body></html>"""


def test_json_ld_wins_and_logos_are_left_out():
    source = Source(name="ex", feeds=("https://www.example.com/rss",), categories={"world": "International"})
    fields = extract_article(JSON_LD_PAGE, "https://www.example.com/news/2024/06/real-story", source)
    assert fields["title"] == "Tom & Jerry sign a peace deal"
    assert fields["published"] == "2024-06-04T09:00:00-04:00"
    assert fields["authors"] == ["Jane Doe", "Example Wire"]  # a wire credited beside its reporter
    assert fields["image"] == "https://www.example.com/img/lead.jpg"
    assert fields["categories"] == ["International"]
    assert fields["keywords"] == ["peace", "cartoons"]
    assert fields["url"] == "https://www.example.com/news/2024/06/real-story?utm_source=x"
    assert fields["language"] == "en"


def test_a_canonical_to_the_home_page_or_another_site_is_ignored():
    for canonical in ("https://www.example.com/", "https://elsewhere.example/news/1"):
        page = JSON_LD_PAGE.replace("/news/2024/06/real-story?utm_source=x", canonical)
        fields = extract_article(page, "https://www.example.com/news/2024/06/real-story")
        assert fields["url"] == "https://www.example.com/news/2024/06/real-story"


def test_an_empty_page_gives_no_fields_and_does_not_raise():
    assert extract_article("", "https://example.com/a") == {"url": "https://example.com/a"}
    assert extract_article("<html></html>", "https://example.com/a")["title"] is None
