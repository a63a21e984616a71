"""Pipelines built as the engine builds them, on a real SQLite file."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.pipelines.normalize import NormalizePipeline
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.validate import ValidatePipeline
from crawler.store import Archive


@pytest.fixture
def crawler(tmp_path):
    # Workers 0: the pipelines' CPU work runs in this process (the crawl tests use real workers).
    return get_crawler(settings_dict={"NEWS_DB_PATH": str(tmp_path / "news.db"), "NEWS_EXTRACT_WORKERS": 0})


def article(**changes) -> Article:
    fields = dict(
        url="https://news.example/a/1#comments", source="ex", title="A & B\x07 agree",
        published="2024-06-04T14:30:00+09:00", authors=["Kim"],
        description="Site tagline that says nothing",
        body_html='<p onclick="x()">First sentence of the story is here. Second one follows.</p><script>x()</script>',
    )  # fmt: skip
    fields.update(changes)
    return Article(**fields)


def store_item(store, item):
    return asyncio.run(store.process_item(item))


def run_all(crawler, *items):
    normalize = build_from_crawler(NormalizePipeline, crawler)
    validate = build_from_crawler(ValidatePipeline, crawler)
    store = build_from_crawler(StorePipeline, crawler)
    store.open_spider()
    try:
        for item in items:
            store_item(store, validate.process_item(asyncio.run(normalize.process_item(item))))
    finally:
        store.close_spider()


def test_normalized_and_stored_once_updated_in_place(crawler, tmp_path):
    run_all(crawler, article())
    run_all(crawler, article())
    run_all(crawler, article(body_html="<p>First sentence changed. Second one follows.</p>"))
    archive = Archive(tmp_path / "news.db")
    (row,) = list(archive.iter_all())
    archive.close()
    assert row["url"] == "https://news.example/a/1"
    assert row["title"] == "A & B agree"
    assert row["published"] == "2024-06-04T05:30:00+00:00"
    assert row["body_html"] == "<p>First sentence changed. Second one follows.</p>"
    assert row["excerpt"] == "First sentence changed. Second one follows."  # the tagline is no summary
    stats = crawler.stats.get_stats()
    assert (stats["news/stored/new"], stats["news/stored/unchanged"], stats["news/stored/updated"]) == (
        1,
        1,
        1,
    )
    assert row["first_seen"] <= row["updated_at"]


@pytest.mark.parametrize(
    "changes, reason",
    [({"title": None}, "no_headline"), ({"body_html": "<script>only()</script>"}, "no_body")],
)
def test_articles_without_headline_or_body_are_dropped_and_counted(crawler, changes, reason):
    normalize = build_from_crawler(NormalizePipeline, crawler)
    validate = build_from_crawler(ValidatePipeline, crawler)
    with pytest.raises(DropItem, match=reason.replace("_", " ")):
        validate.process_item(asyncio.run(normalize.process_item(article(**changes))))
    assert crawler.stats.get_value(f"news/dropped/{reason}") == 1


def committed_urls(db) -> list[str]:
    """What another process sees: only committed rows."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return sorted(row[0] for row in conn.execute("SELECT url FROM articles"))
    finally:
        conn.close()


def test_saves_are_committed_in_batches_and_a_failed_save_is_undone_alone(tmp_path):
    db = tmp_path / "news.db"
    crawler = get_crawler(
        settings_dict={
            "NEWS_DB_PATH": str(db), "NEWS_STORE_BATCH_SIZE": 3, "NEWS_STORE_BATCH_SECONDS": 60,
            "NEWS_EXTRACT_WORKERS": 0,
        }  # fmt: skip
    )
    store = build_from_crawler(StorePipeline, crawler)
    store.open_spider()
    try:
        for number in (1, 2):
            store_item(store, article(url=f"https://news.example/a/{number}", body_html=f"<p>Story {number}</p>"))
        assert committed_urls(db) == []  # the batch is open: nothing half-visible
        with pytest.raises(Exception, match="NOT NULL"):  # no headline: the save fails inside the batch
            store_item(store, article(url="https://news.example/a/bad", title=None))
        store_item(store, article(url="https://news.example/a/3", body_html="<p>Story 3</p>"))
        assert committed_urls(db) == [f"https://news.example/a/{n}" for n in (1, 2, 3)]
        store_item(store, article(url="https://news.example/a/4", body_html="<p>Story 4</p>"))
        store.flush()  # what the Redis ingest calls before it acknowledges items
        assert committed_urls(db)[-1] == "https://news.example/a/4"
    finally:
        store.close_spider()
    assert crawler.stats.get_value("news/store_errors") == 1
    assert crawler.stats.get_value("news/store/commits") == 2
    assert len(committed_urls(db)) == 4
