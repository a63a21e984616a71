"""`scrapy crawl`, with the sources file checked first so a mistake is one clear line, and a
one-line summary at the end."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.sources import SourcesError
from crawler.spiders.news import NewsSpider, select_sources


class Command(ScrapyCrawlCommand):
    crawler = None

    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts):
        if args == [NewsSpider.name]:
            try:
                select_sources(
                    self.settings.get("NEWS_SOURCES_FILE"), opts.spargs.get("source"), opts.spargs.get("url")
                )
            except SourcesError as exc:
                raise UsageError(str(exc), print_help=False) from None
        super().run(args, opts)
        if self.crawler is not None and self.crawler.stats is not None:
            print(crawl_summary(self.crawler.stats.get_stats()))


def crawl_summary(stats: dict) -> str:
    get = stats.get
    return (
        f"crawl: {get('response_received_count', 0)} pages, {get('news/stored/new', 0)} new,"
        f" {get('news/stored/updated', 0)} updated, {get('news/stored/unchanged', 0)} unchanged,"
        f" {get('item_dropped_count', 0)} dropped, {get('news/links/known', 0)} known links skipped;"
        f" {get('finish_reason', '?')}"
    )
