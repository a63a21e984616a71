"""The run every crawler process of a shared crawl takes part in: joined, beaten, drained, left.

Processes started together agree on one run in Redis. The first to join when no run is live
starts a fresh one: it clears the old queue and seen-request filter (so entry points are
fetched again) and is the only one to enqueue the entry points; the others work the queue.
A process that has nothing in flight waits while any live process still has something, and
the run ends when the queue is empty and every live process is idle. For
NEWS_REDIS_CRAWLER_TIMEOUT seconds after that, a process that starts joins the drained run and
ends (the processes of one cron run start seconds apart); later ones start the next run.

scrapy-redis removes a request from Redis when a process takes it: one that is killed takes
its requests with it. Each process therefore lists what it took and has not finished (in
`Keys.taken`, the request serialized); whatever a dead process still lists is counted as
lost, once, by the process that closes its run or else by the next run, per source
(`news/source/<name>/lost`). The next run enqueues the lost requests again, through the
seen-request filter: its entry points may well answer 304, and must not be the only way back.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import socket
import uuid
from collections import Counter

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.request import request_from_dict
from twisted.internet import task

from crawler.distributed import Keys, keys_from_settings, redis_client, redis_enabled
from crawler.runs import source_key

logger = logging.getLogger(__name__)

# Lua runs atomically in Redis: two processes starting at the same moment cannot both start a
# run, and no process can see "queue empty, everyone idle" while another is half-way in.
_LIVE = """
local function live(member)
  return redis.call('EXISTS', ARGV[2] .. member) == 1
end
local function drain(member, lost)
  for _, v in ipairs(redis.call('HVALS', ARGV[3] .. member)) do table.insert(lost, v) end
  redis.call('DEL', ARGV[3] .. member)
end
"""
# Lost requests wait in the `lost` list (ARGV[5]) for the next run to enqueue them again.
# KEYS: crawlers, idle, requests, dupefilter, run, ended; ARGV: me, alive prefix, taken prefix, ttl
# -> {"fresh" | "joined" | "ended", run number, what dead crawlers of the old run had taken (not
#     counted yet), what the old run counted as lost}; ARGV[5]: the lost list
JOIN = (
    _LIVE
    + """
local members = redis.call('SMEMBERS', KEYS[1])
local any = false
for _, m in ipairs(members) do if live(m) then any = true end end
local ended = redis.call('GET', KEYS[6])
local state = 'fresh'
if ended and ended == redis.call('GET', KEYS[5]) then state = 'ended'
elseif any then state = 'joined' end
local lost, counted = {}, {}
if state == 'fresh' then
  for _, m in ipairs(members) do drain(m, lost) end
  counted = redis.call('LRANGE', ARGV[5], 0, -1)
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[5])
  redis.call('INCR', KEYS[5])
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', ARGV[2] .. ARGV[1], '1', 'EX', ARGV[4])
return {state, redis.call('GET', KEYS[5]), lost, counted}
"""
)
# KEYS: crawlers, idle, requests, run, ended; ARGV: me, alive prefix, taken prefix, ttl -> 1 when drained
IDLE = (
    _LIVE
    + """
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', ARGV[3] .. ARGV[1])
if redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if live(m) and redis.call('SISMEMBER', KEYS[2], m) == 0 then return 0 end
end
redis.call('SET', KEYS[5], redis.call('GET', KEYS[4]) or '0', 'EX', ARGV[4])
return 1
"""
)
# KEYS: crawlers, idle; ARGV: me, alive prefix, taken prefix, -, lost list -> what was lost
LEAVE = (
    _LIVE
    + """
