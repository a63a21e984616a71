"""`newsdao`: runs from any folder, reads the folder's settings file and NEWS_* variables, and
leaves the terminal to summaries and one-line errors (Scrapy's log goes to a file)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import crawler
from crawler import config, terminal
from crawler.sources import load_sources
from tests.conftest import ROOT, run_scrapy, write_demo_sources


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's NEWS_* and Scrapy variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWS_", "SCRAPY_"))}
    return {**env, **extra}


def newsdao(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 180):
    """`newsdao ARGS` run in `cwd` as a user runs it: its own process, no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed when the block ends: connections are refused


def test_version_matches_the_package_and_the_changelog(tmp_path):
    result = newsdao("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == f"newsdao {crawler.__version__}\n"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(crawler.__version__)} ", changelog, re.M)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "lxml_html_clean>=0.1" in pyproject["project"]["dependencies"]


def test_help_lists_every_command(tmp_path):
    result = newsdao("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == ["init", "crawl", "update", "watch", "export", "probe", "sources", "search", "ingest", "settings"]
    unknown = newsdao("crwal", cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "'crwal'" in unknown.stderr


def test_the_readme_shows_every_newsdao_command_and_the_pip_install():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("init", "crawl", "update", "export", "probe", "sources", "search", "ingest", "settings", "--version"):
        assert f"newsdao {name}" in readme, name
    assert "python3 -m venv " in readme and "/bin/pip install " in readme


def test_init_writes_a_starter_folder_and_never_overwrites(tmp_path):
    result = newsdao("init", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert len(load_sources(site / "sources.toml")) >= 10  # the example, valid
    settings = tomllib.loads((site / "newsdao.toml").read_text(encoding="utf-8"))
    assert settings == {"NEWS_SOURCES_FILE": "sources.toml", "NEWS_DB_PATH": "data/news.db", "NEWS_EXPORT_DIR": "jekyll"}
    assert (site / "jekyll" / "_config.yml").is_file() and (site / "jekyll" / "_layouts" / "post.html").is_file()
    assert "fts_table" in json.loads((site / "datasette" / "metadata.json").read_text(encoding="utf-8"))[
        "databases"]["news"]["tables"]["articles"]  # fmt: skip
    assert (site / "datasette" / "plugins" / "news_search.py").is_file()
    [line] = [line for line in (site / "crontab").read_text().splitlines() if not line.startswith("#")]
    assert line.startswith(f"*/10 * * * * cd {site} && mkdir -p logs && ")
    assert line.endswith(" update >> logs/update.log 2>&1")

    (site / "sources.toml").write_text("# mine\n", encoding="utf-8")
    again = newsdao("init", "site", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.count("kept ") == 5
    assert (site / "sources.toml").read_text() == "# mine\n"


def test_settings_come_from_the_file_then_the_environment_then_the_command_line(tmp_path):
    (tmp_path / "newsdao.toml").write_text(
        'NEWS_FEED_LIMIT = 7\nNEWS_BRAND = "filed"\nNEWS_FEED_TITLE = "From the file"\nDOWNLOAD_DELAY = 0.5\n',
        encoding="utf-8",
    )
    env = clean_env(NEWS_FEED_LIMIT="9", NEWS_NO_SUCH_SETTING="1")
    result = newsdao("settings", "-s", "NEWS_BRAND=typed", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'DOWNLOAD_DELAY = 0.5  (newsdao.toml)',
        'NEWS_BRAND = "typed"  (command line)',
        'NEWS_FEED_LIMIT = 9  (environment variable NEWS_FEED_LIMIT)',
        'NEWS_FEED_TITLE = "From the file"  (newsdao.toml)',
        'NEWS_LOG_FILE = "auto"  (newsdao\'s default)',
        "ignored: environment variable NEWS_NO_SUCH_SETTING names no setting",
    ]
    one = newsdao("settings", "--get", "NEWS_FEED_LIMIT", cwd=tmp_path, env=env)
    assert one.stdout == "9\n"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("NEWS_FEED_LIMT = 5\n", {}, "newsdao.toml: NEWS_FEED_LIMT: unknown setting"),
        ('NEWS_FEED_LIMIT = "5"\n', {}, "newsdao.toml: NEWS_FEED_LIMIT: must be a whole number"),
        ("NEWS_FEED_LIMIT = \n", {}, "newsdao.toml: not valid TOML"),
        ("", {"NEWS_PROGRESS": "maybe"}, "environment variable NEWS_PROGRESS='maybe': must be true or false"),
        ("", {"NEWS_SETTINGS_FILE": "elsewhere.toml"}, "elsewhere.toml: settings file not found"),
    ],
)
def test_a_settings_mistake_is_one_line_and_exit_code_2(tmp_path, text, env, message):
    (tmp_path / "newsdao.toml").write_text(text, encoding="utf-8")
    for args in (("crawl",), ("settings",)) if not env else (("crawl",),):
        result = newsdao(*args, cwd=tmp_path, env=clean_env(**env))
        assert result.returncode == 2
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
        assert result.stdout == ""


def test_a_command_line_setting_of_the_wrong_type_is_one_line_and_exit_code_2(tmp_path):
    result = newsdao("crawl", "-s", "NEWS_MAX_ARTICLES_PER_SOURCE=many", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "-s NEWS_MAX_ARTICLES_PER_SOURCE='many': must be a whole number, like its default 500\n"


def test_every_setting_is_defined_before_the_settings_file_is_applied():
    from crawler import settings

    # A setting added below the "Your settings" block of crawler/settings.py could not be set
    # in newsdao.toml or the environment: keep that block last.
    assert {name for name in dir(settings) if name.isupper()} == set(settings.defaults)


def test_settings_read_from_the_environment_have_the_type_of_their_default(tmp_path):
    defaults = {"NEWS_FEED_LIMIT": 50, "NEWS_PROGRESS": True, "NEWS_DEDUPE_THRESHOLD": 0.8, "NEWS_BRAND": "x"}
    env = {"NEWS_FEED_LIMIT": "20", "NEWS_PROGRESS": "false", "NEWS_DEDUPE_THRESHOLD": "0.9", "NEWS_BRAND": "y"}
    path = tmp_path / "newsdao.toml"
    path.write_text('NEWS_FEED_LIMIT = 30\nNEWS_BRAND = "z"\n', encoding="utf-8")
    values, origins = config.overrides(defaults, set(defaults), {**env, "NEWS_SETTINGS_FILE": str(path)})
    assert values == {"NEWS_FEED_LIMIT": 20, "NEWS_PROGRESS": False, "NEWS_DEDUPE_THRESHOLD": 0.9, "NEWS_BRAND": "y"}
    assert set(origins.values()) == {"environment"}  # the environment beats the file


@pytest.mark.parametrize("command", [("crawl",), ("update",), ("sources",), ("sources", "--check"), ("export",)])
def test_a_bad_sources_file_is_exactly_one_line_on_stderr(tmp_path, command):
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "bad"\nfeeds = ["https://a.example/rss"]\ntimezone = "Nowhere"\n', encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "news.db").touch()  # export reads the sources file only when there is an archive
    result = newsdao(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "sources.toml: source 'bad': field 'timezone': unknown time zone 'Nowhere'\n"
    assert result.stdout == ""


def test_without_a_sources_file_it_says_which_file_and_how_to_make_one(tmp_path):
    result = newsdao("crawl", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sources.toml: sources file not found (looked for {tmp_path / 'sources.toml'})")
    assert "`newsdao init DIR`" in line
    assert not (tmp_path / "data").exists()  # nothing started, nothing written


def test_an_empty_url_is_an_error_not_a_crawl_of_every_source(tmp_path, demo_site):
    write_demo_sources(demo_site, tmp_path / "sources.toml")
    for command in ("crawl", "update"):
        result = newsdao(command, "-a", "url=", cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == "-a url= is empty: give a feed, sitemap or page URL, or leave it out\n"
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_probe_and_check_say_a_network_failure_in_one_line(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/"
    result = newsdao("probe", url, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    assert re.fullmatch(rf"probe: {re.escape(url)}: \w+: .*[Rr]efused.*\n", result.stdout), result.stdout
    in_project = run_scrapy("probe", url)  # `scrapy probe` too: Scrapy's robots.txt traceback is not shown
    assert in_project.returncode == 1 and in_project.stderr == "" and in_project.stdout == result.stdout
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nname = "down"\nfeeds = ["{url}rss.xml"]\nsitemaps = ["{url}sitemap.xml"]\n', encoding="utf-8"
    )
    check = newsdao("sources", "--check", cwd=tmp_path)
    assert check.returncode == 1 and check.stderr == ""
    lines = check.stdout.splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [f"FAIL down feed {url}rss.xml", f"FAIL down sitemap {url}sitemap.xml"]
    assert len(lines) == 3 and lines[2].endswith("2 entry point(s) of 1 source(s), 2 failed")
    assert "Traceback" in (tmp_path / "data" / "newsdao.log").read_text()  # the whole story is in the log


@pytest.mark.slow
def test_a_crawl_without_a_terminal_prints_only_its_summary_and_logs_to_a_file(tmp_path, demo_site):
    write_demo_sources(demo_site, tmp_path / "feeds.toml")
    (tmp_path / "newsdao.toml").write_text('NEWS_SOURCES_FILE = "feeds.toml"\nNEWS_DB_PATH = "archive/news.db"\n')
    result = newsdao("crawl", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    assert re.fullmatch(r"crawl: \d+ pages, 20 new, 0 updated, 0 unchanged, 0 dropped, 0 known links skipped; finished\n",
                        result.stdout), result.stdout  # fmt: skip
    log = (tmp_path / "archive" / "newsdao.log").read_text(encoding="utf-8")
    assert "'news/stored/new': 20" in log and "Spider closed (finished)" in log

    # --loglevel: Scrapy's log on stderr, as `scrapy crawl` shows it; -s LOG_FILE: that file.
    shown = newsdao("crawl", "--loglevel", "INFO", cwd=tmp_path)
    assert shown.returncode == 0 and "Spider closed (finished)" in shown.stderr
    assert shown.stdout.startswith("crawl: ") and shown.stdout.count("\n") == 1
    elsewhere = newsdao("crawl", "-s", "LOG_FILE=other.log", cwd=tmp_path)
    assert elsewhere.returncode == 0 and elsewhere.stderr == ""
    assert "Spider closed (finished)" in (tmp_path / "other.log").read_text(encoding="utf-8")
    assert (tmp_path / "archive" / "newsdao.log").read_text(encoding="utf-8") == log


def test_the_log_file_is_rotated_when_a_run_finds_it_big(tmp_path):
    log = tmp_path / "newsdao.log"
    for run in range(7):
        log.write_text(f"run {run}\n" * 100)
        terminal.rotate(log, max_bytes=500)
    assert not log.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"newsdao.log.{n}" for n in range(1, 6)]
    assert (tmp_path / "newsdao.log.1").read_text().startswith("run 6") and "run 2" in (tmp_path / "newsdao.log.5").read_text()
    log.write_text("small\n")
    terminal.rotate(log, max_bytes=500)
    assert log.read_text() == "small\n"
