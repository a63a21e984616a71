"""The news spider, polling for ever: every entry point when the schedule says it is due.

The spider never closes: `spider_idle` raises DontCloseSpider, and a tick (a Twisted
LoopingCall, NEWS_WATCH_TICK seconds) sends the polls that are due. When nothing is in
flight the tick settles the batch: commits the store, records the entry points' validators
and the links' dates (only then: an entry point is marked unchanged only once every article
it listed is stored), hands the links that failed or were over a budget to the archive's
pending table (as `update` does when it ends; nothing grows in memory), and exports when
articles were stored since the last export. Every NEWS_WATCH_MAX_INTERVAL it asks again for
the pending links that are due.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import task

from crawler.middlewares import retry_after_seconds
from crawler.pipelines.store import StorePipeline
from crawler.spiders.news import NewsSpider
from crawler.store import Archive
from crawler.watch.schedule import Schedule
from crawler.watch.websub import WebSub


class WatchSpider(NewsSpider):
    name = "watch"
    export = None  # a callable the command passes (-> number of files written), or None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.schedule = Schedule(
            settings.get("NEWS_DB_PATH"),
            spider.sources.values(),
            settings.getfloat("NEWS_WATCH_MIN_INTERVAL", 30),
            settings.getfloat("NEWS_WATCH_MAX_INTERVAL", 900),
        )
        spider.tick_seconds = settings.getfloat("NEWS_WATCH_TICK", 1.0)
        spider.export_wait = settings.getfloat("NEWS_WATCH_EXPORT_WAIT", 5.0)
        spider.stored_seen = 0  # articles stored (new or changed) when we last exported
        spider.stored_paced = 0  # ... when the schedule last looked at the sources' paces
        spider.unexported_since = None
        spider.pending_checked = 0.0  # when the due pending links were last requested (monotonic)
        spider._ticker = task.LoopingCall(spider._tick)
        spider.websub = None
        if settings.get("NEWS_WEBSUB_CALLBACK"):
            spider.websub = WebSub(
                settings.get("NEWS_WEBSUB_CALLBACK"), spider.schedule.pushed,
                lease=settings.getint("NEWS_WEBSUB_LEASE", 86400), agent=settings.get("USER_AGENT"),
                on_verified=spider.schedule.set_pushed,
            )  # fmt: skip
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._robots_parsed, signal=signals.robots_parsed)
        return spider

    async def start(self):
        self.logger.info(
            "Watching %d sources, %d entry points", len(self.sources), len(self.schedule.entries)
        )
        return
        yield  # an async generator with nothing to start with: the tick sends the polls

    def _opened(self, spider):
        if self.websub is not None:
            port = self.websub.listen(self.settings.get("NEWS_WEBSUB_LISTEN"))
            self.logger.info("WebSub callback listening on port %d", port)
        self._ticker.start(self.tick_seconds, now=True)

    def _idle(self, spider):
        raise DontCloseSpider

    def _closed(self, spider, reason):
        if self._ticker.running:
            self._ticker.stop()
        if self.websub is not None:
            self.websub.stop()
        self.extraction.close()
        # After SIGTERM, polls may have been cut short: their validators are not recorded,
        # so the next start asks for those entry points again.
        self._settle(validators=reason == "finished")
        if self.archive.archive is not None:
            self.archive.archive.close()
        self.schedule.close()

    # --- the tick ------------------------------------------------------------------

    def _tick(self):
        try:
            engine = self.crawler.engine
            idle = engine.spider_is_idle()
            if idle:
                self._settle(validators=True)
                if self._stored() != self.stored_paced:  # a stored batch may tell a source's pace
                    self.stored_paced = self._stored()
                    self.schedule.replan()
                if time.monotonic() - self.pending_checked >= self.schedule.max_interval:
                    self.pending_checked = time.monotonic()
                    self.schedule_pending()
            elif self.schedule.dirty:
                self._settle_store()  # the store's transaction ends before the schedule writes
            self.schedule.save()
            self._export_if_stored(idle)
            if self.websub is not None:
                self.websub.renew()
            for entry in self.schedule.due():
                self.schedule.sent(entry.url)
                engine.crawl(self._poll(entry))
        except Exception:  # noqa: BLE001  one bad tick must not stop the watch: log, go on
            self.logger.exception("Watch tick failed")
            self.crawler.stats.inc_value("news/watch/tick_errors")

    def _poll(self, entry) -> scrapy.Request:
        source = self.sources[entry.source]
        callback = {"feed": self.parse_entry, "sitemap": self.parse_entry,
                    "listing": self.parse_listing, "url": self.parse_any}[entry.kind]  # fmt: skip
        request = self._entry(entry.url, callback, source)
        request.meta["watch_entry"] = entry.url
        request.meta["dont_retry"] = True  # a failure (or a Retry-After) moves the next poll instead
        self.crawler.stats.inc_value(f"news/watch/polls/{entry.kind}")
        return request

    def _settle(self, validators: bool) -> None:
        """Commit the stored batch; record validators and link dates; forget this batch's links."""
        self._settle_store()
        view = self.archive
        if view.archive is None and view.db_path.exists():
            view.archive = Archive(view.db_path)  # a new archive: made by the store since the start
        if view.archive is not None:
            hints = {url: hint for url, hint in self.hints.items() if url in self.requested}
            if hints:
                view.archive.raise_listed_at(hints)
            if validators and self.new_validators:
                view.archive.save_validators(self.new_validators)
                self.validators.update(self.new_validators)
            if self.skipped_links or self.failures:  # to the archive: retried later, with back-off
                view.keep_pending(self.skipped_links, self.failures, datetime.now(UTC),
                                  self.pending_max_attempts, self.pending_retry_delay)  # fmt: skip
                self.retry = view.retry_states()
                self.skipped_links, self.failures = {}, {}
        if validators:
            self.new_validators = {}
        self.hints = {}
        self.requested = set()  # stored ones are known to the archive from now on
        self.article_counts = dict.fromkeys(self.sources, 0)
        self.refetch_counts = dict.fromkeys(self.sources, 0)

    def _stored(self) -> int:
        stats = self.crawler.stats.get_stats()
        return stats.get("news/stored/new", 0) + stats.get("news/stored/updated", 0)

    def _export_if_stored(self, idle: bool) -> None:
        stored = self._stored()
        if stored == self.stored_seen:
            return
        now = time.monotonic()
        if self.unexported_since is None:
            self.unexported_since = now
        if not idle and now - self.unexported_since < self.export_wait:
            return  # the batch is still coming in
        if not idle:
            self._settle_store()
        self.stored_seen, self.unexported_since = stored, None
        if self.export is not None:
            started = time.monotonic()
            written = self.export()
            self.crawler.stats.inc_value("news/watch/exports")
            self.logger.info("Exported after new articles: %s files written in %.2f s",
                             written, time.monotonic() - started)  # fmt: skip

    def _settle_store(self) -> None:
        """Commit what the store pipeline saved so far (it commits on its own every few seconds)."""
        for pipe in self.crawler.engine.scraper.itemproc.middlewares:
            if isinstance(pipe, StorePipeline) and pipe.archive is not None:
                pipe.flush()

    # --- what a poll brought ----------------------------------------------------------

    def _robots_parsed(self, robotparser, request):
        rules = getattr(robotparser, "rp", None)  # Protego, Scrapy's default parser
        delay = rules.crawl_delay(self.settings.get("USER_AGENT")) if hasattr(rules, "crawl_delay") else None
        self.schedule.set_crawl_delay(urlsplit(request.url).hostname or "", delay)
        if delay:
            self.logger.info(
                "robots.txt of %s asks for a Crawl-delay of %s s", urlsplit(request.url).hostname, delay
            )

    def _polled(self, response, results):
        """Pass the callback's results through, counting the articles it asks for."""
        new = 0
        entry_url = response.meta.get("watch_entry")
        for result in results:
            if isinstance(result, scrapy.Request):
                if result.callback == self.parse_article:
                    new += 1
                elif entry_url or response.meta.get("watch_parent"):  # a sitemap of an index
                    result.meta["watch_parent"] = entry_url or response.meta["watch_parent"]
            yield result
        if entry_url:
            entry = self.schedule.polled(entry_url, response.status, new)
            self.logger.debug("Polled %s: %d, %d new; next in %.0f s", entry_url, response.status, new,
                              entry.interval if entry else -1)  # fmt: skip
        elif response.meta.get("watch_parent"):
            self.schedule.found_later(response.meta["watch_parent"], new)

    def parse_entry(self, response, source):
        """A feed or sitemap poll (read as what parsing says it is); a feed's hub is subscribed to."""
        if self.websub is not None and response.status == 200 and response.meta.get("watch_entry"):
            self.websub.offer(response.meta["watch_entry"], response.body)  # a hub: subscribe
        yield from self._polled(response, super().parse_entry(response, source))

    def parse_listing(self, response, source):
        yield from self._polled(response, super().parse_listing(response, source))

    async def parse_any(self, response, source):
        results = [result async for result in super().parse_any(response, source)]
        for result in self._polled(response, results):
            yield result

    def entry_failed(self, failure):
        super().entry_failed(failure)
        url = failure.request.meta.get("watch_entry")
        if url:
            retry_after = None
            if failure.check(HttpError):
                retry_after = retry_after_seconds(failure.value.response.headers.get("Retry-After"))
            entry = self.schedule.failed(url, retry_after)
            self.logger.info(
                "Poll of %s failed; next in %.0f s", url, entry.next_poll - self.schedule.clock()
            )