local lost = {}
drain(ARGV[1], lost)
redis.call('DEL', ARGV[2] .. ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  local members = redis.call('SMEMBERS', KEYS[1])
  local any = false
  for _, m in ipairs(members) do if live(m) then any = true end end
  if not any then
    for _, m in ipairs(members) do drain(m, lost); redis.call('SREM', KEYS[1], m) end
  end
end
for _, v in ipairs(lost) do redis.call('RPUSH', ARGV[5], v) end
return lost
"""
)
# KEYS: crawlers; ARGV: alive prefix -> how many crawler processes are live
RUNNING = """
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. m) == 1 then n = n + 1 end
end
return n
"""


TIDY_EVERY = 0.1  # seconds: a finished request is dropped from `taken` within this


class SharedCrawl:
    """This process's part in the shared run (an extension the Redis add-on installs)."""

    def __init__(self, crawler, server, keys: Keys, timeout: float):
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.timeout = max(int(timeout), 2)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.starter = False
        self.recovered: list[str] = []  # what earlier runs lost, for the starter to enqueue again
        self.run_number = None
        self.joined = False
        self.idle = False
        self.taken: dict[str, Request] = {}  # our id -> request, until the engine is done with it
        self._sequence = 0
        self._join = server.register_script(JOIN)
        self._idle = server.register_script(IDLE)
        self._leave = server.register_script(LEAVE)
        self._beat = task.LoopingCall(self.beat)
        # Scrapy signals no "request done" moment: look every TIDY_EVERY s (and at every take).
        self._tidy = task.LoopingCall(self._forget_finished)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not redis_enabled(settings):
            raise NotConfigured("REDIS_URL is not set")
        ext = cls(
            crawler,
            redis_client(settings),
            keys_from_settings(settings),
            settings.getfloat("NEWS_REDIS_CRAWLER_TIMEOUT", 30),
        )
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        # Connected after the spider's own spider_closed handler (the spider is built before
        # extensions), so its last messages to the ingest are sent before this process leaves.
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # --- joining and leaving ------------------------------------------------------

    def join(self) -> None:
        """Join the live run, or start a fresh one (clearing the old queue and filter)."""
        k = self.keys
        state, number, lost, counted = self._join(
            keys=[k.crawlers, k.idle, k.requests, k.dupefilter, k.run, k.ended],
            args=[self.name, k.alive(""), k.taken(""), self.timeout, k.lost],
        )
        self.joined, self.starter, self.run_number = True, state == "fresh", number
        if state == "fresh":
            logger.info("Started run %s of the shared crawl as %s: this process enqueues the entry points",
                        number, self.name)  # fmt: skip
        elif state == "joined":
            logger.info("Joined run %s of the shared crawl as %s", number, self.name)
        else:  # processes of one cron run start seconds apart: a late one must not start another
            logger.info("Run %s of the shared crawl was drained less than NEWS_REDIS_CRAWLER_TIMEOUT (%d s)"
                        " ago: this process joins it and ends", number, self.timeout)  # fmt: skip
        self._report_lost(lost, "a crawler of an earlier run")
        self.recovered = [*counted, *lost]  # the scheduler enqueues them again
        self._beat.start(self.timeout / 3, now=False)
        self._tidy.start(TIDY_EVERY, now=False)

    def beat(self) -> None:
        """Tell the others we are alive."""
        self.server.set(self.keys.alive(self.name), "1", ex=self.timeout)

    def spider_closed(self, spider, reason):
        if not self.joined:
            return
        for loop in (self._beat, self._tidy):
            if loop.running:
                loop.stop()
        self._forget_finished()
        k = self.keys
        lost = self._leave(keys=[k.crawlers, k.idle], args=[self.name, k.alive(""), k.taken(""), "", k.lost])
        self.joined = False
        self._report_lost(lost, "a crawler that died during this run")

    # --- what this process took ---------------------------------------------------

    def leaving_idle(self) -> None:
        """Called before taking from the queue: from now on the others wait for us."""
        if self.idle:
            self.server.srem(self.keys.idle, self.name)
            self.idle = False

    def took(self, request: Request) -> None:
        self._sequence += 1
        ours = str(self._sequence)
        self.taken[ours] = request
        entry = json.dumps(
            {"url": request.url, "source": request.meta.get("source"), "request": self.encode(request)},
            ensure_ascii=False,
        )
        pipe = self.server.pipeline(transaction=False)
        self._forget_finished(pipe)
        pipe.hset(self.keys.taken(self.name), ours, entry)
        pipe.execute()

    def encode(self, request: Request) -> str:
        return base64.b64encode(
            pickle.dumps(request.to_dict(spider=self.crawler.spider), protocol=4)
        ).decode()

    def decode(self, entry: str) -> Request | None:
        """A lost request, to enqueue again; None for one that cannot be rebuilt (counted)."""
        try:
            data = pickle.loads(base64.b64decode(json.loads(entry)["request"]))  # noqa: S301  our own entry
            return request_from_dict(data, spider=self.crawler.spider)
        except (ValueError, KeyError, TypeError, AttributeError, pickle.UnpicklingError):
            self.crawler.stats.inc_value("news/redis/lost_unrecoverable")
            return None

    def _forget_finished(self, pipe=None) -> None:
        """Drop the requests the engine is done with: downloaded and their callbacks run.

        Scrapy has no signal for that moment; the engine's slot lists the requests in
        progress, as scrapy.utils.engine.get_engine_status reads it.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        in_progress = slot.inprogress if slot is not None else set()
        done = [ours for ours, request in self.taken.items() if request not in in_progress]
        if not done:
            return
        for ours in done:
            del self.taken[ours]
        if pipe is None:
            self.server.hdel(self.keys.taken(self.name), *done)
        else:
            pipe.hdel(self.keys.taken(self.name), *done)

    # --- the end of a run -----------------------------------------------------------

    def spider_idle(self, spider):
        """Nothing in flight here: close only when the whole run is drained."""
        if not self.joined:
            return
        self.taken.clear()  # idle: the engine has nothing in progress
        k = self.keys
        self.idle = True
        drained = self._idle(
            keys=[k.crawlers, k.idle, k.requests, k.run, k.ended],
            args=[self.name, k.alive(""), k.taken(""), self.timeout],
        )
        if not drained:
            raise DontCloseSpider("other crawler processes still have requests in flight")
        logger.info("Run %s of the shared crawl is drained: the queue is empty and no crawler is busy",
                    self.run_number)  # fmt: skip

    def _report_lost(self, entries: list, whose: str) -> None:
        if not entries:
            return
        stats = self.crawler.stats
        per_source: Counter[str] = Counter()
        for entry in entries:
            source = json.loads(entry).get("source")
            if source:
                per_source[source] += 1
        for source, count in per_source.items():
            stats.inc_value(source_key(source, "lost"), count)
        stats.inc_value("news/redis/lost_requests", len(entries))
        logger.warning(
            "Lost %d request(s) that %s had taken from the shared queue (%s); pages not stored are"
            " fetched again by the next run",
            len(entries),
            whose,
            ", ".join(f"{source}: {count}" for source, count in sorted(per_source.items())) or "no source",
        )


def crawlers_running(server, keys: Keys):
    """How many crawler processes are live in the current run (an awaitable with an asyncio client)."""
    return server.register_script(RUNNING)(keys=[keys.crawlers], args=[keys.alive("")])


class StartOnce:
    """A spider middleware: only the process that started the run enqueues the entry points.

    The others joined a run whose entry points are queued already (or about to be: the
    starter is not idle before its start requests are all scheduled).
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_enabled(crawler.settings):
            raise NotConfigured("REDIS_URL is not set")
        return cls(crawler)

    async def process_start(self, start):
        shared = self.crawler.get_extension(SharedCrawl)
        if shared is None or shared.starter:
            async for item_or_request in start:
                yield item_or_request
