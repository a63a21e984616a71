"""Article URLs from entry points: feeds, sitemaps and listing pages. Pure functions.

Each takes a response (or its body) and returns data; the spider turns it into requests.
"""

from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
# Paths that look like an article on a site we know nothing about: a long slug or an id.
ARTICLE_PATH_RE = re.compile(
    r"(?:/\d{4}/\d{1,2}/|\d{5,}|/[\w-]*-[\w-]*-[\w-]*-[\w-]+|\.s?html?$|/articles?/|/view/)"
)


# Query parameters that only track the click: links differing in them are the same page.
TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "cmpid", "ncid", "ocid", "spm",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Problems feedparser reports that are not about a broken document.
HARMLESS_FEED_BOZOS = ("CharacterEncodingOverride", "NonXMLContentType")


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None
    updated: str | None = None  # feed `updated` / sitemap `lastmod`, ISO 8601 UTC
    published: str | None = None  # feed `published` / `news:publication_date`, ISO 8601 UTC


def iso_utc(value) -> str | None:
    """A feed's struct_time or a sitemap's W3C date as ISO 8601 UTC (None when unreadable)."""
    if value is None:
        return None
    if isinstance(value, time.struct_time):
        moment = datetime(*value[:6], tzinfo=UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


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
    return read_feed(body, base_url)[0]


def read_feed(body: bytes, base_url: str) -> tuple[list[Link], str | None]:
    """(entry links in feed order, what is malformed about the feed or None).

    Call `declares_entities` first: feedparser strips unsafe entity declarations itself, but
    a feed that declares entities is refused outright, as defusedxml would.
    """
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in HARMLESS_FEED_BOZOS:
            problem = str(exc)[:200] or type(exc).__name__
    links = []
    for entry in parsed.entries:
        url = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None)
        if url:
            published = iso_utc(entry.get("published_parsed"))
            updated = iso_utc(entry.get("updated_parsed")) or published
            links.append(Link(urljoin(base_url, url.strip()), entry.get("title"), updated, published))
    return links, problem


def declares_entities(body: bytes) -> bool:
    """Whether an XML document declares entities (billion laughs, XXE): such a feed or
    sitemap is refused, never expanded.

    Only the prolog is parsed, by lxml with entity resolution, DTD loading and the network
    off; a document lxml cannot start is searched for a declaration byte-wise (NUL bytes
    dropped, so UTF-16 and UTF-32 are searched too).
    """
    parser = etree.iterparse(
        BytesIO(body), events=("start",), resolve_entities=False, no_network=True,
        load_dtd=False, recover=True, huge_tree=False,
    )  # fmt: skip
    try:
        for _, element in parser:
            dtd = element.getroottree().docinfo.internalDTD
            return dtd is not None and any(True for _ in dtd.iterentities())
    except etree.LxmlError:
        pass
    return re.search(rb"<!ENTITY", body.replace(b"\0", b""), re.IGNORECASE) is not None


def sitemap_body(response: Response, max_size: int) -> bytes | None:
    """The XML of a sitemap response, gunzipped (within max_size) when it is a .gz file;
    None for a bomb past max_size or a broken archive (the caller logs and counts it)."""
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except (ValueError, OSError, EOFError, zlib.error):
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
    news = google_news_fields(body) if b"sitemap-news" in body else {}
    links = []
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if loc:
            title, published = news.get(loc, (None, None))
            links.append(Link(loc, title, iso_utc(entry.get("lastmod")) or published, published))
    return sitemap.type, links


NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def google_news_fields(body: bytes) -> dict[str, tuple[str | None, str | None]]:
    """loc -> (news:title, news:publication_date as ISO UTC) of a Google News sitemap.

    Scrapy's Sitemap keeps only the direct children of <url>, so the nested news:news block
    is read here (entities never resolved, no network).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.LxmlError, ValueError):
        return {}
    fields = {}
    for url in root.iterfind("{*}url") if root is not None else ():
        loc = (url.findtext("{*}loc") or "").strip()
        news = url.find(f"{{{NEWS_NS}}}news")
        if loc and news is not None:
            published = iso_utc(news.findtext(f"{{{NEWS_NS}}}publication_date"))
            fields[loc] = ((news.findtext(f"{{{NEWS_NS}}}title") or "").strip() or None, published)
    return fields


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


def clean_link(url: str) -> str:
    """The link without its fragment and click-tracking parameters (utm_*, fbclid, ...)."""
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    changed = len(query) != len(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode(query) if changed else parts.query, "")
    )


def is_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    """Whether the URL's host is one of the domains or below one (port ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    return not domains or any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)
