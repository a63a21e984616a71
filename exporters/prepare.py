"""An archived article made ready to publish: the rewrite hook, then the same checks again.

The hook (NEWS_POST_HOOK) may rewrite anything, so its output is cleaned exactly as a
source's page is: plain-text fields, an allow-list sanitized body. The article's own URL and
its image are serialized as browsers do (WHATWG), http(s) only, here too: an archive stored
before the crawl did so is mended on its next export. A source set to
`full_text = false` publishes its excerpt and a link to the original instead of the body.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from crawler.sanitize import sanitize_html
from crawler.text import plain_text
from crawler.urls import web_url

Hook = Callable[[dict], dict]


def prepare_article(article: dict, hook: Hook | None, full_text: bool, read_more: str) -> dict:
    """A copy of the article as feeds and posts publish it."""
    article = dict(article)
    if hook is not None:
        article = _checked(hook(dict(article)), article)
    article["url"] = web_url(article["url"]) or article["url"]
    article["image"] = web_url(article.get("image"), article["url"])
    if not full_text:
        article["body_html"] = excerpt_body(article, read_more)
    elif article.get("standfirst"):  # the summary printed under the headline opens the article
        standfirst = escape(article["standfirst"], quote=False)
        article["body_html"] = f"<p>{standfirst}</p>\n{article.get('body_html') or ''}"
    return article


def excerpt_body(article: dict, read_more: str) -> str:
    """The excerpt as a paragraph, then a link to the original article."""
    url = escape(article["url"])
    excerpt = escape(article.get("excerpt") or "", quote=False)
    return f'<p>{excerpt}</p>\n<p><a href="{url}">{escape(read_more, quote=False)}</a></p>'


def _checked(rewritten: dict, original: dict) -> dict:
    """The hook's output held to the rules a crawled article is held to."""
    if not isinstance(rewritten, dict):
        raise TypeError(f"NEWS_POST_HOOK must return a dict, not {type(rewritten).__name__}")
    result = dict(original)
    for key in ("title", "excerpt"):
        if key in rewritten:
            result[key] = plain_text(rewritten[key]) or original.get(key)
    for key in ("authors", "categories", "keywords"):
        if key in rewritten:
            result[key] = [text for text in (plain_text(str(v)) for v in rewritten[key] or []) if text]
    if "body_html" in rewritten:
        result["body_html"] = sanitize_html(rewritten["body_html"] or "", original["url"])
    if "image" in rewritten:
        result["image"] = web_url(rewritten["image"])
    return result
