"""A Scrapy project that crawls news sources into a SQLite archive."""

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it), `newsdao --version`, the User-Agent
