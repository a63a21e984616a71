"""Write every output from the archive: posts, feeds in three formats, OPML and an index page.

Every byte depends only on the archive and the settings. Posts are written incrementally
(a manifest remembers what each file was made from); a file is rewritten only when its
bytes change, and a file a previous export wrote but this one did not is removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from crawler.store import Archive
from crawler.urls import web_url
from exporters.feeds import FeedInfo, atom_xml, feed_language, rss_xml
from exporters.index_page import index_html
from exporters.jsonfeed import json_feed
from exporters.manifest import MANIFEST_NAME, Manifest
from exporters.opml import FeedLink, opml
from exporters.posts import PostStyle, post_filename, post_for_article
from exporters.prepare import Hook, prepare_article

logger = logging.getLogger(__name__)

# Raised whenever the exporters write other bytes from the same archive (a fix in a feed or
# post format): the next export then renders every file again, mending what it wrote before.
OUTPUT_VERSION = 2
FORMATS = (("rss", "rss.xml", rss_xml), ("atom", "atom.xml", atom_xml), ("json", "feed.json", json_feed))


@dataclass(frozen=True)
class ExportOptions:
    out_dir: Path
    feed_limit: int = 50
    feed_title: str = "flaretime 실시간 뉴스"
    feed_description: str = "flaretime 실시간 뉴스 속보"
    feed_language: str = "ko"
    feed_id_prefix: str = "tag:newsdao.kr,2024:"
    style: PostStyle = field(default_factory=PostStyle)
    post_hook: Hook | None = None  # callable(article dict) -> article dict
    post_hook_name: str = ""
    excerpt_only_sources: frozenset[str] = frozenset()  # sources with full_text = false
    read_more: str = "원문 보기"
    websub_hub: str = ""  # NEWS_WEBSUB_HUB, advertised in every feed

    def settings_key(self) -> str:
        """A hash of everything besides the archive that shapes a post."""
        shape = [asdict(self.style), self.post_hook_name, sorted(self.excerpt_only_sources), self.read_more]
        shape.append(OUTPUT_VERSION)
        return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@dataclass
class ExportResult:
    warnings: list[str] = field(default_factory=list)  # for the operator, each said once
    written: list[Path] = field(default_factory=list)  # files whose bytes changed
    unchanged: list[Path | str] = field(default_factory=list)  # paths, or relative paths left alone
    removed: list[Path] = field(default_factory=list)
    posts: int = 0
    feeds: list[FeedLink] = field(default_factory=list)


class Exporter:
    def __init__(self, archive: Archive, options: ExportOptions, progress=None):
        self.progress = progress  # anything with update(message): a status line on a terminal
        self.archive = archive
        self.options = options
        self.out = options.out_dir
        self.site = options.style.site_url.rstrip("/")
        self.result = ExportResult()
        self.manifest = Manifest(self.out, options.settings_key())

    def run(self) -> ExportResult:
        problem = site_timezone_problem(self.out, self.options.style.timezone)
        if problem:
            logger.warning("%s", problem)
            self.result.warnings.append(problem)
        self.write_posts()
        self.write_feeds()
        for path in self.manifest.stale():
            path.unlink()
            self.result.removed.append(path)
            logger.info("Removed %s: its article is gone, a duplicate, or renamed", path)
        self.write(MANIFEST_NAME, self.manifest.to_bytes(), marker=None)
        return self.result

    def prepare(self, article: dict) -> dict:
        full_text = article["source"] not in self.options.excerpt_only_sources
        return prepare_article(article, self.options.post_hook, full_text, self.options.read_more)

    def write_posts(self) -> None:
        style = self.options.style
        for head in self.archive.published_heads():
            marker = f"{head['id']}:{head['content_hash']}"
            self.result.posts += 1
            if self.progress is not None:
                self.progress.update(f"exporting: {self.result.posts} posts")
            unchanged = self.manifest.path_of(marker)  # same article, same content: same file
            if unchanged is not None:
                self.manifest.record(unchanged, marker)
                self.result.unchanged.append(unchanged)
                continue
            relpath = f"_posts/{post_filename(head, style)}"
            article = self.prepare(self.archive.get(head["id"]))
            self.write(relpath, post_for_article(article, style).encode("utf-8"), marker)

    def write_feeds(self) -> None:
        limit = self.options.feed_limit
        title = self.options.feed_title
        sets = [("All", title, "feeds", self.archive.latest_published(limit))]
        for source in self.archive.published_sources():
            articles = self.archive.latest_published(limit, source=source)
            sets.append(("Sources", f"{title} · {source}", f"feeds/sources/{source}", articles))
        folders = set()
        for category in self.archive.published_categories():
            folder = f"feeds/categories/{category_slug(category)}"
            if folder in folders:  # two names that fold to one slug ("World News", "world-news")
                folder += "-" + hashlib.sha256(category.encode("utf-8")).hexdigest()[:8]
            folders.add(folder)
            articles = self.archive.latest_published(limit, category=category)
            sets.append(("Categories", f"{title} · {category}", folder, articles))
        for group, feed_title, folder, articles in sets:
            marker = self._feed_marker(feed_title, folder, articles)
            if all(self.manifest.unchanged(f"{folder}/{name}", marker) for _, name, _ in FORMATS):
                # Same entries, same content, same settings: the files are as they would be written.
                for kind, name, _ in FORMATS:
                    self.manifest.record(f"{folder}/{name}", marker)
                    self.result.unchanged.append(f"{folder}/{name}")
                    url = self.published_url(f"{folder}/{name}")
                    self.result.feeds.append(FeedLink(group, feed_title, f"{folder}/{name}", url, kind))
                continue
            prepared = [self.prepare(a) for a in articles]
            language = feed_language(prepared, self.options.feed_language) if group != "All" else None
            for kind, name, render in FORMATS:
                info = FeedInfo(
                    title=feed_title,
                    site_url=self.site + "/",
                    feed_url=self.published_url(f"{folder}/{name}"),
                    description=self.options.feed_description,
                    language=language or self.options.feed_language,
                    id_prefix=self.options.feed_id_prefix,
                    publisher=self.options.style.brand,
                    image_alt=self.options.style.image_alt.format(brand=self.options.style.brand),
                    hub=self.options.websub_hub,
                )
                self.write(f"{folder}/{name}", render(info, prepared), marker=marker)
                self.result.feeds.append(FeedLink(group, feed_title, f"{folder}/{name}", info.feed_url, kind))
        opml_path = "feeds/feeds.opml"
        self.write(opml_path, opml(title, self.site + "/", self.result.feeds), marker="feed")
        latest = [self.prepare(a) for a in sets[0][3]]
        self.write("feeds/index.html", index_html(title, self.result.feeds, latest, opml_path), marker="feed")

    def published_url(self, relpath: str) -> str:
        """Where a file is published: a URL, so `categories/경제` is percent-encoded."""
        return web_url(f"{self.site}/{relpath}") or f"{self.site}/{relpath}"

    def _feed_marker(self, title: str, folder: str, articles: list[dict]) -> str:
        """What a feed is made from: its entries' ids and content, and the settings."""
        options = self.options
        made_of = [title, folder, self.manifest.settings_key, options.feed_limit, options.feed_description]
        made_of += [options.feed_language, options.feed_id_prefix, options.style.brand, options.websub_hub]
        made_of += [[a["id"], a["content_hash"], a.get("updated_at")] for a in articles]
        return "feed:" + hashlib.sha256(json.dumps(made_of).encode("utf-8")).hexdigest()[:16]

    def write(self, relpath: str, data: bytes, marker: str | None) -> None:
        path = self.out / relpath
        if marker is not None:
            self.manifest.record(relpath, marker)
        if write_if_changed(path, data):
            self.result.written.append(path)
        else:
            self.result.unchanged.append(path)


