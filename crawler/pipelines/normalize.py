"""The normalize step of the item pipeline (the rules are in crawler/normalize.py)."""

from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.normalize import normalized
from crawler.workers import ExtractionPool


class NormalizePipeline:
    """Runs `normalized` in the crawl's worker processes: sanitizing and plain text are CPU work
    that would otherwise hold the one event loop that downloads."""

    def __init__(self, excerpt_length: int = 300, link_rel: str = "nofollow noopener", workers=None):
        self.excerpt_length = excerpt_length
        self.link_rel = link_rel
        self.workers = workers or ExtractionPool(0)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            excerpt_length=settings.getint("NEWS_EXCERPT_LENGTH", 300),
            link_rel=settings.get("NEWS_LINK_REL", "nofollow noopener"),
            workers=ExtractionPool.of(crawler),
        )

    async def process_item(self, item):
        adapter = ItemAdapter(item)
        changes = await self.workers.run(normalized, adapter.asdict(), self.excerpt_length, self.link_rel)
        for field, value in changes.items():
            adapter[field] = value
        return item
