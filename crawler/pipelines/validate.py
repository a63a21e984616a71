"""Drop articles a reader cannot use, repair fields a hostile source bent, and count each case.

Runs after normalize (which sanitizes the body and makes the other fields plain text), so
it checks what will be stored: a headline and a body; no markup left in a plain-text field;
no markdown link to a non-http(s) target (themes render `feature_text` as markdown); a
headline of bounded length; no date beyond the future skew; and, as a last line of defence,
no script, event handler or non-http(s) URL in the body.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from lxml import etree
from lxml import html as lxml_html
from scrapy.exceptions import DropItem

from crawler.runs import source_key

logger = logging.getLogger(__name__)

PLAIN_FIELDS = ("title", "standfirst", "description", "excerpt", "section")
PLAIN_LIST_FIELDS = ("authors", "categories", "keywords")
# What an HTML parser reads as the start of a tag, comment or declaration: `<` then a letter,
# `/`, `!` or `?`. `a < b` and `<3` stay as they are.
TAG_RE = re.compile(r"<[A-Za-z!/?][^>]*(?:>|$)")
# A markdown link or image: [text](target "title"), the target with balanced parentheses
# as markdown allows; its target must be http(s).
MARKDOWN_LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+[^)]*)?\)")
# Elements and attributes that must never reach a stored body (the sanitizer removes them;
# this is the check that it did).
UNSAFE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "base", "meta", "link", "svg", "math", "noscript", "template",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "background", "poster", "cite", "data", "lowsrc",
    "dynsrc", "longdesc", "srcset", "xlink:href", "ping",
}  # fmt: skip


class ValidatePipeline:
    def __init__(self, stats, future_skew_hours: float = 2.0, max_title_length: int = 300):
        self.stats = stats
        self.future_skew = timedelta(hours=future_skew_hours)
        self.max_title_length = max_title_length

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler.stats,
            settings.getfloat("NEWS_MAX_FUTURE_SKEW", 2.0),
            settings.getint("NEWS_MAX_TITLE_LENGTH", 300),
        )

    def process_item(self, item):
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        for field in PLAIN_FIELDS:
            adapter[field] = self._plain(adapter.get(field), field, url)
        for field in PLAIN_LIST_FIELDS:
            values = [self._plain(v, field, url) for v in adapter.get(field) or []]
            adapter[field] = [v for v in values if v]
        for field, reason in (("title", "no_headline"), ("body_html", "no_body")):
            if not adapter.get(field):
                self.stats.inc_value(f"news/dropped/{reason}")
                self.stats.inc_value(source_key(adapter.get("source") or "?", "dropped"))
                raise DropItem(f"{reason.replace('_', ' ')}: {url}")
        problem = unsafe_markup(adapter["body_html"])
        if problem:
            self.stats.inc_value("news/dropped/unsafe_body")
            self.stats.inc_value(source_key(adapter.get("source") or "?", "dropped"))
            raise DropItem(f"unsafe body ({problem}) after sanitizing: {url}")
        adapter["title"] = self._bounded_title(adapter["title"], url)
        self._check_dates(adapter, url)
        return item

    def _plain(self, value: str | None, field: str, url: str) -> str | None:
        """Plain text with no tag-shaped run and no markdown link to a non-http(s) target."""
        if not value:
            return value
        fixed = TAG_RE.sub("", value)
        fixed = MARKDOWN_LINK_RE.sub(_safe_markdown_link, fixed)
        if fixed != value:
            fixed = " ".join(fixed.split())
            self.stats.inc_value("news/fixed/markup_in_text")
            logger.warning("Removed markup from the %s of %s", field, url)
        return fixed or None

    def _bounded_title(self, title: str, url: str) -> str:
        if len(title) <= self.max_title_length:
            return title
        cut = title[: self.max_title_length - 1]
        if " " in cut[len(cut) // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        self.stats.inc_value("news/fixed/long_headline")
        logger.warning(
            "Cut the %d-character headline of %s to %d (NEWS_MAX_TITLE_LENGTH)", len(title), url, len(cut) + 1
        )
        return cut.rstrip(" ,;:-") + "…"

    def _check_dates(self, adapter: ItemAdapter, url: str) -> None:
        latest = datetime.now(UTC) + self.future_skew
        had_date = bool(adapter.get("published"))
        for field in ("published", "modified"):
            value = adapter.get(field)
            if value and datetime.fromisoformat(value) > latest:
                self.stats.inc_value("news/dates/future")
                logger.warning(
                    "Ignored the %s date %s of %s: beyond NEWS_MAX_FUTURE_SKEW (%s)",
                    field,
                    value,
                    url,
                    self.future_skew,
                )
                adapter[field] = None
        if not had_date:  # absent, or refused by extraction as impossible (2024-13-45, year 9999)
            self.stats.inc_value("news/dates/missing")
            logger.info("No usable publication date in %s: its first-seen time stands in", url)


def _safe_markdown_link(match: re.Match) -> str:
    target = match.group(2)
    if urlsplit(target).scheme.lower() in ("http", "https"):
        return match.group(0)
    return match.group(1)


def unsafe_markup(fragment: str) -> str | None:
    """What makes an HTML fragment unsafe to publish (a tag, a handler, a URL), or None."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return "unparsable"
    for element in root.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, etree._Comment):
                return "comment"
            continue
        if element.tag.lower() in UNSAFE_TAGS:
            return f"<{element.tag}>"
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name in ("style", "srcdoc"):
                return f"{name}="
            if name in URL_ATTRIBUTES:
                scheme = urlsplit(value).scheme.lower()
                if scheme not in ("http", "https") or value != value.strip():
                    return f"{name}={value[:40]!r}"
    return None
