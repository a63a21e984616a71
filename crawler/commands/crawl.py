"""`scrapy crawl`, with the sources file checked first so a mistake is one clear line."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.sources import SourcesError
from crawler.spiders.news import NewsSpider, select_sources


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        if args == [NewsSpider.name]:
            try:
                select_sources(
                    self.settings.get("NEWS_SOURCES_FILE"), opts.spargs.get("source"), opts.spargs.get("url")
                )
            except SourcesError as exc:
                raise UsageError(str(exc), print_help=False) from None
        super().run(args, opts)
