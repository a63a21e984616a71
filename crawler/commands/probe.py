"""`scrapy probe URL`: how a site can be crawled and what we would store, before adding it.

Prints the feeds and sitemaps found, a few articles as extraction reads them (with the
signal each field came from) and a `[[source]]` entry to paste. Writes nothing.
"""

from __future__ import annotations

import re

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import terminal
from crawler.probe import ProbeReport, ProbeSpider, render
from crawler.progress import Progress
from crawler.sources import NAME_RE


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "URL [-n N] [--name NAME]"

    def short_desc(self):
        return "Try a home page, feed or sitemap: what we would store, and its source entry"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "-n", "--articles", type=int, help="articles to fetch (default NEWS_PROBE_ARTICLES)"
        )
        parser.add_argument("--name", help="the source name in the entry (default: from the host)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if terminal.log_to_file(self.settings, opts):  # newsdao: the whole log in its file
            return
        if not opts.loglevel:  # the report says what failed; Scrapy's log would bury it
            self.settings.set("LOG_LEVEL", "ERROR", priority="cmdline")

    def run(self, args, opts):
        if len(args) != 1 or not re.match(r"https?://[^/\s]+", args[0]):
            raise UsageError("give one http(s) URL: a home page, a feed or a sitemap")
        if opts.name is not None and not NAME_RE.match(opts.name):
            raise UsageError("--name: lowercase letters, digits, '-' or '_'", print_help=False)
        articles = opts.articles if opts.articles is not None else self.settings.getint("NEWS_PROBE_ARTICLES")
        if articles < 0:
            raise UsageError("-n must be 0 or more", print_help=False)
        report = ProbeReport(args[0])
        if not self.settings.get("LOG_FILE") and not opts.loglevel:
            terminal.quiet_robots_errors()
        with Progress() as progress:
            self.crawler_process.crawl(
                ProbeSpider, url=args[0], report=report, articles=articles, entry_name=opts.name,
                progress=progress,
            )  # fmt: skip
            self.crawler_process.start()
        if report.failed:
            print(f"probe: {report.failed}")
            self.exitcode = 1
            return
        print("\n".join(render(report)))
        stored = sum(1 for s in report.samples if s.fields.get("title") and s.fields.get("body_html"))
        outcome = "entry above" if report.entry else "no entry point found"
        if report.not_news:  # exit 1: pasting an entry for it would store nothing
            outcome = f"no entry: {report.not_news}"
        print(
            f"probe: {len(report.feeds)} feed(s), {len(report.sitemaps)} sitemap(s), {len(report.listings)}"
            f" listing page(s); {stored} of {len(report.samples)} article(s) would be stored; {outcome}"
        )
        self.exitcode = 0 if report.entry else 1
