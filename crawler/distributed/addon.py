"""The switch: with REDIS_URL set, a crawl becomes one process of a crawl shared over Redis.

A Scrapy add-on (ADDONS in crawler/settings.py): its `update_settings` runs once every other
setting is known, so `-s REDIS_URL=...` on the command line is enough. Without REDIS_URL it
changes nothing.
"""

from __future__ import annotations

from scrapy.utils.misc import load_object

from crawler.distributed import keys_from_settings, redis_enabled
from crawler.distributed.pipeline import RedisItemPipeline
from crawler.distributed.run import SharedCrawl, StartOnce


class RedisAddon:
    def update_settings(self, settings) -> None:
        if not redis_enabled(settings):
            return
        keys = keys_from_settings(settings)
        # scrapy-redis: one request queue and one seen-request filter for every process.
        settings.set("SCHEDULER", "crawler.distributed.scheduler.SharedScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", "addon")
        settings.set("SCHEDULER_QUEUE_KEY", keys.requests, "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", keys.dupefilter, "addon")
        # Never flush on close: the first process to finish would empty the others' queue.
        # A fresh run clears them instead (crawler/distributed/run.py).
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings.set_in_component_priority_dict("EXTENSIONS", SharedCrawl, 0)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", StartOnce, 0)
        # The items go to the ingest, which runs these pipelines: a crawler never writes the archive.
        for pipeline in list(settings.getdict("ITEM_PIPELINES")):
            cls = load_object(pipeline) if isinstance(pipeline, str) else pipeline
            settings.set_in_component_priority_dict("ITEM_PIPELINES", cls, None)
        settings.set_in_component_priority_dict("ITEM_PIPELINES", RedisItemPipeline, 900)
