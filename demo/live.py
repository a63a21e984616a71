"""A live news site on 127.0.0.1: outlets that publish articles over time at set rates.

Each outlet has a feed (/<outlet>/rss.xml, the newest 30), a news sitemap
(/<outlet>/sitemap.xml, everything of the last two days) and article pages; an article
appears in all three at its publication time. Rates are articles per hour; `speed`
multiplies them (speed 4: an hour's stories in 15 minutes), so a benchmark that also divides
the crawler's intervals by it shows an hour of publishing in minutes; dates stay real.
`backlog` hours of stories, evenly spaced at each rate, are there from the start (what a
source's archive and feed already hold). `publish(outlet)` adds an article now (tests).
Like demo/server.py it sends ETag and Last-Modified and answers conditional requests with
304; `crawl_delay` puts a Crawl-delay in robots.txt, `hub` a WebSub hub in the feeds;
`serve_hub()` makes the site that hub too (`POST /hub`): it verifies each subscriber's intent
and, the moment an outlet publishes, POSTs the outlet's feed to its subscribers, signed with
`X-Hub-Signature: sha256=<HMAC>` (a publisher running its own hub, as WordPress sites do);
`unavailable(outlet, seconds)` answers that outlet's feed and sitemap with 503 and a
Retry-After for that long, and `broken` (a set of article paths) those articles with 500.
`requests` logs every request (a Hit: path, status, real time, conditional or not,
User-Agent, port).

    python -m demo.live --rates busy=60,steady=20,slow=6,quiet=2 [--speed 1] [--watch DIR]
    make demo-live     # the same at speed 10, with `scrapy watch` on it into output/demo-live/
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode
from urllib.request import Request, urlopen
from xml.sax.saxutils import escape

WORDS = (
    "정부 국회 시장 금리 수출 반도체 지방 교육 의료 교통 기후 에너지 주택 고용 물가 환율 "
    "소방 경찰 법원 검찰 선거 외교 국방 농업 어업 관광 문화 공연 영화 야구 축구 배구 날씨 "
    "태풍 폭염 한파 지진 화재 사고 구조 조사 발표 계획 예산 지원 확대 축소 협의 합의 반대 "
    "찬성 위원회 장관 시장실 주민 학생 교사 기업 노조 은행 증권 투자 창업 연구 개발 특허"
).split()


class Hit(NamedTuple):
    """One request the site answered."""

    path: str
    status: int
    time: float  # real time
    conditional: bool  # If-None-Match or If-Modified-Since sent
    agent: str
    port: int


@dataclass
class Subscriber:
    """A WebSub subscription the site's own hub verified."""

    outlet: str
    topic: str  # the outlet's feed URL, as the subscriber asked for it
    callback: str
    secret: str


@dataclass
class Article:
    outlet: str
    number: int
    published: float  # seconds since the epoch
    title: str
    body: list[str] = field(default_factory=list)


