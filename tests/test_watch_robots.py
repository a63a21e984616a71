"""robots.txt under `scrapy watch` (crawler/watch/robots.py): read once per NEWS_WATCH_ROBOTS_TTL,
not at every poll, and read again after it, so a rule the site adds (a disallowed path, a
Crawl-delay) takes effect. A real process polls a tiny site on 127.0.0.1 that counts its
robots.txt requests; the maximum interval is scaled down so the TTL may be seconds."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT

TTL = 3.0  # NEWS_WATCH_ROBOTS_TTL here; the shortest allowed is 4 x NEWS_WATCH_MAX_INTERVAL = 2 s


class Site:
    """A feed, its articles and a robots.txt that the test may change; every request logged."""

    def __init__(self):
        self.robots = "User-agent: *\nAllow: /\n"
        self.articles: list[tuple[str, str, datetime]] = []  # (path, title, published)
        self.hits: list[tuple[str, float]] = []  # (path, time)
        self.lock = threading.Lock()

    def publish(self, path: str) -> None:
        with self.lock:
            number = len(self.articles) + 1
            self.articles.append((path, f"Robots story {number}: the rules of the site", datetime.now(UTC)))

    def times(self, path: str) -> list[float]:
        with self.lock:
            return [when for hit, when in self.hits if hit == path]

    def requested(self, prefix: str) -> list[str]:
        with self.lock:
            return [hit for hit, _ in self.hits if hit.startswith(prefix)]

    def answer(self, path: str, base: str) -> tuple[int, str, str]:
        with self.lock:
            self.hits.append((path, time.time()))
            if path == "/robots.txt":
                return 200, "text/plain", self.robots
            if path == "/rss.xml":
                items = "".join(
                    f"<item><title>{title}</title><link>{base}{page}</link><guid>{base}{page}</guid>"
                    f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate></item>"
                    for page, title, when in reversed(self.articles)
                )
                feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
                return 200, "application/rss+xml", feed
            for page, title, when in self.articles:
                if page == path:
                    body = "".join(
                        f"<p>{title}, paragraph {n}: what the site allows, and when.</p>" for n in range(6)
                    )
                    return 200, "text/html; charset=utf-8", (
                        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
                        f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
                        f'<meta property="article:published_time" content="{when.isoformat()}"></head>'
                        f'<body><article><h1>{title}</h1><div class="article-body">{body}</div></article></body></html>'
                    )  # fmt: skip
            return 404, "text/plain", "not found"


def serve(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            host, port = self.server.server_address[:2]
            status, kind, text = site.answer(self.path, f"http://{host}:{port}")
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_until(check, what: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert process.poll() is None, f"watch ended early: {process.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.slow
def test_robots_txt_is_read_once_per_ttl_and_its_new_rules_take_effect(tmp_path):
    site = Site()
    site.publish("/news/1.html")
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "rules"\nfeeds = ["{base}/rss.xml"]\n'
        "article_pattern = '/(news|blocked)/[0-9]+\\.html$'\n"
        'allowed_domains = ["127.0.0.1"]\nlanguage = "en"\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "watch", "-o", str(tmp_path / "out"),
         "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}",
         "-s", "NEWS_WATCH_MIN_INTERVAL=0.2", "-s", "NEWS_WATCH_MAX_INTERVAL=0.5",
         "-s", f"NEWS_WATCH_ROBOTS_TTL={TTL}", "-s", "NEWS_WATCH_TICK=0.1",
         "-s", "NEWS_EXTRACT_WORKERS=0", "-s", f"LOG_FILE={tmp_path / 'watch.log'}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until(lambda: site.times("/robots.txt"), "the first robots.txt", process)
        # Read; from now on the site forbids /blocked/ and asks for a Crawl-delay of a second.
        site.robots = "User-agent: *\nDisallow: /blocked/\nCrawl-delay: 1\n"
        wait_until(lambda: len(site.times("/robots.txt")) >= 2, "robots.txt read again", process)
        site.publish("/blocked/2.html")  # listed by the feed, forbidden by the rules read again
        site.publish("/news/3.html")
        wait_until(lambda: site.requested("/news/3.html"), "the allowed new story", process)
        reread = site.times("/robots.txt")[1]
        wait_until(lambda: len([t for t in site.times("/rss.xml") if t > reread]) >= 4, "polls", process)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        server.shutdown()
        server.server_close()

    robots, polls = site.times("/robots.txt"), site.times("/rss.xml")
    first, second = robots[0], robots[1]
    assert len([t for t in polls if first < t < second]) >= 4  # many polls, one robots.txt
    # Read again once the TTL has passed, not before (the server's clock: 0.5 s of slack for the
    # first request's way there; the polls are at most 0.5 s apart, so a re-read at every poll fails).
    assert TTL - 0.5 <= second - first <= TTL + 5
    assert all(b - a >= TTL - 0.5 for a, b in zip(robots, robots[1:], strict=False))
    assert site.requested("/news/") == ["/news/1.html", "/news/3.html"]  # each once
    assert site.requested("/blocked/") == []  # the new Disallow obeyed
    after = [t for t in polls if t > second]
    gaps = [b - a for a, b in zip(after, after[1:], strict=False)]
    assert gaps and min(gaps) >= 0.95, gaps  # the new Crawl-delay: 1 s over an interval of 0.5 s
    before = [b - a for a, b in zip(polls, polls[1:], strict=False) if b < second]
    assert min(before) < 0.95  # (which was not the case before)
