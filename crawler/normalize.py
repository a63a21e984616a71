"""Normalize an extracted article: UTC dates, URLs as browsers serialize them, safe body, plain text, excerpt.

Pure functions with light imports (no Scrapy): the crawl runs them in its worker processes
(crawler/pipelines/normalize.py hands them over).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urldefrag

from crawler.sanitize import sanitize_html
from crawler.text import body_text as plain_body
from crawler.text import fold as _fold
from crawler.text import lead, tidy_text
from crawler.urls import web_url

WORD_RE = re.compile(r"\w{2,}")
# A keyword that is a URL (`javascript:alert(1)`, `https://…`) is no tag.
SCHEME_RE = re.compile(r"^\s*(?:javascript|vbscript|data|file|https?|ftp|mailto)\s*:", re.IGNORECASE)


def normalized(fields: dict, excerpt_length: int = 300, link_rel: str = "nofollow noopener") -> dict:
    """The normalized values of an article's fields (a pure function: it runs in a worker)."""
    url = urldefrag(web_url(fields["url"]) or fields["url"])[0]
    # Extraction has decoded entities once already: only tidy here, never decode again.
    title = tidy_text(fields.get("title"))
    keywords = (tidy_text(k) for k in fields.get("keywords") or [])
    image = web_url(fields.get("image"), url)  # as a browser would request it; http(s) only
    body = fields.get("body_html")
    body = clean_body(body, url, link_rel) if body else None
    standfirst = tidy_text(fields.get("standfirst"))
    text = "\n".join(part for part in (standfirst, plain_body(body)) if part)  # what a reader reads
    description = tidy_text(fields.get("description"))
    return {
        "url": url,
        "title": title,
        "authors": _unique(tidy_text(a) for a in fields.get("authors") or []),
        "categories": _unique(tidy_text(c) for c in fields.get("categories") or []) or ["News"],
        "keywords": _unique(k for k in keywords if k and not SCHEME_RE.match(k)),
        "section": tidy_text(fields.get("section")),
        "published": to_utc(fields.get("published")),
        "modified": to_utc(fields.get("modified")),
        "image": image,
        "standfirst": standfirst,
        "body_html": body,
        "text": text,
        "description": description,
        "excerpt": choose_excerpt(description, title, text, excerpt_length),
    }


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


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
