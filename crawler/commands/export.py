"""`scrapy export`: write posts, feeds, OPML and the index page from the archive."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object

from crawler import terminal
from crawler.progress import Progress
from crawler.sources import SourcesError, load_sources
from crawler.store import Archive
from exporters.posts import PostStyle
from exporters.run import ExportOptions, export_all


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[-o DIR]"

    def short_desc(self):
        return "Write Jekyll posts, RSS, Atom, JSON Feed, OPML and an index page from the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="DIR", help="output folder (default: NEWS_EXPORT_DIR)")

    def run(self, args, opts):
        if args:
            raise UsageError("export takes no positional arguments")
        db_path = Path(self.settings.get("NEWS_DB_PATH"))
        if not db_path.exists():
            self.exitcode = terminal.config_error(f"no archive at {db_path}: crawl first or set NEWS_DB_PATH")
            return
        try:
            options = export_options(self.settings, Path(opts.output or self.settings.get("NEWS_EXPORT_DIR")))
        except SourcesError as exc:
            self.exitcode = terminal.config_error(str(exc))
            return
        archive = Archive(db_path)
        try:
            with Progress() as progress:  # a status line on a terminal, nothing in cron
                result = export_all(archive, options, progress)
        finally:
            archive.close()
        out = options.out_dir
        for warning in result.warnings:
            print(f"Warning: {warning}", file=sys.stderr)
        print(f"Archive: {db_path}")
        print(f"Posts:   {out / '_posts'}/ ({result.posts} posts)")
        print(f"Feeds:   {out / 'feeds'}/ ({len(result.feeds)} feeds: rss.xml, atom.xml, feed.json)")
        print(f"OPML:    {out / 'feeds' / 'feeds.opml'}")
        print(f"Index:   {out / 'feeds' / 'index.html'}")
        print(
            f"Export done: {len(result.written)} files written, {len(result.unchanged)} unchanged,"
            f" {len(result.removed)} removed"
        )


def export_options(settings, out_dir: Path) -> ExportOptions:
    """Everything an export needs from the settings (and the sources file's full_text switches)."""
    hook = settings.get("NEWS_POST_HOOK")
    site = settings.get("NEWS_SITE_URL")
    return ExportOptions(
        out_dir=out_dir,
        feed_limit=settings.getint("NEWS_FEED_LIMIT"),
        feed_title=settings.get("NEWS_FEED_TITLE"),
        feed_description=settings.get("NEWS_FEED_DESCRIPTION"),
        feed_language=settings.get("NEWS_FEED_LANGUAGE"),
        feed_id_prefix=f"tag:{urlsplit(site).hostname},{settings.get('NEWS_FEED_ID_DATE')}:",
        style=post_style(settings),
        post_hook=load_object(hook) if hook else None,
        post_hook_name=hook or "",
        excerpt_only_sources=excerpt_only_sources(settings.get("NEWS_SOURCES_FILE")),
        read_more=settings.get("NEWS_READ_MORE_TEXT"),
        websub_hub=settings.get("NEWS_WEBSUB_HUB") or "",
    )


def excerpt_only_sources(path: str) -> frozenset[str]:
    """Sources whose posts and feeds carry the excerpt only; none when there is no sources file.

    Raises SourcesError for a sources file with a mistake."""
    if not path or not Path(path).is_file():
        return frozenset()
    return frozenset(s.name for s in load_sources(path) if not s.full_text)


def post_style(settings) -> PostStyle:
    return PostStyle(
        brand=settings.get("NEWS_BRAND"),
        site_url=settings.get("NEWS_SITE_URL"),
        default_image=settings.get("NEWS_DEFAULT_IMAGE"),
        feature_heading=settings.get("NEWS_FEATURE_HEADING"),
        image_alt=settings.get("NEWS_IMAGE_ALT"),
        footer_text=settings.get("NEWS_FOOTER_TEXT"),
        heading_attrs=settings.get("NEWS_HEADING_ATTRS"),
        paragraph_attrs=settings.get("NEWS_PARAGRAPH_ATTRS"),
        timezone=settings.get("NEWS_POST_TIMEZONE"),
    )
