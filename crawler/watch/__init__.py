"""`scrapy watch`: the crawl that never stops (crawler/commands/watch.py)."""
