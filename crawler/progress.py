"""Progress you can see on a terminal and never in cron: one status line on stderr, rewritten
in place, only when stderr is a TTY.

`Progress` is for commands (probe, sources --check); `CrawlProgress` is a Scrapy extension
that shows a crawl's counters while it runs. Log lines clear the status line before they
are written, so the two never share a line.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from typing import TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

CLEAR = "\r\x1b[K"


class Progress:
    """A status line on a terminal; does nothing when the stream is not one (cron, pipes, tests)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = _is_tty(self.stream) if enabled is None else enabled
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def update(self, message: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write(CLEAR + message[:width])
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Take the status line away (before other output, and at the end)."""
        if self.enabled and self._shown:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.clear()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


class _ClearBeforeLog(logging.Filter):
    """Clears the status line before a log record is written to the same terminal."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


class CrawlProgress:
    """Scrapy extension: pages fetched and articles stored so far, on a terminal (NEWS_PROGRESS)."""

    def __init__(self, stats, progress: Progress):
        self.stats = stats
        self.progress = progress
        self.filter = _ClearBeforeLog(progress)

    @classmethod
    def from_crawler(cls, crawler):
        progress = Progress()
        if not crawler.settings.getbool("NEWS_PROGRESS", True) or not progress.enabled:
            raise NotConfigured
        extension = cls(crawler.stats, progress)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.show, signal=signals.response_received)
        crawler.signals.connect(extension.show, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        for handler in logging.getLogger().handlers:
            handler.addFilter(self.filter)

    def show(self, **_) -> None:
        get = self.stats.get_value
        self.progress.update(
            f"crawling: {get('response_received_count', 0)} pages, {get('news/stored/new', 0)} new,"
            f" {get('news/stored/updated', 0)} updated, {get('item_dropped_count', 0)} dropped"
        )

    def spider_closed(self, spider) -> None:
        self.progress.clear()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self.filter)
