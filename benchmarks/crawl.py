"""Crawl benchmark: our `scrapy crawl news` beside three plain spiders, over one synthetic site.

    .venv/bin/python benchmarks/crawl.py [--articles N] [--json FILE] [--runs bare,usual,inline,ours]

It writes a deterministic news site to a temporary folder (benchmarks/_synthetic_site.py),
serves it on 127.0.0.1 from a separate process (benchmarks/_server.py), then crawls it four
times, each run in its own process:

    bare    a spider that only downloads the article URLs (the limit of the machine)
    usual   a spider that calls trafilatura.extract(response.text, url=...) in its callback
    inline  a spider that calls our crawler.extract.extract_article in its callback
    ours    `scrapy crawl news` with a generated sources file: discovery through feeds,
            sitemaps and listings, extraction, normalize, sanitize, dedupe, store (temp db)

For each run it prints articles per second (over Scrapy's own elapsed time, so interpreter
start-up does not count), CPU milliseconds per article (user + system of every process of
the run, minus what the same command costs over one article: start-up and the warm-up of
worker pools are not per-article costs), peak memory (RSS summed over every process of the
run, sampled), the server's CPU during the run (not counted in the run's figures) and the
CPU other processes of the machine used meanwhile: on a shared machine a busy neighbour
lowers every figure, and the table says when that happened. Worker processes that outlive
the crawl's main process are adopted (Linux subreaper) so that their CPU is counted.
Needs psutil (`.venv/bin/pip install psutil`).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _synthetic_site import Site, build_site  # noqa: E402

RUNS = {
    "bare": "download only",
    "usual": "trafilatura.extract in callback",
    "inline": "our extract_article in callback",
    "ours": "scrapy crawl news (full pipeline)",
}
# Seconds between memory samples. A sample reads every process's smaps (10 ms of CPU for the
# five processes of ours): at 0.1 s the sampler took a tenth of a core from the run it measured.
SAMPLE_EVERY = 0.5
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
OTHER_CPU_WARNING = 10  # % of one core used by other processes during a run: its figures are suspect


@dataclass
class Measurement:
    """What one process tree cost, seen from outside."""

    wall_s: float
    cpu_s: float  # user + system of the process and every descendant it waited for
    peak_rss_mb: float  # largest sum of RSS over the process and its live descendants
    peak_pss_mb: float  # the same with shared pages split between their sharers
    peak_processes: int  # most processes seen at once in the run's tree (workers included)
    server_cpu_s: float  # the server's CPU over the same interval (not part of cpu_s)
    other_cpu_s: float  # CPU the rest of the machine used meanwhile: other users disturb the figures
    returncode: int
    log: str
    halves_pss_mb: tuple[float, float] = (0.0, 0.0)  # peak PSS in the first and second half of the run


@dataclass
class RunResult:
    articles: int
    elapsed_s: float  # Scrapy's elapsed_time_seconds: spider opened to closed
    wall_s: float
    cpu_s: float
    startup_cpu_s: float  # the same command over one article: imports, reactor, worker warm-up
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int  # most processes at once
    server_cpu_percent: float  # of one core, over the run's wall time
    other_cpu_percent: float  # processes outside the benchmark, same unit
    halves_pss_mb: tuple[float, float] = (0.0, 0.0)  # flat memory: the second half's peak is no higher
    articles_per_s: float = 0.0
    cpu_ms_per_article: float = 0.0

    def __post_init__(self):
        self.articles_per_s = self.articles / self.elapsed_s if self.elapsed_s else 0.0
        busy = max(self.cpu_s - self.startup_cpu_s, 0.0)
        self.cpu_ms_per_article = 1000 * busy / (self.articles - 1) if self.articles > 1 else 0.0


# --- processes -------------------------------------------------------------------------------


def start_server(root: Path) -> tuple[subprocess.Popen, int]:
    """The site's server in its own process, so its CPU is measured apart from the crawls."""
    server = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py"), str(root)], stdout=subprocess.PIPE, text=True
    )
    port = int(server.stdout.readline())
    return server, port


