"""What commands leave on the terminal: summaries, errors in one line each; Scrapy's log in a file.

`newsdao` commands that crawl write Scrapy's log to NEWS_LOG_FILE (by default newsdao.log beside
the archive, rotated when a run starts), unless LOG_FILE, --logfile, --loglevel or --nolog says
where it goes; errors are then also printed on stderr, one line each (the traceback is in the
log). A configuration mistake is one line on stderr and exit code 2, without Scrapy's banner or
usage block.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

EXIT_CONFIG = 2
LOG_BACKUPS = 5  # newsdao.log.1 ... newsdao.log.5


def config_error(message: str) -> int:
    """Print a configuration mistake as its one line; the exit code to return."""
    print(message, file=sys.stderr)
    return EXIT_CONFIG


def log_path(settings) -> Path | None:
    """Where NEWS_LOG_FILE puts Scrapy's log; None for stderr."""
    target = settings.get("NEWS_LOG_FILE")
    if not target:
        return None
    if target == "auto":
        return Path(settings.get("NEWS_DB_PATH")).parent / "newsdao.log"
    return Path(target)


def log_to_file(settings, opts) -> Path | None:
    """Send Scrapy's log to NEWS_LOG_FILE unless the command line or LOG_FILE chose its place.

    Call from a command's process_options (before Scrapy configures logging). Returns the file,
    or None when the log stays where Scrapy puts it.
    """
    chosen = opts.logfile or opts.loglevel or opts.nolog  # ScrapyCommand's options
    path = log_path(settings)
    if chosen or settings.get("LOG_FILE") or path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rotate(path, settings.getint("NEWS_LOG_MAX_BYTES"))
    except OSError as exc:
        raise SystemExit(config_error(f"NEWS_LOG_FILE: cannot write the log at {path}: {exc}")) from None
    settings.set("LOG_FILE", str(path), priority="cmdline")
    return path


def rotate(path: Path, max_bytes: int) -> None:
    """newsdao.log -> newsdao.log.1 -> ... .5 when it has grown to max_bytes (the stdlib's rollover)."""
    if max_bytes > 0 and path.is_file() and path.stat().st_size >= max_bytes:
        handler = logging.handlers.RotatingFileHandler(path, backupCount=LOG_BACKUPS, delay=True)
        handler.doRollover()
        handler.close()


def quiet_robots_errors() -> None:
    """Silence Scrapy's robots.txt errors: a failed robots.txt fetch is a network failure that
    `probe` and `sources --check` report in their own line (Scrapy logs it with a traceback).

    Call once Scrapy has configured logging (in a command's run): its dictConfig resets the
    level of every `scrapy.*` logger that exists by then."""
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)


class _OneLine(logging.Formatter):
    """`ERROR: message` without the traceback, which the log file holds."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname}: {record.getMessage()}".splitlines()[0]


def echo_errors() -> logging.Handler:
    """Print ERROR records on stderr too, one line each, while the log goes to a file.

    Call once Scrapy has configured logging (in a command's run): its dictConfig would close a
    handler added earlier.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(_OneLine())
    logging.getLogger().addHandler(handler)
    return handler
