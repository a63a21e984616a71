"""RSS 2.0 and Atom 1.0 feeds: the only module that imports feedgen.

feedgen's traps (see FIELD-NOTES): it stamps `lastBuildDate`/`updated` with the current
time, reverses entries unless `order="append"`, drops RSS authors without e-mail, makes the
last `link()` the channel link, writes `content:encoded` only when a description is set, and
wraps each `media:content` in a `media:group` of its own unless told `group=None`, and
writes only the `rel="self"` one of the channel's links into RSS (the WebSub hub link is
added by `_HubLink`).
"""

from __future__ import annotations

import mimetypes
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedInfo:
    title: str
    site_url: str  # the site the feed belongs to (channel link), not the feed itself
    feed_url: str  # where this feed file is published (rel="self")
    description: str
    language: str = "ko"
    id_prefix: str = "tag:newsdao.kr,2024:"  # + "article:<id>": entry ids that never change
    publisher: str = "flaretime"  # Atom's feed author, for entries whose page named no author
    image_alt: str = "flaretime 속보"  # the lead image's alt text, as the post writes it
    hub: str = ""  # a WebSub hub (NEWS_WEBSUB_HUB) subscribers may use, advertised as rel="hub"


def moment(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def published(article: dict) -> datetime:
    """Publication time; the first-seen time for a page that printed none."""
    return moment(article.get("published")) or moment(article["first_seen"])


def updated(article: dict) -> datetime:
    """Last change: the latest of publication, the page's modified time and our record of an update."""
    candidates = [moment(article.get("modified")), published(article)]
    if article.get("updated_at") and article.get("updated_at") != article.get("first_seen"):
        candidates.append(moment(article["updated_at"]))  # the content changed after we first stored it
    return max(c for c in candidates if c)


def entry_id(info: FeedInfo, article: dict) -> str:
    return f"{info.id_prefix}article:{article['id']}"


def feed_language(articles: list[dict], default: str) -> str:
    """The language most entries are in (ties by name), for per-source and per-category feeds."""
    counts = Counter(a.get("language") for a in articles if a.get("language"))
    if not counts:
        return default
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def newest_update(articles: list[dict]) -> datetime:
    return max((updated(a) for a in articles), default=EPOCH)


def _generator(info: FeedInfo, articles: list[dict], self_type: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)  # Atom has author/name; RSS needs dc:creator
    feed.load_extension("media")
    feed.id(info.feed_url)
    feed.title(info.title)
    feed.description(info.description)
    feed.subtitle(info.description)
    feed.language(info.language)
    feed.generator("newsdao-crawler")
    feed.author(name=info.publisher)  # Atom only: RSS would need an e-mail address
    feed.link(href=info.feed_url, rel="self", type=self_type)
    if info.hub:  # WebSub: subscribe at the hub to the rel="self" URL (the topic our pings name)
        feed.link(href=info.hub, rel="hub")
        feed.register_extension("websub", _HubLink, atom=False, rss=True)
        feed.websub.hub = info.hub
    feed.link(href=info.site_url, rel="alternate")  # last: RSS takes it as the channel link
    newest = newest_update(articles)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for article in articles:
        _add_entry(feed, info, article)
    return feed


class _HubLink(BaseExtension):
    """`<atom:link rel="hub">` in an RSS channel, after the self link (feedgen's RSS keeps only that one)."""

    hub = ""

    def extend_rss(self, feed):
        channel = feed.find("channel")
        link = channel.makeelement(f"{{{ATOM}}}link", {"href": self.hub, "rel": "hub"})
        self_link = channel.find(f"{{{ATOM}}}link[@rel='self']")
        if self_link is not None:
            self_link.addnext(link)
        else:
            channel.append(link)
        return feed


def _add_entry(feed: FeedGenerator, info: FeedInfo, article: dict) -> None:
    entry = feed.add_entry(order="append")
    entry.id(entry_id(info, article))
    entry.guid(entry_id(info, article), permalink=False)
    entry.title(article["title"])
    entry.link(href=article["url"], rel="alternate")
    entry.published(published(article))
    entry.updated(updated(article))
    authors = article.get("authors") or []
    for name in authors:
        entry.author(name=name)  # Atom keeps the list
    if authors:
        # Readers (newsboat, the JavaScript parsers) show one dc:creator of several: one holds all.
        entry.dc.dc_creator(byline(authors))
    for category in article.get("categories") or []:
        entry.category(term=category)
    entry.summary(article.get("excerpt") or article["title"])
    entry.content(content_html(info, article), type="html")
    image = article.get("image")
    if image:
        # group=None: feedgen's default wraps a lone media:content in a media:group, which
        # Media RSS (and the W3C validator) allow only around several versions of one item.
        entry.media.content(url=image, medium="image", type=image_type(image), group=None)


def byline(authors: list[str]) -> str:
    """Every name in one line, joined as the post's layout joins them."""
    return ", ".join(authors)


def content_html(info: FeedInfo, article: dict) -> str:
    """The body, opened by the lead image as the post is: many readers show neither
    media:content nor an image enclosure."""
    body = article.get("body_html") or ""
    image = article.get("image")
    if not image:
        return body
    lead = f'<p><img src="{escape(image)}" alt="{escape(info.image_alt)}" /></p>'
    if f'src="{escape(image)}"' in body.split("\n", 1)[0]:  # the body opens with that image already
        return body
    return f"{lead}\n{body}" if body else lead


def image_type(url: str) -> str:
    return mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"


def rss_xml(info: FeedInfo, articles: list[dict]) -> bytes:
    return _generator(info, articles, "application/rss+xml").rss_str(pretty=True)


def atom_xml(info: FeedInfo, articles: list[dict]) -> bytes:
    return _generator(info, articles, "application/atom+xml").atom_str(pretty=True)
