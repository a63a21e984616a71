"""The one writer of a shared crawl: articles from Redis through the normal pipelines into SQLite.

A spider without requests: its `start()` takes the crawlers' messages from Redis and yields
the articles, which Scrapy passes through ITEM_PIPELINES (normalize, validate, store) exactly
as in a crawl on one machine. A reliable queue: each message is moved to a processing list
(LMOVE) and removed from it (LREM) only once the store has committed it, so a stopped or
killed ingest loses nothing, and replays what it had not acknowledged when it starts again
(the store is idempotent on the canonical URL: a replay doubles nothing).

What crawlers need from the archive, the ingest publishes to Redis: every URL an article is
known by (with its listed_at) and the entry points' validators; at start, then as it writes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import fields
from datetime import datetime

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed import keys_from_settings, redis_client, redis_enabled
from crawler.distributed.run import crawlers_running
from crawler.items import Article
from crawler.pipelines.store import StorePipeline
from crawler.runs import SourceRun
from crawler.store import Archive
from crawler.urls import normalize

logger = logging.getLogger(__name__)

ACK_EVERY = 100  # messages stored between two acknowledgements while the queue stays busy
WAIT = 1  # seconds one blocking take waits for a message before the ingest looks around
PUBLISH_CHUNK = 1000  # Redis commands per round trip when the whole archive is published
ARTICLE_FIELDS = {f.name for f in fields(Article)}


class IngestSpider(scrapy.Spider):
    name = "ingest"
    # The Redis add-on turns a crawl into a shared one; the ingest is the one process that
    # keeps the normal pipelines, so it runs without it.
    custom_settings = {"ADDONS": {}, "NEWS_PROGRESS": False}

    def __init__(self, *args, until_drained: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.until_drained = until_drained
        self.in_pipelines: dict[int, tuple[str, list[str]]] = {}  # id(item) -> (message, its URLs)
        self.to_acknowledge: list[tuple[str, list[str]]] = []  # stored (or dropped), not yet LREM'd

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        if not redis_enabled(crawler.settings):
            raise NotConfigured("scrapy ingest needs REDIS_URL")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.keys = keys_from_settings(crawler.settings)
        spider.db_path = crawler.settings.get("NEWS_DB_PATH")
        crawler.signals.connect(spider._stored, signal=signals.item_scraped)
        crawler.signals.connect(spider._stored, signal=signals.item_dropped)
        crawler.signals.connect(spider._failed, signal=signals.item_error)
        return spider

    # --- the loop -------------------------------------------------------------------

    async def start(self):
        self.redis = redis_client(self.settings, asyncio=True)
        self.archive = Archive(self.db_path)  # reads for publishing; writes validators and dates
        self.store = self.crawler.get_item_pipeline(StorePipeline)
        try:
            await self._publish_archive()
            replay = await self.redis.lrange(self.keys.processing, 0, -1)
            if replay:
                logger.info("Replaying %d message(s) a stopped ingest had taken and not stored", len(replay))
                self.crawler.stats.set_value("news/ingest/replayed", len(replay))
            for raw in replay:
                if item := await self._handle(raw):
                    yield item
            taken = 0
            while True:
                raw = await self.redis.blmove(self.keys.items, self.keys.processing, WAIT, "LEFT", "RIGHT")
                if raw is None:
                    await self._acknowledge()
                    if self.until_drained and await self._drained():
                        logger.info("Queue drained and no crawler running: the ingest ends")
                        return
                    continue
                taken += 1
                if item := await self._handle(raw):
                    yield item
                if taken % ACK_EVERY == 0:
                    await self._acknowledge()
        finally:
            await self._acknowledge(closing=True)
            self.archive.close()
            await self.redis.aclose()

    async def _handle(self, raw: str):
        """An article to yield into the pipelines, or None for a message handled here."""
        try:
            message = json.loads(raw)
            kind = message["kind"]
            if kind == "article":
                item = Article(**{k: v for k, v in message["item"].items() if k in ARTICLE_FIELDS})
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.error("Dropped a malformed message from %s: %.200r", self.keys.items, raw)
            self.crawler.stats.inc_value("news/ingest/malformed")
            await self.redis.lrem(self.keys.processing, 1, raw)
            return None
        if kind == "article":
            urls = [u for u in (item.url, item.requested_url, *item.aliases) if u]
            self.in_pipelines[id(item)] = (raw, urls)
            return item
        await self._settled()  # the crawler's articles come first: store them before their dates
        if kind == "listed_at":
            self.archive.raise_listed_at(message["hints"])
            await self._publish_known(list(message["hints"]))
        elif kind == "validators":
            self.archive.save_validators(message["validators"])
            await self.redis.hset(
                self.keys.validators, mapping={u: json.dumps(v) for u, v in message["validators"].items()}
            )
        elif kind == "run":  # a `scrapy update --crawl-only` of a crawler machine
            runs = [SourceRun(name, counts) for name, counts in message["sources"].items()]
            started, finished = (datetime.fromisoformat(message[k]) for k in ("started", "finished"))
            self.archive.record_run(started, finished, runs, message["exit_code"], message.get("outcome"))
        else:
            logger.error("Dropped a message of unknown kind %r", kind)
            self.crawler.stats.inc_value("news/ingest/malformed")
        await self.redis.lrem(self.keys.processing, 1, raw)
        self.crawler.stats.inc_value(f"news/ingest/{kind}")
        return None

    # --- acknowledgement --------------------------------------------------------------

    def _stored(self, item, **kwargs):
        taken = self.in_pipelines.pop(id(item), None)
        if taken is not None:
            self.to_acknowledge.append(taken)

    def _failed(self, item, **kwargs):
        """A store error: the message stays in the processing list, replayed at the next start."""
        self.in_pipelines.pop(id(item), None)
        self.crawler.stats.inc_value("news/ingest/failed")

    async def _settled(self) -> None:
        """Wait for the articles yielded so far to leave the pipelines, then acknowledge them."""
        while self.in_pipelines:
            await asyncio.sleep(0.01)
        await self._acknowledge()

    async def _acknowledge(self, closing: bool = False) -> None:
        """Remove what the store has committed from the processing list, and publish its URLs."""
        if not self.to_acknowledge:
            return
        flush = getattr(self.store, "flush", None)
        if flush is not None:
            if closing:  # the store is closed already: what it committed is replayed, harmlessly
                return
            flush()  # a batching store commits now; only then is a message done
        done, self.to_acknowledge = self.to_acknowledge, []
        async with self.redis.pipeline(transaction=False) as pipe:
            for raw, _ in done:
                pipe.lrem(self.keys.processing, 1, raw)
            await pipe.execute()
        self.crawler.stats.inc_value("news/ingest/acknowledged", len(done))
        await self._publish_known([url for _, urls in done for url in urls])

    async def _drained(self) -> bool:
        if self.in_pipelines or await self.redis.llen(self.keys.items):
            return False
        return not await crawlers_running(self.redis, self.keys)

    # --- what crawlers read -------------------------------------------------------------

    async def _publish_known(self, urls: list[str]) -> None:
        """The listed_at of the stored article each URL leads to (URLs of dropped ones: none)."""
        known = {}
        for url in urls:
            row = self.archive.known_url(url)
            if row is not None:
                known[normalize(url)] = row["listed_at"] or ""
        if known:
            await self.redis.hset(self.keys.known, mapping=known)

    async def _publish_archive(self) -> None:
        """Replace the Redis copies of known URLs and validators with the archive's."""
        for key, entries in (
            (self.keys.known, self.archive.known_urls()),
            (self.keys.validators, ((u, json.dumps(v)) for u, v in self.archive.validators().items())),
        ):
            fresh = f"{key}:publishing"
            await self.redis.delete(fresh)
            chunk: dict[str, str] = {}
            for url, value in entries:
                chunk[url] = value
                if len(chunk) >= PUBLISH_CHUNK:
                    await self.redis.hset(fresh, mapping=chunk)
                    chunk = {}
            if chunk:
                await self.redis.hset(fresh, mapping=chunk)
            if await self.redis.exists(fresh):
                await self.redis.rename(fresh, key)
            else:
                await self.redis.delete(key)
        known, validators = (
            await self.redis.hlen(self.keys.known),
            await self.redis.hlen(self.keys.validators),
        )
        logger.info("Published %d known article URL(s) and %d validator(s) to Redis", known, validators)
