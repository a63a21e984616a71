"""Connections are kept: a crawl does not open a new one for most requests to a host."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.conftest import run_scrapy

pytestmark = pytest.mark.slow

TYPES = {".html": b"text/html", ".xml": b"application/xml", ".txt": b"text/plain"}


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
    """Static files over HTTP/1.1 keep-alive on 127.0.0.1, counting connections and requests.

    (The demo server, `http.server`, answers HTTP/1.0 and closes every connection.)
    """

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.connections = self.requests = 0
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        self.loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.requests += 1
                path = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
                target = (self.root / path.lstrip("/")).resolve()
                if target.is_relative_to(self.root) and target.is_file():
                    body = target.read_bytes()
                    kind = TYPES.get(target.suffix, b"application/octet-stream")
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: " + kind
                        + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                    )  # fmt: skip
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


def crawl(folder: Path, *settings: str) -> tuple[int, int]:
    folder.mkdir(parents=True)
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
