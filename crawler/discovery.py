"""Article URLs from entry points: feeds, sitemaps and listing pages. Pure functions.

Each takes a response (or its body) and returns data; the spider turns it into requests.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from io import BytesIO
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import feedparser
from lxml import etree
from protego import Protego
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap

from crawler import documents

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
DEFAULT_MAX_SIZE = 8 * 1024 * 1024  # DOWNLOAD_MAXSIZE's value: a .gz body unpacks to no more


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None
    updated: str | None = None  # feed `updated` / sitemap `lastmod`, ISO 8601 UTC
    published: str | None = None  # feed `published` / `news:publication_date`, ISO 8601 UTC


def iso_utc(value, zone: str | None = None) -> str | None:
    """A feed's struct_time or a sitemap's date as ISO 8601 UTC (None when unreadable).

    Sitemaps write W3C dates (`2024`, `2024-05`, `2024-05-01`, with or without a time and an
    offset) and, against the protocol, RFC 2822 dates; a date without offset is in `zone`
    (the source's time zone; UTC when none is given).
    """
    if value is None:
        return None
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    text = str(value).strip()
    moment = None
    if W3C_PARTIAL_RE.fullmatch(text):  # `2024` or `2024-05`: its first day
        year, _, month = text.partition("-")
        moment = datetime(int(year), int(month or 1), 1)
    else:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            try:
                moment = parsedate_to_datetime(text)  # RFC 2822; "-0000" gives a naive UTC time
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            except (TypeError, ValueError, IndexError):
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone) if zone else UTC)
    return moment.astimezone(UTC).isoformat()


W3C_PARTIAL_RE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2]))?")


def entry_document(response: Response, max_size: int = DEFAULT_MAX_SIZE) -> documents.Document:
    """What an entry point answered, read by parsing (crawler/documents.py)."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return documents.read_document(response.body, content_type, max_size)


def kind_of(response: Response, max_size: int = DEFAULT_MAX_SIZE) -> str:
    """'feed', 'sitemap' or 'page', from the content (not the URL)."""
    return entry_document(response, max_size).kind


def what_it_is(doc: documents.Document) -> str:
    """A few words for a log line on a body that is not what was expected."""
    if doc.problem:
        return doc.problem
    head = doc.body.lstrip()[:200].lower()
    if not head:
        return "an empty body"
    if doc.kind != "page":
        return f"a {doc.kind} (<{doc.root}>)" if doc.root != "text" else "a plain-text sitemap"
    if head.startswith((b"<!doctype html", b"<html")) or doc.root == "html":
        return "an HTML page"
    if head[:1] in (b"{", b"["):
        return "JSON"
    if doc.root:
        return f"an XML document <{doc.root}>"
    return "text"


def content_location(response: Response) -> str:
    """The base URL of a feed's relative links: its Content-Location header, else its URL."""
    header = response.headers.get("Content-Location", b"").decode("latin-1").strip()
    return urljoin(response.url, header) if header else response.url


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Entry links of an RSS/Atom feed, in feed order."""
    return read_feed(body, base_url)[0]


def read_feed(
    body: bytes | documents.Document, base_url: str, content_type: str | None = None
) -> tuple[list[Link], str | None]:
    """(entry links in feed order, what is malformed about the feed or None).

    `base_url` is where relative links start (the Content-Location, else the feed's URL).
    Feedparser reads the UTF-8 text `documents` made, told so by the content type it is given.
    Call `declares_entities` first: feedparser strips unsafe entity declarations itself, but
    a feed that declares entities is refused outright, as defusedxml would.
    """
    doc = body if isinstance(body, documents.Document) else documents.read_document(body, content_type)
    headers = {"content-location": base_url, "content-type": "application/xml; charset=utf-8"}
    parsed = feedparser.parse(doc.body, response_headers=headers)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in HARMLESS_FEED_BOZOS:
            problem = str(exc)[:200] or type(exc).__name__
    links = []
    for entry in parsed.entries:
        url = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None)
        if url:
            # dict.get: feedparser's own get() maps a missing `updated` to `published` with a
            # DeprecationWarning (its issue 310)
            published = iso_utc(dict.get(entry, "published_parsed"))
            updated = iso_utc(dict.get(entry, "updated_parsed")) or published
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


# The end of a complete sitemap entry: what a truncated file is cut back to.
ENTRY_END_RE = re.compile(rb"</(?:[\w.-]+:)?(?:url|sitemap)\s*>")
ROOT_END_RE = re.compile(rb"</(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>\s*$")


def sitemap_links(body: bytes | documents.Document, zone: str | None = None) -> tuple[str, list[Link]]:
    """('sitemapindex' or 'urlset', its locations); ('invalid', []) for anything else.

    A plain-text sitemap (one URL a line) is a urlset. A file cut off before its root's end
    tag is read up to its last complete entry: a `<loc>` cut in half is no page. Dates
    without offset are in `zone`.
    """
    doc = body if isinstance(body, documents.Document) else documents.read_document(body)
    if doc.kind != "sitemap":
        return "invalid", []
    if doc.root == "text":
        return "urlset", [Link(line) for line in doc.body.decode("utf-8").splitlines()]
    xml = doc.body
    if not ROOT_END_RE.search(xml[-200:]):
        ends = list(ENTRY_END_RE.finditer(xml))
        xml = xml[: ends[-1].end()] if ends else b""
    try:
        sitemap = Sitemap(xml)
        entries = list(sitemap)
    except (etree.LxmlError, ValueError, StopIteration):  # lxml refuses some broken XML outright
        return "invalid", []
    if sitemap.type not in ("sitemapindex", "urlset"):
        return "invalid", []
    news = google_news_fields(xml, zone) if b"sitemap-news" in xml else {}
    links = []
    for entry in entries:
        loc = (entry.get("loc") or "").strip()
        if loc:
            title, published = news.get(loc, (None, None))
            links.append(Link(loc, title, iso_utc(entry.get("lastmod"), zone) or published, published))
    return sitemap.type, links


NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def google_news_fields(body: bytes, zone: str | None = None) -> dict[str, tuple[str | None, str | None]]:
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
            published = iso_utc(news.findtext(f"{{{NEWS_NS}}}publication_date"), zone)
            fields[loc] = ((news.findtext(f"{{{NEWS_NS}}}title") or "").strip() or None, published)
    return fields


def listing_links(response: TextResponse, pattern: str | None, domains: tuple[str, ...]) -> list[str]:
    """Article links of a section page: those matching the source's pattern, inside its domains."""
    extractor = LinkExtractor(allow=pattern or ())
    links = [link.url for link in extractor.extract_links(response) if in_domains(link.url, domains)]
    if pattern is None:  # no pattern given (-a url=): keep what looks like an article path
        links = [url for url in links if ARTICLE_PATH_RE.search(urlsplit(url).path)]
    return list(dict.fromkeys(links))


# What a listing's "next page" link says, once arrows and spaces are dropped and case folded.
NEXT_TEXTS = {"다음", "다음페이지", "next", "nextpage", "older", "olderposts", "olderentries"}
NEXT_NOISE_RE = re.compile(r"[\s»›>→…·.\-]+")


def next_listing_page(response: TextResponse, page: int, domains: tuple[str, ...]) -> str | None:
    """The URL of a listing page's next page (`page` is this one's number), or None.

    In the order sites mark it: `rel="next"` (a <link> or an <a>), a link that says "다음",
    "Next" or "Older" (in its text, title or aria-label), then the link whose text is the next
    page's number.
    """
    rel_next = 'contains(concat(" ", normalize-space(@rel), " "), " next ")'
    hrefs = response.xpath(f"//link[{rel_next}]/@href | //a[{rel_next}]/@href").getall()
    numbered = []
    for anchor in response.xpath("//a[@href]"):
        text = " ".join(anchor.xpath(".//text()").getall()).strip()
        said = {NEXT_NOISE_RE.sub("", value).casefold() for value in
                (text, anchor.attrib.get("title", ""), anchor.attrib.get("aria-label", ""))}  # fmt: skip
        if said & NEXT_TEXTS:
            hrefs.append(anchor.attrib["href"])
        elif text == str(page + 1):
            numbered.append(anchor.attrib["href"])
    here = clean_link(response.url)
    for href in hrefs + numbered:
        url = response.urljoin(href.strip())
        if is_http(url) and in_domains(url, domains) and clean_link(url) != here:
            return url
    return None


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt, absolute, as search engines read them.

    Protego (Scrapy's robots.txt parser) takes CR-only line ends, `Sitemap :`, `Site-map:`
    and a missing colon; it misses a first line behind a byte order mark, dropped here.
    """
    urls = (urljoin(base_url, url.strip()) for url in Protego.parse(text.lstrip("\ufeff")).sitemaps)
    return list(dict.fromkeys(url for url in urls if is_http(url)))


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


# JSON-LD types of an article, and of pages that are something else (Yoast and most CMSs).
ARTICLE_LD_RE = re.compile(r'"@type"\s*:\s*(?:\[[^\]]*?)?"(?:\w*Article|\w*BlogPosting|Report)"')
OTHER_LD_RE = re.compile(
    r'"@type"\s*:\s*"(WebSite|CollectionPage|ProfilePage|AboutPage|ContactPage|SearchResultsPage|ItemList)"'
)
MIN_HEADLINE, MIN_BODY = 15, 300  # characters of a headline, and of body HTML, in an unmarked article


def page_markup(response: TextResponse) -> str | None:
    """What a page's markup says it is: 'article' (og:type or JSON-LD), another type
    ('website', 'CollectionPage', 'profile', ...), or None when it says nothing."""
    text = response.text[:200000]
    if ARTICLE_LD_RE.search(text):
        return "article"
    og_type = response.xpath('//meta[@property="og:type"]/@content').get("").strip().lower()
    if og_type:
        return og_type
    other = OTHER_LD_RE.search(text)
    return other.group(1) if other else None


def looks_like_article(response: TextResponse) -> bool:
    """A page that says it is an article (og:type or JSON-LD), not a home or section page."""
    return page_markup(response) == "article"


def not_an_article(response: TextResponse, fields: dict) -> str | None:
    """Why a page found without an article_pattern is not an article, or None when it is one.

    Its markup says so (og:type article, JSON-LD NewsArticle, ...); a page whose markup says
    it is something else (a website, a collection, a profile) is not; a page without markup
    must have a date, a headline-sized title and a body of article length.
    """
    markup = page_markup(response)
    if markup == "article":
        return None
    if markup:
        return f"its markup says {markup}"
    if not fields.get("published"):
        return "no date"
    if len(fields.get("title") or "") < MIN_HEADLINE:
        return "no headline-sized title"
    if len(fields.get("body_html") or "") < MIN_BODY:
        return "a body shorter than an article's"
    return None


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
