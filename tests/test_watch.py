"""`scrapy watch`: the schedule it learns (on an injected clock), and the real process polling a
live site on 127.0.0.1: new stories exported while it runs, conditional polls, Crawl-delay and
Retry-After obeyed, SIGTERM, and the lock it shares with `update`."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import feedparser
import pytest

from crawler.sources import Source
from crawler.store import Archive
from crawler.watch.schedule import Schedule, stored_schedule
from demo import live
from tests.conftest import ROOT, run_scrapy

FEED, SITEMAP = "https://busy.example/rss.xml", "https://busy.example/sitemap.xml"


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def schedule(tmp_path: Path, clock: Clock, **source) -> Schedule:
    busy = Source(name="busy", feeds=(FEED,), sitemaps=(SITEMAP,), **source)
    return Schedule(tmp_path / "news.db", [busy], min_interval=30, max_interval=900, clock=clock)


def test_the_interval_lengthens_on_unchanged_polls_and_shortens_on_a_new_item(tmp_path):
    clock = Clock()
    plan = schedule(tmp_path, clock)  # nothing known of the source: start fast, then learn
    # A new feed is polled at once; its sitemap, a backup, after a backup interval (its back
    # catalogue can wait; the feed brings the new stories).
    assert [e.url for e in plan.due()] == [FEED]
    assert plan.entries[SITEMAP].next_poll == clock.now + 900
    assert (plan.entries[FEED].interval, plan.entries[SITEMAP].interval) == (30, 120)  # a feed is cheaper
    intervals = []
    for _ in range(3):
        intervals.append(plan.polled(FEED, 304, 0).interval)
        clock.now = plan.entries[FEED].next_poll
        assert FEED in [e.url for e in plan.due()]
    assert intervals == [45, 67.5, 101.25]  # unchanged: x1.5 each
    assert plan.polled(FEED, 200, 0).interval == 151.875  # changed, but nothing new: still quiet
    assert plan.polled(FEED, 200, 1).interval == 75.9375  # a new item: sooner
    for _ in range(5):
        plan.polled(FEED, 200, 1)
    assert plan.entries[FEED].interval == 30  # busy: NEWS_WATCH_MIN_INTERVAL
    for _ in range(30):
        plan.polled(FEED, 304, 0)
    assert plan.entries[FEED].interval == 900  # quiet: NEWS_WATCH_MAX_INTERVAL


def test_the_source_min_interval_crawl_delay_and_retry_after_are_floors(tmp_path):
    clock = Clock()
    plan = schedule(tmp_path, clock, min_interval=120.0)
    for _ in range(10):
        plan.polled(FEED, 200, 3)
    assert plan.entries[FEED].interval == 120
    plan.set_crawl_delay("busy.example", 300)
    assert plan.polled(FEED, 200, 3).interval == 300
    plan.set_crawl_delay("busy.example", 1200)  # above NEWS_WATCH_MAX_INTERVAL: obeyed all the same
    assert plan.polled(FEED, 304, 0).interval == plan.failed(FEED).next_poll - clock.now == 1200
    plan.polled(FEED, 200, 3)
    plan.set_crawl_delay("busy.example", 300)
    entry = plan.failed(FEED, retry_after=3600)
    assert entry.next_poll == clock.now + 3600 and entry.failures == 1
    assert FEED not in [e.url for e in plan.due()]
    first = plan.failed(SITEMAP).next_poll - clock.now
    second = plan.failed(SITEMAP).next_poll - clock.now
    assert second == min(900, first * 2)  # a failing entry point backs off


def test_a_restart_resumes_the_schedule_from_the_archive(tmp_path):
    clock = Clock()
    plan = schedule(tmp_path, clock)
    plan.polled(FEED, 304, 0)
    plan.polled(SITEMAP, 304, 0)
    saved = plan.entries[FEED].interval, plan.entries[FEED].next_poll
    plan.close()
    again = schedule(tmp_path, clock)
    assert (again.entries[FEED].interval, again.entries[FEED].next_poll) == saved
    assert again.due() == []  # nothing polled again before its time
    assert stored_schedule(tmp_path / "news.db")[FEED].not_modified == 1


def test_the_source_pace_in_the_archive_sets_the_target_and_the_feed_keeps_it(tmp_path):
    with Archive(tmp_path / "news.db") as archive:
        for minute in range(0, 40, 4):  # one story every 4 minutes
            archive.save({
                "url": f"https://busy.example/a/{minute}", "title": f"Story number {minute} of the day",
                "source": "busy", "published": f"2026-01-01T10:{minute:02d}:00+00:00",
                "body_html": f"<p>{'word ' * minute} story {minute}</p>", "text": f"story {minute}",
            })  # fmt: skip
    clock = Clock(datetime(2026, 1, 1, 10, 37, tzinfo=UTC).timestamp())
    plan = schedule(tmp_path, clock)
    assert plan.target("busy") == 60  # sqrt(240 s gap x 30 s / 2)
    assert plan.target("unknown") is None
    assert (plan.entries[FEED].interval, plan.entries[SITEMAP].interval) == (60, 240)
    assert plan.polled(SITEMAP, 200, 5).interval == 1800  # its first poll: the back catalogue
    plan.polled(SITEMAP, 200, 1)  # later, the sitemap happened to be polled first after a story
    assert plan.entries[SITEMAP].interval == 240  # back to the pace, times its cost
    plan.polled(FEED, 200, 0)  # the feed lists it too, but it is known by then
    for _ in range(10):
        plan.polled(FEED, 304, 0)
        plan.polled(SITEMAP, 304, 0)
    assert plan.entries[FEED].interval == 60  # the feed, the cheapest, stays at the source's pace
    plan.entries[FEED].interval = 30  # as after a first poll that came before the archive knew the pace
    assert plan.polled(FEED, 304, 0).interval == 60  # straight back to the pace, no x1.5 climb
    # The sitemap only backs the feed up: once every 900 / 30 polls of the feed at the pace.
    assert plan.entries[SITEMAP].interval == 900 / 30 * 60
    clock.now += 3600  # an hour of silence since the last story (10:36): the source's pace slows
    plan.targets.clear()
    for _ in range(5):
        plan.polled(FEED, 304, 0)
    assert plan.entries[FEED].interval == pytest.approx(math.sqrt(3660 / 2 * 15))


def test_the_pace_is_the_mean_gap_and_a_subscribed_feed_is_polled_on_pushes_only(tmp_path):
    gaps = [10, 10, 10, 10, 10, 10, 10, 10, 10, 510]  # minutes: a Poisson-like mix, mean 60
    with Archive(tmp_path / "news.db") as archive:
        minute = 0
        for number, gap in enumerate([0, *gaps]):
            minute += gap
            archive.save({
                "url": f"https://busy.example/a/{number}", "title": f"Story number {number} of the day",
                "source": "busy", "published": datetime.fromtimestamp(minute * 60, UTC).isoformat(),
                "body_html": f"<p>{'word ' * number} story {number}</p>", "text": f"story {number}",
            })  # fmt: skip
    clock = Clock(minute * 60 + 60)
    plan = schedule(tmp_path, clock)
    assert plan.target("busy") == pytest.approx(math.sqrt(3600 * 30 / 2))  # the median (600 s) would give 95

    plan.set_pushed(FEED, clock.now + 3600)  # the hub confirmed a lease of an hour
    assert plan.polled(FEED, 200, 1).interval == 900  # new stories, but the hub will say when
    backup = plan.polled(SITEMAP, 200, 2).interval  # and the sitemap only backs up a pushed feed
    assert backup == pytest.approx(900 / 30 * plan.target("busy"))
    clock.now += 5
    plan.pushed(FEED)
    assert FEED in [e.url for e in plan.due()]  # a push: polled at once
    clock.now += 3600  # the lease ended unrenewed: the pace again
    assert plan.polled(FEED, 200, 1).interval == plan.target("busy")


def test_a_new_sources_first_batch_once_stored_sets_the_pace_of_its_next_poll(tmp_path):
    clock = Clock(datetime(2026, 1, 1, 12, 0, tzinfo=UTC).timestamp())
    plan = schedule(tmp_path, clock)  # a new source: no pace yet
    first = plan.polled(FEED, 200, 4)  # its first poll brings the back catalogue: four stories
    assert first.interval == 30 and plan.polled(SITEMAP, 200, 2).interval == 900  # the floor, the maximum
    with Archive(tmp_path / "news.db") as archive:  # the batch stored: a story every half hour
        for number in range(4):
            archive.save({
                "url": f"https://busy.example/a/{number}", "title": f"Story number {number} of the day",
                "source": "busy", "published": f"2026-01-01T{10 + number // 2}:{30 * (number % 2):02d}:00+00:00",
                "body_html": f"<p>{'word ' * number} story {number}</p>", "text": f"story {number}",
            })  # fmt: skip
    plan.replan()
    pace = math.sqrt(1800 * 30 / 2)  # not 30 s: the floor would be a poll for nothing
    assert plan.entries[FEED].interval == pytest.approx(pace)
    assert plan.entries[FEED].next_poll == pytest.approx(first.last_poll + pace)
    assert plan.entries[SITEMAP].interval == pytest.approx(900 / 30 * pace)  # 30 feed polls later
    plan.replan()  # once
    assert plan.unpaced == set()


# --- the real process ----------------------------------------------------------------------


class Watch:
    """A live site and a `scrapy watch` process polling it fast (sub-second intervals)."""

    def __init__(self, folder: Path, site: live.LiveSite, *extra: str):
        self.site = site
        self.server = live.start(site)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sources = folder / "sources.toml"
        self.sources.write_text(live.sources_toml(self.base, site.rates), encoding="utf-8")
        self.db, self.out, self.log = folder / "news.db", folder / "out", folder / "watch.log"
        self.settings = ["-s", f"NEWS_SOURCES_FILE={self.sources}", "-s", f"NEWS_DB_PATH={self.db}"]
        self.extra = extra
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "watch", *self.settings, "-o", str(self.out),
             "-s", "NEWS_WATCH_MIN_INTERVAL=0.5", "-s", "NEWS_WATCH_MAX_INTERVAL=2",
             "-s", "NEWS_WATCH_TICK=0.1", "-s", "NEWS_EXTRACT_WORKERS=0", "-s", f"LOG_FILE={self.log}",
             *self.extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def feed_titles(self) -> set[str]:
        path = self.out / "feeds" / "rss.xml"
        return (
            {entry.title for entry in feedparser.parse(path.read_bytes()).entries} if path.exists() else set()
        )

    def wait_for(self, title: str, timeout: float = 30) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if title in self.feed_titles():
                return time.monotonic() - started
            assert self.process.poll() is None, self.process.communicate()
            time.sleep(0.1)
        raise AssertionError(
            f"{title!r} not exported within {timeout} s; log:\n{self.log.read_text()[-3000:]}"
        )

    def stop(self) -> tuple[int, str, str, float]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err, time.monotonic() - started

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def watch(tmp_path):
    made = []

    def start(site, *extra):
        made.append(Watch(tmp_path, site, *extra))
        return made[-1]

    yield start
    for one in made:
        one.close()


@pytest.mark.slow
def test_watch_exports_a_new_story_while_it_runs_then_stops_cleanly_on_sigterm(watch):
    site = live.LiveSite({"busy": 0, "quiet": 0})
    first = [site.publish("busy"), site.publish("busy"), site.publish("quiet")]
    running = watch(site)
    for article in first:
        running.wait_for(article.title)
    time.sleep(2)  # unchanged polls
    before = len(site.requests)
    fresh = site.publish("busy")
    latency = running.wait_for(fresh.title, timeout=15)
    assert latency < 10  # the busy feed is polled at most 2 s apart here, plus fetch and export
    time.sleep(1)

    polls = [hit for hit in site.requests if hit.path.endswith(".xml")]
    firsts = {}
    for hit in polls:
        if hit.path not in firsts:
            firsts[hit.path] = True
            assert not hit.conditional and hit.status == 200  # nothing known yet
        else:
            assert hit.conditional  # always conditional once validators are known
    statuses = {(hit.path, hit.status) for hit in site.requests[before:]}
    assert ("/busy/rss.xml", 200) in statuses or ("/busy/sitemap.xml", 200) in statuses
    quiet = [hit.status for hit in polls if hit.path.startswith("/quiet/")]
    assert quiet.count(200) == 2 and quiet.count(304) >= 2  # unchanged: only 304s after the first
    articles = [hit.path for hit in site.requests if "/articles/" in hit.path]
    assert len(articles) == len(set(articles)) == 4  # no article requested twice
    assert sum(1 for hit in site.requests if hit.path == "/robots.txt") == 1

    code, out, err, took = running.stop()
    assert code == 0, err[-3000:]
    assert took < 10
    assert "watch: stopped (shutdown)" in out
    titles = running.feed_titles()
    with Archive(running.db) as archive:
        assert archive.integrity_check() == ["ok"]
        stored = {row["title"] for row in archive.iter_all()}
    assert stored == titles == {a.title for a in [*first, fresh]}  # the export matches the archive
    urls = {
        f"{running.base}/{outlet}/{name}"
        for outlet in ("busy", "quiet")
        for name in ("rss.xml", "sitemap.xml")
    }
    assert set(stored_schedule(running.db)) == urls
    listed = run_scrapy("sources", *running.settings)  # each entry point's interval and next poll
    assert listed.returncode == 0, listed.stderr[-3000:]
    lines = [line for line in listed.stdout.splitlines() if line.startswith("watch: ")]
    assert len(lines) == 4
    assert all(re.search(r" every [\d.]+ s, next \d{4}-\d\d-\d\d [\d:]{8} \(", line) for line in lines)
    assert sum(" 1 new" in line for line in lines if line.startswith("watch: quiet ")) == 1  # feed or sitemap
    quiet_feed = stored_schedule(running.db)[f"{running.base}/quiet/rss.xml"]
    assert quiet_feed.not_modified >= 2 and quiet_feed.interval >= 0.5 * 1.5**2  # lengthened by each 304


@pytest.mark.slow
def test_watch_obeys_crawl_delay_and_retry_after(watch):
    site = live.LiveSite({"busy": 0, "quiet": 0}, crawl_delay=1.5)
    site.publish("busy")
    site.unavailable("quiet", 3)
    running = watch(site)
    time.sleep(7)
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]
    times: dict[str, list[float]] = {}
    for hit in site.requests:
        times.setdefault(hit.path, []).append(hit.time)
    for path in ("/busy/rss.xml", "/busy/sitemap.xml"):
        gaps = [b - a for a, b in zip(times[path], times[path][1:], strict=False)]
        assert gaps and min(gaps) >= 1.4, (path, gaps)  # Crawl-delay 1.5 over an interval of 0.5
    quiet = [(hit.time, hit.status) for hit in site.requests if hit.path == "/quiet/rss.xml"]
    assert quiet[0][1] == 503
    assert quiet[1][0] - quiet[0][0] >= 3  # Retry-After: 3, over an interval of 0.5
    assert quiet[1][1] == 200


@pytest.mark.slow
def test_update_refuses_to_run_while_watch_holds_the_archive(watch):
    site = live.LiveSite({"busy": 0})
    running = watch(site)
    running.wait_for(site.publish("busy").title)
    result = run_scrapy("update", *running.settings, "-o", str(running.out))
    assert result.returncode == 3
    assert "`watch` is running" in result.stderr and str(running.process.pid) in result.stderr
    second = run_scrapy("watch", *running.settings, "-o", str(running.out))
    assert second.returncode == 3 and "another watch is running" in second.stderr
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]


@pytest.mark.slow
def test_after_sigkill_nothing_stored_is_lost_and_a_restart_resumes(watch):
    site = live.LiveSite({"busy": 0})
    first = [site.publish("busy") for _ in range(3)]
    running = watch(site)
    for article in first:
        running.wait_for(article.title)
    time.sleep(1)  # a few unchanged polls recorded
    running.process.kill()
    running.process.communicate()
    with Archive(running.db) as archive:
        assert archive.integrity_check() == ["ok"]
        assert {row["title"] for row in archive.iter_all()} == {a.title for a in first}
    polled = stored_schedule(running.db)[f"{running.base}/busy/rss.xml"]
    assert polled.polls >= 2 and polled.not_modified >= 1

    running.start()  # the same site, archive and export folder
    fresh = site.publish("busy")
    running.wait_for(fresh.title)
    articles = [hit.path for hit in site.requests if "/articles/" in hit.path]
    assert len(articles) == len(set(articles)) == 4  # nothing stored was fetched again
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]


@pytest.mark.slow
def test_an_article_that_fails_is_kept_pending_in_the_archive_not_asked_for_at_every_poll(watch):
    site = live.LiveSite({"busy": 0})
    bad, good = site.publish("busy"), site.publish("busy")
    site.broken.add(f"/busy/articles/{bad.number}.html")
    running = watch(site)
    running.wait_for(good.title)
    deadline = time.monotonic() + 15
    waiting = {}
    while waiting.get("busy", {}).get("waiting") != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        with Archive(running.db) as archive:
            waiting = archive.pending_counts()
    assert waiting == {"busy": {"waiting": 1, "given_up": 0}}  # in the archive while watch runs
    asked = sum(1 for hit in site.requests if hit.path == f"/busy/articles/{bad.number}.html")
    fresh = site.publish("busy")  # the feed changes and lists the failed link again
    running.wait_for(fresh.title)
    again = sum(1 for hit in site.requests if hit.path == f"/busy/articles/{bad.number}.html")
    assert again == asked  # its next try is an hour away (NEWS_PENDING_RETRY_DELAY)
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]


class Hub:
    """A WebSub hub on 127.0.0.1: takes subscriptions and verifies intent as a real hub does."""

    def __init__(self, lease: int = 600):
        self.lease = lease  # what the hub grants, whatever was asked
        self.subscriptions: list[dict[str, str]] = []
        self.verified: list[bool] = []
        self.published: list[str] = []  # hub.url of the pings from our own exports
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fields = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                self.send_response(202 if fields.get("hub.mode") in ("subscribe", "publish") else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if fields.get("hub.mode") == "publish":
                    hub.published.append(fields["hub.url"])
                elif fields.get("hub.mode") == "subscribe":
                    hub.subscriptions.append(fields)
                    threading.Thread(target=hub.verify, args=(fields,), daemon=True).start()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, fields: dict[str, str]) -> None:
        challenge = secrets.token_hex(8)
        query = urlencode({"hub.mode": "subscribe", "hub.topic": fields["hub.topic"],
                           "hub.challenge": challenge, "hub.lease_seconds": str(self.lease)})  # fmt: skip
        with urllib.request.urlopen(f"{fields['hub.callback']}?{query}", timeout=10) as answer:
            self.verified.append(answer.read().decode() == challenge)

    def push(self, body: bytes, secret: str | None = None) -> int:
        fields = self.subscriptions[-1]
        digest = hmac.new((secret or fields["hub.secret"]).encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            fields["hub.callback"], data=body, headers={"X-Hub-Signature": f"sha256={digest}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.mark.slow
def test_websub_subscribes_verifies_polls_on_a_signed_push_only_renews_and_pings_our_hub(watch):
    hub = Hub(lease=4)
    site = live.LiveSite({"busy": 0}, hub=hub.url)
    first = site.publish("busy")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = watch(
        site, "-s", "NEWS_WATCH_MIN_INTERVAL=60", "-s", "NEWS_WATCH_MAX_INTERVAL=120",
        "-s", f"NEWS_WEBSUB_CALLBACK=http://127.0.0.1:{port}/websub", "-s", f"NEWS_WEBSUB_LISTEN=127.0.0.1:{port}",
        "-s", f"NEWS_WEBSUB_HUB={hub.url}", "-s", "NEWS_SITE_URL=https://news.example",
    )  # fmt: skip
    running.wait_for(first.title)
    deadline = time.monotonic() + 15
    while not hub.verified and time.monotonic() < deadline:
        time.sleep(0.1)
    assert hub.verified[:1] == [True]  # the challenge was echoed
    fields = hub.subscriptions[0]
    assert fields["hub.mode"] == "subscribe" and fields["hub.topic"] == f"{running.base}/busy/rss.xml"
    assert len(fields["hub.secret"]) >= 20

    polls = lambda: sum(1 for hit in site.requests if hit.path == "/busy/rss.xml")  # noqa: E731
    deadline = time.monotonic() + 15
    while polls() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert polls() == 2  # the first poll, and one once subscribed: a story may have come between
    before = polls()
    fresh = site.publish("busy")
    assert hub.push(b"<rss/>", secret="not-the-secret") == 403  # a forged push is refused
    time.sleep(1.5)
    assert polls() == before  # and polls nothing (the next poll is a minute away)
    assert hub.push(b"<rss/>") == 202
    assert running.wait_for(fresh.title, timeout=10) < 10  # the signed push made it poll at once
    deadline = time.monotonic() + 10
    while hub.published.count("https://news.example/feeds/rss.xml") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (
        hub.published.count("https://news.example/feeds/rss.xml") == 2
    )  # one ping per export that changed it
    deadline = time.monotonic() + 15
    while len(hub.verified) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    # Renewed before each 4 s lease ends, though the feed is polled a minute apart (no 200 to read
    # the hub from): the same subscription (callback, secret), asked again and confirmed.
    assert hub.verified[:3] == [True, True, True]
    assert {(f["hub.callback"], f["hub.secret"], f["hub.topic"]) for f in hub.subscriptions} == {
        (fields["hub.callback"], fields["hub.secret"], fields["hub.topic"])
    }
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]


@pytest.mark.slow
def test_a_story_pushed_by_the_live_sites_own_hub_is_exported_long_before_the_next_poll(watch):
    site = live.LiveSite({"busy": 0})
    first = site.publish("busy")
    hub = live.start(site)  # the site's hub, on a host of its own
    site.serve_hub(f"http://127.0.0.1:{hub.server_address[1]}/hub")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = watch(
        site, "-s", "NEWS_WATCH_MIN_INTERVAL=300", "-s", "NEWS_WATCH_MAX_INTERVAL=600",
        "-s", f"NEWS_WEBSUB_CALLBACK=http://127.0.0.1:{port}/websub", "-s", f"NEWS_WEBSUB_LISTEN=127.0.0.1:{port}",
    )  # fmt: skip
    running.wait_for(first.title)  # the first poll: the feed names the hub, watch subscribes
    deadline = time.monotonic() + 15
    while not site.subscribers and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [sub.topic for sub in site.subscribers.values()] == [f"{running.base}/busy/rss.xml"]
    feeds = lambda: [hit for hit in site.requests if hit.path == "/busy/rss.xml"]  # noqa: E731
    deadline = time.monotonic() + 15
    while len(feeds()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # once subscribed, the feed is polled once more
    fresh = site.publish("busy")
    assert running.wait_for(fresh.title, timeout=20) < 20  # the next poll is 10 minutes away
    assert [status for _, status, _ in site.pushes] == [202]  # signed with the secret watch gave
    polled = feeds()
    assert len(polled) == 3 and polled[2].conditional  # at the start, once subscribed, on the push
    code, _, err, _ = running.stop()
    assert code == 0, err[-3000:]
    hub.shutdown()
    hub.server_close()
