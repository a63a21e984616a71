"""The shipped Datasette metadata and plugin: search and facets over an archive, via the JSON API."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from lxml import html as lxml_html

from crawler.store import Archive
from tests.conftest import ROOT
from tests.test_search import CHIPS, HEAT, POLICY

DATASETTE = "crawler/starter/datasette"  # what `newsdao init` copies into a folder as datasette/
COMMAND = ["serve", "-m", f"{DATASETTE}/metadata.json", "--plugins-dir", f"{DATASETTE}/plugins"]


@pytest.fixture
def datasette(tmp_path):
    """Datasette on a free port of 127.0.0.1 over a small archive, as the README starts it."""
    db = tmp_path / "news.db"
    with Archive(db) as archive:
        for record in (POLICY, HEAT, CHIPS):
            archive.save(dict(record, categories=["Business"] if record is CHIPS else ["News"]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "datasette.log"  # a file, not a pipe nobody reads that could fill and block it
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "datasette", *COMMAND, str(db), "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Datasette did not start: {log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield base
    finally:
        process.kill()
        process.wait(timeout=10)


def get(base: str, path: str, **params) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def test_the_search_query_finds_korean_as_readers_type_it(datasette):
    rows = get(datasette, "/news/search.json", q="정부", _shape="array")
    assert [row["title"] for row in rows] == [POLICY["title"]]
    assert rows[0]["snippet"].startswith("[정부]가 3조")
    assert [row["url"] for row in get(datasette, "/news/search.json", q="정책금융", _shape="array")] == [
        POLICY["url"]
    ]
    assert get(datasette, "/news/search.json", q="", _shape="array") == []  # the empty form


def test_the_table_search_box_uses_the_fts_table(datasette):
    found = get(datasette, "/news/articles.json", _search="exports", _shape="objects")
    assert [row["url"] for row in found["rows"]] == [CHIPS["url"]]
    korean = get(datasette, "/news/articles.json", _search="폭염", _shape="objects")  # two syllables
    assert [row["url"] for row in korean["rows"]] == [HEAT["url"]]


def test_articles_are_faceted_by_source_category_and_date(datasette):
    table = get(datasette, "/news/articles.json", _shape="objects")
    facets = table["facet_results"]
    facets = facets.get("results", facets)  # Datasette 1.0 nests them
    assert {"source", "categories", "published"} <= set(facets)
    sources = {item["value"]: item["count"] for item in facets["source"]["results"]}
    assert sources == {"demo-news": 2, "wire": 1}
    categories = {item["value"]: item["count"] for item in facets["categories"]["results"]}
    assert categories == {"News": 2, "Business": 1}


def test_the_table_search_box_finds_a_noun_followed_by_a_particle(datasette):
    found = get(datasette, "/news/articles.json", _search="정부가", _shape="objects")
    assert [row["url"] for row in found["rows"]] == [POLICY["url"]]
    both = get(datasette, "/news/articles.json", _search="정부가 신설했다", _shape="objects")
    assert [row["url"] for row in both["rows"]] == [POLICY["url"]]


def html_page(base: str, path: str, **params) -> str:
    with urllib.request.urlopen(f"{base}{path}?{urllib.parse.urlencode(params)}", timeout=10) as response:
        return response.read().decode("utf-8")


def cells(page: str, column: str) -> list[str]:
    """The text of every cell of one column of a Datasette table page."""
    tree = lxml_html.fromstring(page)
    return [" ".join(td.text_content().split()) for td in tree.xpath(f'//td[contains(@class, "col-{column}")]')]


def test_the_articles_table_reads_as_plain_text_previews_and_local_dates(datasette):
    page = html_page(datasette, "/news/articles", _sort="id")
    rows = {row["url"]: row for row in get(datasette, "/news/articles.json", _shape="array", _sort="id")}
    previews = cells(page, "body_html")
    assert len(previews) == len(rows) == 3
    assert "정부가 3조 5000억 원 규모의 AI정책금융 프로그램을 신설했다. 금융위원회는 4일 협의회를 열었다." in previews
    for preview in previews:
        assert "<p>" not in preview and len(preview) <= 160
    # Dates in the zone and the form of the posts' `date:` (NEWS_POST_TIMEZONE, Asia/Seoul).
    assert "2024-06-04 14:30:00 +0900" in cells(page, "published")  # 05:30 UTC
    assert "2024-06-06 08:00:00 +0900" in cells(page, "published")  # 23:00 UTC the day before
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0900", c) for c in cells(page, "first_seen"))
    assert rows[POLICY["url"]]["published"] == POLICY["published"]  # the data itself stays UTC
