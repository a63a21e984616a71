"""The hostile-input defences one by one, without a crawl: sanitizer, XML refusal, link
cleaning, redirects, Retry-After, Korean decoding, validation and the archive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import html5lib
import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.discovery import clean_link, declares_entities, read_feed, sitemap_links
from crawler.items import Article
from crawler.middlewares import (
    KoreanEncodingMiddleware,
    Refused,
    check_redirect,
    choose_encoding,
    retry_after_seconds,
)
from crawler.pipelines.validate import ValidatePipeline, unsafe_markup
from crawler.sanitize import sanitize_html
from crawler.store import Archive
from tests import hostile_site

UNSAFE = {"script", "style", "iframe", "object", "embed", "form", "base", "meta", "svg", "math", "link"}


def elements(fragment: str):
    doc = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in doc.iter() if isinstance(el.tag, str) and el is not doc]


@pytest.mark.parametrize("vector", hostile_site.XSS_VECTORS, ids=range(len(hostile_site.XSS_VECTORS)))
def test_sanitizer_leaves_no_script_handler_or_non_http_url(vector):
    clean = sanitize_html(f"<p>before {vector} after</p>", "https://news.example/a/1.html")
    for element in elements(clean):
        assert element.tag.lower() not in UNSAFE, clean
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and name.lower() != "style", clean
            if name.lower() in ("href", "src"):
                assert urlsplit(value).scheme in ("http", "https"), clean
        if element.tag == "a":
            assert element.get("rel") == "nofollow noopener", clean
    assert unsafe_markup(clean) is None


def test_unsafe_markup_names_what_the_sanitizer_should_have_removed():
    assert unsafe_markup('<p onclick="x()">a</p>') == "onclick="
    assert unsafe_markup("<p>a<script>b</script></p>") == "<script>"
    assert unsafe_markup('<a href="javascript:alert(1)">a</a>').startswith("href=")
    assert unsafe_markup('<img src=" https://ok.example/x.png">').startswith("src=")
    assert unsafe_markup('<p>ok <a href="https://ok.example/" rel="nofollow noopener">a</a></p>') is None


@pytest.mark.parametrize(
    ("body", "declares"),
    [
        (hostile_site.entity_feed("http://h", hostile_site.XXE_DOCTYPE, "xxe").encode(), True),
        (hostile_site.entity_feed("http://h", hostile_site.LAUGHS_DOCTYPE, "lol9").encode(), True),
        (hostile_site.entity_sitemap("http://h", hostile_site.XXE_DOCTYPE, "xxe").encode("utf-16"), True),
        (
            '<?xml version="1.0" encoding="euc-kr"?><!DOCTYPE r [<!ENTITY x "똠">]><rss/>'.encode("cp949"),
            True,
        ),
        (b"garbage before <!DOCTYPE r [<!ENTITY x 'y'>]> <<<", True),
        (hostile_site.feed("http://h", [("http://h/a/1.html", "t")]).encode(), False),
        (
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://x/rss.dtd"><rss/>',
            False,
        ),
        (b"", False),
    ],
)
def test_xml_declaring_entities_is_recognised(body, declares):
    assert declares_entities(body) is declares


def test_parsers_never_expand_entities_or_read_files():
    xxe = hostile_site.entity_sitemap("http://h", hostile_site.XXE_DOCTYPE, "xxe").encode()
    kind, links = sitemap_links(xxe)
    assert "root:" not in repr(links)
    feed = hostile_site.entity_feed("http://h", hostile_site.XXE_DOCTYPE, "xxe").encode()
    assert "root:" not in repr(read_feed(feed, "http://h/feed.xml"))


def test_a_malformed_feed_is_reported_with_what_could_be_read():
    text = hostile_site.feed("http://h", [("http://h/a/1.html", "one")])
    links, problem = read_feed((text[:-40] + "<<<&&&").encode(), "http://h/feed.xml")
    assert problem and [link.url for link in links] == ["http://h/a/1.html"]
    assert read_feed(text.encode(), "http://h/feed.xml")[1] is None


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://n.example/a.html?utm_source=x&utm_medium=y", "https://n.example/a.html"),
        ("https://n.example/a.html?id=7&fbclid=abc#comments", "https://n.example/a.html?id=7"),
        ("https://n.example/view?idxno=12&gclid=1&UTM_Campaign=z", "https://n.example/view?idxno=12"),
        ("https://n.example/view?b=2&a=1", "https://n.example/view?b=2&a=1"),  # untouched
    ],
)
def test_tracking_parameters_and_fragments_are_dropped(url, clean):
    assert clean_link(url) == clean


def _request(url: str, **meta) -> Request:
    return Request(url, meta={"source_domains": ("news.example",), **meta})


def test_redirect_checks():
    check_redirect(_request("https://news.example/a"), "/b")  # fine
    check_redirect(_request("https://news.example/a"), "https://m.news.example/a")  # a subdomain
    for location, reason in [
        ("javascript:alert(1)", "bad_redirect"),
        (" JaVaScRiPt:alert(1)", "bad_redirect"),
        ("data:text/html,x", "bad_redirect"),
        ("https://evil.example/", "offsite_redirect"),
        ("https://news.example.evil.example/", "offsite_redirect"),
        ("/a#top", "redirect_loop"),
    ]:
        with pytest.raises(Refused) as refused:
            check_redirect(_request("https://news.example/a"), location)
        assert refused.value.reason == reason, location
    with pytest.raises(Refused):
        check_redirect(_request("https://news.example/b", redirect_urls=["https://news.example/a"]), "/a")


def test_retry_after_values():
    now = datetime(2024, 6, 4, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Tue, 04 Jun 2024 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Tue, 04 Jun 2024 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


KOREAN = "<html><head>{meta}<title>똠방각하</title></head><body><p>똠방각하와 햏자가 종로를 걸었다.</p></body></html>"


@pytest.mark.parametrize(
    ("header", "meta", "payload"),
    [
        ("text/html; charset=euc-kr", "", "cp949"),
        ("text/html", '<meta charset="euc-kr">', "cp949"),
        (
            "text/html",
            '<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">',
            "cp949",
        ),
        ("text/html; charset=utf-8", "", "cp949"),  # declared wrongly
        ("text/html", '<meta charset="utf-8">', "cp949"),  # declared wrongly in the page
        ("text/html", "", "cp949"),  # not declared at all
        ("text/html; charset=euc-kr", "", "utf-8"),  # UTF-8 bytes declared as EUC-KR
        ("text/html; charset=iso-8859-1", "", "cp949"),  # an old Korean site's Latin-1 label
    ],
)
def test_korean_pages_decode_exactly_however_declared(header, meta, payload):
    body = KOREAN.format(meta=meta).encode(payload)
    response = HtmlResponse("https://k.example/a.html", body=body, headers={"Content-Type": header})
    fixed = KoreanEncodingMiddleware().process_response(Request(response.url), response)
    assert "똠방각하와 햏자가 종로를 걸었다." in fixed.text
    assert "\ufffd" not in fixed.text


def test_western_pages_are_not_read_as_korean():
    body = "<p>Café crème, déjà vu: à la carte.</p>".encode("cp1252")
    assert choose_encoding(body, "cp1252", declared=True) == "cp1252"
    assert choose_encoding(body, "cp1252", declared=False) == "cp1252"


def _validate(**fields):
    crawler = get_crawler(settings_dict={"NEWS_MAX_FUTURE_SKEW": 1, "NEWS_MAX_TITLE_LENGTH": 60})
    pipeline = ValidatePipeline.from_crawler(crawler)
    defaults = {
        "url": "https://n.example/a.html",
        "source": "s",
        "title": "A headline",
        "body_html": "<p>b</p>",
    }
    item = Article(**{**defaults, **fields})
    return pipeline.process_item(item), crawler.stats.get_stats()


def test_plain_text_fields_lose_markup_and_unsafe_markdown_links():
    item, stats = _validate(
        title="Hi <script>alert(1)</script> there",
        description="See [this](javascript:alert(1)) and [that](https://ok.example/) a < b",
        authors=["<img src=x onerror=alert(1)>Mallory"],
        keywords=["<b>k</b>"],
    )
    assert item.title == "Hi alert(1) there"
    assert item.description == "See this and [that](https://ok.example/) a < b"
    assert item.authors == ["Mallory"] and item.keywords == ["k"]
    assert stats["news/fixed/markup_in_text"] == 4


def test_long_headlines_are_cut_at_a_word():
    item, stats = _validate(title="word " * 100)
    assert len(item.title) <= 60 and item.title.endswith("word…")
    assert stats["news/fixed/long_headline"] == 1


def test_dates_beyond_the_future_skew_are_dropped():
    soon = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    item, stats = _validate(published=soon, modified=later)
    assert item.published == soon and item.modified is None
    assert stats["news/dates/future"] == 1 and "news/dates/missing" not in stats


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"title": "<script></script>"}, "news/dropped/no_headline"),
        ({"body_html": None}, "news/dropped/no_body"),
        ({"body_html": '<p onclick="x">b</p>'}, "news/dropped/unsafe_body"),
    ],
)
def test_no_headline_no_body_and_unsafe_bodies_are_dropped(fields, key):
    crawler = get_crawler(settings_dict={})
    item = Article(
        **{"url": "https://n.example/a.html", "source": "s", "title": "T", "body_html": "<p>b</p>", **fields}
    )
    with pytest.raises(DropItem):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value(key) == 1


def test_same_content_under_another_url_adds_no_row(tmp_path):
    archive = Archive(tmp_path / "news.db")
    try:
        record = {"source": "s", "title": "T", "body_html": "<p>b</p>"}
        assert archive.save({**record, "url": "https://n.example/a?v=1"}) == "new"
        assert archive.save({**record, "url": "https://n.example/a?v=2"}) == "duplicate"
        assert archive.save({**record, "url": "https://n.example/a?v=1"}) == "unchanged"
        assert archive.save({**record, "source": "other", "url": "https://o.example/a"}) == "new"
        assert archive.count() == 2
        assert archive.integrity_check() == ["ok"] and archive.duplicates() == []
    finally:
        archive.close()
