"""scrapy-redis' scheduler, taking part in the shared run (crawler/distributed/run.py)."""

from __future__ import annotations

import logging

from scrapy_redis.scheduler import Scheduler

from crawler.distributed.run import SharedCrawl

logger = logging.getLogger(__name__)


class SharedScheduler(Scheduler):
    """The shared queue and seen-request filter of scrapy-redis, plus the run's bookkeeping:
    join the run before the queue is opened, and list every request taken from it."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.shared = crawler.get_extension(SharedCrawl)
        # scrapy-redis 0.9.1 passes spider= to inc_value, deprecated in Scrapy 2.19: count here.
        scheduler.crawl_stats, scheduler.stats = crawler.stats, None
        return scheduler

    def open(self, spider):
        self.shared.join()  # a fresh run clears the queue and the filter first
        opened = super().open(spider)
        if self.shared.starter and self.shared.recovered:
            requests = [r for r in map(self.shared.decode, self.shared.recovered) if r is not None]
            logger.info("Fetching again %d request(s) the last run lost", len(requests))
            for request in requests:  # through the filter: the entry points may lead to them too
                self.enqueue_request(request)
            self.crawl_stats.set_value("news/redis/recovered_requests", len(requests))
        return opened

    def enqueue_request(self, request):
        queued = super().enqueue_request(request)
        if queued:
            self.crawl_stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self):
        self.shared.leaving_idle()
        request = super().next_request()
        if request is not None:
            self.crawl_stats.inc_value("scheduler/dequeued/redis")
            self.shared.took(request)
        return request
