"""The archive: the only module that knows table names and SQL (sqlite-utils).

One row per article keyed by its canonical URL; crawling an article again updates its
row in place, and only when its content changed. A new URL whose content is already stored
under another URL (the same page behind query-string variants) adds no row.

Crash safety: WAL journal; every save is one `BEGIN IMMEDIATE` transaction that reads and
writes the row, so a process killed at any moment leaves the row whole or absent, and two
crawls writing at once never insert the same URL twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

ARTICLES = "articles"
JSON_FIELDS = ("authors", "categories", "keywords")
# What a reader sees: a change in any of these is an update of the article.
CONTENT_FIELDS = (
    "title", "authors", "published", "modified", "language", "image", "excerpt",
    "description", "section", "categories", "keywords", "body_html",
)  # fmt: skip
SCHEMA = {
    "id": str, "url": str, "source": str, "title": str, "authors": str, "published": str,
    "modified": str, "language": str, "image": str, "excerpt": str, "description": str,
    "section": str, "categories": str, "keywords": str, "body_html": str, "content_hash": str,
    "requested_url": str, "first_seen": str, "updated_at": str,
    "duplicate_of": str,  # id of the original when this article is a copy of another story
}  # fmt: skip


def article_id(url: str) -> str:
    """A stable id for the article at a canonical URL (used in feed guids and post names)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


class Archive:
    """The SQLite archive of articles."""

    def __init__(self, path: str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(path)
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute("PRAGMA journal_mode=WAL")
        self._ensure_schema()

    @contextlib.contextmanager
    def _write(self):
        """One write transaction, taken before the first read so no other writer slips in."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _ensure_schema(self) -> None:
        with self._write():  # two processes starting on a new archive create it once
            table = self.db[ARTICLES]
            if not table.exists():
                table.create(SCHEMA, pk="id", not_null={"url", "title"})
                table.create_index(["url"], unique=True)
                table.create_index(["published"])
                table.create_index(["source"])
            else:
                missing = {k: v for k, v in SCHEMA.items() if k not in table.columns_dict}
                for name, kind in missing.items():
                    table.add_column(name, kind)
            self.db.execute(
                f"CREATE INDEX IF NOT EXISTS idx_{ARTICLES}_content_hash ON {ARTICLES}(content_hash)"
            )

    def integrity_check(self) -> list[str]:
        """SQLite's own check of the file: ['ok'] when sound."""
        return [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]

    def close(self) -> None:
        self.db.close()

    def save(self, record: dict[str, Any], now: datetime | None = None) -> str:
        """Insert or update one article; returns 'new', 'updated', 'unchanged' or 'duplicate'
        (the same content is stored under another URL of the same source)."""
        row = {key: record.get(key) for key in SCHEMA if key in record}
        for key in JSON_FIELDS:
            row[key] = json.dumps(list(record.get(key) or []), ensure_ascii=False)
        row["content_hash"] = _content_hash(row)
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        with self._write():
            existing = self.find_by_url(row["url"])
            if existing is None:
                twin = self.db.execute(
                    f"SELECT 1 FROM {ARTICLES} WHERE content_hash = ? AND source = ? LIMIT 1",
                    [row["content_hash"], row.get("source")],
                ).fetchone()
                if twin:
                    return "duplicate"
                row.update(id=article_id(row["url"]), first_seen=stamp, updated_at=stamp)
                self.db[ARTICLES].insert(row)
                return "new"
            if existing["content_hash"] == row["content_hash"]:
                return "unchanged"
            row.update(updated_at=stamp)
            row.pop("id", None)
            self.db[ARTICLES].update(existing["id"], row)
            return "updated"

    def find_by_url(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db[ARTICLES].rows_where("url = ?", [url], limit=1))
        return _decode(rows[0]) if rows else None

    def duplicates(self) -> list[tuple[str, int]]:
        """URLs stored more than once (never, with the unique index): [(url, copies)]."""
        sql = f"SELECT url, count(*) FROM {ARTICLES} GROUP BY url HAVING count(*) > 1"
        return [tuple(row) for row in self.db.execute(sql).fetchall()]

    def count(self) -> int:
        return self.db[ARTICLES].count

    def latest(self, limit: int | None = None, where: str | None = None, args=()) -> list[dict[str, Any]]:
        """Newest first by publication time (first-seen time when a page gave none), then id."""
        rows = self.db[ARTICLES].rows_where(
            where, list(args), order_by="coalesce(published, first_seen) desc, id", limit=limit
        )
        return [_decode(row) for row in rows]

    def iter_all(self) -> Iterator[dict[str, Any]]:
        for row in self.db[ARTICLES].rows_where(order_by="id"):
            yield _decode(row)

    # --- what the exporters read: published articles only (not copies of another story) ---

    def published_heads(self) -> Iterator[dict[str, Any]]:
        """Just enough of each publishable article to name its post and tell if it changed."""
        yield from self.db[ARTICLES].rows_where(
            "duplicate_of is null",
            select="id, url, source, content_hash, published, first_seen",
            order_by="id",
        )

    def get(self, article_id: str) -> dict[str, Any]:
        return _decode(self.db[ARTICLES].get(article_id))

    def latest_published(self, limit: int, source: str | None = None, category: str | None = None):
        """The newest publishable articles, optionally of one source or one category."""
        where, args = ["duplicate_of is null"], []
        if source is not None:
            where.append("source = ?")
            args.append(source)
        if category is not None:
            where.append("exists (select 1 from json_each(articles.categories) where value = ?)")
            args.append(category)
        return self.latest(limit, " and ".join(where), args)

    def published_sources(self) -> list[str]:
        sql = f"select distinct source from {ARTICLES} where duplicate_of is null order by source"
        return [row[0] for row in self.db.execute(sql)]

    def published_categories(self) -> list[str]:
        sql = (
            f"select distinct value from {ARTICLES}, json_each({ARTICLES}.categories)"
            " where duplicate_of is null order by value"
        )
        return [row[0] for row in self.db.execute(sql)]

    def mark_duplicate(self, article_id: str, original_id: str) -> None:
        with self.db.conn:
            self.db[ARTICLES].update(article_id, {"duplicate_of": original_id})


def _content_hash(row: dict[str, Any]) -> str:
    content = json.dumps([row.get(key) for key in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for key in JSON_FIELDS:
        row[key] = json.loads(row[key]) if row.get(key) else []
    return row
