"""The Article item: one news article as the spider extracted it, data only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    url: str  # canonical URL (link rel=canonical / og:url, else the response URL)
    source: str  # name of the source in the sources file ("url" for -a url=)
    requested_url: str = ""  # the URL we asked for, before redirects
    title: str | None = None  # the headline as printed
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 with offset; normalize turns it into UTC
    modified: str | None = None
    language: str | None = None
    image: str | None = None  # lead image URL
    description: str | None = None  # the page's own summary, when it is one
    section: str | None = None  # the source's section name, as the page gives it
    categories: list[str] = field(default_factory=list)  # ours, after the source's mapping
    keywords: list[str] = field(default_factory=list)
    standfirst: str | None = None  # the summary printed under the headline, plain text; shown before the body
    body_html: str | None = None  # main content; sanitized and reshaped by normalize
    excerpt: str | None = None  # set by normalize (description, else the lead)
    text: str | None = None  # plain text of body_html, set by normalize for dedupe and search; not stored
    aliases: list[str] = field(default_factory=list)  # other URLs that led here (redirects)
    listed_at: str | None = None  # the feed `updated` / sitemap `lastmod` this fetch was for
