"""Fixtures: the demo site served on 127.0.0.1, and real `scrapy` runs as subprocesses."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo import server

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
EXPECTED = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))["articles"]
# The second demo outlet: two wire copies of first-outlet stories, templated stories.
PARTNER = json.loads((DEMO / "partner-expected.json").read_text(encoding="utf-8"))
PARTNER_PATHS = [a["partner_path"] for a in PARTNER["republished"]] + [
    a["path"] for a in PARTNER["templated"]
]
# Articles that are published (not copies of another story): feeds list them, posts are made.
PUBLISHED_PATHS = [a["path"] for a in EXPECTED] + [a["path"] for a in PARTNER["templated"]]


def run_scrapy(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    """One real `scrapy` command in its own process (a reactor cannot restart in one process)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(scope="session")
def demo_server():
    """The bundled demo site on a free port of 127.0.0.1; `.requests` lists what was fetched."""
    site = server.start(port=0)
    yield site
    site.shutdown()
    site.server_close()


@pytest.fixture(scope="session")
def demo_site(demo_server) -> str:
    """The demo site's base URL."""
    return f"http://127.0.0.1:{demo_server.server_address[1]}"


def write_demo_sources(base: str, path: Path) -> Path:
    text = (DEMO / "sources.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("http://127.0.0.1:8765", base), encoding="utf-8")
    return path


@dataclass
class DemoRun:
    base: str
    folder: Path
    sources: Path
    db: Path
    out: Path
    crawl: subprocess.CompletedProcess
    export: subprocess.CompletedProcess

    def settings(self) -> list[str]:
        return ["-s", f"NEWS_SOURCES_FILE={self.sources}", "-s", f"NEWS_DB_PATH={self.db}"]


def crawl_and_export(base: str, folder: Path) -> DemoRun:
    folder.mkdir(parents=True, exist_ok=True)
    sources = write_demo_sources(base, folder / "sources.toml")
    db, out = folder / "news.db", folder / "site"
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={db}"]
    crawl = run_scrapy("crawl", "news", *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    export = run_scrapy("export", *settings, "-o", str(out))
    assert export.returncode == 0, export.stderr[-3000:]
    return DemoRun(base, folder, sources, db, out, crawl, export)


@pytest.fixture(scope="session")
def demo_run(demo_site, tmp_path_factory) -> DemoRun:
    """The demo site crawled and exported once, for the tests that read its outputs."""
    return crawl_and_export(demo_site, tmp_path_factory.mktemp("demo"))


def jekyll_or_skip() -> str:
    """The jekyll command; a skip where it is missing, but a failure under CI=true."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Jekyll is not installed: `make test` installs Debian's jekyll package")
        pytest.skip("Jekyll is not installed (make test installs it with apt-get where it can)")
    return jekyll


def newsboat_or_skip() -> str:
    """The newsboat command (the feed reader of Debian's newsboat package); a skip where it is
    missing, but a failure under CI=true."""
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        if os.environ.get("CI") == "true":
            pytest.fail("newsboat is not installed: `make test` installs Debian's newsboat package")
        pytest.skip("newsboat is not installed (make test installs it with apt-get where it can)")
    return newsboat


@contextmanager
def static_server(folder: Path):
    """A folder served over HTTP on a free port of 127.0.0.1; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


FEEDVALIDATOR = ROOT.parent / "shared" / "tools" / "feedvalidator" / "validate"


def feedvalidator_or_skip() -> list[str]:
    """The W3C Feed Validator's runner (../shared/tools/feedvalidator) as a command in this Python;
    a skip where it cannot run, but a failure under CI=true."""
    problem = None
    if not FEEDVALIDATOR.is_file():
        problem = f"the W3C Feed Validator is not at {FEEDVALIDATOR}"
    else:
        try:
            import html5lib  # noqa: F401
            import rdflib  # noqa: F401
        except ImportError as exc:  # the validator's own requirements: `pip install -e '.[test]'`
            problem = f"the W3C Feed Validator cannot run ({exc}): `make test` installs the test extras"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return [sys.executable, str(FEEDVALIDATOR)]


def build_jekyll_site(site: Path) -> subprocess.CompletedProcess:
    """`jekyll build` of an exported site folder made from exporters/jekyll_site."""
    return subprocess.run(
        [jekyll_or_skip(), "build", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def rendered_post(site: Path, post: Path, date: str) -> Path:
    """Where Jekyll wrote a post (the starter's permalink /:year/:month/:day/:title/)."""
    year, month, day = date[:10].split("-")
    return site / "_site" / year / month / day / post.stem[11:] / "index.html"
