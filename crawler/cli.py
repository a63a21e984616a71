"""`newsdao`: the project's Scrapy commands with the project's settings, from any folder.

`newsdao crawl` is `scrapy crawl news` run inside the project, wherever it is run; `newsdao init
DIR` writes a folder to run it in. The settings come from crawler/settings.py, then the folder's
newsdao.toml and NEWS_* environment variables (crawler/config.py), then `-s NAME=value`. Unlike
`scrapy`, commands that crawl write Scrapy's log to a file (NEWS_LOG_FILE, crawler/terminal.py)
and leave the terminal to progress, summaries and errors.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shlex
import shutil
import sys
from pathlib import Path

import crawler
import exporters

COMMANDS = ("crawl", "update", "watch", "export", "probe", "sources", "search", "ingest", "settings")
STARTER = Path(crawler.__file__).parent / "starter"
JEKYLL_SITE = Path(exporters.__file__).parent / "jekyll_site"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if args[0] in ("-V", "--version", "version"):
        print(f"newsdao {crawler.__version__}")
        return 0
    if args[0] == "init":
        return init(args[1:])
    if not args[0].startswith("-") and args[0] not in scrapy_commands():
        print(f"newsdao: unknown command {args[0]!r} (`newsdao --help` lists them)", file=sys.stderr)
        return 2
    os.environ["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    from scrapy.cmdline import execute
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()  # the settings file and NEWS_* variables; a mistake exits 2
    from crawler import config
    from crawler import settings as project

    try:
        config.check_command_line(args, project.defaults)
    except config.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if "NEWS_LOG_FILE" not in project.origins:
        settings.set("NEWS_LOG_FILE", "auto", priority="project")
    execute(["newsdao", *args], settings)  # exits with the command's code
    return 0


def usage() -> str:
    lines = [
        f"newsdao {crawler.__version__}: crawl news sources into a SQLite archive; publish feeds and posts.",
        "",
        "Usage: newsdao COMMAND [options]      (newsdao COMMAND -h: its options)",
        "",
        f"  {'init DIR':<16}Write a folder to run newsdao in: sources, settings, Jekyll site, crontab line",
    ]
    for name in COMMANDS:
        command = importlib.import_module(f"crawler.commands.{name}").Command()
        lines.append(f"  {name:<16}{command.short_desc()}")
    lines += [
        "",
        "Settings: crawler/settings.py, then newsdao.toml in the working folder, then NEWS_* environment",
        "variables, then -s NAME=value. Scrapy's log: newsdao.log beside the archive (NEWS_LOG_FILE),",
        "unless --loglevel or -s LOG_FILE=... says otherwise. Scrapy's other commands work too.",
    ]
    return "\n".join(lines)


def scrapy_commands() -> set[str]:
    """Every command name `newsdao` passes to Scrapy: ours and Scrapy's own."""
    import scrapy.commands

    return set(COMMANDS) | {module.name for module in pkgutil.iter_modules(scrapy.commands.__path__)}


SETTINGS_TEMPLATE = """\
# Settings of the newsdao commands run in this folder (`newsdao init` wrote this file).
# Keys are the settings of crawler/settings.py (README: "Settings"); relative paths are relative
# to the folder newsdao runs in, this one. NEWS_* environment variables and `-s NAME=value`
# override them; `newsdao settings` shows what differs from the defaults, and why.

NEWS_SOURCES_FILE = "sources.toml"
NEWS_DB_PATH = "data/news.db"
# `newsdao update` and `newsdao export` write posts and feeds into the Jekyll site.
NEWS_EXPORT_DIR = "jekyll"
# Scrapy's log; newsdao's default, "auto", is data/newsdao.log (beside the archive), rotated.
# NEWS_LOG_FILE = "logs/newsdao.log"

# Your site: where the feeds are published, and what they are called.
# NEWS_SITE_URL = "https://news.example.com"
# NEWS_BRAND = "example"
# NEWS_FEED_TITLE = "Example news"
# NEWS_FEED_DESCRIPTION = "The latest from our sources"
# NEWS_FEED_LANGUAGE = "en"
# NEWS_POST_TIMEZONE = "Asia/Seoul"   # keep equal to `timezone:` in jekyll/_config.yml
"""


def init(args: list[str]) -> int:
    """`newsdao init DIR`: a starter folder; files that exist are kept, never overwritten."""
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: newsdao init DIR   (writes sources.toml, newsdao.toml, jekyll/, datasette/, crontab)")
        return 0 if args and args[0] in ("-h", "--help") else 2
    folder = Path(args[0])
    if folder.exists() and not folder.is_dir():
        print(f"newsdao init: {folder} is a file, not a folder", file=sys.stderr)
        return 2
    newsdao = shutil.which("newsdao") or "newsdao"
    script = Path(sys.argv[0]).resolve()
    if script.name == "newsdao" and script.is_file():  # the one running now, wherever PATH points
        newsdao = str(script)
    crontab = (
        "# Every 10 minutes: crawl the enabled sources, export into jekyll/ (`crontab -e`, paste the line).\n"
        f"*/10 * * * * cd {shlex.quote(str(folder.resolve()))} && mkdir -p logs"
        f" && {shlex.quote(newsdao)} update >> logs/update.log 2>&1\n"
    )
    wanted = [
        ("sources.toml", lambda path: shutil.copyfile(STARTER / "sources.example.toml", path)),
        ("newsdao.toml", lambda path: path.write_text(SETTINGS_TEMPLATE, encoding="utf-8")),
        ("jekyll", lambda path: shutil.copytree(JEKYLL_SITE, path)),
        ("datasette", lambda path: shutil.copytree(STARTER / "datasette", path, ignore=_no_cache)),
        ("crontab", lambda path: path.write_text(crontab, encoding="utf-8")),
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, write in wanted:
            path = folder / name
            if path.exists():
                print(f"kept    {path} (it exists)")
            else:
                write(path)
                print(f"wrote   {path}{'/' if path.is_dir() else ''}")
    except OSError as exc:
        print(f"newsdao init: {exc}", file=sys.stderr)
        return 1
    where = f"cd {shlex.quote(str(folder))}; " if folder.resolve() != Path.cwd() else ""
    print(
        f"Next: {where}keep the sources you want in sources.toml (`newsdao probe URL`"
        " prints an entry for a new one); `newsdao update` crawls them and exports into jekyll/;"
        " crontab holds the line for cron."
    )
    return 0


def _no_cache(folder, names):
    return [name for name in names if name == "__pycache__"]


if __name__ == "__main__":
    sys.exit(main())
