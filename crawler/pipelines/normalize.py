"""Normalize an extracted article: UTC dates, absolute URLs, safe body, plain text, excerpt."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urldefrag, urlsplit

from itemadapter import ItemAdapter

from crawler.sanitize import sanitize_html
from crawler.text import body_text as plain_body
from crawler.text import lead, tidy_text

WORD_RE = re.compile(r"\w{2,}")
# A keyword that is a URL (`javascript:alert(1)`, `https://…`) is no tag.
SCHEME_RE = re.compile(r"^\s*(?:javascript|vbscript|data|file|https?|ftp|mailto)\s*:", re.IGNORECASE)


class NormalizePipeline:
    def __init__(self, excerpt_length: int = 300, link_rel: str = "nofollow noopener"):
        self.excerpt_length = excerpt_length
        self.link_rel = link_rel

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            excerpt_length=settings.getint("NEWS_EXCERPT_LENGTH", 300),
            link_rel=settings.get("NEWS_LINK_REL", "nofollow noopener"),
        )

    def process_item(self, item):
        adapter = ItemAdapter(item)
        url = urldefrag(adapter["url"])[0]
        adapter["url"] = url
        # Extraction has decoded entities once already: only tidy here, never decode again.
        adapter["title"] = tidy_text(adapter.get("title"))
        adapter["authors"] = _unique(tidy_text(a) for a in adapter.get("authors") or [])
        adapter["categories"] = _unique(tidy_text(c) for c in adapter.get("categories") or []) or ["News"]
        keywords = (tidy_text(k) for k in adapter.get("keywords") or [])
        adapter["keywords"] = _unique(k for k in keywords if k and not SCHEME_RE.match(k))
        adapter["section"] = tidy_text(adapter.get("section"))
        for field in ("published", "modified"):
            adapter[field] = to_utc(adapter.get(field))
        image = adapter.get("image")
        adapter["image"] = image if image and urlsplit(image).scheme in ("http", "https") else None
        body = adapter.get("body_html")
        adapter["body_html"] = clean_body(body, url, self.link_rel) if body else None
        body_text = plain_body(adapter["body_html"])
        adapter["text"] = body_text
        description = tidy_text(adapter.get("description"))
        adapter["description"] = description
        adapter["excerpt"] = choose_excerpt(description, adapter["title"], body_text, self.excerpt_length)
        return item


def to_utc(value: str | None) -> str | None:
    """ISO 8601 in UTC; a value without offset was already rejected by extraction."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).isoformat()


def clean_body(body_html: str, url: str, link_rel: str = "nofollow noopener") -> str | None:
    """Sanitized body blocks, empty ones dropped."""
    safe = sanitize_html(body_html, url, link_rel)
    blocks = [b for b in safe.split("\n") if b.strip() and not re.fullmatch(r"<p>\s*</p>", b.strip())]
    return "\n".join(blocks) or None


def choose_excerpt(description: str | None, title: str | None, body_text: str, limit: int) -> str | None:
    """The page's own summary when it is a real one of this article, else the body's lead."""
    if is_real_summary(description, title, body_text):
        return description
    paragraphs = [p for p in body_text.split("\n") if p.strip()]
    return lead(" ".join(paragraphs), limit) if paragraphs else None


def is_real_summary(description: str | None, title: str | None, body_text: str) -> bool:
    """Not empty, not the headline again, and about this article (not the site's tagline)."""
    if not description or len(description) < 20:
        return False
    if title and _fold(description) == _fold(title):
        return False
    words = set(WORD_RE.findall(description.casefold()))
    if not words:
        return False
    reference = (body_text + " " + (title or "")).casefold()
    shared = sum(1 for word in words if word in reference)
    return shared / len(words) >= 0.4


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
