"""Freshness: how soon a story reaches our feeds, and what polling costs the sources.

One run, one live site (demo/live.py: outlets publishing at set rates, each on its own port
with its own robots.txt), four contenders side by side, each with its own archive and export
folder: `scrapy watch` polling only; `scrapy watch` with WebSub (the site is also the hub its
feeds advertise and pushes each new story to subscribers; watch listens on a loopback
callback); and `scrapy update` from a loop every 10 minutes and every minute.
Time is scaled: the outlets publish `--speed` times faster than their rates, and every interval
of the contenders is divided by the same factor (watch's 30 s / 15 min bounds, the loops'
periods), so `--minutes 4 --speed 4` shows 16 minutes of publishing at the real rates. Figures
are scaled back (latencies x speed, requests per hour / speed); so a process start (about 2 s
of real time for `update`) counts `--speed` times over, which penalises the every-minute loop
most. Each outlet starts with two hours of stories (its archive and feed); they are stored by
the first polls and not measured. After the publishing window, publishing stops and the
contenders run one more 10-minute period so every story can arrive.

Per contender and source: latency from publication to the story's first appearance in the
exported RSS feed (median, 95th percentile, max; stories that never arrived), entry-point
requests per source per hour of the publishing window (robots, feed, sitemap; 200 vs 304;
requests to the hub are not the sources' and are counted apart), article requests per source
per hour, articles requested twice, where the seconds went (publication to the article's
request: waiting for a poll; the article's request to the exported feed: fetch, extraction,
store, export), and the watch processes' memory (first vs second half of the run).

    python benchmarks/freshness.py [--rates busy=60,steady=20,slow=6,quiet=2] [--speed 4] [--minutes 4]
                                   [--only watch,watch+websub] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo import live  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


class Contender:
    def __init__(self, name: str, folder: Path, sources: Path, speed: float, period: float | None,
                 websub_port: int | None = None):  # fmt: skip
        self.name, self.period = name, period  # period: real seconds between updates; None: watch
        self.websub_port = websub_port
        self.folder = folder / name
        self.folder.mkdir()
        self.out = self.folder / "out"
        self.agent = f"newsdao-bench-{name}"
        self.settings = [
            "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={self.folder / 'news.db'}",
            "-o", str(self.out), "-s", f"USER_AGENT={self.agent}", "-s", "NEWS_EXTRACT_WORKERS=0",
            "-s", "NEWS_FEED_LIMIT=2000", "-s", "NEWS_PROGRESS=False",
            "-s", f"LOG_FILE={self.folder / 'log'}",
        ]  # fmt: skip
        if period is None:
            self.settings += [
                "-s", f"NEWS_WATCH_MIN_INTERVAL={30 / speed}", "-s", f"NEWS_WATCH_MAX_INTERVAL={900 / speed}",
                "-s", f"NEWS_WATCH_TICK={min(1.0, 1 / speed)}", "-s", f"NEWS_WATCH_EXPORT_WAIT={5 / speed}",
            ]  # fmt: skip
        if websub_port is not None:
            self.settings += [
                "-s", f"NEWS_WEBSUB_CALLBACK=http://127.0.0.1:{websub_port}/websub",
                "-s", f"NEWS_WEBSUB_LISTEN=127.0.0.1:{websub_port}",
            ]  # fmt: skip
        self.seen: dict[str, float] = {}  # title -> real time first seen in the exported feed
        self.memory: list[tuple[float, int]] = []  # (real time, RSS KiB) of the watch process
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.runs = 0
        self._mtime = 0.0

    def start(self) -> None:
        if self.period is None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "watch", *self.settings], cwd=ROOT,
                stdout=open(self.folder / "stdout", "w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
        else:
            threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        next_run = time.time()
        while not self.stopping.is_set():
            subprocess.run(
                [sys.executable, "-m", "scrapy", "update", *self.settings], cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            self.runs += 1
            next_run += self.period
            self.stopping.wait(max(0.0, next_run - time.time()))

    def look(self) -> None:
        """Note the stories newly in the exported feed, and the watch process's memory."""
        feed = self.out / "feeds" / "rss.xml"
        try:
            mtime = feed.stat().st_mtime
        except FileNotFoundError:
            return
        now = time.time()
        if mtime != self._mtime:
            self._mtime = mtime
            for entry in feedparser.parse(feed.read_bytes()).entries:
                self.seen.setdefault(entry.title, now)
        if self.process is not None and self.process.poll() is None:
            try:
                status = Path(f"/proc/{self.process.pid}/status").read_text()
            except OSError:
                return
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            if not self.memory or now - self.memory[-1][0] >= 2:
                self.memory.append((now, rss))

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                print(f"{self.name}: still running 60 s after SIGTERM; killed")
                self.process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def path(article) -> str:
    return f"/{article.outlet}/articles/{article.number}.html"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rates", default="busy=60,steady=20,slow=6,quiet=2", help="outlet=articles per hour"
    )
    parser.add_argument("--speed", type=float, default=4.0, help="site time per real time")
    parser.add_argument("--minutes", type=float, default=4.0, help="real minutes of publishing")
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--only", help="run only these contenders (comma-separated names), to iterate faster")
    parser.add_argument("--keep", action="store_true", help="keep the archives, logs and requests.csv")
    args = parser.parse_args()
    rates = {k: float(v) for k, v in (pair.split("=") for pair in args.rates.split(","))}
    speed, window = args.speed, args.minutes * 60
    site = live.LiveSite(rates, speed=speed, seed=args.seed, backlog=2)
    servers = {name: live.start(site) for name in rates}  # one host (port) per outlet
    hub_server = live.start(site)  # the hub, on a host of its own
    site.serve_hub(f"http://127.0.0.1:{hub_server.server_address[1]}/hub")
    ports = {server.server_address[1]: name for name, server in servers.items()}
    bases = {name: f"http://127.0.0.1:{server.server_address[1]}" for name, server in servers.items()}
    print(
        f"Live site: {', '.join(f'{k} {v:g}/h' for k, v in rates.items())}; {args.minutes:g} real minutes of"
        f" publishing at speed {speed:g} = {window * speed / 60:.0f} minutes at these rates (scaled back)",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix="freshness-"))  # --keep: left for a look at the logs
    try:
        sources = folder / "sources.toml"
        sources.write_text(live.sources_toml(bases, rates), encoding="utf-8")
        contenders = [
            Contender("watch", folder, sources, speed, None),
            Contender("watch+websub", folder, sources, speed, None, websub_port=free_port()),
            Contender("update-10min", folder, sources, speed, 600 / speed),
            Contender("update-1min", folder, sources, speed, 60 / speed),
        ]
        if args.only:
            contenders = [c for c in contenders if c.name in args.only.split(",")]
        for contender in contenders:
            contender.start()
        started = time.time()
        drain = 600 / speed + 15
        while time.time() - started < window + drain:
            if time.time() - started >= window and site.upcoming[next(iter(rates))] != float("inf"):
                site.stop_publishing()
                window_end = time.time()
            for contender in contenders:
                contender.look()
            time.sleep(0.25)
        for contender in contenders:
            contender.stop()
            contender.look()
        report(site, contenders, rates, ports, speed, started, window_end)
        if args.keep:
            write_requests(folder / "requests.csv", site, contenders, ports, speed, started)
    finally:
        for server in [*servers.values(), hub_server]:
            server.shutdown()
        if args.keep:
            print(f"Logs and archives kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def startup_line(name, hits, rates, ports, hours, window_end) -> str:
    """The quietest source's entry-point requests over the busiest's, with and without the
    start-up ones (each host's robots.txt, each entry point's first request, which fetches the
    backlog): a short window counts those as if they recurred every window."""
    polls = [h for h in hits if h.time <= window_end and "/articles/" not in h.path]
    seen, steady = set(), []
    for hit in polls:
        key = (hit.port, hit.path)
        if hit.path != "/robots.txt" and key in seen:
            steady.append(hit)
        seen.add(key)
    busiest, quietest = max(rates, key=rates.get), min(rates, key=rates.get)
    parts = []
    for label, chosen in (("all", polls), ("without start-up", steady)):
        per = Counter(ports[h.port] for h in chosen)
        busy, quiet = per[busiest] / hours, per[quietest] / hours
        share = quiet / busy * 100 if busy else float("nan")
        mean = len(chosen) / hours / len(rates)
        parts.append(f"{label} {quiet:.1f}/{busy:.1f} = {share:.0f} % ({mean:.1f} per source)")
    return f"{name}: entry-point requests per hour, {quietest}/{busiest}: " + "; ".join(parts)


def write_requests(path: Path, site, contenders, ports, speed, started) -> None:
    """Every request the site answered, for a look at where a contender's polls went: contender,
    outlet (or hub), path, status, conditional, scaled seconds since the start."""
    names = {contender.agent: contender.name for contender in contenders}
    with path.open("w", encoding="utf-8") as out:
        out.write("contender,outlet,path,status,conditional,seconds\n")
        for hit in site.requests:
            name, outlet = names.get(hit.agent, hit.agent), ports.get(hit.port, "hub")
            seconds = (hit.time - started) * speed
            out.write(f"{name},{outlet},{hit.path},{hit.status},{int(hit.conditional)},{seconds:.1f}\n")


COLUMNS = (
    ("contender", 13), ("source", 7), ("stories", 7), ("missing", 7), ("median s", 8), ("p95 s", 7),
    ("max s", 7), ("entry req/h", 11), ("robots", 6), ("feed", 5), ("sitemap", 7), ("200", 5), ("304", 5),
    ("article/h", 9), ("twice", 5),
)  # fmt: skip


def row(*values) -> str:
    cells = []
    for (_, width), value in zip(COLUMNS, values, strict=True):
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        cells.append(text.ljust(width) if len(cells) < 2 else text.rjust(width))
    return " ".join(cells)


def report(site, contenders, rates, ports, speed, started, window_end) -> None:
    articles = [a for a in site.published() if a.published >= site.started]  # not the backlog
    hours = (window_end - started) * speed / 3600
    print(f"\n{len(articles)} stories published in {hours * 60:.0f} (scaled) minutes\n")
    header = row(*(name for name, _ in COLUMNS))
    print(header + "\n" + "-" * len(header))
    for contender in contenders:
        hits = [hit for hit in site.requests if hit.agent == contender.agent]
        hub_hits = [hit for hit in hits if hit.port not in ports]  # subscriptions at the hub
        hits = [hit for hit in hits if hit.port in ports]
        twice = sum(n - 1 for n in Counter(h.path for h in hits if "/articles/" in h.path).values())
        fresh = {path(a) for a in articles}
        for outlet in [*rates, "all"]:
            mine = [a for a in articles if outlet in ("all", a.outlet)]
            latencies = [
                max(0.0, (contender.seen[a.title] - a.published) * speed)
                for a in mine
                if a.title in contender.seen
            ]
            ours = [h for h in hits if h.time <= window_end and outlet in ("all", ports[h.port])]
            polls = [h for h in ours if "/articles/" not in h.path]
            fetched = [h for h in ours if h.path in fresh]  # not the backlog's first fetch
            kinds = Counter(
                "robots" if h.path == "/robots.txt" else "feed" if h.path.endswith("rss.xml") else "sitemap"
                for h in polls
            )
            statuses = Counter(h.status for h in polls)
            scale = hours * (len(rates) if outlet == "all" else 1)  # per source and site hour
            print(row(
                contender.name, outlet, len(mine), len(mine) - len(latencies),
                statistics.median(latencies) if latencies else "-", percentile(latencies, 0.95),
                max(latencies, default="-"), len(polls) / scale, kinds["robots"] / scale,
                kinds["feed"] / scale, kinds["sitemap"] / scale, statuses[200] / scale, statuses[304] / scale,
                len(fetched) / scale, twice if outlet == "all" else "",
            ))  # fmt: skip
        print(startup_line(contender.name, hits, rates, ports, hours, window_end))
        asked = {}  # article path -> real time of its first request
        for hit in hits:
            asked.setdefault(hit.path, hit.time)
        waits, work = [], []
        for a in articles:
            when = asked.get(path(a))
            if when is not None and a.title in contender.seen:
                waits.append(max(0.0, when - a.published) * speed)
                work.append(max(0.0, contender.seen[a.title] - when) * speed)
        if waits:
            wait, rest = statistics.median(waits), statistics.median(work)
            print(f"{contender.name}: median {wait:.1f} s from publication to the article's request"
                  f" (waiting for a poll), {rest:.1f} s from there to the exported feed (fetch,"
                  f" extraction, store, export, and this benchmark's 0.25 s look)")  # fmt: skip
        arrived = [a for a in articles if a.title in contender.seen]
        late = sorted(arrived, key=lambda a: contender.seen[a.title] - a.published)[-3:]
        print(f"{contender.name}: slowest " + ", ".join(
            f"{a.outlet} {a.number} ({(contender.seen[a.title] - a.published) * speed:.0f} s; published"
            f" {(a.published - site.started) * speed:.0f} s into the run, requested"
            f" {(asked.get(path(a), a.published) - a.published) * speed:.0f} s after)"
            for a in reversed(late)
        ))  # fmt: skip
        if hub_hits:
            pushes = [p for p in site.pushes if f":{contender.websub_port}/" in p[0]]
            answers = dict(Counter(p[1] for p in pushes))
            print(f"{contender.name}: {len(hub_hits)} subscription requests to the hub;"
                  f" {len(pushes)} pushes received, answered {answers}")  # fmt: skip
        if contender.memory:
            half = len(contender.memory) // 2
            first = statistics.mean(kib for _, kib in contender.memory[:half] or contender.memory)
            second = statistics.mean(kib for _, kib in contender.memory[half:])
            change = (second - first) / first * 100
            print(f"{contender.name} memory (RSS): first half {first / 1024:.1f} MiB,", end=" ")
            print(f"second half {second / 1024:.1f} MiB ({change:+.1f} %)")
        else:
            print(f"{contender.name}: {contender.runs} runs")
        print()
    print("entry req/h: robots, feed and sitemap requests per source per (scaled) hour of the publishing")
    print("window; 200/304: the same split by answer; article/h: requests for the window's articles per")
    print("source per hour; twice: articles requested more than once (the backlog's included).")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
