"""Log lines for items that name the article, not the whole item.

Scrapy's default prints every field of a dropped or failed item, body included: one fault
becomes dozens of lines. Ours is one line with the reason and the URL.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.logformatter import LogFormatter


def _url(item) -> str:
    try:
        return str(ItemAdapter(item).get("url"))
    except TypeError:
        return repr(item)[:200]


class ArticleLogFormatter(LogFormatter):
    def scraped(self, item, response, spider):
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": _url(item)}}

    def dropped(self, item, exception, response, spider):
        return {"level": logging.WARNING, "msg": "Dropped: %(reason)s", "args": {"reason": exception}}

    def item_error(self, item, exception, response, spider):
        return {"level": logging.ERROR, "msg": "Error storing %(url)s", "args": {"url": _url(item)}}
