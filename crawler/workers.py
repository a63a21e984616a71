"""Extraction in worker processes, so Scrapy's one event loop only downloads and stores.

Extraction is CPU work (lxml, trafilatura, dateparser): run inline it blocks the reactor and
leaves the other core idle. Workers are started with `forkserver` (forking a threaded Twisted
process is unsafe), sized to the cores, and replaced when one dies. The page travels as its
bytes and encoding: decoding happens in the worker too. The pipelines hand the same workers
their own CPU work (sanitizing, plain text, fingerprints): one pool per crawl (`of`).
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from crawler.extract import extract_article
from crawler.sources import Source

logger = logging.getLogger(__name__)
T = TypeVar("T")


def extract_page(body: bytes, encoding: str, url: str, source: Source) -> dict:
    """The extraction of one page, as a worker runs it: decode, drop C0 controls, extract."""
    encoding = encoding or "utf-8"
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        text = C0_CONTROLS_RE.sub("", body.decode(encoding, "replace"))
    else:  # in ASCII-compatible encodings (UTF-8, CP949, ...) these bytes are only ever controls
        text = body.translate(None, C0_CONTROL_BYTES).decode(encoding, "replace")
    return extract_article(text, url, source)


# C0 controls but tab, LF and CR (and DEL): one in an attribute makes lxml lose the body.
# Deleted from the bytes (50 us on a 100 KB page; the pattern over the text took 300 us).
C0_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
C0_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _start_worker(crawl_pid: int) -> None:
    """Load the extraction stack once per worker, and end the worker when the crawl is gone.

    A crawl killed with SIGKILL cannot shut its pool down; without the watch its workers
    (children of the forkserver, not of the crawl) would wait for work forever.
    """
    threading.Thread(target=_watch, args=(crawl_pid,), daemon=True, name="crawl-watch").start()
    extract_article(WARM_UP_PAGE, "http://localhost/warm-up", Source(name="warm-up"))


# An article long enough for trafilatura's fast pass, as most news pages are: a short one would
# send the warm-up through the full pass, whose jusText stop lists (every language's, 30 MB a
# worker) most crawls never need.
WARM_UP_PARAGRAPH = "<p>Paragraph {} of a warm-up article, written as an article's sentences are.</p>"
WARM_UP_PAGE = "<html><body><article><h1>Warm-up</h1>{}</article></body></html>".format(
    "".join(WARM_UP_PARAGRAPH.format(n) for n in range(20))
)


def _ready() -> None:
    """A task that only makes the pool start a worker."""


def _watch(crawl_pid: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)


class ExtractionPool:
    """A pool of extraction workers; `workers=0` extracts inline (for debugging and probes)."""

    def __init__(self, workers: int | None = None):
        self.workers = os.cpu_count() or 1 if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings) -> ExtractionPool:
        value = settings.get("NEWS_EXTRACT_WORKERS")
        return cls(None if value in (None, "") else int(value))

    @classmethod
    def of(cls, crawler) -> ExtractionPool:
        """The crawl's one pool, shared by the spider and the pipelines; closed when the engine stops."""
        from scrapy import signals  # here: the workers import this module and need no Scrapy

        pool = getattr(crawler, "extraction_pool", None)
        if pool is None:
            pool = crawler.extraction_pool = cls.from_settings(crawler.settings)
            crawler.signals.connect(pool.start, signal=signals.engine_started)
            crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    def start(self) -> None:
        """Start every worker now, while the crawl fetches its feeds and sitemaps: started on
        the first page, their start-up (a second and a half) held the first articles back."""
        if self.workers:
            for _ in range(self.workers):
                self._pool().submit(_ready)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.extract", "crawler.normalize", "crawler.derived"])
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
            )
        return self._executor

    async def extract(self, body: bytes, encoding: str, url: str, source: Source) -> dict:
        return await self.run(extract_page, body, encoding, url, source)

    async def run(self, function: Callable[..., T], *args) -> T:
        """`function(*args)` in a worker (a module-level function: it travels by name)."""
        if self.workers == 0:
            return function(*args)
        try:
            return await asyncio.wrap_future(self._pool().submit(function, *args))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a new pool and try this once more.
            logger.warning("An extraction worker died; starting new workers (during %s)", function.__name__)
            self.close()
            return await asyncio.wrap_future(self._pool().submit(function, *args))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
