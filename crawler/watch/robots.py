"""robots.txt read again on its own schedule, for a crawl that runs for weeks.

Scrapy's RobotsTxtMiddleware fetches a host's robots.txt once per process and keeps it
forever; `scrapy watch` would never see a site change its rules. This one forgets a host's
rules NEWS_WATCH_ROBOTS_TTL seconds after it fetched them (kept between an hour and a day),
so the next request to that host fetches them again; in between, no poll asks for it.
"""

from __future__ import annotations

import time

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

MIN_TTL, MAX_TTL = 3600.0, 86400.0


class ExpiringRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler, clock=time.monotonic):
        super().__init__(crawler)
        ttl = crawler.settings.getfloat("NEWS_WATCH_ROBOTS_TTL", 6 * 3600)
        self.ttl = min(MAX_TTL, max(MIN_TTL, ttl))
        self.clock = clock
        self.fetched: dict[str, float] = {}  # netloc -> when its robots.txt was asked for

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        fetching = isinstance(self._parsers.get(netloc), Deferred)
        if netloc in self._parsers and not fetching and self.clock() - self.fetched[netloc] >= self.ttl:
            del self._parsers[netloc]  # stale: fetched again below
        if netloc not in self._parsers:
            self.fetched[netloc] = self.clock()
        return await super().robot_parser(request)
