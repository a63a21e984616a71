"""The one spider: every enabled source of the sources file, one of them, or one URL.

Callbacks stay thin: discovery and extraction are plain functions in their own modules.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawler import discovery
from crawler.extract import extract_article
from crawler.items import Article
from crawler.sources import Source, SourcesError, load_sources, source_for_url


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, *args, sources: list[Source] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {s.name: s for s in sources or []}
        domains = set()
        for source in self.sources.values():
            domains.update(source.allowed_domains)
            domains.update(urlsplit(u).hostname or "" for u in source.entry_points)
        self.allowed_domains = sorted(d for d in domains if d)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs["sources"] = select_sources(
            crawler.settings.get("NEWS_SOURCES_FILE"), kwargs.get("source"), kwargs.get("url")
        )
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_sitemap_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        return spider

    async def start(self):
        for source in self.sources.values():
            self.logger.info("Crawling source %s (%d entry points)", source.name, len(source.entry_points))
            for url in source.feeds:
                yield self._entry(url, self.parse_feed, source)
            for url in source.sitemaps:
                yield self._entry(url, self.parse_sitemap, source)
            for url in source.listings:
                yield self._entry(url, self.parse_listing, source)
            for url in source.urls:
                yield self._entry(url, self.parse_any, source)

    def _entry(self, url: str, callback, source: Source) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.entry_failed, cb_kwargs={"source": source},
            meta={"source": source.name}, dont_filter=True,
        )  # fmt: skip

    def _article(self, url: str, source: Source) -> scrapy.Request | None:
        if not discovery.in_domains(url, source.allowed_domains):
            self.crawler.stats.inc_value("news/links/offsite")
            return None
        return scrapy.Request(
            url, callback=self.parse_article, cb_kwargs={"source": source}, meta={"source": source.name}
        )

    def entry_failed(self, failure):
        request = failure.request
        self.logger.error(
            "Entry point failed for source %s: %s (%s)",
            request.meta.get("source"),
            request.url,
            failure.getErrorMessage(),
        )
        self.crawler.stats.inc_value("news/entry_points/failed")

    # --- discovery callbacks ---------------------------------------------------

    def parse_any(self, response: Response, source: Source):
        """A URL given with -a url=: a feed, a sitemap, an article or a home page."""
        kind = discovery.kind_of(response)
        if kind == "feed":
            yield from self.parse_feed(response, source)
        elif kind == "sitemap":
            yield from self.parse_sitemap(response, source)
        elif isinstance(response, HtmlResponse) and discovery.looks_like_article(response):
            yield from self.parse_article(response, source)
        elif isinstance(response, TextResponse):
            # A home or section page: the feeds it advertises, and its article-looking links.
            for url in discovery.advertised_feeds(response):
                yield scrapy.Request(url, callback=self.parse_feed, cb_kwargs={"source": source})
            yield from self.parse_listing(response, source)

    def parse_feed(self, response: Response, source: Source):
        links = discovery.feed_links(response.body, response.url)
        if not links:
            self.logger.warning("No entries in feed %s of source %s", response.url, source.name)
            self.crawler.stats.inc_value("news/feeds/empty")
        self.crawler.stats.inc_value("news/feeds/parsed")
        for link in links:
            request = self._article(link.url, source)
            if request:
                yield request

    def parse_sitemap(self, response: Response, source: Source):
        body = discovery.sitemap_body(response, self.max_sitemap_size)
        kind, links = discovery.sitemap_links(body) if body else ("invalid", [])
        if kind == "invalid":
            self.logger.warning("Ignoring invalid sitemap %s of source %s", response.url, source.name)
            self.crawler.stats.inc_value("news/sitemaps/invalid")
            return
        self.crawler.stats.inc_value("news/sitemaps/parsed")
        for link in links:
            if kind == "sitemapindex":
                yield scrapy.Request(link.url, callback=self.parse_sitemap, cb_kwargs={"source": source})
            else:
                request = self._article(link.url, source)
                if request:
                    yield request

    def parse_listing(self, response: Response, source: Source):
        if not isinstance(response, TextResponse):
            self.logger.warning("Listing page %s is not text; skipped", response.url)
            return
        guessed = source.article_pattern is None  # -a url=: links picked by their shape alone
        for url in discovery.listing_links(response, source.article_pattern, source.allowed_domains):
            request = self._article(url, source)
            if request:
                request.cb_kwargs["guessed"] = guessed
                yield request

    # --- articles ----------------------------------------------------------------

    def parse_article(self, response: Response, source: Source, guessed: bool = False):
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse) or isinstance(response, XmlResponse):
            self.logger.warning(
                "Skipped %s: not an HTML page (%s)",
                response.url,
                response.headers.get("Content-Type", b"?").decode("latin-1"),
            )
            stats.inc_value("news/skipped/not_html")
            return
        try:
            fields = extract_article(response.text, response.url, source)
        except Exception as exc:  # noqa: BLE001  one broken page must not end the crawl: log, count, go on
            self.logger.error("Extraction failed for %s: %r", response.url, exc)
            stats.inc_value("news/errors/extraction")
            return
        if guessed and not discovery.looks_like_article(response) and not _article_shaped(fields):
            self.logger.info("Skipped %s: does not look like an article", response.url)
            stats.inc_value("news/skipped/not_article")
            return
        stats.inc_value("news/articles/extracted")
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        yield Article(source=source.name, requested_url=requested, **fields)


def _article_shaped(fields: dict) -> bool:
    """A dated page with a headline-sized title and a body of some length: an article."""
    title = fields.get("title") or ""
    return bool(fields.get("published")) and len(title) >= 15 and len(fields.get("body_html") or "") >= 300


def select_sources(path: str, name: str | None, url: str | None) -> list[Source]:
    """The sources this run crawls: one URL, one named source, or every enabled one."""
    if url:
        try:
            return [source_for_url(url)]
        except SourcesError as exc:
            raise UsageError(f"-a url: {exc}") from None
    sources = load_sources(path)
    if name:
        chosen = [s for s in sources if s.name == name]
        if not chosen:
            raise SourcesError(
                f"{path}: no source named {name!r} (known: {', '.join(s.name for s in sources)})"
            )
        return chosen
    return [s for s in sources if s.enabled]
