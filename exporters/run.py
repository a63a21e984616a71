"""Write every output from the archive: feeds and posts, rewriting only what changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from crawler.store import Archive
from exporters.feeds import FeedInfo, atom_xml, rss_xml
from exporters.posts import PostStyle, post_filename, post_for_article

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportOptions:
    out_dir: Path
    feed_limit: int = 50
    feed_title: str = "flaretime 실시간 뉴스"
    feed_description: str = "flaretime 실시간 뉴스 속보"
    feed_language: str = "ko"
    style: PostStyle = field(default_factory=PostStyle)
    post_hook: object | None = None  # callable(article dict) -> article dict


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)  # files whose bytes changed
    unchanged: list[Path] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return sorted(self.written + self.unchanged)


def export_all(archive: Archive, options: ExportOptions) -> ExportResult:
    result = ExportResult()
    out = options.out_dir
    latest = archive.latest(options.feed_limit)
    site = options.style.site_url.rstrip("/")
    for name, render in (("rss.xml", rss_xml), ("atom.xml", atom_xml)):
        info = FeedInfo(
            title=options.feed_title,
            site_url=site + "/",
            feed_url=f"{site}/feeds/{name}",
            description=options.feed_description,
            language=options.feed_language,
        )
        write_if_changed(out / "feeds" / name, render(info, latest), result)
    for article in archive.iter_all():
        if options.post_hook is not None:
            article = options.post_hook(dict(article))
        text = post_for_article(article, options.style)
        write_if_changed(out / "_posts" / post_filename(article, options.style), text.encode("utf-8"), result)
    return result


def write_if_changed(path: Path, data: bytes, result: ExportResult) -> None:
    """Write only when the bytes differ, so an unchanged archive leaves files (and mtimes) alone."""
    if path.exists() and path.read_bytes() == data:
        result.unchanged.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    result.written.append(path)
