"""Datasette plugin: the archive's Korean-aware search, and an articles table fit to read.

Datasette's own search box quotes each word as typed (`"정부가"`), which the index, holding
Korean as bigrams, only matches for words of one or two syllables. The shipped `search`
query calls `news_match(:q)`, the same query building as `scrapy search`; the table's search
box calls Datasette's `escape_fts(:search)`, which this plugin defines as `news_match` too.
In the HTML table, bodies are a short plain-text preview and times are in the posts' zone
and form (`2024-06-04 14:30:00 +0900`); the JSON and the database keep the stored values.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from datasette import hookimpl

from crawler import search
from crawler.settings import NEWS_POST_TIMEZONE
from crawler.text import body_text

PREVIEW_LENGTH = 150  # characters of a body shown in the table
TIME_COLUMNS = {"published", "modified", "first_seen", "updated_at", "listed_at"}

NOTHING = '""'  # an empty phrase: matches no row (NULL would be an FTS5 syntax error)


def news_match(query: str | None) -> str:
    """The FTS5 MATCH expression of a reader's query; one that matches nothing for an empty
    query (Datasette runs a query once with empty parameters to show its form)."""
    try:
        return search.match_expression(query or "")
    except search.QueryError:
        return NOTHING


def news_snippet(body_html: str | None, query: str | None) -> str:
    """About 200 characters of the body around the first hit, hits in [brackets]."""
    return search.snippet(body_text(body_html), query or "", 200)


def preview(body_html: str | None) -> str:
    """The body's first words as plain text, cut at a word with `…`."""
    text = " ".join(body_text(body_html).split())
    if len(text) <= PREVIEW_LENGTH:
        return text
    return text[: PREVIEW_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:·") + "…"


def local_time(value: str, zone: str) -> str | None:
    """A stored UTC time as the posts' `date:` writes it, or None for what is no ISO time."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S %z")


@hookimpl(trylast=True)  # after Datasette's own functions: its escape_fts is replaced
def prepare_connection(conn):
    conn.create_function("news_match", 1, news_match, deterministic=True)
    conn.create_function("news_snippet", 2, news_snippet, deterministic=True)
    conn.create_function("escape_fts", 1, news_match, deterministic=True)  # the table's search box


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table != "articles" or not isinstance(value, str):
        return None
    if column == "body_html":
        return preview(value)
    if column in TIME_COLUMNS:
        config = datasette.plugin_config("newsdao", database=database) or {}
        return local_time(value, config.get("timezone") or NEWS_POST_TIMEZONE)
    return None
