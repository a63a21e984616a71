"""When to poll each entry point next, learned from what it gave, kept in the archive.

Two things are learned. From the archive, each source's pace: the mean gap between its
recent publications (longer after a silence of more than twice that), which gives the source's
*target* interval sqrt(gap x NEWS_WATCH_MIN_INTERVAL / 2): polling frequency in proportion to
the square root of the publishing rate is what minimises the mean delay for a given number of
requests, so a source publishing every minute is polled every 30 s and one publishing every
half hour every 3 minutes, not every 15. (The mean, not the median: publication times are
close to a Poisson process, whose median gap is only ln 2 of the mean.) From each entry
point's own polls: the source's *primary* entry points (those of its cheapest kind: the feed
before a listing, a listing before a sitemap) are polled at the target, sooner when the pace
is not known yet; the others, whose links the primary already takes (a 5 MB sitemap), only
back it up: polled at the target times their cost after they brought something new (what
the primary missed), else once every NEWS_WATCH_MAX_INTERVAL / NEWS_WATCH_MIN_INTERVAL polls
of the primary at the pace (every 15 minutes for a source polled every 30 s, 82 minutes for one
publishing every half hour): a feed that keeps up misses stories in proportion to the stories
it carries, so a backup costs the same small share of every source's polls, not a fixed 4 an
hour that weighs most on the quietest. A backup's first poll brings the back catalogue, older
than the feed's items: no sign that the primary misses anything. Without enough history
(fewer than 3 publications) there is no target: halve on new articles, grow x1.5 on none,
between bounds; once the batch a first poll brought is stored, the pace it shows replans the
primary's next poll (a new source is not polled again at the floor for nothing). An entry
point whose WebSub hub has confirmed our subscription is polled on each push and otherwise
every NEWS_WATCH_MAX_INTERVAL, as a safety net; its source's backups as above.

No interval is ever shorter than NEWS_WATCH_MIN_INTERVAL, the source's `min_interval` or its
host's robots.txt `Crawl-delay`; a `Retry-After` or a failure pushes the next poll back. One
row per entry point in the table `watch_schedule`, written within a second of every poll, so
a restart (even after SIGKILL) resumes the schedule; the memory is one small record per entry
point and one number per source, however long it runs.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sources import Source

TABLE = "watch_schedule"
SHORTEN, LENGTHEN = 0.5, 1.5
# What polling an entry point costs, by kind: a sitemap lists days of articles, a feed the last
# few. Within a source, an entry point's bounds and target are multiplied by its cost over the
# cheapest one's: with a feed, a sitemap is polled at most every 4 x NEWS_WATCH_MIN_INTERVAL.
KIND_FACTOR = {"feed": 1, "url": 1, "listing": 2, "sitemap": 4}
# A poll that neither answered nor failed in this long is given up (a lost request).
IN_FLIGHT_LIMIT = 300.0
# How long a source's target interval is kept before the archive is asked again (seconds).
TARGET_TTL = 300.0


@dataclass
class Entry:
    url: str
    source: str
    kind: str
    interval: float
    next_poll: float
    last_poll: float = 0.0
    last_status: int = 0  # 200, 304, or 0: never polled / failed
    polls: int = 0
    not_modified: int = 0
    new_items: int = 0
    failures: int = 0  # in a row
    last_new: float = 0.0  # when a poll last brought new articles


class Schedule:
    def __init__(self, db_path: str | Path, sources: Iterable[Source], min_interval: float = 30.0,
                 max_interval: float = 900.0, clock: Callable[[], float] = time.time):  # fmt: skip
        self.min_interval = max(0.1, float(min_interval))
        self.max_interval = max(self.min_interval, float(max_interval))
        self.clock = clock
        self.sources = {source.name: source for source in sources}
        self.host_delay: dict[str, float] = {}  # host -> robots.txt Crawl-delay
        self.in_flight: dict[str, float] = {}  # url -> when its poll was sent
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(db_path, timeout=10, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (url TEXT PRIMARY KEY, source TEXT, kind TEXT,"
            " interval REAL, next_poll REAL, last_poll REAL, last_status INTEGER, polls INTEGER,"
            " not_modified INTEGER, new_items INTEGER, failures INTEGER, last_new REAL)"
        )
        self.targets: dict[str, tuple[float, float | None]] = {}  # source -> (when, target)
        self.subscribed: dict[str, float] = {}  # entry point URL -> when its WebSub lease ends
        self.dirty: set[str] = set()  # entry points changed since the last save
        self.unpaced: set[str] = set()  # entry points planned while their source's pace was unknown
        self.entries = self._load()

    # --- state -------------------------------------------------------------------

    def _load(self) -> dict[str, Entry]:
        names = [f.name for f in fields(Entry)]
        stored = {row[0]: Entry(*row) for row in self.db.execute(f"SELECT {', '.join(names)} FROM {TABLE}")}
        entries = {}
        now = self.clock()
        for source in self.sources.values():
            start = self.target(source.name) or self.min_interval
            for kind, urls in (("feed", source.feeds), ("sitemap", source.sitemaps),
                               ("listing", source.listings), ("url", source.urls)):  # fmt: skip
                for url in urls:
                    entry = stored.get(url)
                    if entry is None or entry.source != source.name:
                        entry = Entry(url, source.name, kind, start, now)
                        entry.interval = min(self.max_interval, start * self.cost(entry, source))
                    entries[url] = entry
        for entry in entries.values():  # cost() and the backups' ceiling need every entry point
            entry.interval = self.bounded(entry, entry.interval)
            if not entry.polls and not self.is_primary(entry):
                # A backup never polled waits its turn: the source's feed brings the new stories
                # at once, the sitemap's back catalogue can come a backup interval later.
                entry.next_poll = max(entry.next_poll, now + self.backup_interval(entry.source))
        return entries

    def _save(self, entry: Entry) -> None:
        self.dirty.add(entry.url)

    def save(self) -> None:
        """Write the entry points polled since the last save, in one transaction.

        The caller picks the moment: in the crawl process the store pipeline keeps a write
        transaction open between its commits, and a write from this connection in the same
        thread would wait for it for ever (`database is locked`); the spider saves right
        after it has the pipeline commit.
        """
        if not self.dirty:
            return
        rows = [asdict(self.entries[url]) for url in self.dirty]
        names = list(rows[0])
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                f"INSERT OR REPLACE INTO {TABLE} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [list(row.values()) for row in rows],
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        self.dirty.clear()

    def close(self) -> None:
        self.save()
        self.db.close()

    def target(self, source: str) -> float | None:
        """The source's target interval, from its recent publication times (None: too few)."""
        now = self.clock()
        cached = self.targets.get(source)
        if cached is None or now - cached[0] > TARGET_TTL:
            cached = self.targets[source] = (now, self._learn(source, now))
        return cached[1]

    def _learn(self, source: str, now: float) -> float | None:
        try:
            rows = self.db.execute(
                "SELECT published FROM articles WHERE source = ? AND published IS NOT NULL"
                " ORDER BY published DESC LIMIT 12",
                [source],
            ).fetchall()
        except sqlite3.OperationalError:  # no articles table yet: a new archive
            return None
        moments = []
        for (value,) in rows:
            try:
                moments.append(datetime.fromisoformat(value).timestamp())
            except (TypeError, ValueError):
                continue
        moments = sorted(set(moments), reverse=True)
        if len(moments) < 3:
            return None
        gap = (moments[0] - moments[-1]) / (len(moments) - 1)  # the mean: the rate's best estimate
        gap = max(gap, (now - moments[0]) / 2)  # a long silence slows it down
        return min(self.max_interval, max(self.min_interval, math.sqrt(gap * self.min_interval / 2)))

    def backup_interval(self, source: str) -> float:
        """How long a backup that brought nothing new waits: NEWS_WATCH_MAX_INTERVAL /
        NEWS_WATCH_MIN_INTERVAL polls of the primary at the source's pace (at least the maximum)."""
        target = self.target(source) or self.min_interval
        return self.max_interval * max(1.0, target / self.min_interval)

    def ceiling(self, entry: Entry) -> float:
        """The longest interval: NEWS_WATCH_MAX_INTERVAL, or a backup's own."""
        return self.max_interval if self.is_primary(entry) else self.backup_interval(entry.source)

    def is_primary(self, entry: Entry) -> bool:
        """Whether the entry point is of its source's cheapest kind (polled at the source's pace)."""
        return self.cost(entry) == 1

    def _source_pushed(self, source: str) -> bool:
        """Whether a primary entry point of the source is pushed by its hub."""
        mine = (e for e in self.entries.values() if e.source == source and self.is_primary(e))
        return any(self.is_pushed(e.url) for e in mine)

    def is_pushed(self, url: str) -> bool:
        """Whether a WebSub hub has confirmed our subscription to the entry point, lease running."""
        return self.subscribed.get(url, 0.0) > self.clock()

    def cost(self, entry: Entry, source: Source | None = None) -> float:
        """The entry point's cost over that of its source's cheapest entry point (1 for it)."""
        source = source or self.sources.get(entry.source)
        if source is None:
            return 1.0
        kinds = [kind for kind, urls in (("feed", source.feeds), ("sitemap", source.sitemaps),
                 ("listing", source.listings), ("url", source.urls)) if urls]  # fmt: skip
        return KIND_FACTOR[entry.kind] / min(KIND_FACTOR[kind] for kind in kinds)

    def floor(self, entry: Entry) -> float:
        """The shortest interval allowed: the setting (times the cost), the source's
        min_interval, the Crawl-delay."""
        source = self.sources.get(entry.source)
        own = getattr(source, "min_interval", None) or 0.0
        host = (urlsplit(entry.url).hostname or "").lower()
        return max(self.min_interval * self.cost(entry), own, self.host_delay.get(host, 0.0))

    def bounded(self, entry: Entry, interval: float) -> float:
        """The interval within the entry point's ceiling and floor; the floor wins (a Crawl-delay
        or a source's min_interval above NEWS_WATCH_MAX_INTERVAL is obeyed too)."""
        return max(min(interval, self.ceiling(entry)), self.floor(entry))

    def set_crawl_delay(self, host: str, delay: float | None) -> None:
        self.host_delay[host.lower()] = float(delay or 0.0)
        for entry in self.entries.values():
            entry.interval = max(entry.interval, self.floor(entry))

    # --- polls ---------------------------------------------------------------------

    def due(self) -> list[Entry]:
        """Entry points whose poll is due and not under way, the most overdue first."""
        now = self.clock()
        for url, sent in list(self.in_flight.items()):
            if now - sent > IN_FLIGHT_LIMIT:
                del self.in_flight[url]
        ready = [e for e in self.entries.values() if e.next_poll <= now and e.url not in self.in_flight]
        return sorted(ready, key=lambda e: e.next_poll)

    def sent(self, url: str) -> None:
        self.in_flight[url] = self.clock()

    def next_due(self) -> float | None:
        return min((e.next_poll for e in self.entries.values()), default=None)

    def _answered(self, url: str, status: int) -> Entry | None:
        """The entry a poll came back for (status 0: failed), counted as polled now; None if unknown."""
        entry = self.entries.get(url)
        if entry is None:
            return None
        self.in_flight.pop(url, None)
        entry.polls += 1
        entry.last_poll = self.clock()
        entry.last_status = status
        return entry

    def polled(self, url: str, status: int, new_items: int) -> Entry | None:
        """A poll answered: shorten the interval when it brought new articles, else lengthen it."""
        entry = self._answered(url, status)
        if entry is None:
            return None
        now = entry.last_poll
        entry.failures = 0
        primary = self.is_primary(entry)
        if status == 304:
            entry.not_modified += 1
        if new_items:
            entry.new_items += new_items
            entry.last_new = now
            self.targets.pop(entry.source, None)  # learn again, with this batch stored
        # A backup's first poll brings the back catalogue: not what the primary missed.
        missed = new_items and (primary or entry.polls > 1)
        target = None
        if self.is_pushed(url):
            entry.interval = self.max_interval  # the hub tells us of changes: polls are a safety net
        elif not primary and (not missed or self._source_pushed(entry.source)):
            entry.interval = self.backup_interval(entry.source)  # the primary keeps up
            target = self.target(entry.source)
        elif missed:
            target = self._learn(entry.source, now)
            # Back to the source's pace (not below: a burst would cost requests), or halved
            # when the pace is not known yet (replanned once this batch is stored).
            entry.interval = target * self.cost(entry) if target else entry.interval * SHORTEN
        else:
            # At the source's pace (a silence stretches it); without one, 1.5 times longer.
            target = self.target(entry.source)
            entry.interval = target or entry.interval * LENGTHEN
        if not self.is_pushed(url) and (primary or not missed):
            (self.unpaced.discard if target else self.unpaced.add)(url)
        entry.interval = self.bounded(entry, entry.interval)
        entry.next_poll = now + entry.interval
        self._save(entry)
        return entry

    def replan(self) -> None:
        """A batch is stored: an entry point planned while its source's pace was unknown (a new
        source's first polls bring its back catalogue, stored only after them) is planned again
        from its last poll at the pace the archive now shows: a primary at it, a backup that
        the primary keeps up with at its own interval."""
        self.targets = {name: known for name, known in self.targets.items() if known[1] is not None}
        for url in list(self.unpaced):
            entry = self.entries.get(url)
            if entry is None or entry.failures or self.is_pushed(url):
                self.unpaced.discard(url)
                continue
            target = self.target(entry.source)
            if target is None:  # still fewer than 3 stories: halving and x1.5 go on
                continue
            self.unpaced.discard(url)
            planned = target if self.is_primary(entry) else self.backup_interval(entry.source)
            entry.interval = self.bounded(entry, planned)
            entry.next_poll = entry.last_poll + entry.interval
            self._save(entry)

    def found_later(self, url: str, new_items: int) -> None:
        """New articles a poll brought through a child (a sitemap of a sitemap index)."""
        entry = self.entries.get(url)
        if entry is not None and new_items:
            entry.new_items += new_items
            entry.last_new = self.clock()
            entry.interval = max(self.floor(entry), entry.interval * SHORTEN)
            entry.next_poll = min(entry.next_poll, entry.last_poll + entry.interval)
            self._save(entry)

    def pushed(self, url: str) -> None:
        """A WebSub push says the entry point changed: poll it now, or as soon as the source's
        min_interval and Crawl-delay allow (a failing one keeps its back-off and Retry-After)."""
        entry = self.entries.get(url)
        if entry is not None and not entry.failures:
            source = self.sources.get(entry.source)
            host = (urlsplit(entry.url).hostname or "").lower()
            wait = max(getattr(source, "min_interval", None) or 0.0, self.host_delay.get(host, 0.0))
            entry.next_poll = min(entry.next_poll, max(self.clock(), entry.last_poll + wait))

    def set_pushed(self, url: str, until: float) -> None:
        """A WebSub hub confirmed (until: when the lease ends) or ended (0) a subscription. A new
        one is followed by a poll: a story published before the hub knew us is never pushed."""
        if until > self.clock() and not self.is_pushed(url):
            self.pushed(url)
        self.subscribed[url] = until

    def failed(self, url: str, retry_after: float | None = None) -> Entry | None:
        """A poll failed: wait twice as long per failure in a row (up to the maximum), and at
        least what a Retry-After asked."""
        entry = self._answered(url, 0)
        if entry is None:
            return None
        now = entry.last_poll
        entry.failures += 1
        floor = self.floor(entry)
        wait = max(floor, min(self.max_interval, max(entry.interval, floor) * 2 ** min(entry.failures, 16)))
        entry.next_poll = now + max(wait, retry_after or 0.0)
        self._save(entry)
        return entry


def stored_schedule(db_path: str | Path) -> dict[str, Entry]:
    """The schedule as the archive holds it (for `scrapy sources`); empty when never watched."""
    path = Path(db_path)
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        names = [f.name for f in fields(Entry)]
        return {row[0]: Entry(*row) for row in db.execute(f"SELECT {', '.join(names)} FROM {TABLE}")}
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def schedule_lines(sources: Iterable[Source], db_path: str | Path, zone) -> list[str]:
    """One line per watched entry point of these sources: its interval and next poll
    (`scrapy sources`); none when watch never ran on this archive."""
    stored = stored_schedule(db_path)
    lines = []
    for source in sources:
        for url in source.entry_points:
            entry = stored.get(url)
            if entry is None:
                continue
            due = datetime.fromtimestamp(entry.next_poll, zone).strftime("%Y-%m-%d %H:%M:%S")
            failing = f", failing ({entry.failures} in a row)" if entry.failures else ""
            lines.append(
                f"watch: {source.name} {entry.kind} {url} every {_duration(entry.interval)}, next {due}"
                f" ({entry.polls} polls, {entry.not_modified} not modified, {entry.new_items} new{failing})"
            )
    return lines


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
