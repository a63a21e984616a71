"""`scrapy update`: the cron command. Crawl every enabled source, then export, in one process.

Exit codes: 0 every source did its job; 1 a source failed (unreachable, or listed articles
none of which could be stored); 2 bad arguments or sources file; 3 another update holds the
lock; 4 the export failed; 130 interrupted (SIGINT or SIGTERM: the crawl stopped, no export).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler import terminal
from crawler.commands.crawl import check_sources
from crawler.commands.export import export_options
from crawler.distributed.archive import record_run
from crawler.lock import AlreadyRunning, RunLock
from crawler.runs import summarize, summary_table
from crawler.sources import SourcesError
from crawler.spiders.news import NewsSpider, select_sources
from crawler.store import Archive
from exporters.run import export_all

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_EXPORT_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # as a shell reports a command that Ctrl-C stopped


class Command(ScrapyCommand):
    requires_project = True
    log_file = None

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return "Crawl every enabled source, then export (for cron)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument: -a source=NAME for one source, -a url=URL for one URL",
        )  # fmt: skip
        parser.add_argument("--crawl-only", action="store_true", help="crawl, do not export")
        parser.add_argument("-o", "--output", metavar="DIR", help="export folder (default: NEWS_EXPORT_DIR)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from None
        code = check_sources(self.settings, opts.spargs)  # before Scrapy starts (and logs its banner)
        if code:
            raise SystemExit(code)
        self.log_file = terminal.log_to_file(self.settings, opts)

    def run(self, args, opts):
        if args:
            raise UsageError("update takes no positional arguments (use -a source=NAME for one source)")
        if self.log_file:
            terminal.echo_errors()
        settings = self.settings
        db_path = Path(settings.get("NEWS_DB_PATH"))
        lock = RunLock.of_archive(settings, "update")
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            print(f"update: {exc}; exiting", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        try:
            self.exitcode = self._update(db_path, opts)
        finally:
            lock.release()

    def _update(self, db_path: Path, opts) -> int:
        settings = self.settings
        try:  # checked in process_options; read again under the lock
            sources = select_sources(
                settings.get("NEWS_SOURCES_FILE"), opts.spargs.get("source"), opts.spargs.get("url")
            )
        except SourcesError as exc:
            return terminal.config_error(str(exc))
        started = datetime.now(UTC)
        crawler = self.crawler_process.create_crawler(NewsSpider)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        runs = summarize(crawler.stats.get_stats() or {}, [s.name for s in sources])
        failed = [run for run in runs if run.problem]
        code = EXIT_SOURCE_FAILED if failed else EXIT_OK
        interrupted = any(run.interrupted for run in runs)
        exported = "skipped (--crawl-only)"
        if interrupted:
            code, exported = EXIT_INTERRUPTED, "skipped (interrupted)"
        elif not opts.crawl_only:
            try:
                with Archive(db_path) as archive:
                    result = export_all(
                        archive,
                        export_options(settings, Path(opts.output or settings.get("NEWS_EXPORT_DIR"))),
                    )
                exported = f"{len(result.written)} files written, {len(result.removed)} removed"
            except Exception as exc:  # noqa: BLE001  reported, recorded, and turned into an exit code
                exported = f"failed: {exc!r}"
                code = EXIT_EXPORT_FAILED
        finished = datetime.now(UTC)
        outcome = run_outcome(code)
        record_run(settings, started, finished, runs, code, outcome)  # with REDIS_URL: through the ingest
        print(summary_table(runs))
        stopped = "interrupted; " if interrupted else ""
        print(
            f"update: {stopped}{len(runs)} sources, {len(failed)} failed; export {exported};"
            f" {(finished - started).total_seconds():.1f}s; exit {code}"
        )
        return code


def run_outcome(code: int) -> str:
    """How a run ended, in a word, as the runs table records it."""
    return {EXIT_OK: "ok", EXIT_SOURCE_FAILED: "failed", EXIT_EXPORT_FAILED: "export failed",
            EXIT_INTERRUPTED: "interrupted"}.get(code, "failed")  # fmt: skip
