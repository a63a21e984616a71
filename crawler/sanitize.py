"""Allow-list HTML sanitizing of what sources give us (nh3, the Rust Ammonia library).

Only structure survives: paragraphs, headings, lists, quotes, tables, emphasis, links and
images, every URL absolute http(s) and serialized as a browser would (crawler/urls.web_url:
nh3 rewrites relative URLs so, but leaves an absolute one as the page wrote it, spaces and
quotes included). Our own trusted markup (the post format's attributes,
the footer link) is added after this step, never passed through it.
"""

from __future__ import annotations

import re

import nh3

from crawler.urls import web_url

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "b", "i", "u",
    "s", "sub", "sup", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr",
    "th", "td", "caption", "pre", "code", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_ATTRIBUTES = {"href", "src"}
IMAGE_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
# Removed with their content, not just unwrapped.
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "svg",
    "math",
    "noscript",
    "template",
    "button",
    "select",
    "textarea",
}


def sanitize_html(html: str, base_url: str, link_rel: str = "nofollow noopener") -> str:
    """Safe HTML: allow-listed tags and attributes, relative URLs resolved against base_url."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        url_relative=("rewrite_with_base", base_url),
        link_rel=link_rel or None,
        strip_comments=True,
        attribute_filter=lambda _tag, name, value: _web_url(name, value, base_url),
    )
    # An image whose only source was refused (data:, javascript:) is an empty box: drop it.
    return IMAGE_WITHOUT_SRC_RE.sub("", clean).strip()


def _web_url(name: str, value: str, base_url: str) -> str | None:
    """A link or image URL as a browser serializes it; None (the attribute dropped) if not http(s)."""
    return web_url(value, base_url) if name in URL_ATTRIBUTES else value