def export_all(archive: Archive, options: ExportOptions, progress=None) -> ExportResult:
    return Exporter(archive, options, progress).run()


JEKYLL_CONFIGS = ("_config.yml", "_config.yaml")


def site_timezone_problem(out_dir: Path, timezone: str) -> str | None:
    """Why a Jekyll site in out_dir would date posts other than their file names, or None.

    Posts are stamped in NEWS_POST_TIMEZONE; Jekyll files a post by its date in the site's own
    `timezone:` (the machine's zone when there is none), so an article stamped near midnight
    gets a URL whose date differs from its file name, and moves when the machine does.
    """
    config = next((out_dir / name for name in JEKYLL_CONFIGS if (out_dir / name).is_file()), None)
    if config is None:  # not a Jekyll site folder
        return None
    try:
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return f"{config} could not be read ({type(exc).__name__}); its timezone: should be {timezone}"
    site_zone = settings.get("timezone") if isinstance(settings, dict) else None
    if str(site_zone or "").strip() == timezone:
        return None
    has = f"has timezone: {site_zone}" if site_zone else "has no timezone: line"
    fix = "Change it to" if site_zone else "Add"
    return (
        f"{config} {has}, but posts are dated in {timezone} (NEWS_POST_TIMEZONE): Jekyll would file "
        f"a post stamped near midnight under another day than its file name. "
        f"{fix} this line in {config.name}: timezone: {timezone}"
    )


def category_slug(category: str) -> str:
    """A folder name for a category: lower-case word characters and dashes (`경제`, `world-news`)."""
    slug = re.sub(r"[^\w]+", "-", category.casefold()).strip("-_")[:60].strip("-_")
    return slug or "category-" + hashlib.sha256(category.encode("utf-8")).hexdigest()[:8]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ (through a temporary file and a rename, so a reader
    never sees half a file); returns whether the file was written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True
