"""`scrapy export`: write feeds and posts from the archive."""

from __future__ import annotations

from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object

from crawler.store import Archive
from exporters.posts import PostStyle
from exporters.run import ExportOptions, export_all


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[-o DIR]"

    def short_desc(self):
        return "Write RSS, Atom and Jekyll posts from the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="DIR", help="output folder (default: NEWS_EXPORT_DIR)")

    def run(self, args, opts):
        if args:
            raise UsageError("export takes no positional arguments")
        settings = self.settings
        db_path = Path(settings.get("NEWS_DB_PATH"))
        if not db_path.exists():
            raise UsageError(f"no archive at {db_path}: crawl first, or set -s NEWS_DB_PATH=")
        out_dir = Path(opts.output or settings.get("NEWS_EXPORT_DIR"))
        hook = settings.get("NEWS_POST_HOOK")
        options = ExportOptions(
            out_dir=out_dir,
            feed_limit=settings.getint("NEWS_FEED_LIMIT"),
            feed_title=settings.get("NEWS_FEED_TITLE"),
            feed_description=settings.get("NEWS_FEED_DESCRIPTION"),
            feed_language=settings.get("NEWS_FEED_LANGUAGE"),
            style=post_style(settings),
            post_hook=load_object(hook) if hook else None,
        )
        archive = Archive(db_path)
        try:
            result = export_all(archive, options)
        finally:
            archive.close()
        posts = [p for p in result.paths if p.parent.name == "_posts"]
        print(f"Archive: {db_path} ({len(posts)} posts)")
        for path in result.paths:
            if path.parent.name != "_posts":
                print(f"Feed:    {path}")
        written, unchanged = len(result.written), len(result.unchanged)
        print(f"Posts:   {out_dir / '_posts'}/ ({len(posts)} files)")
        print(f"Files:   {written} written, {unchanged} unchanged")


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
