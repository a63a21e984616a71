"""Shared-crawl benchmark: the throughput benchmark's site crawled over Redis by one, then two
crawler processes plus the ingest, beside the same crawl on one machine without Redis.

    .venv/bin/python benchmarks/redis_crawl.py [--articles N] [--crawlers 1,2]

It writes the synthetic site of benchmarks/crawl.py, serves it from its own process, and for
each run starts a real redis-server (127.0.0.1, free port, no persistence), `scrapy ingest`
as a service, then N `scrapy crawl news` processes at once with REDIS_URL set. A run ends when
the ingest has stored every article. Printed per run: articles per second (first crawler
start to last article stored), CPU milliseconds per article of every process of the run
(crawlers with their extraction workers, ingest, redis-server; not the site's server), and the
share of that CPU the ingest and Redis took. Needs psutil and redis-server.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from _synthetic_site import build_site  # noqa: E402
from crawl import become_subreaper, reap_orphans, start_server  # noqa: E402

from crawler.store import committed_articles  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def scrapy(args: list[str], settings: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", *args]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"))


def run(crawlers: int, site, work: Path, expected: int, server_pid: int) -> dict[str, float]:
    """One run: 0 crawlers means one `scrapy crawl news` without Redis (the baseline)."""
    folder = work / f"run-{crawlers}"
    folder.mkdir()
    db = folder / "news.db"
    settings = {
        "NEWS_SOURCES_FILE": str(site.sources_file), "NEWS_DB_PATH": str(db), "LOG_LEVEL": "INFO",
        "NEWS_MAX_ARTICLES_PER_SOURCE": str(expected), "NEWS_MAX_ARTICLE_AGE_DAYS": "0",
        "NEWS_PROGRESS": "False",
    }  # fmt: skip
    redis = ingest = None
    redis_cpu = ingest_cpu = 0.0
    if crawlers:
        redis = RedisServer(folder / "redis")
        settings["REDIS_URL"] = redis.url
        ingest = scrapy(["ingest"], settings, folder / "ingest.log")
        time.sleep(3)  # the service is up before the crawl starts, as in production
    cpu_before = children_cpu_s()
    ingest_before = process_cpu_s(psutil.Process(ingest.pid)) if ingest else 0.0
    redis_before = process_cpu_s(psutil.Process(redis.process.pid)) if redis else 0.0
    started = time.perf_counter()
    logs = [folder / f"crawl-{i}.log" for i in range(max(crawlers, 1))]
    processes = [scrapy(["crawl", "news"], settings, log) for log in logs]
    while committed_articles(db) < expected:  # or, should an article fail, until nothing is left to store
        if all(p.poll() is not None for p in processes) and (redis is None or _queue_empty(redis)):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    count = committed_articles(db)
    for process in processes:
        process.wait(timeout=300)
    if ingest:
        ingest_cpu = process_cpu_s(psutil.Process(ingest.pid)) - ingest_before
        redis_cpu = process_cpu_s(psutil.Process(redis.process.pid)) - redis_before
        ingest.send_signal(signal.SIGTERM)
        ingest.wait(timeout=120)
        redis.stop()
    reap_orphans(keep={server_pid})  # extraction workers that outlived their crawler
    cpu = children_cpu_s() - cpu_before  # crawlers and their workers, ingest, redis-server: all reaped
    return {
        "articles": count, "elapsed_s": elapsed, "articles_per_s": count / elapsed,
        "cpu_ms_per_article": 1000 * cpu / max(count, 1), "cpu_s": cpu,
        "ingest_cpu_s": ingest_cpu, "redis_cpu_s": redis_cpu,
    }  # fmt: skip


def _queue_empty(redis) -> bool:
    client = redis.client()
    return not (client.llen("newsdao:items") or client.llen("newsdao:items:processing"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1200, help="article pages (default 1200)")
    parser.add_argument("--crawlers", default="0,1,2", help="crawler processes per run (0: one machine)")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (make tools installs it)", file=sys.stderr)
        return 2
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="redis-bench-") as tmp:
        work = Path(tmp)
        (work / "site").mkdir()
        server, port = start_server(work / "site")
        try:
            site = build_site(work / "site", f"http://127.0.0.1:{port}", args.articles)
            print(f"Site: {len(site.article_urls)} articles, 4 sources, on 127.0.0.1:{port}", flush=True)
            for crawlers in (int(n) for n in args.crawlers.split(",")):
                name = f"{crawlers} crawler(s) + ingest over Redis" if crawlers else "one machine, no Redis"
                print(f"Running {name} ...", flush=True)
                r = run(crawlers, site, work, len(site.article_urls), server.pid)
                print(
                    f"  {name}: {r['articles']} articles in {r['elapsed_s']:.1f} s:"
                    f" {r['articles_per_s']:.1f} articles/s,"
                    f" {r['cpu_ms_per_article']:.1f} ms CPU per article (ingest {r['ingest_cpu_s']:.1f} s,"
                    f" redis-server {r['redis_cpu_s']:.1f} s of {r['cpu_s']:.1f} s)",
                    flush=True,
                )
        finally:
            server.kill()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
