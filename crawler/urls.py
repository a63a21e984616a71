"""URLs: one form per article for identity, and the form a URL is published in.

courlan (trafilatura's URL library) lower-cases scheme and host, removes tracking parameters
(utm_*, fbclid, gclid and their kin) and sorts the query; we also drop the fragment, which
never names another article. ada-url (Node.js's WHATWG URL parser) makes a published URL
what a browser would request: no space, quote or angle bracket left to end an attribute.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ada_url import URL
from courlan import normalize_url

WEB_SCHEMES = ("http:", "https:")
# WHATWG leaves `'` (and a query's backtick) as they are; a theme that prints a URL inside a
# single-quoted attribute would end there. Percent-encoded, they name the same resource.
ATTRIBUTE_SAFE = str.maketrans({"'": "%27", "`": "%60"})


def web_url(value: str | None, base: str | None = None) -> str | None:
    """The URL as a browser parses and serializes it (WHATWG), http(s) only; None otherwise."""
    if not value or not isinstance(value, str):
        return None
    try:
        url = URL(value, base) if base else URL(value)
    except ValueError:  # not a URL at all (`http://exa mple/`, a relative path without base)
        return None
    if url.protocol not in WEB_SCHEMES or not url.hostname:
        return None
    return url.href.translate(ATTRIBUTE_SAFE)


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
