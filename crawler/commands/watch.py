"""`scrapy watch`: one long-running crawl that polls every enabled source on its own schedule
and exports after each batch of new or changed articles (crawler/watch/).

Same archive, lock, export folder, settings and sources file as `scrapy update`: the two never
run on one archive at once. SIGTERM (or Ctrl-C) stops it within seconds: the batch in flight
is stored and exported. Exit codes: 0 stopped by a signal; 2 bad arguments or sources file;
3 the lock is held (by `update` or another `watch`); 4 the last export failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict
from twisted.internet import threads

from crawler import terminal
from crawler.commands.crawl import check_sources
from crawler.commands.export import export_options
from crawler.distributed import redis_enabled
from crawler.lock import AlreadyRunning, RunLock
from crawler.sources import SourcesError
from crawler.spiders.news import select_sources
from crawler.store import Archive
from crawler.watch.spider import WatchSpider
from crawler.watch.websub import changed_feeds, ping_hub
from exporters.run import export_all

EXIT_OK, EXIT_USAGE, EXIT_LOCKED, EXIT_EXPORT_FAILED = 0, 2, 3, 4
ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"


class Command(ScrapyCommand):
    requires_project = True
    log_file = None

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return (
            "Poll every enabled source on its own schedule and export as stories appear (runs until stopped)"
        )

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument: -a source=NAME to watch one source",
        )  # fmt: skip
        parser.add_argument("-o", "--output", metavar="DIR", help="export folder (default: NEWS_EXPORT_DIR)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from None
        if redis_enabled(self.settings):
            raise SystemExit(terminal.config_error("watch: runs on one machine; unset REDIS_URL"))
        code = check_sources(self.settings, opts.spargs)
        if code:
            raise SystemExit(code)
        settings = self.settings
        # robots.txt read again every NEWS_WATCH_ROBOTS_TTL, not once per process.
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares.update({ROBOTS: None, "crawler.watch.robots.ExpiringRobotsTxtMiddleware": 100})
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        # No seen-request set growing for weeks: the archive and each batch's own set say what
        # was fetched (entry points are asked for again on purpose).
        settings.set("DUPEFILTER_CLASS", "scrapy.dupefilters.BaseDupeFilter", priority="cmdline")
        self.log_file = terminal.log_to_file(settings, opts)

    def run(self, args, opts):
        if args:
            raise UsageError("watch takes no positional arguments (use -a source=NAME for one source)")
        if self.log_file:
            terminal.echo_errors()
        settings = self.settings
        db_path = Path(settings.get("NEWS_DB_PATH"))
        lock = RunLock.of_archive(settings, "watch")
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            print(f"watch: {exc}; exiting", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        try:
            self.exitcode = self._watch(db_path, opts)
        finally:
            lock.release()

    def _watch(self, db_path: Path, opts) -> int:
        settings = self.settings
        try:
            select_sources(settings.get("NEWS_SOURCES_FILE"), opts.spargs.get("source"), None)
        except SourcesError as exc:
            return terminal.config_error(str(exc))
        options = export_options(settings, Path(opts.output or settings.get("NEWS_EXPORT_DIR")))

        hub = settings.get("NEWS_WEBSUB_HUB")

        def export(in_thread: bool = True) -> int:
            with Archive(db_path) as archive:
                result = export_all(archive, options)
            changed = changed_feeds(result, options.out_dir) if hub else []
            if changed:  # our hub tells our subscribers at once
                agent = settings.get("USER_AGENT")
                if in_thread:
                    threads.deferToThread(ping_hub, hub, changed, agent)
                else:
                    ping_hub(hub, changed, agent)
            return len(result.written)

        crawler = self.crawler_process.create_crawler(WatchSpider)
        self.crawler_process.crawl(crawler, export=export, **opts.spargs)
        sources_file = settings.get("NEWS_SOURCES_FILE")
        print(f"watch: polling the sources of {sources_file}; SIGTERM stops it", file=sys.stderr, flush=True)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() or {}
        try:
            written = export(in_thread=False)  # the batch stored while stopping
        except Exception as exc:  # noqa: BLE001  reported, and turned into an exit code
            print(f"watch: the last export failed: {exc!r}", file=sys.stderr)
            return EXIT_EXPORT_FAILED
        polls = sum(v for k, v in stats.items() if k.startswith("news/watch/polls/"))
        stored = sum(v for k, v in stats.items() if k in ("news/stored/new", "news/stored/updated"))
        exports = stats.get("news/watch/exports", 0)
        print(
            f"watch: stopped ({stats.get('finish_reason', '?')}); {polls} polls, {stored} articles stored,"
            f" {exports} exports; last export {written} files written"
        )
        return EXIT_OK
