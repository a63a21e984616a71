"""The one spider: every enabled source of the sources file, one of them, or one URL.

Callbacks stay thin: discovery and extraction are plain functions in their own modules.
Every request that fails or is refused ends in `request_failed`: one log line and one
`news/failed/<reason>` counter, and the crawl goes on.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UsageError,
)
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import discovery, middlewares
from crawler.distributed.archive import archive_view
from crawler.extract import LANGUAGE_ZONES
from crawler.items import Article
from crawler.runs import source_key
from crawler.sources import Source, SourcesError, load_sources, source_for_url
from crawler.urls import normalize
from crawler.workers import ExtractionPool

# Magic numbers of files that are not web pages, whatever their Content-Type says.
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x00\x00\x01\x00", b"RIFF")


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
        settings = crawler.settings
        spider.max_sitemap_size = settings.getint("DOWNLOAD_MAXSIZE")
        spider.max_sitemap_depth = settings.getint("NEWS_SITEMAP_DEPTH", 3)
        spider.max_articles = settings.getint("NEWS_MAX_ARTICLES_PER_SOURCE", 500)
        spider.requested = set()  # cleaned article URLs asked for in this run
        spider.refused = {}  # source -> [links refused by its article_pattern, the first one]
        spider.article_counts = dict.fromkeys(spider.sources, 0)
        spider.refetch_counts = dict.fromkeys(spider.sources, 0)
        spider.max_refetch = settings.getint("NEWS_MAX_REFETCH_PER_SOURCE", 20)
        spider.max_age_days = settings.getint("NEWS_MAX_ARTICLE_AGE_DAYS", 30)
        spider.max_listing_pages = settings.getint("NEWS_MAX_LISTING_PAGES", 1)
        spider.first_run_listing_pages = settings.getint("NEWS_FIRST_RUN_LISTING_PAGES", 5)
        spider.listing_limits = {}  # source -> pages of each listing this run reads
        spider.listing_pages = set()  # cleaned listing page URLs asked for in this run
        # What is stored already: known article URLs are not requested again. The SQLite
        # archive, or with REDIS_URL what the ingest publishes in Redis (crawler/distributed/).
        spider.archive = archive_view(settings)
        spider.validators = spider.archive.validators()
        spider.new_validators = {}  # saved when the crawl finishes, never after a crash
        spider.hints = {}  # cleaned article URL -> newest feed `updated` / sitemap `lastmod` seen
        # Links left for later runs (crawler/store.py `pending`): skipped for the budget, or failed.
        spider.skipped_links = {}  # cleaned URL -> (source, listed_at), over the budget this run
        spider.failures = {}  # cleaned URL -> (source, listed_at, reason), article requests that failed
        spider.retry = spider.archive.retry_states()  # normalized URL -> next_try, gave_up
        spider.pending_max_attempts = settings.getint("NEWS_PENDING_MAX_ATTEMPTS", 5)
        spider.pending_retry_delay = settings.getfloat("NEWS_PENDING_RETRY_DELAY", 3600)
        spider.pending_scheduled = False
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        spider.extraction = ExtractionPool.of(crawler)  # shared with the pipelines
        crawler.signals.connect(spider._count_response, signal=signals.response_received)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _count(self, source: Source | str, what: str, count: int = 1) -> None:
        name = source if isinstance(source, str) else source.name
        self.crawler.stats.inc_value(source_key(name, what), count)

    def _count_response(self, response, request, spider):
        if request.meta.get("source"):
            self._count(request.meta["source"], "requests")

    def _idle(self, spider):
        """When every entry point is read: the links earlier runs left, newest first, within
        what is left of each source's budget (even when every entry point answered 304)."""
        if self.pending_scheduled:
            return
        self.pending_scheduled = True
        if self.schedule_pending():
            raise DontCloseSpider("pending links scheduled")

    def schedule_pending(self) -> int:
        """Request the links earlier runs left that are due, within each source's budget; how many."""
        now = datetime.now(UTC)
        scheduled = 0
        for source in self.sources.values():
            if source.urls:  # `-a url=`: an unnamed source keeps nothing for later
                continue
            room = self._budget(source, "max_articles") - self.article_counts.get(source.name, 0)
            for row in self.archive.due_pending(source.name, room, now):
                link = discovery.Link(row["url"], updated=row["listed_at"])
                request = self._article(row["url"], source, link, pending=True)
                if request:
                    self.crawler.engine.crawl(request)
                    scheduled += 1
        if scheduled:
            self.logger.info("Fetching %d link(s) that earlier runs left pending", scheduled)
            self.crawler.stats.inc_value("news/pending/fetched", scheduled)
        return scheduled

    def _closed(self, spider, reason):
        now = datetime.now(UTC)
        ad_hoc = {name for name, source in self.sources.items() if source.urls}  # `-a url=` keeps nothing
        self.skipped_links = {url: v for url, v in self.skipped_links.items() if v[0] not in ad_hoc}
        self.failures = {url: v for url, v in self.failures.items() if v[0] not in ad_hoc}
        given_up = self.archive.keep_pending(
            self.skipped_links, self.failures, now, self.pending_max_attempts, self.pending_retry_delay
        )
        if self.skipped_links:
            self.logger.info("Kept %d link(s) over the budget for the next runs", len(self.skipped_links))
            self.crawler.stats.set_value("news/pending/kept", len(self.skipped_links))
        if self.failures:
            self.crawler.stats.set_value("news/pending/failed", len(self.failures))
        if given_up:
            self.logger.warning(
                "Gave up on %d link(s) that failed NEWS_PENDING_MAX_ATTEMPTS (%d) times",
                given_up, self.pending_max_attempts,
            )  # fmt: skip
            self.crawler.stats.set_value("news/pending/given_up", given_up)
        for name, (count, example) in self.refused.items():
            pattern = self.sources[name].article_pattern if name in self.sources else "?"
            self.logger.info(
                "Source %s: %d link(s) refused as not articles (not matching article_pattern %r), e.g. %s",
                name, count, pattern, example,
            )  # fmt: skip
        self.extraction.close()
        self.archive.finish(self.hints, self.requested, self.new_validators if reason == "finished" else {})

    async def start(self):
        for source in self.sources.values():
            self.logger.info("Crawling source %s (%d entry points)", source.name, len(source.entry_points))
            for url in source.feeds:
                yield self._entry(url, self.parse_entry, source)
            for url in source.sitemaps:
                yield self._entry(url, self.parse_entry, source)
            for url in source.listings:
                yield self._entry(url, self.parse_listing, source)
            for url in source.urls:
                yield self._entry(url, self.parse_any, source)

    def _meta(self, source: Source, **extra) -> dict:
        return {"source": source.name, "source_domains": source.allowed_domains, **extra}

    def _entry(self, url: str, callback, source: Source) -> scrapy.Request:
        """An entry point, asked for conditionally: a feed or sitemap that did not change is a 304."""
        headers = {}
        known = self.validators.get(url) or {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return scrapy.Request(
            url, callback=callback, errback=self.entry_failed, cb_kwargs={"source": source},
            meta=self._meta(source, handle_httpstatus_list=[304], entry_point=True), dont_filter=True,
            headers=headers,
        )  # fmt: skip

    def _unchanged_entry(self, response: Response, source: Source) -> bool:
        """True for a 304 (that branch ends); otherwise remember the validators for next time."""
        if response.status == 304:
            self.logger.info("Not modified since the last run: %s (source %s)", response.url, source.name)
            self.crawler.stats.inc_value("news/entry_points/not_modified")
            self._count(source, "not_modified")
            return True
        if response.meta.get("entry_point"):
            etag = response.headers.get("ETag", b"").decode("latin-1")
            modified = response.headers.get("Last-Modified", b"").decode("latin-1")
            if etag or modified:
                self.new_validators[response.request.url] = {"etag": etag, "last_modified": modified}
        return False

    def _article(
        self, url: str, source: Source, link: discovery.Link | None = None, canonical: bool = False,
        pending: bool = False,
    ) -> scrapy.Request | None:  # fmt: skip
        """A request for an article link, or None (counted) for a link we do not follow.

        A stored article is asked for again only when its feed `updated` or sitemap `lastmod`
        moved past what we fetched it for, and then at most NEWS_MAX_REFETCH_PER_SOURCE times
        a run: sites that stamp every page "now" must not make us download the archive.

        A link its source's article_pattern does not match is refused here when it is
        `canonical` (a sitemap's: the protocol wants final URLs); a feed's may be a redirecting
        short link, so it is fetched and its final URL checked (parse_article).
        """
        stats = self.crawler.stats
        self._count(source, "links")
        source = self._owner(url, source)
        listed_at = link.updated if link else None
        if listed_at:  # the newest date any entry point gives this page, recorded at the end
            clean = discovery.clean_link(url)
            self.hints[clean] = max(listed_at, self.hints.get(clean, listed_at))
        if link and self._too_old(link, source):
            stats.inc_value("news/links/too_old")
            self._count(source, "skipped")
            return None
        known = self.archive.known_url(url)
        if known is not None:
            moved = listed_at and (not known["listed_at"] or listed_at > known["listed_at"])
            if not moved or self.refetch_counts[source.name] >= self._budget(source, "max_refetch"):
                stats.inc_value("news/links/known")
                self._count(source, "skipped")
                return None
            self.refetch_counts[source.name] += 1
            stats.inc_value("news/links/refetch")
        if not discovery.is_http(url):
            self.logger.debug("Ignored a non-http(s) link in source %s: %.200s", source.name, url)
            stats.inc_value("news/links/bad_scheme")
            return None
        if not discovery.in_domains(url, source.allowed_domains):
            stats.inc_value("news/links/offsite")
            return None
        url = discovery.clean_link(url)
        unmatched = bool(source.article_pattern) and not re.search(source.article_pattern, url)
        if unmatched and canonical:
            self._refused(source, url)
            return None
        if url in self.requested:  # the same page behind a fragment or tracking parameters
            stats.inc_value("news/links/duplicate")
            return None
        state = self.retry.get(normalize(url))
        if state and not pending and (state["gave_up"] or state["next_try"] > datetime.now(UTC).isoformat()):
            stats.inc_value("news/links/given_up" if state["gave_up"] else "news/links/backoff")
            self._count(source, "skipped")
            return None
        count = self.article_counts.get(source.name, 0) + 1
        self.article_counts[source.name] = count
        limit = self._budget(source, "max_articles")
        if count > limit:
            if count == limit + 1:
                self.logger.warning(
                    "Source %s reached its budget of %d new articles (max_new_per_run or"
                    " NEWS_MAX_ARTICLES_PER_SOURCE): its further links are kept for the next runs",
                    source.name,
                    limit,
                )
            stats.inc_value("news/links/over_limit")
            self._count(source, "skipped")
            self.skipped_links[url] = (source.name, listed_at)
            return None
        self.requested.add(url)
        # Without an article_pattern, the page itself must show it is an article (parse_article).
        guessed = source.article_pattern is None
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.request_failed,
            cb_kwargs={"source": source, "guessed": guessed, "check_pattern": unmatched},
            meta=self._meta(source, listed_at=listed_at),
        )  # fmt: skip

    def _refused(self, source: Source, url: str, level: int = logging.DEBUG) -> None:
        """A link its source's article_pattern does not match: a home, section or tag page."""
        self.logger.log(level, "Refused %s of source %s: it does not match article_pattern", url, source.name)
        self.crawler.stats.inc_value("news/links/not_article")
        self._count(source, "skipped")
        first = self.refused.setdefault(source.name, [0, url])
        first[0] += 1

    def _owner(self, url: str, found_by: Source) -> Source:
        """The source an article belongs to: the one whose article_pattern claims its URL.

        A feed may list another outlet's article (a wire relisting); filing it under whichever
        source happened to ask first would make the archive depend on timing.
        """
        url = discovery.clean_link(url)  # tracking parameters do not make it another outlet's
        if found_by.article_pattern and re.search(found_by.article_pattern, url):
            return found_by
        for other in self.sources.values():
            if other is not found_by and other.article_pattern and re.search(other.article_pattern, url):
                if discovery.in_domains(url, other.allowed_domains):
                    return other
        return found_by

    def _budget(self, source: Source, name: str) -> int:
        """A per-source budget: the source's own value, else the setting's."""
        own = {"max_articles": source.max_new_per_run, "max_refetch": source.max_refetch_per_run}[name]
        return own if own is not None else getattr(self, name)

    def _too_old(self, link: discovery.Link, source: Source) -> bool:
        days = source.max_age_days if source.max_age_days is not None else self.max_age_days
        stamp = link.published or link.updated
        if not days or not stamp:
            return False
        return stamp < (datetime.now(UTC) - timedelta(days=days)).isoformat()

    def entry_failed(self, failure):
        self.crawler.stats.inc_value("news/entry_points/failed")
        if failure.request.meta.get("source"):
            self._count(failure.request.meta["source"], "entry_failed")
        self.request_failed(failure, "Entry point")

    def request_failed(self, failure, what: str = "Article"):
        """One log line and one `news/failed/<reason>` counter for a request that failed."""
        request = failure.request
        reason, detail, level = failure_reason(failure)
        self.crawler.stats.inc_value(f"news/failed/{reason}")
        if request.meta.get("source"):  # why a source failed, for the run summary (crawler/runs.py)
            kind = "entry_failed" if what == "Entry point" else "failed"
            self._count(request.meta["source"], f"{kind}/{reason}")
        if what == "Article" and request.meta.get("source"):
            self._count(request.meta["source"], "errors")
            first = discovery.clean_link((request.meta.get("redirect_urls") or [request.url])[0])
            self.failures[first] = (request.meta["source"], request.meta.get("listed_at"), reason)
        if reason == "http_503" and request.meta.get("retry_after_refused"):
            detail += f" asking to retry after {request.meta['retry_after_refused']:.0f} s"
            detail += " (over NEWS_RETRY_AFTER_MAX)"
        elif request.meta.get("retry_times"):
            detail += f" after {request.meta['retry_times']} retries"
        self.logger.log(
            level,
            "%s skipped (%s) for source %s: %s: %s",
            what,
            reason,
            request.meta.get("source"),
            request.url,
            detail,
        )

    # --- discovery callbacks ---------------------------------------------------

    async def parse_any(self, response: Response, source: Source):
        """A URL given with -a url=: a feed, a sitemap, an article or a home page."""
        if response.status == 304:
            self._unchanged_entry(response, source)
            return
        kind = discovery.kind_of(response, self.max_sitemap_size)
        if kind in ("feed", "sitemap"):
            for result in self.parse_entry(response, source):
                yield result
        elif isinstance(response, HtmlResponse) and discovery.looks_like_article(response):
            async for result in self.parse_article(response, source):
                yield result
        elif isinstance(response, TextResponse):
            # A home or section page: the feeds it advertises, and its article-looking links.
            for url in discovery.advertised_feeds(response):
                if discovery.is_http(url) and discovery.in_domains(url, source.allowed_domains):
                    yield scrapy.Request(
                        url, callback=self.parse_entry, errback=self.entry_failed,
                        cb_kwargs={"source": source}, meta=self._meta(source),
                    )  # fmt: skip
            for result in self.parse_listing(response, source):
                yield result

    def parse_entry(self, response: Response, source: Source):
        """A feed or sitemap (listed as either, or a sitemap index's child): read as what its
        body is, found by parsing it; anything else at such a URL is one warning."""
        if self._unchanged_entry(response, source):
            return
        doc = discovery.entry_document(response, self.max_sitemap_size)
        if doc.kind == "feed":
            yield from self._feed(response, doc, source)
        elif doc.kind == "sitemap":
            yield from self._sitemap(response, doc, source)
        elif doc.problem:
            self.logger.warning(
                "Ignoring sitemap %s of source %s: %s (DOWNLOAD_MAXSIZE %d B)", response.url, source.name,
                doc.problem, self.max_sitemap_size,
            )  # fmt: skip
            self.crawler.stats.inc_value("news/sitemaps/unreadable")
        else:
            self.logger.warning(
                "Ignoring entry point %s of source %s: not a feed or a sitemap but %s", response.url,
                source.name, discovery.what_it_is(doc),
            )  # fmt: skip
            self.crawler.stats.inc_value("news/entry_points/not_feed_or_sitemap")

    def _feed(self, response: Response, doc, source: Source):
        stats = self.crawler.stats
        if discovery.declares_entities(doc.body):
            self.logger.warning(
                "Refused feed %s of source %s: it declares XML entities (XXE or entity expansion)",
                response.url,
                source.name,
            )
            stats.inc_value("news/feeds/refused_entities")
            return
        links, problem = discovery.read_feed(doc, discovery.content_location(response))
        if problem:
            self.logger.warning(
                "Malformed feed %s of source %s (%s): %d entries read", response.url, source.name, problem,
                len(links),
            )  # fmt: skip
            stats.inc_value("news/feeds/malformed")
        elif not links:
            self.logger.warning("No entries in feed %s of source %s", response.url, source.name)
            stats.inc_value("news/feeds/empty")
        stats.inc_value("news/feeds/parsed")
        for link in links:
            request = self._article(link.url, source, link)
            if request:
                yield request

    def _sitemap(self, response: Response, doc, source: Source):
        stats = self.crawler.stats
        if discovery.declares_entities(doc.body):
            self.logger.warning(
                "Refused sitemap %s of source %s: it declares XML entities (XXE or entity expansion)",
                response.url,
                source.name,
            )
            stats.inc_value("news/sitemaps/refused_entities")
            return
        kind, links = discovery.sitemap_links(doc, source_zone(source))
        if kind == "invalid":
            self.logger.warning("Ignoring invalid sitemap %s of source %s", response.url, source.name)
            stats.inc_value("news/sitemaps/invalid")
            return
        stats.inc_value("news/sitemaps/parsed")
        depth = response.meta.get("sitemap_depth", 0) + 1
        if kind == "sitemapindex" and depth > self.max_sitemap_depth:
            self.logger.warning(
                "Ignoring sitemap index %s of source %s: nested deeper than NEWS_SITEMAP_DEPTH (%d)",
                response.url,
                source.name,
                self.max_sitemap_depth,
            )
            stats.inc_value("news/sitemaps/too_deep")
            return
        for link in links:
            if kind == "sitemapindex":
                if self._too_old(link, source):  # a monthly archive sitemap past the age limit
                    stats.inc_value("news/sitemaps/too_old")
                    continue
                inside = discovery.in_domains(link.url, source.allowed_domains)
                if not (discovery.is_http(link.url) and inside):
                    stats.inc_value("news/links/offsite")
                    continue
                yield scrapy.Request(
                    link.url, callback=self.parse_entry, errback=self.entry_failed,
                    cb_kwargs={"source": source}, meta=self._meta(source, sitemap_depth=depth),
                )  # fmt: skip
            else:
                request = self._article(link.url, source, link, canonical=True)
                if request:
                    yield request

    def parse_listing(self, response: Response, source: Source):
        if self._unchanged_entry(response, source):
            return
        if not isinstance(response, TextResponse):
            self.logger.warning("Listing page %s is not text; skipped", response.url)
            return
        for url in discovery.listing_links(response, source.article_pattern, source.allowed_domains):
            request = self._article(url, source)
            if request:
                yield request
        page = response.meta.get("listing_page", 1)
        self.listing_pages.add(discovery.clean_link(response.url))
        if page >= self._listing_limit(source):
            return
        following = discovery.next_listing_page(response, page, source.allowed_domains)
        if following and discovery.clean_link(following) not in self.listing_pages:
            self.listing_pages.add(discovery.clean_link(following))
            self.logger.debug("Listing %s of source %s: page %d is %s", response.url, source.name, page + 1,
                              following)  # fmt: skip
            self.crawler.stats.inc_value("news/listings/next_pages")
            yield scrapy.Request(
                following, callback=self.parse_listing, errback=self.listing_failed,
                cb_kwargs={"source": source}, meta=self._meta(source, listing_page=page + 1),
            )  # fmt: skip

    def _listing_limit(self, source: Source) -> int:
        """Pages of a listing read this run: the source's max_listing_pages (else the setting's),
        at least NEWS_FIRST_RUN_LISTING_PAGES while the archive has no article of the source."""
        if source.name not in self.listing_limits:
            pages = source.max_listing_pages or self.max_listing_pages
            if not self.archive.has_articles(source.name):
                pages = max(pages, self.first_run_listing_pages)
            self.listing_limits[source.name] = pages
        return self.listing_limits[source.name]

    def listing_failed(self, failure):
        self.request_failed(failure, "Listing page")

    # --- articles ----------------------------------------------------------------

    async def parse_article(
        self, response: Response, source: Source, guessed: bool = False, check_pattern: bool = False
    ):
        stats = self.crawler.stats
        if check_pattern:  # a feed link outside the pattern: where it led must be inside one
            owner = self._owner(response.url, source)
            if not re.search(owner.article_pattern or "(?!)", discovery.clean_link(response.url)):
                self._refused(source, response.url, logging.INFO)
                return
        if not isinstance(response, HtmlResponse) or isinstance(response, XmlResponse):
            self.logger.warning(
                "Skipped %s: not an HTML page (%s)",
                response.url,
                response.headers.get("Content-Type", b"?").decode("latin-1"),
            )
            stats.inc_value("news/skipped/not_html")
            return
        if not response.body.strip():
            self.logger.warning("Skipped %s: empty page", response.url)
            stats.inc_value("news/skipped/empty")
            return
        if response.body.lstrip()[:8].startswith(BINARY_MAGIC):
            self.logger.warning(
                "Skipped %s: a binary file (PDF, image, archive) served as HTML", response.url
            )
            stats.inc_value("news/skipped/binary")
            return
        try:
            fields = await self.extraction.extract(response.body, response.encoding, response.url, source)
        except Exception as exc:  # noqa: BLE001  one broken page must not end the crawl: log, count, go on
            self.logger.error("Extraction failed for %s: %r", response.url, exc)
            stats.inc_value("news/errors/extraction")
            return
        refusal = discovery.not_an_article(response, fields) if guessed else None
        if refusal:
            self.logger.info("Skipped %s of source %s: not an article (%s)", response.url, source.name,
                             refusal)  # fmt: skip
            stats.inc_value("news/skipped/not_article")
            self._count(source, "skipped")
            return
        stats.inc_value("news/articles/extracted")
        redirects = response.meta.get("redirect_urls") or []
        requested = (redirects or [response.url])[0]
        yield Article(
            source=source.name, requested_url=requested, aliases=[*redirects, response.url],
            listed_at=response.meta.get("listed_at"), **fields,
        )  # fmt: skip


