"""A Scrapy project that crawls news sources into a SQLite archive."""
