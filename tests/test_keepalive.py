"""Connections are kept: a crawl does not open a new one for most requests to a host."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from benchmarks._server import StaticProtocol
from tests.conftest import run_scrapy

pytestmark = pytest.mark.slow

ARTICLES = 150
PAGE = (
    '<html lang="en"><head><meta charset="utf-8"><title>Story {n}</title>'
    '<meta property="article:published_time" content="2024-06-0{day}T10:00:00+00:00"></head>'
    "<body><article><h1>Story number {n} of the day</h1>{paragraphs}</article></body></html>"
)


def write_site(root: Path, base: str) -> None:
    """A feed of ARTICLES stories and their pages."""
    (root / "a").mkdir(parents=True)
    items = []
    for n in range(ARTICLES):
        text = "".join(
            f"<p>Sentence {k} of story {n} says what happened, as stories do.</p>" for k in range(8)
        )
        (root / "a" / f"{n}.html").write_text(PAGE.format(n=n, day=n % 9 + 1, paragraphs=text))
        items.append(f"<item><title>Story {n}</title><link>{base}/a/{n}.html</link></item>")
    (root / "feed.xml").write_text(
        f"<rss version='2.0'><channel><title>T</title>{''.join(items)}</channel></rss>"
    )


class KeepAliveSite:
    """The crawl benchmark's keep-alive static server on 127.0.0.1, in a thread, counting.

    (The demo server, `http.server`, answers HTTP/1.0 and closes every connection.)
    """

    def __init__(self, root: Path):
        self.connections = self.requests = 0
        site = self

        class Counting(StaticProtocol):
            def connection_made(self, transport):
                site.connections += 1
                super().connection_made(transport)

            def response(self, path: str) -> bytes:
                site.requests += 1
                return super().response(path)

        self.loop = asyncio.new_event_loop()
        self.server = self.loop.run_until_complete(
            self.loop.create_server(lambda: Counting(root.resolve()), "127.0.0.1", 0)
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        self.loop.close()


def crawl(folder: Path, *settings: str) -> tuple[int, int]:
    (folder / "site").mkdir(parents=True)
    site = KeepAliveSite(folder / "site")
    try:
        base = f"http://127.0.0.1:{site.port}"
        write_site(folder / "site", base)
        sources = folder / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "kept"\nfeeds = ["{base}/feed.xml"]\nallowed_domains = ["127.0.0.1"]\n'
        )
        result = run_scrapy(
            "crawl", "news", "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={folder / 'news.db'}",
            "-s", "NEWS_MAX_ARTICLE_AGE_DAYS=0", *settings,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return site.connections, site.requests
    finally:
        site.close()


def test_a_crawl_keeps_its_connections_to_a_host(tmp_path):
    kept, requests = crawl(tmp_path / "kept")
    # Scrapy's own pool keeps as many idle connections as CONCURRENT_REQUESTS_PER_DOMAIN (4).
    scrapys, scrapy_requests = crawl(tmp_path / "scrapy", "-s", "NEWS_CONNECTIONS_PER_HOST=4")
    print(f"connections: {kept} for {requests} requests; with Scrapy's pool {scrapys} for {scrapy_requests}")
    assert requests == scrapy_requests > ARTICLES
    assert kept <= 20 and scrapys > 2 * kept
