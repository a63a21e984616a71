"""The archive: the only module that knows table names and SQL (sqlite-utils).

One row per article keyed by its canonical URL; crawling an article again updates its
row in place, and only when its content changed. A new URL whose content is already stored
under another URL (the same page behind query-string variants) adds no row.

Crash safety: WAL journal; every save is one `BEGIN IMMEDIATE` transaction (or a savepoint in
a batch of saves the crawl commits together) that reads and writes the row, so a process
killed at any moment leaves the row whole or absent, and two crawls writing at once never
insert the same URL twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler import dedupe, search
from crawler.derived import Derived, derive
from crawler.text import body_text
from crawler.urls import normalize

ARTICLES = "articles"
ALIASES = "aliases"  # every normalized URL that led to an article -> its id
VALIDATORS = "validators"  # ETag / Last-Modified of feeds and sitemaps, for conditional requests
FINGERPRINTS = "fingerprints"  # exact text hash and MinHash signature per article
BANDS = "lsh_bands"  # LSH bucket -> article ids, to find near copies without a scan
RUNS = "runs"  # one row per `scrapy update`
SEARCH = "articles_fts"  # FTS5 over headline and body, Korean as bigrams (crawler/search.py)
PENDING = "pending"  # article links left for a later run: over a budget, or failed (retry, backoff)
JSON_FIELDS = ("authors", "categories", "keywords")
# What a reader sees: a change in any of these is an update of the article.
CONTENT_FIELDS = (
    "title", "authors", "published", "modified", "language", "image", "excerpt",
    "description", "section", "categories", "keywords", "standfirst", "body_html",
)  # fmt: skip
SCHEMA = {
    "id": str, "url": str, "source": str, "title": str, "authors": str, "published": str,
    "modified": str, "language": str, "image": str, "excerpt": str, "description": str,
    "section": str, "categories": str, "keywords": str, "standfirst": str, "body_html": str,
    "content_hash": str,
    "requested_url": str, "first_seen": str, "updated_at": str,
    "duplicate_of": str,  # id of the original when this article is a copy of another story
    "similarity": float,  # how close a copy is to its original (1.0: same text)
    "listed_at": str,  # the feed `updated` / sitemap `lastmod` the article was last fetched for
}  # fmt: skip


def committed_articles(path: str | Path) -> int:
    """Articles committed to the archive at `path` so far, read-only so that a crawl writing it
    is not disturbed (0 before it exists): what a watcher of a running crawl can count."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(f"SELECT count(*) FROM {ARTICLES}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def article_id(url: str) -> str:
    """A stable id for the article at a canonical URL (used in feed guids and post names)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


class Archive:
    """The SQLite archive of articles."""

    def __init__(self, path: str | Path, policy: dedupe.Policy | None = None):
        self.policy = policy or dedupe.Policy()
        self.last_merge: tuple[str, str, float] | None = None  # (copy id, original id, similarity)
        self.in_batch = False
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(path)
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints, not at every commit: a crash of the process (or
        # of the machine, in the worst case the last commits) never corrupts the file. FULL
        # spent half the crawl's store time waiting for fsync.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._ensure_schema()

    @contextlib.contextmanager
    def _write(self):
        """One write transaction, taken before the first read so no other writer slips in.

        Inside a batch (`begin`) it is a savepoint instead: a failed save is undone alone and
        the batch goes on.
        """
        conn = self.db.conn
        if self.in_batch:
            conn.execute("SAVEPOINT save")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK TO save")
                conn.execute("RELEASE save")
                raise
            conn.execute("RELEASE save")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def begin(self) -> None:
        """Start a batch: the saves until `commit` share one transaction (one write of the pages
        they share: the indexes, the full-text index), each save still undone alone on error."""
        if not self.in_batch:
            self.db.conn.execute("BEGIN IMMEDIATE")
            self.in_batch = True

    def commit(self) -> None:
        """End the batch: everything saved since `begin` is in the file, or (on a crash) none of it."""
        if self.in_batch:
            self.in_batch = False
            self.db.conn.execute("COMMIT")

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
            # The feeds' order (`latest`): newest first without sorting the whole archive.
            self.db.execute(
                f"CREATE INDEX IF NOT EXISTS idx_{ARTICLES}_recency"
                f" ON {ARTICLES}(coalesce(published, first_seen) DESC, id)"
            )
            self.db[ALIASES].create({"url": str, "article_id": str}, pk="url", if_not_exists=True)
            self.db[VALIDATORS].create(
                {"url": str, "etag": str, "last_modified": str}, pk="url", if_not_exists=True
            )
            self.db[FINGERPRINTS].create(
                {"article_id": str, "exact": str, "signature": bytes, "length": int},
                pk="article_id",
                if_not_exists=True,
            )
            self.db.execute(f"CREATE INDEX IF NOT EXISTS idx_{FINGERPRINTS}_exact ON {FINGERPRINTS}(exact)")
            self.db[BANDS].create({"bucket": int, "article_id": str}, if_not_exists=True)
            self.db.execute(f"CREATE INDEX IF NOT EXISTS idx_{BANDS}_bucket ON {BANDS}(bucket)")
            self.db.execute(f"CREATE INDEX IF NOT EXISTS idx_{BANDS}_article ON {BANDS}(article_id)")
            self.db[RUNS].create(
                {"id": int, "started": str, "finished": str, "exit_code": int, "sources": str,
                 "outcome": str},
                pk="id",
                if_not_exists=True,
            )
            self.db[PENDING].create(
                {
                    "key": str, "url": str, "source": str, "listed_at": str, "first_seen": str,
                    "attempts": int, "next_try": str, "last_error": str, "gave_up": str,
                },
                pk="key", not_null={"url", "source"}, defaults={"attempts": 0}, if_not_exists=True,
            )  # fmt: skip
            self.db.execute(f"CREATE INDEX IF NOT EXISTS idx_{PENDING}_source ON {PENDING}(source)")
            self._ensure_search_index()

    def _ensure_search_index(self) -> None:
        """The full-text index, built from the articles when missing (archives made before it).

        Its rowid is the article's rowid, as Datasette's search expects; `article_id` is kept
        too, and an index whose rows no longer line up with the articles is built again. A
        delete trigger keeps it in sync however a row is deleted (even by hand).
        """
        if self.db[SEARCH].exists():
            articles = self.db.execute(f"SELECT count(*), max(rowid) FROM {ARTICLES}").fetchone()
            indexed = self.db.execute(f"SELECT count(*), max(rowid) FROM {SEARCH}").fetchone()
            if tuple(articles) == tuple(indexed):
                return
            self.db.execute(f"DROP TABLE {SEARCH}")
        self.db.execute(
            f"CREATE VIRTUAL TABLE {SEARCH} USING fts5(title, body, article_id UNINDEXED,"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.db.execute(f"DROP TRIGGER IF EXISTS {SEARCH}_delete")
        self.db.execute(
            f"CREATE TRIGGER {SEARCH}_delete AFTER DELETE ON {ARTICLES}"
            f" BEGIN DELETE FROM {SEARCH} WHERE rowid = old.rowid; END"
        )
        rows = self.db.execute(f"SELECT rowid, id, title, body_html FROM {ARTICLES}")
        self.db.conn.executemany(
            f"INSERT INTO {SEARCH} (rowid, title, body, article_id) VALUES (?, ?, ?, ?)",
            (
                (rowid, *search.document(title, body_text(body)).values(), id_)
                for rowid, id_, title, body in rows
            ),
        )

    def _index_article(self, article_id: str, derived: Derived) -> None:
        """(Re)index one article, inside the caller's write transaction."""
        conn = self.db.conn
        rowid = conn.execute(f"SELECT rowid FROM {ARTICLES} WHERE id = ?", [article_id]).fetchone()[0]
        conn.execute(f"DELETE FROM {SEARCH} WHERE rowid = ?", [rowid])
        conn.execute(
            f"INSERT INTO {SEARCH} (rowid, title, body, article_id) VALUES (?, ?, ?, ?)",
            [rowid, derived.search_title, derived.search_body, article_id],
        )

    def integrity_check(self) -> list[str]:
        """SQLite's own check of the file: ['ok'] when sound."""
        return [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]

    def close(self) -> None:
        self.commit()
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def save(
        self,
        record: dict[str, Any],
        now: datetime | None = None,
        aliases: tuple[str, ...] = (),
        derived: Derived | None = None,
    ) -> str:
        """Insert or update one article; returns 'new', 'updated', 'unchanged' or 'duplicate'
        (the same content is stored under another URL of the same source).

        The article is also known from then on by every URL in `aliases` (the URL requested,
        the one redirected to, og:url), normalized. A new article that tells a stored story
        again is stored linked to the original (`duplicate_of`); `last_merge` says which.
        `derived` is `derive(record)` when the caller made it already (the crawl makes it in
        a worker process: it is CPU work that needs no database).
        """
        row = {key: record.get(key) for key in SCHEMA if key in record}
        for key in JSON_FIELDS:
            row[key] = json.dumps(list(record.get(key) or []), ensure_ascii=False)
        row["content_hash"] = _content_hash(row)
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        keys = sorted({normalize(url) for url in (row["url"], *aliases) if url})
        self.last_merge = None
        with self._write():
            existing = self.find_by_url(row["url"]) or self._find_by_alias(keys)
            if existing is None:
                twin = self.db.execute(
                    f"SELECT id FROM {ARTICLES} WHERE content_hash = ? AND source = ? LIMIT 1",
                    [row["content_hash"], row.get("source")],
                ).fetchone()
                if twin:
                    self._add_aliases(keys, twin[0])
                    return "duplicate"
                row.update(id=article_id(row["url"]), first_seen=stamp, updated_at=stamp)
                self._insert(row)
                derived = derived or derive(row)
                self._index_article(row["id"], derived)
                self._add_aliases(keys, row["id"])
                self._link_story(row, derived)
                return "new"
            self._add_aliases(keys, existing["id"])
            if existing["content_hash"] == row["content_hash"]:
                if row.get("listed_at") and row["listed_at"] != existing.get("listed_at"):
                    self.db[ARTICLES].update(existing["id"], {"listed_at": row["listed_at"]})
                return "unchanged"
            row.update(updated_at=stamp, url=existing["url"])  # a new canonical stays an alias
            row.pop("id", None)
            self.db[ARTICLES].update(existing["id"], row)
            merged = existing | row
            if derived is None or not {"title", "body_html"} <= row.keys():
                derived = derive(merged)
            self._index_article(existing["id"], derived)
            self._store_fingerprint(existing["id"], derived.fingerprint)
            return "updated"

    def _insert(self, row: dict[str, Any]) -> None:
        names = list(row)
        self.db.conn.execute(
            f"INSERT INTO {ARTICLES} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[name] for name in names],
        )

    def _find_by_alias(self, keys: list[str]) -> dict[str, Any] | None:
        if not keys:
            return None
        marks = ", ".join("?" for _ in keys)
        found = self.db.execute(
            f"SELECT article_id FROM {ALIASES} WHERE url IN ({marks}) LIMIT 1", keys
        ).fetchone()
        return self.get(found[0]) if found else None

    def _add_aliases(self, keys: list[str], target: str) -> None:
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {ALIASES} (url, article_id) VALUES (?, ?)",
            [(key, target) for key in keys],
        )

    def known_url(self, url: str) -> dict[str, Any] | None:
        """The stored article a URL leads to (by any of its aliases), with its `listed_at` hint."""
        found = self.db.execute(
            f"SELECT a.id, a.listed_at FROM {ALIASES} AS l JOIN {ARTICLES} AS a ON a.id = l.article_id"
            " WHERE l.url = ?",
            [normalize(url)],
        ).fetchone()
        return {"id": found[0], "listed_at": found[1]} if found else None

    def known_urls(self) -> Iterator[tuple[str, str]]:
        """(normalized URL, listed_at or "") for every URL the archive knows an article by
        (what the Redis ingest publishes for crawlers on other machines)."""
        yield from self.db.execute(
            f"SELECT l.url, coalesce(a.listed_at, '') FROM {ALIASES} AS l"
            f" JOIN {ARTICLES} AS a ON a.id = l.article_id"
        )

    def raise_listed_at(self, hints: dict[str, str]) -> None:
        """Record, for articles fetched this run, the newest feed/sitemap date seen for them."""
        with self._write():
            for url, hint in hints.items():
                self.db.execute(
                    f"UPDATE {ARTICLES} SET listed_at = ? WHERE id = (SELECT article_id FROM {ALIASES}"
                    " WHERE url = ?) AND (listed_at IS NULL OR listed_at < ?)",
                    [hint, normalize(url), hint],
                )

    # --- links left for later runs ---------------------------------------------------

    def add_pending(self, links: dict[str, tuple[str, str | None]], now: str) -> None:
        """Keep article links (url -> (source, listed_at)) a run skipped for its budget; a link
        kept already keeps its attempts and its first_seen, and gets the newer listed_at."""
        with self._write():
            for url, (source, listed_at) in links.items():
                self.db.execute(
                    f"INSERT INTO {PENDING} (key, url, source, listed_at, first_seen, attempts)"
                    " VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT(key) DO UPDATE SET"
                    " listed_at = nullif(max(coalesce(listed_at, ''), coalesce(excluded.listed_at, '')), '')",
                    [normalize(url), url, source, listed_at, now],
                )

    def record_failures(
        self, failures: dict[str, tuple[str, str | None, str]], now: datetime, max_attempts: int, delay: float
    ) -> int:
        """Count one failed attempt per link (url -> (source, listed_at, reason)): the next try
        waits `delay` seconds, doubled at each attempt; at `max_attempts` the link is given up.
        Returns how many links were given up now."""
        given_up = 0
        with self._write():
            for url, (source, listed_at, reason) in failures.items():
                key = normalize(url)
                row = self.db.execute(f"SELECT attempts FROM {PENDING} WHERE key = ?", [key]).fetchone()
                attempts = (row[0] if row else 0) + 1
                wait = delay * 2 ** (attempts - 1)
                next_try = (now + timedelta(seconds=wait)).isoformat(timespec="seconds")
                gave_up = now.isoformat(timespec="seconds") if attempts >= max_attempts else None
                given_up += gave_up is not None
                self.db.execute(
                    f"INSERT INTO {PENDING} (key, url, source, listed_at, first_seen, attempts, next_try,"
                    " last_error, gave_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                    " attempts = excluded.attempts, next_try = excluded.next_try,"
                    " last_error = excluded.last_error, gave_up = excluded.gave_up",
                    [key, url, source, listed_at, now.isoformat(timespec="seconds"), attempts, next_try,
                     reason, gave_up],
                )  # fmt: skip
        return given_up

    def drop_stored_pending(self) -> None:
        """Forget pending links whose article is stored now (by any URL that led to it)."""
        with self._write():
            self.db.execute(f"DELETE FROM {PENDING} WHERE key IN (SELECT url FROM {ALIASES})")

    def due_pending(self, source: str, limit: int, now: datetime) -> list[dict[str, Any]]:
        """Up to `limit` links of a source due for a try, newest first (by feed/sitemap date)."""
        rows = self.db.execute(
            f"SELECT url, listed_at FROM {PENDING} WHERE source = ? AND gave_up IS NULL"
            " AND (next_try IS NULL OR next_try <= ?)"
            " ORDER BY listed_at IS NULL, listed_at DESC, first_seen DESC LIMIT ?",
            [source, now.isoformat(timespec="seconds"), limit],
        ).fetchall()
        return [{"url": url, "listed_at": listed_at} for url, listed_at in rows]

    def retry_states(self) -> dict[str, dict[str, Any]]:
        """Normalized URL -> next_try and gave_up of every link that failed before."""
        rows = self.db.execute(f"SELECT key, next_try, gave_up FROM {PENDING} WHERE attempts > 0")
        return {key: {"next_try": next_try, "gave_up": gave_up} for key, next_try, gave_up in rows}

    def pending_counts(self) -> dict[str, dict[str, int]]:
        """Per source: links waiting, and links given up."""
        counts: dict[str, dict[str, int]] = {}
        for source, waiting, given_up in self.db.execute(
            f"SELECT source, sum(gave_up IS NULL), sum(gave_up IS NOT NULL) FROM {PENDING} GROUP BY source"
        ):
            counts[source] = {"waiting": waiting, "given_up": given_up}
        return counts

    # --- conditional requests and run history ------------------------------------

    def validators(self) -> dict[str, dict[str, str]]:
        """ETag / Last-Modified of every feed and sitemap, by URL."""
        return {row["url"]: row for row in self.db[VALIDATORS].rows}

    def save_validators(self, entries: dict[str, dict[str, str]]) -> None:
        with self._write():
            for url, headers in entries.items():
                self.db[VALIDATORS].upsert({"url": url, **headers}, pk="url")

    def record_run(
        self, started: datetime, finished: datetime, sources: list, exit_code: int, outcome: str | None = None
    ) -> None:
        """One row of the run history: when, how it ended (`outcome`: ok, failed, interrupted,
        export failed), and what each source did."""
        per_source = {run.name: run.counts | {"problem": run.problem} for run in sources}
        with self._write():
            self.db[RUNS].insert(
                {
                    "started": started.isoformat(timespec="seconds"),
                    "finished": finished.isoformat(timespec="seconds"),
                    "exit_code": exit_code,
                    "sources": json.dumps(per_source, ensure_ascii=False),
                    "outcome": outcome,
                },
                alter=True,  # an archive made before the `outcome` column gains it
            )

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.db[RUNS].rows_where(order_by="id desc", limit=limit)
        return [dict(row, sources=json.loads(row["sources"])) for row in rows]

    # --- each story once ---------------------------------------------------------

    def _store_fingerprint(self, article_id: str, fp: dedupe.Fingerprint) -> None:
        self.db.execute(f"DELETE FROM {BANDS} WHERE article_id = ?", [article_id])
        self.db.execute(
            f"INSERT OR REPLACE INTO {FINGERPRINTS} (article_id, exact, signature, length)"
            " VALUES (?, ?, ?, ?)",
            [article_id, fp.exact, fp.signature, fp.length],
        )
        self.db.conn.executemany(
            f"INSERT INTO {BANDS} (bucket, article_id) VALUES (?, ?)",
            [(band, article_id) for band in fp.bands],
        )

    def _link_story(self, row: dict[str, Any], derived: Derived) -> None:
        """Record a new article's fingerprint and link it to the story it repeats, if any."""
        fp, text = derived.fingerprint, derived.text
        self._store_fingerprint(row["id"], fp)
        if fp.length < dedupe.MIN_EXACT_LENGTH:
            return
        new = {"title": row.get("title") or "", "text": text, "length": fp.length}
        for candidate, exact in self._candidates(row["id"], fp):
            score = 1.0 if exact else dedupe.similarity(fp.signature, candidate["signature"])
            if not exact and score < self.policy.threshold:
                continue  # most bucket neighbours: no need to read their bodies
            old_row = self.get(candidate["article_id"])
            old = {
                "title": old_row["title"],
                "text": body_text(old_row["body_html"]),
                "length": candidate["length"],
            }
            if exact or dedupe.same_story(self.policy, new, old, score):
                self._merge(row, old_row, score)
                return

    def _candidates(self, own_id: str, fp: dedupe.Fingerprint):
        """(fingerprint row, is exact copy): exact copies first, then near ones sharing an LSH bucket."""
        exact = self.db.execute(
            f"SELECT article_id, signature, length FROM {FINGERPRINTS}"
            " WHERE exact = ? AND article_id != ? LIMIT 5",
            [fp.exact, own_id],
        ).fetchall()
        seen = {row[0] for row in exact}
        for row in exact:
            yield {"article_id": row[0], "signature": row[1], "length": row[2]}, True
        marks = ", ".join("?" for _ in fp.bands)
        near = self.db.execute(
            f"SELECT f.article_id, f.signature, f.length, count(*) AS shared FROM {BANDS} AS b"
            f" JOIN {FINGERPRINTS} AS f ON f.article_id = b.article_id"
            f" WHERE b.bucket IN ({marks}) AND b.article_id != ?"
            " GROUP BY f.article_id ORDER BY shared DESC LIMIT 20",
            [*fp.bands, own_id],
        ).fetchall()
        for row in near:
            if row[0] not in seen:
                yield {"article_id": row[0], "signature": row[1], "length": row[2]}, False

    def _merge(self, new: dict[str, Any], old: dict[str, Any], score: float) -> None:
        """Link the copy to the original: the earliest published, ties to the first seen."""
        original = self.get(old["duplicate_of"]) if old.get("duplicate_of") else old
        if _story_order(new) < _story_order(original):
            # The new article is the older story: it becomes the original of the whole group.
            self.db.execute(
                f"UPDATE {ARTICLES} SET duplicate_of = ?, similarity = coalesce(similarity, ?)"
                " WHERE id = ? OR duplicate_of = ?",
                [new["id"], score, original["id"], original["id"]],
            )
            self.last_merge = (original["id"], new["id"], score)
        else:
            self.db[ARTICLES].update(new["id"], {"duplicate_of": original["id"], "similarity": score})
            self.last_merge = (new["id"], original["id"], score)

    def find_by_url(self, url: str) -> dict[str, Any] | None:
        return self._row("url = ?", url)

    def _row(self, where: str, value: str) -> dict[str, Any] | None:
        """One article row (plain SQL: on the crawl's hot path, sqlite-utils' table lookups cost)."""
        cursor = self.db.conn.execute(f"SELECT * FROM {ARTICLES} WHERE {where} LIMIT 1", [value])
        found = cursor.fetchone()
        if found is None:
            return None
        return _decode(dict(zip([column[0] for column in cursor.description], found, strict=True)))

    def duplicates(self) -> list[tuple[str, int]]:
        """URLs stored more than once (never, with the unique index): [(url, copies)]."""
        sql = f"SELECT url, count(*) FROM {ARTICLES} GROUP BY url HAVING count(*) > 1"
        return [tuple(row) for row in self.db.execute(sql).fetchall()]

    def count(self) -> int:
        return self.db[ARTICLES].count

    def has_articles(self, source: str) -> bool:
        """Whether any article of `source` is stored (none: its first run)."""
        found = self.db.execute(f"SELECT 1 FROM {ARTICLES} WHERE source = ? LIMIT 1", [source]).fetchone()
        return found is not None

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
        row = self._row("id = ?", article_id)
        if row is None:
            raise sqlite_utils.db.NotFoundError(article_id)
        return row

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

    # --- search and source health (scrapy search, scrapy sources) -----------------

    def search(
        self, match: str, limit: int = 20, source: str | None = None, copies: bool = False
    ) -> tuple[int, list[dict[str, Any]]]:
        """(how many articles match, the newest `limit` of them) for an FTS5 expression
        made by `crawler.search.match_expression`; copies of another story only when asked."""
        where, args = [f"{SEARCH} MATCH ?"], [match]
        if source is not None:
            where.append("a.source = ?")
            args.append(source)
        if not copies:
            where.append("a.duplicate_of IS NULL")
        joined = f"FROM {SEARCH} JOIN {ARTICLES} AS a ON a.id = {SEARCH}.article_id"
        matches = f"{joined} WHERE {' AND '.join(where)}"
        total = self.db.execute(f"SELECT count(*) {matches}", args).fetchone()[0]
        cursor = self.db.execute(
            f"SELECT a.* {matches} ORDER BY coalesce(a.published, a.first_seen) DESC, a.id LIMIT ?",
            [*args, limit],
        )
        names = [column[0] for column in cursor.description]
        return total, [_decode(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def source_counts(self, since: str) -> dict[str, dict[str, Any]]:
        """Per source: articles stored, those first seen at or after `since`, the newest first-seen time."""
        sql = (
            f"SELECT source, count(*), sum(first_seen >= ?), max(first_seen) FROM {ARTICLES} GROUP BY source"
        )
        return {
            row[0]: {"stored": row[1], "recent": row[2] or 0, "newest": row[3]}
            for row in self.db.execute(sql, [since]).fetchall()
        }

    def source_history(self, source: str, limit: int = 200) -> list[dict[str, Any]]:
        """What the source's newest articles (by first-seen time) came with: dates, bylines,
        image, body size. `scrapy sources` compares the latest with the ones before."""
        cursor = self.db.execute(
            f"SELECT first_seen, published, authors, image, length(coalesce(body_html, '')) AS body_length"
            f" FROM {ARTICLES} WHERE source = ? ORDER BY first_seen DESC, rowid DESC LIMIT ?",
            [source, limit],
        )
        names = [column[0] for column in cursor.description]
        return [_decode(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _story_order(row: dict[str, Any]) -> tuple[str, str]:
    """Sort key of "which came first": publication time (UTC ISO sorts as text), then first seen."""
    return (row.get("published") or row.get("first_seen") or "", row.get("first_seen") or "")


def _content_hash(row: dict[str, Any]) -> str:
    content = json.dumps([row.get(key) for key in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for key in JSON_FIELDS:
        row[key] = json.loads(row[key]) if row.get(key) else []
    return row
