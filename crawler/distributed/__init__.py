"""Scale-out on Redis: many crawler processes share one crawl, one ingest process writes the archive.

Switched on by the REDIS_URL setting alone (crawler/distributed/addon.py); without it nothing
here is loaded. Every Redis key of the project starts with NEWS_REDIS_PREFIX, named in `Keys`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    """The Redis keys one archive's crawl uses."""

    prefix: str

    @property
    def requests(self) -> str:  # scrapy-redis' shared request queue (a sorted set)
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:  # scrapy-redis' seen-request fingerprints (a set)
        return f"{self.prefix}:dupefilter"

    @property
    def items(self) -> str:  # crawlers -> ingest: articles and the crawl's validators and hints
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:  # what the ingest took from `items` and has not committed yet
        return f"{self.prefix}:items:processing"

    @property
    def known(self) -> str:  # ingest -> crawlers: normalized article URL -> listed_at ("" for none)
        return f"{self.prefix}:known"

    @property
    def validators(self) -> str:  # ingest -> crawlers: entry point URL -> {"etag", "last_modified"}
        return f"{self.prefix}:validators"

    @property
    def crawlers(self) -> str:  # the crawler processes of the current run
        return f"{self.prefix}:run:crawlers"

    @property
    def idle(self) -> str:  # those of them with nothing in flight
        return f"{self.prefix}:run:idle"

    @property
    def run(self) -> str:  # the number of the current run
        return f"{self.prefix}:run"

    @property
    def ended(self) -> str:  # the number of the last run that was drained
        return f"{self.prefix}:run:ended"

    @property
    def lost(self) -> str:  # requests dead crawlers had taken, for the next run to enqueue again
        return f"{self.prefix}:run:lost"

    def alive(self, crawler: str) -> str:  # expires when a crawler stops beating
        return f"{self.prefix}:run:alive:{crawler}"

    def taken(self, crawler: str) -> str:  # requests a crawler took from the queue and has not finished
        return f"{self.prefix}:run:taken:{crawler}"


def keys_from_settings(settings) -> Keys:
    return Keys(settings.get("NEWS_REDIS_PREFIX") or "newsdao")


def redis_enabled(settings) -> bool:
    return bool(settings.get("REDIS_URL"))


def redis_client(settings, *, asyncio: bool = False):
    """A client for REDIS_URL that answers str (scrapy-redis keeps its own, for pickled requests)."""
    if asyncio:
        import redis.asyncio as aioredis

        return aioredis.Redis.from_url(settings.get("REDIS_URL"), decode_responses=True)
    import redis

    return redis.Redis.from_url(settings.get("REDIS_URL"), decode_responses=True, socket_timeout=30)
