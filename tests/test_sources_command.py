"""`scrapy sources`: each source's state from the archive, warnings for a broken one, and --check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler import health
from crawler.runs import SourceRun
from crawler.store import Archive
from tests.conftest import run_scrapy, write_demo_sources


def clock() -> datetime:
    """Now, read when a test runs: a time taken at import ages while the suite runs."""
    return datetime.now(UTC).replace(microsecond=0)


LONG_BODY = "<p>" + "The council approved the budget after a long debate. " * 12 + "</p>"
SOURCES = """
[[source]]
name = "fading"
feeds = ["https://fading.example.com/rss.xml"]

[[source]]
name = "steady"
feeds = ["https://steady.example.com/rss.xml"]

[[source]]
name = "paused"
feeds = ["https://paused.example.com/rss.xml"]
enabled = false
"""


def article(source: str, number: int, now: datetime, body: str = LONG_BODY, **extra) -> dict:
    return {
        "url": f"https://{source}.example.com/a/{number}", "source": source,
        "title": f"Story number {number} of {source}", "authors": ["Kim Min-su"],
        "image": f"https://{source}.example.com/img/{number}.jpg",
        "published": (now - timedelta(hours=6 * (60 - number))).isoformat(), "body_html": body, **extra,
    }  # fmt: skip


def build_history(db: Path) -> None:
    """Two sources with 50 articles each, one every 6 hours; fading's last 10 lost their bodies.

    First seen 3 hours into each 6-hour slot: the "24h" column, counted from when the command
    runs, finds the last 4 however long the suite has run before (up to 3 hours)."""
    now = clock()
    with Archive(db) as archive:
        for number in range(10, 60):
            seen = now - timedelta(hours=6 * (60 - number)) + timedelta(hours=3)
            body = "<p>Subscribe to read.</p>" if number >= 50 else LONG_BODY
            archive.save(article("fading", number, now, body), now=seen)
            archive.save(article("steady", number, now), now=seen)
        runs = [
            SourceRun("fading", {"new": 1, "requests": 2}),
            SourceRun("steady", {"new": 1, "requests": 2}),
        ]
        archive.record_run(now - timedelta(minutes=2), now - timedelta(minutes=1), runs, 0)


def test_sources_lists_state_and_flags_a_source_whose_recent_articles_lost_their_bodies(tmp_path):
    db, path = tmp_path / "news.db", tmp_path / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    build_history(db)
    result = run_scrapy("sources", "-s", f"NEWS_SOURCES_FILE={path}", "-s", f"NEWS_DB_PATH={db}")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    rows = {line.split()[0]: line.split() for line in lines[1:4]}
    assert rows["fading"][1:4] == ["yes", "50", "4"]  # enabled, stored, first stored in the last 24 h
    assert rows["paused"][1:3] == ["no", "0"] and rows["paused"][4] == "never"
    warnings = [line for line in lines if line.startswith("warning:")]
    assert warnings == [
        "warning: fading: body missing in 10 of its last 10 articles (0% of the 40 before):"
        " has the site changed its pages?"
    ]
    assert lines[-1] == f"sources: 3 in {path} (2 enabled), 100 articles stored, 1 warning(s)"


def test_sources_without_an_archive_lists_the_file(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    result = run_scrapy(
        "sources", "-s", f"NEWS_SOURCES_FILE={path}", "-s", f"NEWS_DB_PATH={tmp_path / 'no.db'}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1].endswith("0 articles stored, 0 warning(s)")
    assert not (tmp_path / "no.db").exists()


def test_a_bad_sources_file_is_one_line_and_exit_code_2(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES.replace('name = "steady"', 'name = "steady"\ncolour = "red"'), encoding="utf-8")
    for extra in ((), ("--check",)):
        result = run_scrapy("sources", *extra, "-s", f"NEWS_SOURCES_FILE={path}")
        assert result.returncode == 2
        assert "source 'steady': field 'colour': unknown key" in result.stderr
        assert result.stdout == ""


def test_check_fails_clearly_for_a_feed_that_returns_404(demo_site, tmp_path):
    path = write_demo_sources(demo_site, tmp_path / "sources.toml")
    text = path.read_text(encoding="utf-8").replace("/partner/rss.xml", "/partner/missing-feed.xml")
    path.write_text(text, encoding="utf-8")
    result = run_scrapy("sources", "--check", "-s", f"NEWS_SOURCES_FILE={path}")
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert f"FAIL partner-wire feed {demo_site}/partner/missing-feed.xml: HTTP 404" in lines
    assert [line for line in lines if line.startswith("FAIL")] == [
        f"FAIL partner-wire feed {demo_site}/partner/missing-feed.xml: HTTP 404"
    ]
    assert f"ok   demo-news feed {demo_site}/rss.xml: 7 entries" in lines
    assert f"ok   demo-news listing {demo_site}/news/: 10 article links" in lines
    assert lines[-1] == f"sources --check: {path} is valid; 5 entry point(s) of 2 source(s), 1 failed"


def test_check_passes_for_the_demo_sources_and_can_check_one_source(demo_site, tmp_path):
    path = write_demo_sources(demo_site, tmp_path / "sources.toml")
    everything = run_scrapy("sources", "--check", "-s", f"NEWS_SOURCES_FILE={path}")
    assert everything.returncode == 0, everything.stdout + everything.stderr[-2000:]
    one = run_scrapy("sources", "--check", "partner-wire", "-s", f"NEWS_SOURCES_FILE={path}")
    assert one.returncode == 0 and one.stdout.count("ok   partner-wire") == 2
    assert "demo-news" not in one.stdout
    unknown = run_scrapy("sources", "--check", "nosuch", "-s", f"NEWS_SOURCES_FILE={path}")
    assert unknown.returncode == 2 and "no source named 'nosuch'" in unknown.stderr


def test_check_says_when_a_feed_is_not_a_feed_or_a_listing_links_nothing(demo_site, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "odd"\nfeeds = ["{demo_site}/about.html"]\n'
        f'listings = ["{demo_site}/about.html"]\narticle_pattern = "/nothing-like-this/"\n',
        encoding="utf-8",
    )
    result = run_scrapy("sources", "--check", "-s", f"NEWS_SOURCES_FILE={path}")
    assert result.returncode == 1
    assert f"FAIL odd feed {demo_site}/about.html: not a feed (an HTML page)" in result.stdout
    assert (
        f"FAIL odd listing {demo_site}/about.html: no link matches article_pattern '/nothing-like-this/'"
        in (result.stdout)
    )


# --- the warnings, on histories built in memory -----------------------------------


def history(count: int, every: timedelta, newest: datetime, **fields) -> list[dict]:
    rows = []
    for index in range(count):
        moment = (newest - index * every).isoformat()
        row = {
            "first_seen": moment,
            "published": moment,
            "authors": ["Kim"],
            "image": "x.jpg",
            "body_length": 900,
        }
        rows.append(row | fields)
    return rows


def test_a_steady_source_has_no_warning():
    now = clock()
    rows = history(60, timedelta(hours=2), now - timedelta(hours=1))
    assert health.quality_warnings(rows) == []
    assert health.stale_warning(rows, now.isoformat(), now) is None


def test_a_source_that_stopped_finding_articles_is_flagged_only_if_crawled_since():
    now = clock()
    rows = history(60, timedelta(hours=2), now - timedelta(days=2))
    warning = health.stale_warning(rows, now.isoformat(), now)
    assert warning.startswith(
        "no new article for 2 days although crawled since (it usually publishes every 2 h)"
    )
    assert health.stale_warning(rows, (now - timedelta(days=2)).isoformat(), now) is None  # not crawled since
    daily = history(60, timedelta(days=1), now - timedelta(days=2))
    assert health.stale_warning(daily, now.isoformat(), now) is None  # two days is usual for it


def test_a_rising_share_of_missing_fields_is_flagged_against_the_sources_own_history():
    now = clock()
    recent = history(10, timedelta(hours=1), now, authors=[], image=None)
    before = history(40, timedelta(hours=1), now - timedelta(hours=10))
    warnings = health.quality_warnings(recent + before)
    assert [w.split(" missing")[0] for w in warnings] == ["author", "image"]
    never_had = history(50, timedelta(hours=1), now, authors=[])  # a wire that never names authors
    assert health.quality_warnings(never_had) == []
    assert health.quality_warnings(recent) == []  # no history to compare with


def test_sources_lists_the_pending_links_of_a_source(tmp_path):
    now = clock()
    db, path = tmp_path / "news.db", tmp_path / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    build_history(db)
    with Archive(db) as archive:
        links = {f"https://steady.example.com/a/{n}": ("steady", None) for n in (100, 101, 102)}
        archive.add_pending(links, now.isoformat())
        failed = {"https://steady.example.com/a/103": ("steady", None, "http_500")}
        assert archive.record_failures(failed, now, max_attempts=1, delay=60) == 1
    result = run_scrapy("sources", "-s", f"NEWS_SOURCES_FILE={path}", "-s", f"NEWS_DB_PATH={db}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        "pending: steady: 3 link(s) waiting for the next runs, 1 given up after failing"
        " NEWS_PENDING_MAX_ATTEMPTS times" in result.stdout.splitlines()
    )
    assert "pending: fading" not in result.stdout