class LiveSite:
    def __init__(self, rates: dict[str, float], speed: float = 1.0, seed: int = 28,
                 clock=time.time, crawl_delay: float | None = None, backlog: float = 0,
                 hub: str | None = None):  # fmt: skip
        self.rates = dict(rates)
        self.speed = speed
        self.clock = clock
        self.crawl_delay = crawl_delay
        self.hub = hub  # a WebSub hub the feeds advertise
        self.started = clock()
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.articles: dict[str, list[Article]] = {name: [] for name in rates}
        self.upcoming = {name: self._gap(name) for name in rates}  # seconds after start
        self.down_for: dict[str, float] = {}  # outlet -> seconds of 503 from its first refused request
        self.down_since: dict[str, float] = {}
        self.broken: set[str] = set()  # article paths answered with 500
        self.requests: list[Hit] = []
        self.subscribers: dict[str, Subscriber] = {}  # callback URL -> subscription (serve_hub)
        self.pushes: list[tuple[str, int, float]] = []  # (callback, answer status, real time)
        self.notified: dict[str, int] = {}  # outlet -> articles its subscribers were told of
        for outlet, rate in rates.items():
            count = int(rate * backlog)
            for n in range(count, 0, -1):
                self._add(outlet, self.started - n * 3600 / (rate * speed))

    # --- publishing ----------------------------------------------------------------------

    def _gap(self, outlet: str) -> float:
        rate = self.rates[outlet]
        return self.random.expovariate(rate * self.speed / 3600) if rate > 0 else float("inf")

    def _catch_up(self) -> None:
        """Publish every article whose time has come (called at each request)."""
        now = self.clock()
        for outlet in self.rates:
            while self.started + self.upcoming[outlet] <= now:
                self._add(outlet, self.started + self.upcoming[outlet])
                self.upcoming[outlet] += self._gap(outlet)

    def _add(self, outlet: str, published: float) -> Article:
        number = len(self.articles[outlet]) + 1
        rng = random.Random(f"{outlet}-{number}")
        title = f"{outlet} {number}: " + " ".join(rng.choice(WORDS) for _ in range(6))
        body = [" ".join(rng.choice(WORDS) for _ in range(40)) + "." for _ in range(4)]
        article = Article(outlet, number, published, title, body)
        self.articles[outlet].append(article)
        return article

    def publish(self, outlet: str) -> Article:
        """An article published now (besides the outlet's rate)."""
        with self.lock:
            self._catch_up()
            return self._add(outlet, self.clock())

    def published(self) -> list[Article]:
        with self.lock:
            self._catch_up()
            return [a for articles in self.articles.values() for a in articles]

    def stop_publishing(self) -> None:
        """No more articles from the rates (publish() still adds one)."""
        with self.lock:
            self._catch_up()
            self.upcoming = dict.fromkeys(self.rates, float("inf"))

    def unavailable(self, outlet: str, seconds: int) -> None:
        """Answer the outlet's feed and sitemap with 503 and `Retry-After: seconds`, for that
        long from the first such answer."""
        self.down_for[outlet] = seconds
        self.down_since.pop(outlet, None)

    # --- its own WebSub hub -------------------------------------------------------------

    def serve_hub(self, url: str) -> None:
        """Be the WebSub hub at `url` (this site's `/hub`): advertise it in the feeds, and push
        each new article to the subscribers of its outlet's feed as it is published."""
        self.hub = url
        with self.lock:
            self._catch_up()
            self.notified = {outlet: len(articles) for outlet, articles in self.articles.items()}
        threading.Thread(target=self._push_loop, daemon=True).start()

    def subscribe(self, body: bytes) -> int:
        """A subscription request (POST /hub): 202, and intent verified in the background."""
        fields = dict(parse_qsl(body.decode("utf-8", "replace")))
        topic, callback = fields.get("hub.topic", ""), fields.get("hub.callback", "")
        outlet = next((name for name in self.rates if topic.endswith(f"/{name}/rss.xml")), None)
        if fields.get("hub.mode") != "subscribe" or outlet is None or not callback.startswith("http"):
            return 400
        sub = Subscriber(outlet, topic, callback, fields.get("hub.secret", ""))
        lease = fields.get("hub.lease_seconds", "86400")
        threading.Thread(target=self._verify, args=(sub, lease), daemon=True).start()
        return 202

    def _verify(self, sub: Subscriber, lease: str) -> None:
        challenge = secrets.token_hex(8)
        query = urlencode({"hub.mode": "subscribe", "hub.topic": sub.topic, "hub.challenge": challenge,
                           "hub.lease_seconds": lease})  # fmt: skip
        try:
            with urlopen(f"{sub.callback}?{query}", timeout=10) as answer:  # noqa: S310  loopback
                confirmed = answer.read().decode() == challenge
        except OSError:
            confirmed = False
        if confirmed:
            with self.lock:
                self.subscribers[sub.callback] = sub

    def _push_loop(self) -> None:
        while True:
            with self.lock:
                self._catch_up()
                pushes = []
                for outlet, articles in self.articles.items():
                    if len(articles) > self.notified.get(outlet, 0):
                        self.notified[outlet] = len(articles)
                        for sub in self.subscribers.values():
                            if sub.outlet == outlet:
                                base = sub.topic.removesuffix(f"/{outlet}/rss.xml")
                                pushes.append((sub, self._feed(outlet, articles[-30:], base)))
                upcoming = self.started + min(self.upcoming.values(), default=float("inf"))
            for sub, body in pushes:
                self._push(sub, body)
            time.sleep(min(0.5, max(0.01, upcoming - self.clock())))

    def _push(self, sub: Subscriber, body: bytes) -> None:
        signature = "sha256=" + hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
        request = Request(sub.callback, data=body, headers={
            "Content-Type": "application/rss+xml", "X-Hub-Signature": signature,
        })  # fmt: skip
        try:
            with urlopen(request, timeout=10) as answer:  # noqa: S310  loopback
                status = answer.status
        except OSError as exc:
            status = getattr(exc, "code", 0)
        self.pushes.append((sub.callback, status, time.time()))

    # --- pages ----------------------------------------------------------------------------

    def page(self, path: str, base: str) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self._catch_up()
            if path == "/robots.txt":
                delay = f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else ""
                return 200, {"Content-Type": "text/plain"}, f"User-agent: *\n{delay}Allow: /\n".encode()
            parts = path.strip("/").split("/")
            outlet = parts[0] if parts and parts[0] in self.articles else None
            if outlet is None:
                return 404, {}, b"not found"
            articles = self.articles[outlet]
            if parts[1:] in (["rss.xml"], ["sitemap.xml"]):
                if outlet in self.down_for:
                    seconds = self.down_for[outlet]
                    first = self.down_since.setdefault(outlet, self.clock())
                    if self.clock() - first < seconds:
                        return 503, {"Retry-After": f"{seconds:.0f}"}, b"busy"
                if parts[1] == "rss.xml":
                    body = self._feed(outlet, articles[-30:], base)
                else:
                    cutoff = self.clock() - 2 * 86400
                    body = self._sitemap([a for a in articles if a.published >= cutoff], base)
                newest = articles[-1].published if articles else self.started
                return 200, {"Content-Type": "application/xml", "_modified": newest}, body
            if path in self.broken:
                return 500, {}, b"server error"
            if len(parts) == 3 and parts[1] == "articles" and parts[2].endswith(".html"):
                number = parts[2].removesuffix(".html")
                if number.isdigit() and 0 < int(number) <= len(articles):
                    return (
                        200,
                        {"Content-Type": "text/html; charset=utf-8"},
                        self._article(articles[int(number) - 1], base),
                    )
            return 404, {}, b"not found"

    def _url(self, article: Article, base: str) -> str:
        return f"{base}/{article.outlet}/articles/{article.number}.html"

    def _feed(self, outlet: str, articles: list[Article], base: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self._url(a, base)}</link>"
            f"<guid>{self._url(a, base)}</guid><pubDate>{_http_date(a.published)}</pubDate>"
            f"<description>{escape(a.body[0][:120])}</description></item>"
            for a in reversed(articles)
        )
        hub = ""
        if self.hub:
            hub = f'<atom:link rel="hub" href="{escape(self.hub)}"/>'
            hub += f'<atom:link rel="self" href="{base}/{outlet}/rss.xml"/>'
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"{hub}<title>{outlet}</title><link>{base}/{outlet}/</link><description>{outlet}</description>"
            f"{items}</channel></rss>"
        ).encode()

    def _sitemap(self, articles: list[Article], base: str) -> bytes:
        urls = "".join(
            f"<url><loc>{self._url(a, base)}</loc><lastmod>{_iso(a.published)}</lastmod></url>"
            for a in reversed(articles)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def _article(self, article: Article, base: str) -> bytes:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.body)
        return (
            '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{escape(article.title)}</title>"
            '<meta property="og:type" content="article">'
            f'<meta property="og:title" content="{escape(article.title)}">'
            f'<meta property="article:published_time" content="{_iso(article.published)}">'
            f'<link rel="canonical" href="{self._url(article, base)}">'
            f"</head><body><article><h1>{escape(article.title)}</h1>"
            f'<time datetime="{_iso(article.published)}">{_iso(article.published)}</time>'
            f'<div class="article-body">{paragraphs}</div></article></body></html>'
        ).encode()


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


