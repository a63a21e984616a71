"""Article URLs from entry points: feeds, sitemaps and listing pages. Pure functions.

Each takes a response (or its body) and returns data; the spider turns it into requests.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

logger = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
# Paths that look like an article on a site we know nothing about: a long slug or an id.
ARTICLE_PATH_RE = re.compile(
    r"(?:/\d{4}/\d{1,2}/|\d{5,}|/[\w-]*-[\w-]*-[\w-]*-[\w-]+|\.s?html?$|/articles?/|/view/)"
)


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None
    updated: str | None = None  # feed `updated` or sitemap `lastmod`, as the source wrote it


def kind_of(response: Response) -> str:
    """'feed', 'sitemap' or 'page', from the content (not the URL)."""
    head = _body_start(response)
    if re.search(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b", head):
        return "sitemap"
    if re.search(rb"<(?:rss|feed|rdf:RDF)\b", head):
        return "feed"
    if gzip_magic_number(response):
        return "sitemap"
    return "page"


def _body_start(response: Response) -> bytes:
    return response.body[:2048].lstrip()


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Entry links of an RSS/Atom feed, in feed order."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    links = []
    for entry in parsed.entries:
        url = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None)
        if url:
            links.append(
                Link(
                    urljoin(base_url, url.strip()),
                    entry.get("title"),
                    entry.get("updated") or entry.get("published"),
                )
            )
    return links


def sitemap_body(response: Response, max_size: int) -> bytes | None:
    """The XML of a sitemap response, gunzipped (within max_size) when it is a .gz file."""
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except (ValueError, OSError, EOFError, zlib.error):  # a bomb past max_size, or a broken archive
            logger.warning("Ignoring unreadable gzipped sitemap %s", response.url)
            return None
    return response.body


def sitemap_links(body: bytes) -> tuple[str, list[Link]]:
    """('sitemapindex' or 'urlset', its locations); ('invalid', []) for anything else."""
    try:
        sitemap = Sitemap(body)
    except (etree.LxmlError, ValueError):  # lxml refuses some broken XML outright
        return "invalid", []
    if sitemap.type not in ("sitemapindex", "urlset"):
        return "invalid", []
    links = []
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if loc:
            links.append(Link(loc, None, entry.get("lastmod")))
    return sitemap.type, links


def listing_links(response: TextResponse, pattern: str | None, domains: tuple[str, ...]) -> list[str]:
    """Article links of a section page: those matching the source's pattern, inside its domains."""
    extractor = LinkExtractor(allow=pattern or ())
    links = [link.url for link in extractor.extract_links(response) if in_domains(link.url, domains)]
    if pattern is None:  # no pattern given (-a url=): keep what looks like an article path
        links = [url for url in links if ARTICLE_PATH_RE.search(urlsplit(url).path)]
    return list(dict.fromkeys(links))


def advertised_feeds(response: TextResponse) -> list[str]:
    """Feeds a page advertises with <link rel="alternate" type="application/rss+xml">."""
    hrefs = response.xpath(
        '//link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")][@type and @href]'
    )
    return [
        response.urljoin(link.attrib["href"])
        for link in hrefs
        if link.attrib["type"].split(";")[0].strip().lower() in FEED_TYPES
    ]


def looks_like_article(response: TextResponse) -> bool:
    """A page that says it is an article (og:type or JSON-LD), not a home or section page."""
    og_type = response.xpath('//meta[@property="og:type"]/@content').get("")
    if og_type.strip().lower() == "article":
        return True
    return bool(re.search(r'"@type"\s*:\s*"(?:News)?Article"', response.text[:200000]))


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    """Whether the URL's host is one of the domains or below one (port ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    return not domains or any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)
