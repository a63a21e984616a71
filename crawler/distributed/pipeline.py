"""Crawler side of the ingest: every article goes to a Redis list instead of the archive."""

from __future__ import annotations

import json

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler.distributed import keys_from_settings, redis_client, redis_enabled
from crawler.runs import source_key


def message(kind: str, **fields) -> str:
    """One entry of the items list: an article, or what the crawl learnt about entry points."""
    return json.dumps({"kind": kind, **fields}, ensure_ascii=False, sort_keys=True)


class RedisItemPipeline:
    """Push each article, as extracted, to the ingest (`scrapy ingest` stores it).

    The normal pipelines (normalize, validate, store) run in the ingest, so deduplication and
    the archive are exactly as on one machine; a crawler never opens the SQLite file.
    """

    def __init__(self, server, key: str, stats):
        self.server = server
        self.key = key
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_enabled(crawler.settings):
            raise NotConfigured("REDIS_URL is not set")
        server = redis_client(crawler.settings)
        return cls(server, keys_from_settings(crawler.settings).items, crawler.stats)

    def process_item(self, item):
        record = ItemAdapter(item).asdict()
        self.server.rpush(self.key, message("article", item=record))
        self.stats.inc_value("news/redis/items_sent")
        self.stats.inc_value(source_key(record["source"], "queued"))
        return item
