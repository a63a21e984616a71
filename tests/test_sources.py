"""The sources file: loaded into dataclasses, every mistake one clear message."""

from __future__ import annotations

import pytest

from crawler.sources import SourcesError, load_sources
from tests.conftest import ROOT, run_scrapy

GOOD = """
[[source]]
name = "good"
feeds = ["https://news.example.com/rss.xml"]
language = "ko"
timezone = "Asia/Seoul"
[source.categories]
"경제" = "Business"
"""


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_source_loads_with_defaults(tmp_path):
    (source,) = load_sources(write(tmp_path, GOOD))
    assert source.allowed_domains == ("news.example.com",)
    assert source.map_category("경제") == "Business"
    assert source.map_category("스포츠") == source.map_category(None) == "News"
    assert source.enabled


BAD = {
    "unknown key": (
        'feeds = ["https://a.example/rss"]\ncolour = "red"',
        "source 'bad': field 'colour': unknown key",
    ),
    "missing url": ('language = "ko"', "source 'bad': field 'feeds': no entry point"),
    "relative url": ('feeds = ["/rss.xml"]', "source 'bad': field 'feeds': '/rss.xml' is not an absolute"),
    "bad pattern": (
        'listings = ["https://a.example/"]\narticle_pattern = "([a-z"',
        "source 'bad': field 'article_pattern': bad pattern",
    ),
    "pattern missing": (
        'listings = ["https://a.example/"]',
        "source 'bad': field 'article_pattern': required",
    ),
    "bad time zone": (
        'feeds = ["https://a.example/rss"]\ntimezone = "Mars/Olympus"',
        "source 'bad': field 'timezone': unknown time zone 'Mars/Olympus'",
    ),
    "negative min_interval": (
        'feeds = ["https://a.example/rss"]\nmin_interval = -5',
        "source 'bad': field 'min_interval': must be a number of seconds >= 0",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_each_mistake_names_the_source_and_the_field(tmp_path, case):
    body, message = BAD[case]
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_sources(write(tmp_path, f'[[source]]\nname = "bad"\n{body}\n'))


def test_crawl_with_a_bad_sources_file_stops_with_one_clear_line(tmp_path):
    path = write(
        tmp_path, '[[source]]\nname = "bad"\nfeeds = ["https://a.example/rss"]\ntimezone = "Nowhere"\n'
    )
    result = run_scrapy("crawl", "news", "-s", f"NEWS_SOURCES_FILE={path}")
    assert result.returncode == 2
    assert f"{path}: source 'bad': field 'timezone': unknown time zone 'Nowhere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_example_sources_file_is_valid():
    sources = load_sources(ROOT / "crawler" / "starter" / "sources.example.toml")
    assert len(sources) >= 10
    assert any(s.language == "ko" for s in sources) and any(s.language == "en" for s in sources)


def test_scrapy_list_names_the_spider():
    result = run_scrapy("list")
    assert result.returncode == 0 and result.stdout.split() == ["news"]
