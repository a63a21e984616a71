"""WebSub (W3C): feeds that name a hub push their changes to `scrapy watch` instead of waiting
for its next poll.

With NEWS_WEBSUB_CALLBACK set (the public URL that reaches NEWS_WEBSUB_LISTEN, where watch
listens), a feed that advertises `<link rel="hub">` is subscribed to at that hub, with a secret
of its own and a lease that is renewed before it ends. The hub checks the subscription by
asking the callback to echo a challenge (intent verification: only topics we asked for are
confirmed); each push must carry `X-Hub-Signature: sha256=<HMAC of the body with the secret>`,
and one that does not is refused (403). A push is taken as a change of that entry point: it
is polled at once (a conditional request, never under its floor), so what a push says is
stored by the same path as a poll; while the lease runs, polls are only a safety net. A lease
is renewed at 80 % of it, whether or not the feed changed since. Subscriptions live in memory:
after a restart the next poll of each feed subscribes again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import feedparser
from twisted.internet import threads
from twisted.web import resource, server

logger = logging.getLogger(__name__)
RENEW_AT = 0.8  # share of the lease after which it is renewed


@dataclass
class Subscription:
    entry_url: str  # the entry point polled when a push comes
    topic: str
    hub: str
    secret: str
    token: str  # the last part of the callback URL: which subscription a request is about
    requested: float = 0.0
    expires: float = 0.0  # 0: not verified yet
    granted: float = 0.0  # the lease the hub granted, in seconds


def feed_hub(body: bytes, url: str) -> tuple[str, str] | None:
    """(hub URL, topic URL) a feed advertises (`<link rel="hub">`, `rel="self"`), or None."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    links = parsed.feed.get("links", [])
    hubs = [link.get("href") for link in links if link.get("rel") == "hub" and link.get("href")]
    if not hubs:
        return None
    topic = next((link.get("href") for link in links if link.get("rel") == "self" and link.get("href")), url)
    return hubs[0], topic


