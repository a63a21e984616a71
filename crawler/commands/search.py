"""`scrapy search "query"`: the archive's articles that match, newest first, with a snippet.

Korean is found as readers type it (`정부` finds `정부가`): see crawler/search.py.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import search, terminal
from crawler.store import Archive
from crawler.text import body_text


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return '"query" [--source NAME] [-n N] [--copies]'

    def short_desc(self):
        return "Search the archive's headlines and bodies (Korean-aware), newest first"

    def long_desc(self):
        return (
            'Words are ANDed; "a phrase" in quotes, OR between alternatives, -word to exclude, '
            "word* for a prefix. Korean nouns are found followed by a particle (정부 finds 정부가)."
        )

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-n", "--limit", type=int, default=20, help="how many to show (default 20)")
        parser.add_argument("--source", metavar="NAME", help="only this source's articles")
        parser.add_argument("--copies", action="store_true", help="also copies of another outlet's story")

    def run(self, args, opts):
        if not args:
            raise UsageError('give a query: scrapy search "정부 예산"')
        if opts.limit < 1:
            raise UsageError("-n must be at least 1", print_help=False)
        query = " ".join(args)
        try:
            match = search.match_expression(query)
        except search.QueryError as exc:
            raise UsageError(str(exc), print_help=False) from None
        db_path = Path(self.settings.get("NEWS_DB_PATH"))
        if not db_path.exists():
            self.exitcode = terminal.config_error(f"no archive at {db_path}: crawl first or set NEWS_DB_PATH")
            return
        zone = ZoneInfo(self.settings.get("NEWS_POST_TIMEZONE"))
        mark = ("\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
        with Archive(db_path) as archive:
            total, rows = archive.search(match, opts.limit, opts.source, opts.copies)
        for row in rows:
            text = body_text(row["body_html"])
            print(f"{_when(row, zone)}  {row['source']}  {search.snippet(row['title'], query, 200, mark)}")
            print(f"    {search.snippet(text, query, 160, mark)}")
            print(f"    {row['url']}")
        scope = f" in source {opts.source}" if opts.source else ""
        print(f"search: {total} article(s) match {query!r}{scope}; {len(rows)} shown, newest first")


def _when(row: dict, zone: ZoneInfo) -> str:
    """Publication time in the site's time zone with its offset (first seen when undated)."""
    stamp = row.get("published") or row.get("first_seen")
    if not stamp:
        return "(no date)".ljust(22)
    moment = datetime.fromisoformat(stamp).astimezone(zone)
    mark = "" if row.get("published") else "~"
    return (mark + moment.strftime("%Y-%m-%d %H:%M %z")).ljust(22)
