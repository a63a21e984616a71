"""`scrapy crawl` (`newsdao crawl`), with the sources file checked first so a mistake is one clear
line, `news` as the spider when none is named, and a one-line summary at the end."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import terminal
from crawler.sources import SourcesError
from crawler.spiders.news import NewsSpider, select_sources


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
        super().run(args, opts)
        try:
            stats = self.crawler.stats.get_stats() if self.crawler is not None else None
        except RuntimeError:  # the crawl never started (its error is in the log)
            stats = None
        print(crawl_summary(stats or {"finish_reason": "failed to start"}))


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


def crawl_summary(stats: dict) -> str:
    get = stats.get
    return (
        f"crawl: {get('response_received_count', 0)} pages, {get('news/stored/new', 0)} new,"
        f" {get('news/stored/updated', 0)} updated, {get('news/stored/unchanged', 0)} unchanged,"
        f" {get('item_dropped_count', 0)} dropped, {get('news/links/known', 0)} known links skipped;"
        f" {get('finish_reason', '?')}"
    )
