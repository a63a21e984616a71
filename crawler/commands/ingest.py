"""`scrapy ingest`: the one process that writes the archive of a crawl shared over Redis.

It stores what the crawlers hand over (crawler/distributed/ingest.py), as a service until
stopped (SIGTERM or Ctrl-C: nothing is lost, nothing doubled), or with --until-drained until
no crawler is running and the queue is empty (cron, tests).
"""

from __future__ import annotations

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import terminal
from crawler.distributed.ingest import IngestSpider


class Command(ScrapyCommand):
    requires_project = True
    log_file = None

    def syntax(self):
        return "[--until-drained]"

    def short_desc(self):
        return "Store the articles crawlers hand over through Redis (REDIS_URL) in the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "--until-drained", action="store_true",
            help="exit once no crawler is running and the queue is empty (default: run until stopped)",
        )  # fmt: skip

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if not self.settings.get("REDIS_URL"):  # before Scrapy starts (and logs its banner)
            raise SystemExit(terminal.config_error("ingest needs REDIS_URL (-s REDIS_URL=redis://host:6379/0)"))
        self.log_file = terminal.log_to_file(self.settings, opts)

    def run(self, args, opts):
        if args:
            raise UsageError("ingest takes no positional arguments")
        if self.log_file:
            terminal.echo_errors()
        crawler = self.crawler_process.create_crawler(IngestSpider)
        self.crawler_process.crawl(crawler, until_drained=opts.until_drained)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() or {}
        get = stats.get
        print(
            f"ingest: {get('news/ingest/acknowledged', 0)} message(s) stored,"
            f" {get('news/stored/new', 0)} new,"
            f" {get('news/stored/updated', 0)} updated, {get('news/stored/unchanged', 0)} unchanged,"
            f" {get('item_dropped_count', 0)} dropped, {get('news/ingest/replayed', 0)} replayed;"
            f" {get('finish_reason', '?')}"
        )
        if get("finish_reason") not in ("finished", "shutdown"):
            self.exitcode = 1
