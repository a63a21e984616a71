"""Store articles in the SQLite archive, one row per canonical URL."""

from __future__ import annotations

import logging
import sqlite3

from itemadapter import ItemAdapter

from crawler.store import Archive

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, db_path: str, stats):
        self.db_path = db_path
        self.stats = stats
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWS_DB_PATH"), crawler.stats)

    def open_spider(self):
        self.archive = Archive(self.db_path)

    def close_spider(self):
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item):
        record = ItemAdapter(item).asdict()
        try:
            outcome = self.archive.save(record)
        except sqlite3.Error:
            self.stats.inc_value("news/store_errors")
            raise  # never let an article through as stored when it was not
        self.stats.inc_value(f"news/stored/{outcome}")
        logger.debug("%s article %s", outcome, record["url"])
        return item
