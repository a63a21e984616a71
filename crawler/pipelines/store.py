"""Store articles in the SQLite archive, one row per canonical URL, each story once.

Saves are committed in batches (NEWS_STORE_BATCH_SIZE articles, or NEWS_STORE_BATCH_SECONDS
after the first uncommitted one, whichever comes first, and when the crawl closes): one
commit per article rewrote the shared index pages for every article. A crawl killed
mid-batch loses only that batch's articles, which are not stored, so the next run fetches
them again; what was committed stays whole.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from itemadapter import ItemAdapter
from twisted.internet import task

from crawler.dedupe import Policy
from crawler.derived import derive
from crawler.runs import source_key
from crawler.store import Archive
from crawler.workers import ExtractionPool

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, db_path: str, stats, policy: Policy | None = None, batch_size: int = 1,
                 batch_seconds: float = 0, workers: ExtractionPool | None = None):  # fmt: skip
        self.db_path = db_path
        self.workers = workers or ExtractionPool(0)  # fingerprints and index text: CPU, not SQL
        self.stats = stats
        self.policy = policy or Policy()
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.archive: Archive | None = None
        self.pending = 0  # saves not committed yet
        self.batch_started = 0.0
        self._timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings.get("NEWS_DB_PATH"),
            crawler.stats,
            Policy(threshold=settings.getfloat("NEWS_DEDUPE_THRESHOLD", Policy.threshold)),
            batch_size=settings.getint("NEWS_STORE_BATCH_SIZE", 1),
            batch_seconds=settings.getfloat("NEWS_STORE_BATCH_SECONDS", 0),
            workers=ExtractionPool.of(crawler),
        )

    def open_spider(self):
        self.archive = Archive(self.db_path, self.policy)
        if self.batch_size > 1 and self.batch_seconds > 0:  # a quiet crawl still commits on time
            self._timer = task.LoopingCall(self._commit_if_due)
            self._timer.start(min(1.0, self.batch_seconds), now=False)

    def close_spider(self):
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.archive is not None:
            self.flush()
            self.archive.close()

    def flush(self) -> None:
        """Commit what was saved so far (the Redis ingest acknowledges items only after this)."""
        if self.pending:
            self.archive.commit()
            self.stats.inc_value("news/store/commits")
            self.pending = 0

    def _commit_if_due(self) -> None:
        if self.pending and time.monotonic() - self.batch_started >= self.batch_seconds:
            self.flush()

    async def process_item(self, item):
        record = ItemAdapter(item).asdict()
        made = {key: record.get(key) for key in ("title", "body_html", "text")}
        derived = await self.workers.run(derive, made)
        aliases = (record.get("requested_url"), *(record.get("aliases") or ()))
        try:
            if self.batch_size > 1 and not self.pending:
                self.archive.begin()
                self.batch_started = time.monotonic()
            outcome = self.archive.save(
                record, aliases=tuple(url for url in aliases if url), derived=derived
            )
        except sqlite3.Error:
            self.stats.inc_value("news/store_errors")
            self.stats.inc_value(source_key(record["source"], "errors"))
            raise  # never let an article through as stored when it was not
        self.stats.inc_value(f"news/stored/{outcome}")
        self.stats.inc_value(source_key(record["source"], "unchanged" if outcome == "duplicate" else outcome))
        if self.archive.last_merge:
            copy, original, score = self.archive.last_merge
            self.stats.inc_value("news/dedupe/merged")
            logger.info("Same story: %s is a copy of %s (similarity %.2f)", copy, original, score)
        logger.debug("%s article %s", outcome, record["url"])
        self.pending += 1
        if self.pending >= self.batch_size or time.monotonic() - self.batch_started >= self.batch_seconds:
            self.flush()
        return item
