"""URL normalization for article identity: one URL form per article, whatever the link said.

courlan (trafilatura's URL library) lower-cases scheme and host, removes tracking parameters
(utm_*, fbclid, gclid and their kin) and sorts the query; we also drop the fragment, which
never names another article.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def normalize(url: str) -> str:
    """The form under which an article URL is looked up in the alias table."""
    try:
        cleaned = normalize_url(url.strip())
    except ValueError:
        cleaned = url.strip()
    parts = urlsplit(cleaned)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def is_article_canonical(canonical: str, page_url: str) -> bool:
    """A canonical URL we accept: same site as the page, and not its home page."""
    target, page = urlsplit(canonical), urlsplit(page_url)
    if target.scheme not in ("http", "https"):
        return False
    if site_of(target.hostname) != site_of(page.hostname):
        return False
    return not (target.path in ("", "/") and not target.query)


def site_of(host: str | None) -> str:
    """The host without www./m./mobile.: one site whichever edition a link points to."""
    host = (host or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host
