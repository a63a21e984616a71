"""What the archive derives from an article before writing it: its plain text, its story
fingerprint and its full-text index columns.

Pure CPU work with light imports (no SQLite, no Scrapy): the crawl computes it in its worker
processes and the store only writes it (crawler/store.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler import dedupe, search
from crawler.text import body_text


@dataclass(frozen=True)
class Derived:
    """What saving an article computes from its headline and body without the database."""

    text: str  # the body's plain text
    fingerprint: dedupe.Fingerprint
    search_title: str  # the full-text index's columns (crawler/search.py)
    search_body: str


def derive(record: dict[str, Any]) -> Derived:
    """The derived values of an article (pure CPU work: the crawl runs it in its workers).
    `text` in the record is the body's plain text when normalize made it already."""
    text = record.get("text")
    if text is None:
        text = body_text(record.get("body_html"))
    columns = search.document(record.get("title"), text)
    return Derived(text, dedupe.fingerprint(text), columns["title"], columns["body"])
