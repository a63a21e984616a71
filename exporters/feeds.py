"""RSS 2.0 and Atom 1.0 feeds: the only module that imports feedgen.

feedgen's traps (see FIELD-NOTES): it stamps `lastBuildDate`/`updated` with the current
time, reverses entries unless `order="append"`, drops RSS authors without e-mail, makes the
last `link()` the channel link, and writes `content:encoded` only when a description is set.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from exporters.posts import article_datetime


@dataclass(frozen=True)
class FeedInfo:
    title: str
    site_url: str  # the site the feed belongs to (channel link), not the feed itself
    feed_url: str  # where the feed itself is published (rel="self")
    description: str
    language: str = "ko"


def _updated(article: dict) -> datetime:
    value = article.get("modified") or article.get("published") or article.get("first_seen")
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _generator(info: FeedInfo, articles: list[dict], self_type: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.load_extension("media")
    feed.id(info.feed_url)
    feed.title(info.title)
    feed.description(info.description)
    feed.subtitle(info.description)
    feed.language(info.language)
    feed.generator("newsdao-crawler")
    feed.link(href=info.feed_url, rel="self", type=self_type)
    feed.link(href=info.site_url, rel="alternate")  # last: RSS takes it as the channel link
    newest = max((_updated(a) for a in articles), default=datetime(2000, 1, 1, tzinfo=UTC))
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for article in articles:
        _add_entry(feed, article)
    return feed


def _add_entry(feed: FeedGenerator, article: dict) -> None:
    entry = feed.add_entry(order="append")
    entry.id(f"urn:newsdao:article:{article['id']}")
    entry.guid(f"urn:newsdao:article:{article['id']}", permalink=False)
    entry.title(article["title"])
    entry.link(href=article["url"], rel="alternate")
    entry.published(article_datetime(article))
    entry.updated(_updated(article))
    for name in article.get("authors") or []:
        entry.author(name=name)
        entry.dc.dc_creator(name)
    for category in article.get("categories") or []:
        entry.category(term=category)
    entry.summary(article.get("excerpt") or article["title"])
    entry.content(article.get("body_html") or "", type="html")
    image = article.get("image")
    if image:
        mime = mimetypes.guess_type(image.split("?", 1)[0])[0] or "image/jpeg"
        entry.media.content(url=image, medium="image", type=mime)


def rss_xml(info: FeedInfo, articles: list[dict]) -> bytes:
    return _generator(info, articles, "application/rss+xml").rss_str(pretty=True)


def atom_xml(info: FeedInfo, articles: list[dict]) -> bytes:
    return _generator(info, articles, "application/atom+xml").atom_str(pretty=True)
