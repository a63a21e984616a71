"""The plain spiders the crawl benchmark sets beside ours, one per process.

    python _plain_spiders.py {bare,usual,inline} URLS_FILE SOURCES_FILE

`bare` only downloads (the limit of the machine), `usual` calls `trafilatura.extract` in its
callback as most tutorials do, `inline` calls our `extract_article` in its callback. All
three fetch the same article URLs with the same concurrency and reactor as `scrapy crawl
news`, and yield one small item per article so Scrapy's own stats count them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

# What `scrapy crawl news` runs with (crawler/settings.py), so only the callback differs.
SETTINGS = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "DOWNLOAD_MAXSIZE": 8 * 1024 * 1024,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "LOG_LEVEL": "INFO",
}


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, mode: str, urls: list[str], sources: dict, **kwargs):
        super().__init__(**kwargs)
        self.mode = mode
        self.urls = urls
        self.sources = sources
        self.extract = {"bare": self.bare, "usual": self.usual, "inline": self.inline}[mode]

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        return self.extract(response)

    def bare(self, response):
        yield {"url": response.url, "size": len(response.body)}

    def usual(self, response):
        import trafilatura

        text = trafilatura.extract(response.text, url=response.url)
        if text:
            yield {"url": response.url, "chars": len(text)}

    def inline(self, response):
        from crawler.extract import extract_article

        source = self.sources[urlsplit(response.url).path.split("/")[1]]
        fields = extract_article(response.text, response.url, source)
        if fields.get("body_html"):
            yield {"url": response.url, "chars": len(fields["body_html"])}


def main(mode: str, urls_file: str, sources_file: str) -> None:
    from crawler.sources import load_sources

    urls = [line for line in Path(urls_file).read_text(encoding="utf-8").splitlines() if line]
    sources = {s.name: s for s in load_sources(sources_file)}
    if mode == "usual":
        import trafilatura  # noqa: F401  imported before the crawl, as a spider module would
    elif mode == "inline":
        import crawler.extract  # noqa: F401
    process = CrawlerProcess(SETTINGS)
    process.crawl(PlainSpider, mode=mode, urls=urls, sources=sources)
    process.start()


if __name__ == "__main__":
    main(*sys.argv[1:4])
