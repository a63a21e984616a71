"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), with the same entries as RSS and Atom."""

from __future__ import annotations

import json

from exporters.feeds import FeedInfo, content_html, entry_id, published, updated


def json_feed(info: FeedInfo, articles: list[dict]) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.site_url,
        "feed_url": info.feed_url,
        "description": info.description,
        "language": info.language,
    }
    if info.hub:  # WebSub, as JSON Feed 1.1 names it
        feed["hubs"] = [{"type": "WebSub", "url": info.hub}]
    feed["items"] = [_item(info, article) for article in articles]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(info: FeedInfo, article: dict) -> dict:
    item = {
        "id": entry_id(info, article),
        "url": article["url"],
        "title": article["title"],
        "content_html": content_html(info, article),
        "summary": article.get("excerpt") or "",
        "date_published": published(article).isoformat(),
        "date_modified": updated(article).isoformat(),
        "authors": [{"name": name} for name in article.get("authors") or []],
        "tags": list(article.get("categories") or []) + list(article.get("keywords") or []),
    }
    if article.get("image"):
        item["image"] = article["image"]
    if article.get("language"):
        item["language"] = article["language"]
    return item
