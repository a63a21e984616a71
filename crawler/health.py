"""Is each source alive? Its state from the archive and the run history, warnings for a source
that looks broken, and a spider that reaches every entry point (`scrapy sources --check`).

Sites break silently when they are redesigned: the feed still answers but the pages lose the
markup we read, or the feed stops moving. Each source is compared with its own history, not
with a fixed bar: a wire service that never names authors is not broken for lacking them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

import scrapy
from scrapy.http import TextResponse

from crawler import discovery
from crawler.sources import Source
from crawler.spiders.news import failure_reason, source_zone

RECENT = 10  # the latest articles of a source, compared with ...
BASELINE = 100  # ... up to this many stored before them
MIN_RECENT, MIN_BASELINE = 5, 10  # below these there is no history to compare with
SHARE, RISE = 0.5, 0.3  # warn when half the latest lack a field and 30 points more than before
MIN_BODY = 200  # characters of body HTML under which an article counts as stored without a body
STALE_FACTOR = 3  # silence longer than 3x the source's long gaps between articles ...
STALE_FLOOR = timedelta(hours=12)  # ... and never less than this (nights, weekends)
MIN_GAPS = 5


@dataclass
class SourceState:
    source: Source
    stored: int = 0
    last_day: int = 0  # articles first stored in the last 24 hours
    last_success: str | None = None  # when the last run that crawled it without a problem finished
    last_error: tuple[str, str] | None = None  # (when, what) of the last run it failed in
    warnings: list[str] = field(default_factory=list)


def source_states(sources: list[Source], archive, now: datetime | None = None) -> list[SourceState]:
    """The state of every configured source, from the archive's articles and its `runs`."""
    now = now or datetime.now(UTC)
    counts = archive.source_counts((now - timedelta(hours=24)).isoformat(timespec="seconds"))
    runs = archive.runs(limit=500)
    states = []
    for source in sources:
        count = counts.get(source.name, {})
        state = SourceState(source, count.get("stored", 0), count.get("recent", 0))
        last_crawled = None
        for run in runs:  # newest first
            entry = run["sources"].get(source.name)
            if entry is None:
                continue
            last_crawled = last_crawled or run["finished"]
            if entry.get("problem"):
                state.last_error = state.last_error or (run["finished"], entry["problem"])
            elif state.last_success is None:
                state.last_success = run["finished"]
        history = archive.source_history(source.name, RECENT + BASELINE)
        state.warnings = quality_warnings(history)
        stale = stale_warning(history, last_crawled, now)
        if stale:
            state.warnings.insert(0, stale)
        states.append(state)
    return states


MISSING = {
    "body": lambda row: (row.get("body_length") or 0) < MIN_BODY,
    "date": lambda row: not row.get("published"),
    "author": lambda row: not row.get("authors"),
    "image": lambda row: not row.get("image"),
}


def quality_warnings(history: list[dict]) -> list[str]:
    """A warning per field that the latest articles lack far more often than the ones before.

    `history` is newest first: first_seen, published, authors, image, body_length.
    """
    recent, before = history[:RECENT], history[RECENT : RECENT + BASELINE]
    if len(recent) < MIN_RECENT or len(before) < MIN_BASELINE:
        return []
    warnings = []
    for name, missing in MISSING.items():
        now_missing = sum(1 for row in recent if missing(row))
        share, earlier = now_missing / len(recent), sum(1 for row in before if missing(row)) / len(before)
        if share >= SHARE and share - earlier >= RISE:
            warnings.append(
                f"{name} missing in {now_missing} of its last {len(recent)} articles"
                f" ({earlier:.0%} of the {len(before)} before): has the site changed its pages?"
            )
    return warnings


