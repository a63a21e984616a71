"""A small static page that links every feed and the latest articles: subscribe in one step."""

from __future__ import annotations

from html import escape

from exporters.feeds import published
from exporters.opml import FeedLink

KIND_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def index_html(title: str, links: list[FeedLink], latest: list[dict], opml_path: str) -> bytes:
    """The page, with feed paths relative to the feeds folder it lives in."""
    rows: dict[tuple[str, str], list[FeedLink]] = {}
    for link in links:
        rows.setdefault((link.group, link.title), []).append(link)
    feed_items = "\n".join(
        f"<li>{escape(feed_title)}: " + " · ".join(_feed_anchor(link) for link in group) + "</li>"
        for (_, feed_title), group in rows.items()
    )
    article_items = "\n".join(
        f'<li><a href="{escape(a["url"])}" rel="nofollow noopener">{escape(a["title"], quote=False)}</a>'
        f" <small>{escape(a['source'])} · {published(a):%Y-%m-%d %H:%M} UTC</small></li>"
        for a in latest
    )
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{escape(title)}" href="rss.xml">
<link rel="alternate" type="application/atom+xml" title="{escape(title)}" href="atom.xml">
<link rel="alternate" type="application/feed+json" title="{escape(title)}" href="feed.json">
</head>
<body>
<h1>{escape(title)}</h1>
<h2>Feeds</h2>
<p><a href="{escape(_relative(opml_path))}">OPML: all feeds in one file</a></p>
<ul>
{feed_items}
</ul>
<h2>Latest articles</h2>
<ul>
{article_items}
</ul>
</body>
</html>
"""
    return page.encode("utf-8")


def _feed_anchor(link: FeedLink) -> str:
    return f'<a href="{escape(_relative(link.path))}">{KIND_LABELS[link.kind]}</a>'


def _relative(path: str) -> str:
    return path.removeprefix("feeds/")
