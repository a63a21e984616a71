"""robots.txt read again on its own schedule, for a crawl that runs for weeks.

Scrapy's RobotsTxtMiddleware fetches a host's robots.txt once per process and keeps it
forever; `scrapy watch` would never see a site change its rules. This one forgets a host's
rules NEWS_WATCH_ROBOTS_TTL seconds after it fetched them, so the next request to that host
fetches them again; in between, no poll asks for it. The TTL is kept between four
NEWS_WATCH_MAX_INTERVALs (an hour with the default: a host's rules change far less often
than its feeds, and even its quietest entry point is polled several times in between) and a
day (RFC 9309 §2.4: a cached robots.txt is not used for longer); tests and the scaled
benchmark shrink the bound with the maximum interval.
"""

from __future__ import annotations

import time

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

MAX_TTL = 86400.0
MAX_INTERVALS = 4  # the shortest TTL, in NEWS_WATCH_MAX_INTERVALs


class ExpiringRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler, clock=time.monotonic):
        super().__init__(crawler)
        settings = crawler.settings
        ttl = settings.getfloat("NEWS_WATCH_ROBOTS_TTL", 6 * 3600)
        shortest = min(MAX_TTL, MAX_INTERVALS * settings.getfloat("NEWS_WATCH_MAX_INTERVAL", 900))
        self.ttl = min(MAX_TTL, max(shortest, ttl))
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
