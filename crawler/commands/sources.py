"""`scrapy sources`: the configured sources, their state from the archive, and warnings for
those that look broken; `--check` validates the file and reaches every entry point.

Exit codes: 0 fine (warnings alone do not fail); 1 an entry point failed `--check`; 2 a bad
sources file or bad arguments.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from scrapy.commands import ScrapyCommand

from crawler import terminal
from crawler.health import CheckSpider, EntryCheck, source_states
from crawler.progress import Progress
from crawler.sources import SourcesError, load_sources
from crawler.store import Archive
from crawler.watch.schedule import schedule_lines


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[--check] [NAME ...]"

    def short_desc(self):
        return "List the sources with their state and warnings; --check reaches their entry points"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--check", action="store_true", help="fetch every entry point once")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if opts.check and terminal.log_to_file(self.settings, opts):  # newsdao: the whole log in its file
            return
        if not opts.loglevel:  # our lines say what failed; Scrapy's log would repeat it
            self.settings.set("LOG_LEVEL", "ERROR", priority="cmdline")

    def run(self, args, opts):
        path = self.settings.get("NEWS_SOURCES_FILE")
        try:
            sources = load_sources(path)
        except SourcesError as exc:
            self.exitcode = terminal.config_error(str(exc))
            return
        unknown = sorted(set(args) - {s.name for s in sources})
        if unknown:
            self.exitcode = terminal.config_error(f"{path}: no source named {unknown[0]!r}")
            return
        chosen = [s for s in sources if s.name in args] if args else sources
        if opts.check:
            self.exitcode = self._check([s for s in chosen if s.enabled or args], path, opts)
        else:
            self._list(chosen, path)

    def _list(self, sources, path) -> None:
        db_path = Path(self.settings.get("NEWS_DB_PATH"))
        pending = {}
        if db_path.exists():
            with Archive(db_path) as archive:
                states = source_states(sources, archive)
                pending = archive.pending_counts()
        else:
            states = source_states(sources, _EmptyArchive())
        zone = ZoneInfo(self.settings.get("NEWS_POST_TIMEZONE"))
        print(f"{'source':<20} {'enabled':<7} {'stored':>7} {'24h':>5}  {'last success':<17} last error")
        for state in states:
            error = f"{_local(state.last_error[0], zone)} {state.last_error[1]}" if state.last_error else "-"
            print(
                f"{state.source.name[:20]:<20} {'yes' if state.source.enabled else 'no':<7}"
                f" {state.stored:>7} {state.last_day:>5}  {_local(state.last_success, zone):<17} {error}"
            )
        for state in states:  # links left for the next runs (over a budget, or failing)
            counts = pending.get(state.source.name)
            if counts:
                print(
                    f"pending: {state.source.name}: {counts['waiting']} link(s) waiting for the next runs,"
                    f" {counts['given_up']} given up after failing NEWS_PENDING_MAX_ATTEMPTS times"
                )
        warnings = [(s.source.name, w) for s in states for w in s.warnings]
        for name, warning in warnings:
            print(f"warning: {name}: {warning}")
        for line in schedule_lines(sources, db_path, zone):  # what `scrapy watch` will do next
            print(line)
        enabled = sum(1 for s in states if s.source.enabled)
        print(
            f"sources: {len(states)} in {path} ({enabled} enabled), {sum(s.stored for s in states)} articles"
            f" stored, {len(warnings)} warning(s)"
        )

    def _check(self, sources, path, opts) -> int:
        results: list[EntryCheck] = []
        if not self.settings.get("LOG_FILE") and not opts.loglevel:
            terminal.quiet_robots_errors()
        with Progress() as progress:
            self.crawler_process.crawl(CheckSpider, sources=sources, results=results, progress=progress)
            self.crawler_process.start()
        for check in results:
            status = "ok  " if check.ok else "FAIL"
            print(f"{status} {check.source} {check.kind} {check.url}: {check.detail or 'no answer'}")
        failed = [check for check in results if not check.ok]
        print(
            f"sources --check: {path} is valid; {len(results)} entry point(s) of {len(sources)} source(s),"
            f" {len(failed)} failed"
        )
        return 1 if failed else 0


def _local(stamp: str | None, zone: ZoneInfo) -> str:
    if not stamp:
        return "never"
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


class _EmptyArchive:
    """Stands in for an archive not created yet: no articles, no runs."""

    def source_counts(self, since):
        return {}

    def runs(self, limit=20):
        return []

    def source_history(self, source, limit=200):
        return []
