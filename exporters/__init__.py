"""Exporters: feeds and posts written from the archive, never from the crawl."""