def stale_warning(history: list[dict], last_crawled: str | None, now: datetime) -> str | None:
    """A warning when no new article came for much longer than the source's usual gaps,
    although it was crawled since (a source nobody crawled is not the source's fault)."""
    if not history or not last_crawled:
        return None
    stamps = sorted((_moment(row.get("published") or row["first_seen"]) for row in history), reverse=True)
    gaps = [(a - b).total_seconds() for a, b in zip(stamps, stamps[1:], strict=False) if a > b]
    if len(gaps) < MIN_GAPS:
        return None
    long_gap = sorted(gaps)[int(0.9 * (len(gaps) - 1))]
    limit = max(timedelta(seconds=STALE_FACTOR * long_gap), STALE_FLOOR)
    newest = max(_moment(row["first_seen"]) for row in history)
    silence = now - newest
    if silence <= limit or _moment(last_crawled) < newest + limit:
        return None
    return (
        f"no new article for {_span(silence)} although crawled since (it usually publishes"
        f" every {_span(timedelta(seconds=median(gaps)))}): is its feed or sitemap still moving?"
    )


def _moment(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"


# --- reaching the entry points --------------------------------------------------


@dataclass
class EntryCheck:
    source: str
    kind: str  # feed, sitemap or listing
    url: str
    ok: bool = False
    detail: str = ""


class CheckSpider(scrapy.Spider):
    """Asks for every entry point once and says, per entry point, whether it gives what we read."""

    name = "sources-check"
    custom_settings = {"ITEM_PIPELINES": {}, "NEWS_PROGRESS": False}  # the command shows its own

    def __init__(self, *args, sources: list[Source], results: list[EntryCheck], progress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources
        self.results = results
        self.progress = progress
        self.total = sum(len(s.entry_points) for s in sources)

    async def start(self):
        for source in self.sources:
            for kind, urls in (
                ("feed", source.feeds),
                ("sitemap", source.sitemaps),
                ("listing", source.listings),
            ):
                for url in urls:
                    check = EntryCheck(source.name, kind, url)
                    self.results.append(check)
                    yield scrapy.Request(
                        url, callback=self.parse, errback=self.failed, dont_filter=True,
                        cb_kwargs={"check": check, "source": source},
                        meta={"source_domains": source.allowed_domains},
                    )  # fmt: skip

    def parse(self, response, check: EntryCheck, source: Source):
        check.ok, check.detail = judge(response, check.kind, source, self.settings.getint("DOWNLOAD_MAXSIZE"))
        self._done()

    def failed(self, failure):
        check = failure.request.cb_kwargs["check"]
        check.detail = failure_reason(failure)[1]
        self._done()

    def _done(self) -> None:
        if self.progress is not None:
            done = sum(1 for check in self.results if check.detail)
            self.progress.update(f"checking entry points: {done}/{self.total}")


def judge(response, kind: str, source: Source, max_size: int) -> tuple[bool, str]:
    """(usable, what was found) for an entry point's response."""
    if kind in ("feed", "sitemap"):  # read as the crawl reads it: as what the body is
        doc = discovery.entry_document(response, max_size)
        listed = f" (listed as a {kind}; the crawl reads it as a {doc.kind})" if doc.kind != kind else ""
        if doc.kind not in ("feed", "sitemap"):
            return False, f"not a {kind} ({discovery.what_it_is(doc)})"
        if discovery.declares_entities(doc.body):
            return False, "declares XML entities: refused"
        if doc.kind == "feed":
            links, problem = discovery.read_feed(doc, discovery.content_location(response))
            if not links:
                return False, f"a feed without entries{f' ({problem})' if problem else ''}"
            return True, f"{len(links)} entries" + (f", malformed: {problem}" if problem else "") + listed
        shape, links = discovery.sitemap_links(doc, source_zone(source))
        if shape == "invalid":
            return False, "not a readable sitemap"
        if not links:
            return False, f"an empty {shape}"
        return True, f"{shape} of {len(links)} locations{listed}"
    if not isinstance(response, TextResponse):
        return False, "not a page"
    links = discovery.listing_links(response, source.article_pattern, source.allowed_domains)
    if not links:
        return False, f"no link matches article_pattern {source.article_pattern!r}"
    return True, f"{len(links)} article links"