def failure_reason(failure) -> tuple[str, str, int]:
    """(stats reason, message, log level) of a failed request."""
    exc = failure.value
    if isinstance(exc, middlewares.Refused):
        return exc.reason, str(exc), logging.WARNING
    if failure.check(HttpError):
        status = exc.response.status
        level = logging.INFO if status in (404, 410) else logging.WARNING
        return f"http_{status}", f"HTTP {status}", level
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "DOWNLOAD_MAXSIZE" in message:  # a compression bomb; Scrapy has logged the sizes
            return "too_large", "larger than DOWNLOAD_MAXSIZE once decompressed", logging.WARNING
        if "max redirections" in message:
            return "too_many_redirects", "more redirects than REDIRECT_MAX_TIMES", logging.WARNING
        if "robots.txt" in message:
            return "robots", "forbidden by robots.txt", logging.INFO
        return "ignored", message[:200] or type(exc).__name__, logging.WARNING
    if isinstance(exc, DownloadCancelledError):  # past DOWNLOAD_MAXSIZE, declared or received
        return "too_large", "larger than DOWNLOAD_MAXSIZE", logging.WARNING
    if isinstance(exc, DownloadTimeoutError) or failure.check(TimeoutError):
        return "timeout", "no complete answer within DOWNLOAD_TIMEOUT", logging.WARNING
    if isinstance(exc, DownloadConnectionRefusedError):
        return "refused", str(exc)[:200] or "connection refused", logging.WARNING
    if isinstance(exc, CannotResolveHostError):
        return "dns", str(exc)[:200] or "DNS lookup failed", logging.WARNING
    if isinstance(exc, ResponseDataLossError):
        return "data_loss", "the connection closed before the body was complete", logging.WARNING
    return "other", f"{type(exc).__name__}: {str(exc)[:200]}", logging.WARNING


def source_zone(source: Source) -> str | None:
    """The time zone of a source's undated-offset times: its own, else its language's."""
    return source.timezone or LANGUAGE_ZONES.get(source.language or "")


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