class WebSub(resource.Resource):
    isLeaf = True

    def __init__(self, callback: str, on_push: Callable[[str], None], lease: int = 86400,
                 agent: str = "newsdao", clock: Callable[[], float] = time.time,
                 on_verified: Callable[[str, float], None] | None = None):  # fmt: skip
        super().__init__()
        self.callback = callback.rstrip("/")
        self.on_push = on_push
        self.on_verified = on_verified  # (entry point URL, when the lease ends; 0: unsubscribed)
        self.lease = lease
        self.agent = agent
        self.clock = clock
        self.by_token: dict[str, Subscription] = {}
        self.by_entry: dict[str, Subscription] = {}
        self.port = None

    def listen(self, address: str) -> int:
        """Serve the callback on host:port (port 0: a free one); returns the port."""
        # Imported here: at module import time it would install Twisted's default reactor
        # before Scrapy installs the asyncio one.
        from twisted.internet import reactor

        host, _, port = address.rpartition(":")
        self.port = reactor.listenTCP(int(port), server.Site(self), interface=host or "127.0.0.1")
        return self.port.getHost().port

    def stop(self) -> None:
        if self.port is not None:
            self.port.stopListening()

    # --- subscribing -----------------------------------------------------------------

    def offer(self, entry_url: str, body: bytes) -> None:
        """A feed was fetched: subscribe to its hub, or renew, when due."""
        found = feed_hub(body, entry_url)
        if found is None:
            return
        hub, topic = found
        known = self.by_entry.get(entry_url)
        if known and known.hub == hub and known.topic == topic:
            if not self._due(known):
                return
            sub = known
        else:
            sub = Subscription(entry_url, topic, hub, secrets.token_hex(20), secrets.token_urlsafe(12))
            self.by_token[sub.token] = sub
            if known:
                self.by_token.pop(known.token, None)
            self.by_entry[entry_url] = sub
        self._subscribe(sub)

    def renew(self) -> None:
        """Ask again for every lease near its end (a feed that only answers 304 is not offered)."""
        for sub in list(self.by_entry.values()):
            if sub.expires and self._due(sub):
                self._subscribe(sub)

    def _due(self, sub: Subscription) -> bool:
        """Whether to ask the hub (again): not yet subscribed, or the lease is 80 % through; not
        while an answer to the last request may still come."""
        now = self.clock()
        remaining = sub.granted * (1 - RENEW_AT)
        if now - sub.requested < min(300.0, remaining / 2 if sub.expires else 300.0):
            return False
        return sub.expires == 0 or now >= sub.expires - remaining

    def _subscribe(self, sub: Subscription) -> None:
        sub.requested = self.clock()
        hub, topic = sub.hub, sub.topic
        fields = {
            "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": f"{self.callback}/{sub.token}",
            "hub.secret": sub.secret, "hub.lease_seconds": str(self.lease),
        }  # fmt: skip
        done = threads.deferToThread(self._post, hub, fields)
        done.addCallbacks(
            lambda status: logger.info("WebSub: asked %s for %s (HTTP %s)", hub, topic, status),
            lambda failure: logger.warning("WebSub: subscribing at %s failed: %s", hub, failure.value),
        )

    def _post(self, url: str, fields: dict[str, str]) -> int:
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), headers={"User-Agent": self.agent}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  http(s) hub URLs only
            return answer.status

    # --- the callback ------------------------------------------------------------------

    def _subscription(self, request) -> Subscription | None:
        token = request.path.decode("ascii", "replace").rstrip("/").rpartition("/")[2]
        return self.by_token.get(token)

    def render_GET(self, request):
        """Intent verification: echo the challenge for a topic we asked to subscribe to."""
        sub = self._subscription(request)
        args = {key.decode(): values[0].decode() for key, values in request.args.items()}
        mode = args.get("hub.mode")
        if sub is None or args.get("hub.topic") != sub.topic or mode not in ("subscribe", "unsubscribe"):
            request.setResponseCode(404)
            return b"unknown subscription"
        if mode == "subscribe":
            lease = int(args.get("hub.lease_seconds") or self.lease)
            sub.expires, sub.granted = self.clock() + lease, lease
            logger.info("WebSub: subscribed to %s at %s for %d s", sub.topic, sub.hub, lease)
        else:
            sub.expires = 0.0
        if self.on_verified is not None:
            self.on_verified(sub.entry_url, sub.expires)
        return args.get("hub.challenge", "").encode()

    def render_POST(self, request):
        """A push: accepted only with the right HMAC signature; the entry point is polled at once."""
        sub = self._subscription(request)
        body = request.content.read()
        signature = (request.getHeader("X-Hub-Signature") or "").strip()
        method, _, digest = signature.partition("=")
        if sub is None or method not in ("sha1", "sha256", "sha384", "sha512"):
            request.setResponseCode(403 if sub else 404)
            return b"refused"
        expected = hmac.new(sub.secret.encode(), body, getattr(hashlib, method)).hexdigest()
        if not hmac.compare_digest(expected, digest):
            logger.warning("WebSub: refused a push for %s with a bad signature", sub.topic)
            request.setResponseCode(403)
            return b"bad signature"
        logger.info("WebSub: push for %s", sub.topic)
        self.on_push(sub.entry_url)
        request.setResponseCode(202)
        return b""


def ping_hub(hub: str, urls: list[str], agent: str = "newsdao") -> None:
    """Tell our own hub (NEWS_WEBSUB_HUB) that these feeds changed: one `hub.mode=publish` each.

    Blocking: called in a thread while watch runs, directly after its last export.
    """
    for url in urls:
        fields = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=fields, headers={"User-Agent": agent})
        try:
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310  the operator's hub URL
                pass
        except OSError as exc:  # a hub that is down must not stop the watch: log, go on
            logger.warning("WebSub: pinging %s for %s failed: %s", hub, url, exc)
            return


def changed_feeds(result, out_dir) -> list[str]:
    """Published URLs of the feeds an export rewrote."""
    written = {str(path) for path in result.written}
    return [feed.url for feed in result.feeds if str(out_dir / feed.path) in written]