def _http_date(moment: float) -> str:
    return format_datetime(datetime.fromtimestamp(moment, UTC), usegmt=True)


class LiveHandler(BaseHTTPRequestHandler):
    site: LiveSite

    def do_GET(self):
        host, port = self.server.server_address[:2]
        status, headers, body = self.site.page(self.path.split("?")[0], f"http://{host}:{port}")
        modified = headers.pop("_modified", None)
        if status == 200 and modified is not None:
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            headers["Last-Modified"] = _http_date(modified)
            if self._not_modified(etag, modified):
                status, body = 304, b""
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        agent = self.headers.get("User-Agent", "")
        self.site.requests.append(Hit(self.path, status, time.time(), conditional, agent, port))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        """WebSub subscriptions to the site's own hub (LiveSite.serve_hub)."""
        port = self.server.server_address[1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = self.site.subscribe(body) if self.site.hub and self.path.split("?")[0] == "/hub" else 404
        agent = self.headers.get("User-Agent", "")
        self.site.requests.append(Hit(self.path, status, time.time(), False, agent, port))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_modified(self, etag: str, modified: float) -> bool:
        if "If-None-Match" in self.headers:
            return etag in [tag.strip() for tag in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        try:
            return bool(since) and int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A crawler that hangs up (a stopped process) is no error of the site's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(site: LiveSite, port: int = 0) -> ThreadingHTTPServer:
    """Serve the live site on 127.0.0.1:port (0: a free port) in a daemon thread."""
    handler = type("Handler", (LiveHandler,), {"site": site})
    server = QuietServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sources_toml(base: str | dict[str, str], outlets, min_interval: float | None = None) -> str:
    """A sources file for the live site: each outlet's feed and sitemap (base: the site's
    address, or one per outlet when each has its own server)."""
    own = f"min_interval = {min_interval}\n" if min_interval is not None else ""
    bases = base if isinstance(base, dict) else dict.fromkeys(outlets, base)
    return "".join(
        f'[[source]]\nname = "{name}"\nfeeds = ["{bases[name]}/{name}/rss.xml"]\n'
        f'sitemaps = ["{bases[name]}/{name}/sitemap.xml"]\n'
        f"article_pattern = '/{name}/articles/[0-9]+\\.html$'\n"
        f'allowed_domains = ["127.0.0.1"]\nlanguage = "ko"\ntimezone = "UTC"\n{own}\n'
        for name in outlets
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--rates", default="busy=60,steady=20,slow=6,quiet=2",
                        help="outlet=articles per hour, comma-separated")  # fmt: skip
    parser.add_argument("--speed", type=float, default=1.0, help="rates multiplied by this")
    parser.add_argument("--watch", metavar="DIR", type=Path, help="also run `scrapy watch` on it, into DIR")
    args = parser.parse_args()
    rates = {k: float(v) for k, v in (pair.split("=") for pair in args.rates.split(","))}
    site = LiveSite(rates, speed=args.speed, backlog=1)
    server = start(site, args.port)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outlets = ", ".join(f"{k} {v:g}/h" for k, v in rates.items())
    print(f"Live site on {base}/ ({outlets}, speed {args.speed:g})")
    watch = None
    if args.watch:
        args.watch.mkdir(parents=True, exist_ok=True)
        sources = args.watch / "sources.toml"
        sources.write_text(sources_toml(base, rates), encoding="utf-8")
        scale = ["-s", f"NEWS_WATCH_MIN_INTERVAL={30 / args.speed}"]
        scale += ["-s", f"NEWS_WATCH_MAX_INTERVAL={900 / args.speed}"]
        watch = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "watch", "-s", f"NEWS_SOURCES_FILE={sources}",
             "-s", f"NEWS_DB_PATH={args.watch / 'news.db'}", "-o", str(args.watch / "site"),
             "-s", f"LOG_FILE={args.watch / 'watch.log'}", *scale],
            cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
        print(f"scrapy watch: feeds in {args.watch / 'site' / 'feeds'}, log in {args.watch / 'watch.log'}.")
        print("`scrapy sources` with the same -s settings shows its schedule. Ctrl-C stops both.")
    else:
        print("Sources file for it:\n")
        print(sources_toml(base, rates))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if watch is not None:
            watch.send_signal(signal.SIGTERM)
            watch.wait(60)


if __name__ == "__main__":
    main()
