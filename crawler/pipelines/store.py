"""Store articles in the SQLite archive, one row per canonical URL, each story once."""

from __future__ import annotations

import logging
import sqlite3

from itemadapter import ItemAdapter

from crawler.dedupe import Policy
from crawler.runs import source_key
from crawler.store import Archive

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, db_path: str, stats, policy: Policy | None = None):
        self.db_path = db_path
        self.stats = stats
        self.policy = policy or Policy()
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        threshold = crawler.settings.getfloat("NEWS_DEDUPE_THRESHOLD", Policy.threshold)
        return cls(crawler.settings.get("NEWS_DB_PATH"), crawler.stats, Policy(threshold=threshold))

    def open_spider(self):
        self.archive = Archive(self.db_path, self.policy)

    def close_spider(self):
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item):
        record = ItemAdapter(item).asdict()
        aliases = (record.get("requested_url"), *(record.get("aliases") or ()))
        try:
            outcome = self.archive.save(record, aliases=tuple(url for url in aliases if url))
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
        return item
