"""Datasette plugin: the archive's Korean-aware search as SQL functions for the `search` query.

Datasette's own search box quotes each word as typed (`"정부가"`), which the index, holding
Korean as bigrams, only matches for words of one or two syllables; the shipped `search`
query calls `news_match(:q)` instead, the same query building as `scrapy search`.
"""

from __future__ import annotations

from datasette import hookimpl

from crawler import search
from crawler.text import body_text

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


@hookimpl
def prepare_connection(conn):
    conn.create_function("news_match", 1, news_match, deterministic=True)
    conn.create_function("news_snippet", 2, news_snippet, deterministic=True)