def tree_memory(process) -> tuple[int, int, int]:
    """(RSS, PSS in bytes, process count) of a process and its live descendants.

    RSS counts the pages a forkserver shares with its workers once per process; PSS splits
    them between the sharers, so its sum is what the run really holds (RSS where no PSS).
    """
    import psutil

    rss = pss = 0
    procs = [process, *process.children(recursive=True)]
    for proc in procs:
        try:
            memory = proc.memory_full_info()
        except psutil.Error:  # a worker that exited between listing and reading
            continue
        rss += memory.rss
        pss += getattr(memory, "pss", memory.rss)
    return rss, pss, len(procs)


def become_subreaper() -> bool:
    """Adopt the run's orphans, so that their CPU is counted too (Linux only).

    A forkserver (with the workers it reaped) can outlive the crawl's main process by a
    moment; it is then reparented to init and its CPU never reaches RUSAGE_CHILDREN. As a
    subreaper this process adopts it instead, and reaping it adds its CPU to ours.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(keep: set[int], timeout: float = 30.0) -> int:
    """Wait for adopted descendants of a finished run (not `keep`); kill them after `timeout`."""
    import psutil

    deadline = time.monotonic() + timeout
    orphans = [p for p in psutil.Process().children() if p.pid not in keep]
    for orphan in orphans:
        try:
            orphan.wait(max(0.0, deadline - time.monotonic()))
        except psutil.TimeoutExpired:
            print(
                f"  note: process {orphan.pid} outlived its crawl by {timeout:.0f} s; killed", file=sys.stderr
            )
            orphan.kill()
            orphan.wait()
    return len(orphans)


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], cwd: Path, log_path: Path, server_pid: int) -> Measurement:
    """Run a command to its end; its CPU comes from the kernel's accounting of reaped children.

    RUSAGE_CHILDREN grows only when a child (with the descendants it reaped) ends, and the
    server stays alive meanwhile, so the difference around the run is the run alone.
    """
    import psutil

    server = psutil.Process(server_pid)
    server_before = sum(server.cpu_times()[:2])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_before, own_before = busy_cpu_s(), own_cpu_s()
    start = time.perf_counter()
    peak = peak_pss = peak_processes = 0
    samples: list[tuple[float, int]] = []  # (seconds since start, PSS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with open(log_path, "wb") as log:
        child = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
        process = psutil.Process(child.pid)
        while child.poll() is None:
            try:
                rss, pss, count = tree_memory(process)
                samples.append((time.perf_counter() - start, pss))
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                peak_processes = max(peak_processes, count)
            except psutil.Error:  # the run ended while we looked
                pass
            time.sleep(SAMPLE_EVERY)
    reap_orphans(keep={server_pid})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest single process: a floor when the run was too short to sample.
    peak = max(peak, after.ru_maxrss * 1024 if after.ru_maxrss > before.ru_maxrss else 0)
    server_cpu = sum(server.cpu_times()[:2]) - server_before
    other = busy_cpu_s() - machine_before - cpu - server_cpu - (own_cpu_s() - own_before)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    halves = (
        max((pss for at, pss in samples if at < wall / 2), default=0) / 2**20,
        max((pss for at, pss in samples if at >= wall / 2), default=0) / 2**20,
    )
    return Measurement(
        wall,
        cpu,
        peak / 2**20,
        peak_pss / 2**20,
        peak_processes,
        server_cpu,
        max(other, 0.0),
        child.returncode,
        text,
        halves,
    )


def scrapy_stats(log: str) -> dict[str, float]:
    """The numbers of the stats dump Scrapy logs when a crawl closes."""
    stats = {}
    for key in (
        "elapsed_time_seconds",
        "item_scraped_count",
        "item_dropped_count",
        "response_received_count",
    ):
        match = re.search(rf"'{key}': ([0-9.]+)", log)
        stats[key] = float(match.group(1)) if match else 0.0
    return stats


# --- the four runs ---------------------------------------------------------------------------


def commands(kind: str, site: Site, work: Path, warmup: bool) -> list[str]:
    """The command line of one run; `warmup` gives the same command over one article only.

    `scrapy crawl news` runs with the project's settings but for the caps a cron run needs
    (new articles per source, article age; the site's dates are fixed in June 2024): the
    benchmark crawls the whole site, as a first run over a source's archive would.
    """
    if kind == "ours":
        sources = site.warmup_sources_file if warmup else site.sources_file
        db = work / ("warmup.db" if warmup else "news.db")
        return [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}", "-s", "LOG_LEVEL=INFO",
            "-s", f"NEWS_MAX_ARTICLES_PER_SOURCE={len(site.article_urls)}",
            "-s", "NEWS_MAX_ARTICLE_AGE_DAYS=0",
        ]  # fmt: skip
    urls = work / ("one-url.txt" if warmup else "urls.txt")
    return [sys.executable, str(HERE / "_plain_spiders.py"), kind, str(urls), str(site.sources_file)]


def run(kind: str, site: Site, work: Path, server_pid: int) -> RunResult:
    """One measured crawl, and the same command over one article for its start-up cost."""
    cwd = ROOT if kind == "ours" else work  # `scrapy crawl` needs the project's scrapy.cfg
    warm = measure(commands(kind, site, work, warmup=True), cwd, work / f"{kind}-warmup.log", server_pid)
    check(kind + " (one article)", warm)
    full = measure(commands(kind, site, work, warmup=False), cwd, work / f"{kind}.log", server_pid)
    check(kind, full)
    stats = scrapy_stats(full.log)
    articles = int(stats["item_scraped_count"])
    if kind == "ours":
        articles = stored_articles(work / "news.db")
    if articles < len(site.article_urls):
        reasons = dict(re.findall(r"'news/dropped/(\w+)': (\d+)", full.log))
        print(
            f"  note: {kind} gave {articles} of {len(site.article_urls)} articles "
            f"(dropped: {int(stats['item_dropped_count'])} {reasons or ''})",
            file=sys.stderr,
        )
    return RunResult(
        articles=articles,
        elapsed_s=stats["elapsed_time_seconds"],
        wall_s=full.wall_s,
        cpu_s=full.cpu_s,
        startup_cpu_s=warm.cpu_s,
        peak_rss_mb=full.peak_rss_mb,
        peak_pss_mb=full.peak_pss_mb,
        processes=full.peak_processes,
        server_cpu_percent=100 * full.server_cpu_s / full.wall_s,
        other_cpu_percent=100 * full.other_cpu_s / full.wall_s,
        halves_pss_mb=full.halves_pss_mb,
    )


def check(name: str, measurement: Measurement) -> None:
    if measurement.returncode != 0 or "elapsed_time_seconds" not in measurement.log:
        tail = "\n".join(measurement.log.splitlines()[-30:])
        sys.exit(f"The {name} run failed (exit code {measurement.returncode}):\n{tail}")


def stored_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


# --- the server alone ------------------------------------------------------------------------


async def fetch_all(urls: list[str], connections: int) -> int:
    """Fetch every URL over keep-alive connections with a minimal client; returns bytes read."""
    queue = list(reversed(urls))
    total = 0

    async def worker():
        nonlocal total
        parts = urlsplit(urls[0])
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while queue:
            path = urlsplit(queue.pop()).path
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            total += len(await reader.readexactly(length))
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return total


def server_capacity(urls: list[str], server_pid: int) -> tuple[float, float]:
    """(pages/s, server CPU % of one core) when a bare client pulls the articles as fast as it can.

    The client is Python too, so this is a floor for the server; it only has to be well above
    the bare spider's rate for the server not to be what limits the crawls.
    """
    import psutil

    server = psutil.Process(server_pid)
    before = sum(server.cpu_times()[:2])
    start = time.perf_counter()
    asyncio.run(fetch_all(urls, connections=16))
    wall = time.perf_counter() - start
    return len(urls) / wall, 100 * (sum(server.cpu_times()[:2]) - before) / wall


# --- output ----------------------------------------------------------------------------------


def print_table(results: dict[str, RunResult]) -> None:
    header = (
        f"{'run':<7} {'what':<34} {'articles':>8} {'art/s':>7} {'CPU ms/art':>10} {'startup CPU s':>13} "
        f"{'peak RSS MB':>11} {'PSS MB':>6} {'procs':>5} {'server CPU %':>12} {'other CPU %':>11}"
    )
    print(header)
    print("-" * len(header))
    for kind, r in results.items():
        print(
            f"{kind:<7} {RUNS[kind]:<34} {r.articles:>8} {r.articles_per_s:>7.1f} "
            f"{r.cpu_ms_per_article:>10.2f} {r.startup_cpu_s:>13.2f} {r.peak_rss_mb:>11.0f} "
            f"{r.peak_pss_mb:>6.0f} {r.processes:>5} {r.server_cpu_percent:>12.1f} "
            f"{r.other_cpu_percent:>11.1f}"
        )
    ours = results.get("ours")
    for letter, kind in (("a", "bare"), ("b", "usual"), ("c", "inline")):
        base = results.get(kind)
        if ours and base and base.articles_per_s and base.cpu_ms_per_article:
            print(
                f"d/{letter} ({kind}): articles/s x{ours.articles_per_s / base.articles_per_s:.2f}, "
                f"CPU ms/article x{ours.cpu_ms_per_article / base.cpu_ms_per_article:.2f}"
            )
    for kind, r in results.items():
        first, second = r.halves_pss_mb
        if kind == "ours" and first:
            print(
                f"memory ({kind}): peak PSS {first:.0f} MB in the run's first half, {second:.0f} MB in "
                f"its second ({100 * (second - first) / first:+.0f}%; flat: it does not grow with articles)"
            )
    busy = [kind for kind, r in results.items() if r.other_cpu_percent > OTHER_CPU_WARNING]
    if busy:
        print(
            f"warning: other processes used more than {OTHER_CPU_WARNING}% of a core during "
            f"{', '.join(busy)}; run again on a quiet machine for figures to compare"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1200, help="article pages in the site (default 1200)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--runs", default=",".join(RUNS), help="comma-separated subset of " + ",".join(RUNS))
    args = parser.parse_args()
    kinds = [k.strip() for k in args.runs.split(",") if k.strip()]
    if unknown := set(kinds) - set(RUNS):
        parser.error(f"unknown run {sorted(unknown)[0]!r}")
    try:
        import psutil  # noqa: F401
    except ImportError:
        parser.error("needs psutil: .venv/bin/pip install psutil")

    if not become_subreaper():
        print(
            "note: not Linux; CPU of processes that outlive a run's main process is not counted",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        work = Path(tmp)
        server, port = start_server(work / "site")
        try:
            results = benchmark(work, port, server.pid, args.articles, kinds)
        finally:
            server.terminate()
            server.wait()
    print()
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps({k: asdict(v) for k, v in results.items()}, indent=2) + "\n")
        print(f"\nWrote {args.json}")
    return 0


def benchmark(
    work: Path, port: int, server_pid: int, articles: int, kinds: list[str]
) -> dict[str, RunResult]:
    started = time.perf_counter()
    site = build_site(work / "site", f"http://127.0.0.1:{port}", articles)
    (work / "urls.txt").write_text("\n".join(site.article_urls) + "\n", encoding="utf-8")
    (work / "one-url.txt").write_text(site.article_urls[0] + "\n", encoding="utf-8")
    print(
        f"Site: {len(site.article_urls)} articles, {site.total_bytes / len(site.article_urls) / 1024:.0f} KB "
        f"on average, 4 sources, generated in {time.perf_counter() - started:.1f} s; "
        f"served on 127.0.0.1:{port} by its own process",
        flush=True,
    )
    rate, server_cpu = server_capacity(list(site.article_urls), server_pid)
    print(
        f"Server alone: {rate:.0f} pages/s to a bare asyncio client, server at {server_cpu:.0f}% of one core"
    )
    results = {}
    for kind in kinds:
        print(f"Running {kind}: {RUNS[kind]} ...", flush=True)
        results[kind] = run(kind, site, work, server_pid)
        r = results[kind]
        print(f"  {r.articles} articles in {r.elapsed_s:.1f} s ({r.articles_per_s:.1f}/s)", flush=True)
    return results


if __name__ == "__main__":
    sys.exit(main())
