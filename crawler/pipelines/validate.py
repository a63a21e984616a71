"""Drop articles a reader cannot use, with a logged reason and a stats counter."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for field, reason in (("title", "no_headline"), ("body_html", "no_body")):
            if not adapter.get(field):
                self.stats.inc_value(f"news/dropped/{reason}")
                raise DropItem(f"{reason.replace('_', ' ')}: {adapter.get('url')}")
        return item
