"""What the spider needs from the archive, on one machine or shared over Redis.

The spider asks three things: is this article URL stored (and for which feed/sitemap date),
the validators of the entry points, and, at the end, to record the dates and validators
this crawl saw. On one machine the SQLite archive answers; with REDIS_URL the ingest's
copies in Redis answer and the records go to the ingest, which writes them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed import keys_from_settings, redis_client, redis_enabled
from crawler.distributed.pipeline import message
from crawler.store import Archive
from crawler.urls import normalize

Validators = dict[str, dict[str, str]]  # entry point URL -> {"etag": ..., "last_modified": ...}


def archive_view(settings) -> LocalArchive | RedisArchive:
    """The archive as this crawl sees it: Redis with REDIS_URL, else the SQLite file."""
    if redis_enabled(settings):
        return RedisArchive.from_settings(settings)
    return LocalArchive(settings.get("NEWS_DB_PATH"))


class LocalArchive:
    """The SQLite archive, opened only when it exists (a first crawl creates it at the end)."""

    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        self.archive = Archive(self.db_path) if self.db_path.exists() else None

    def known_url(self, url: str) -> dict[str, Any] | None:
        return self.archive.known_url(url) if self.archive else None

    def validators(self) -> Validators:
        return self.archive.validators() if self.archive else {}

    def has_articles(self, source: str) -> bool:
        return self.archive.has_articles(source) if self.archive else False

    def retry_states(self) -> dict[str, dict[str, Any]]:
        """Forget pending links stored since; the retry state of links that failed before."""
        if self.archive is None:
            return {}
        self.archive.drop_stored_pending()
        return self.archive.retry_states()

    def due_pending(self, source: str, limit: int, now: datetime) -> list[dict[str, Any]]:
        return self.archive.due_pending(source, limit, now) if self.archive and limit > 0 else []

    def keep_pending(
        self, skipped: dict, failures: dict, now: datetime, max_attempts: int, delay: float
    ) -> int:
        """Keep the links skipped for a budget, count the failed ones; how many were given up."""
        if self.archive is None and (skipped or failures):
            self.archive = Archive(self.db_path)
        if self.archive is None:
            return 0
        self.archive.add_pending(skipped, now.isoformat(timespec="seconds"))
        return self.archive.record_failures(failures, now, max_attempts, delay)

    def finish(self, hints: dict[str, str], requested: set[str], validators: Validators) -> None:
        """Record the newest feed/sitemap date of each article requested this run, and new validators.

        Only requested ones: a date recorded for an article not fetched would hide its change.
        """
        hints = {url: hint for url, hint in hints.items() if url in requested}
        if self.archive is None and (validators or hints):
            self.archive = Archive(self.db_path)
        if self.archive is not None:
            self.archive.raise_listed_at(hints)
            if validators:
                self.archive.save_validators(validators)
            self.archive.close()


class RedisArchive:
    """The ingest's copies in Redis: known article URLs and the entry points' validators."""

    def __init__(self, server, keys):
        self.server = server
        self.keys = keys
        self.seen = RFPDupeFilter(server, keys.dupefilter)  # for its fingerprints only

    @classmethod
    def from_settings(cls, settings) -> RedisArchive:
        return cls(redis_client(settings), keys_from_settings(settings))

    def known_url(self, url: str) -> dict[str, Any] | None:
        listed_at = self.server.hget(self.keys.known, normalize(url))
        return None if listed_at is None else {"id": None, "listed_at": listed_at or None}

    def validators(self) -> Validators:
        return {url: json.loads(value) for url, value in self.server.hgetall(self.keys.validators).items()}

    def has_articles(self, source: str) -> bool:
        return True  # a shared crawl cannot tell a source's first run: it reads the cron depth

    # Pending links are kept in the SQLite archive only: a shared crawl does not keep them yet.
    def retry_states(self) -> dict[str, dict[str, Any]]:
        return {}

    def due_pending(self, source: str, limit: int, now: datetime) -> list[dict[str, Any]]:
        return []

    def keep_pending(
        self, skipped: dict, failures: dict, now: datetime, max_attempts: int, delay: float
    ) -> int:
        return 0

    def finish(self, hints: dict[str, str], requested: set[str], validators: Validators) -> None:
        """Hand the dates and validators to the ingest, after this crawler's articles.

        An article this process saw listed may have been requested by another process of the
        run: the shared seen-request filter says so.
        """
        others = [url for url in hints if url not in requested]
        if others:
            fingerprints = [self.seen.request_fingerprint(Request(url)) for url in others]
            found = self.server.smismember(self.keys.dupefilter, fingerprints)
            requested = set(requested) | {url for url, seen in zip(others, found, strict=True) if seen}
        hints = {url: hint for url, hint in hints.items() if url in requested}
        if hints:
            self.server.rpush(self.keys.items, message("listed_at", hints=hints))
        if validators:
            self.server.rpush(self.keys.items, message("validators", validators=validators))


def record_run(
    settings, started: datetime, finished: datetime, runs: list, exit_code: int, outcome: str | None = None
) -> None:
    """Add a `scrapy update` to the run history: in the archive, or through the ingest with REDIS_URL."""
    if redis_enabled(settings):
        run = message(
            "run", started=started.isoformat(), finished=finished.isoformat(), exit_code=exit_code,
            outcome=outcome, sources={run.name: run.counts for run in runs},
        )  # fmt: skip
        redis_client(settings).rpush(keys_from_settings(settings).items, run)
        return
    with Archive(settings.get("NEWS_DB_PATH")) as archive:
        archive.record_run(started, finished, runs, exit_code, outcome)
