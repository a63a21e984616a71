"""`scrapy crawl` (`newsdao crawl`), with the sources file checked first so a mistake is one clear
line, `news` as the spider when none is named, and a one-line summary at the end.

It takes the archive lock `scrapy update` takes (two runs on one archive would download the
same pages twice), and its exit code tells the truth: 0 done (some sources may have failed:
the summary names them), 1 no entry point of any source could be fetched, 2 bad arguments or
sources file, 3 another run holds the lock, 130 interrupted (SIGINT or SIGTERM).
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import terminal
from crawler.distributed import redis_enabled
from crawler.lock import AlreadyRunning, RunLock
from crawler.runs import summarize
from crawler.sources import SourcesError
from crawler.spiders.news import NewsSpider, select_sources

EXIT_NOTHING_FETCHED, EXIT_LOCKED, EXIT_INTERRUPTED = 1, 3, 130  # as `scrapy update`'s


class Command(ScrapyCrawlCommand):
    crawler = None
    log_file = None

    def syntax(self):
        return "[news] [-a source=NAME | -a url=URL] [options]"

    def short_desc(self):
        return "Crawl every enabled source (-a source=NAME: one; -a url=URL: any feed, sitemap or page)"

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if not args:
            args.append(NewsSpider.name)
        if args == [NewsSpider.name]:  # before Scrapy starts (and logs its banner)
            self.exitcode = check_sources(self.settings, opts.spargs)
            if self.exitcode:
                raise SystemExit(self.exitcode)
        self.log_file = terminal.log_to_file(self.settings, opts)

    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts):
        if self.log_file:
            terminal.echo_errors()
        # With REDIS_URL the crawlers share a queue and store nothing here: several may run at once.
        lock = None if redis_enabled(self.settings) else RunLock.of_archive(self.settings, "crawl")
        try:
            if lock:
                lock.acquire()
        except AlreadyRunning as exc:
            print(f"crawl: {exc}; exiting", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        try:
            super().run(args, opts)
        finally:
            if lock:
                lock.release()
        try:
            stats = self.crawler.stats.get_stats() if self.crawler is not None else None
        except RuntimeError:  # the crawl never started (its error is in the log)
            stats = None
        stats = stats or {"finish_reason": "failed to start"}
        spider = getattr(self.crawler, "spider", None)
        runs = summarize(stats, list(getattr(spider, "sources", {})))
        failed = [f"{run.name} failed ({run.problem})" for run in runs if run.problem and not run.interrupted]
        outcome = stats.get("finish_reason", "?")
        if any(run.interrupted for run in runs):
            outcome, self.exitcode = "interrupted", EXIT_INTERRUPTED
        elif runs and all(run.entry_points_all_failed for run in runs):
            outcome, self.exitcode = "failed: no entry point could be fetched", EXIT_NOTHING_FETCHED
        print(crawl_summary(stats, outcome, failed))


def check_sources(settings, spargs: dict) -> int:
    """0, or the exit code of a bad sources file or -a value after printing its one line."""
    if "url" in spargs and not spargs["url"].strip():
        return terminal.config_error("-a url= is empty: give a feed, sitemap or page URL, or leave it out")
    if "source" in spargs and not spargs["source"].strip():
        return terminal.config_error("-a source= is empty: give a source name, or leave it out")
    try:
        select_sources(settings.get("NEWS_SOURCES_FILE"), spargs.get("source"), spargs.get("url"))
    except (SourcesError, UsageError) as exc:  # UsageError: a bad -a url
        return terminal.config_error(str(exc))
    return 0


def crawl_summary(stats: dict, outcome: str | None = None, failed: list[str] = ()) -> str:
    """One line; then, when sources failed, which and why."""
    get = stats.get
    line = (
        f"crawl: {get('response_received_count', 0)} pages, {get('news/stored/new', 0)} new,"
        f" {get('news/stored/updated', 0)} updated, {get('news/stored/unchanged', 0)} unchanged,"
        f" {get('item_dropped_count', 0)} dropped, {get('news/links/known', 0)} known links skipped;"
        f" {outcome or get('finish_reason', '?')}"
    )
    return "\n".join([line, *(f"crawl: source {name}" for name in failed)])
