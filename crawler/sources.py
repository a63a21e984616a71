"""Load and validate the sources file into frozen dataclasses; no Scrapy import.

An operator edits this file, not Python, so every mistake must stop the run with one
message that names the file, the source and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DATE_ORDERS = {"YMD", "DMY", "MDY"}
SELECTOR_FIELDS = {"title", "date", "body"}


class SourcesError(ValueError):
    """The sources file is wrong; the message says where and why."""


@dataclass(frozen=True)
class Source:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: str | None = None
    allowed_domains: tuple[str, ...] = ()
    language: str | None = None
    timezone: str | None = None  # None: guessed from the page's language (ko -> Asia/Seoul)
    date_order: str | None = None
    default_category: str = "News"
    categories: dict[str, str] = field(default_factory=dict, hash=False)
    selectors: dict[str, str] = field(default_factory=dict, hash=False)
    enabled: bool = True
    full_text: bool = True  # feeds and posts carry the whole body; False: the excerpt and a link
    # Per-run budgets; None: the NEWS_* setting's value; max_age_days = 0: no age limit.
    max_age_days: int | None = None
    max_new_per_run: int | None = None
    max_refetch_per_run: int | None = None
    max_listing_pages: int | None = None  # None: NEWS_MAX_LISTING_PAGES; pages of a listing a run reads
    # Entry points whose kind (feed, sitemap or page) is found from the response: -a url=.
    urls: tuple[str, ...] = ()
    # Shortest time between two polls of one entry point by `scrapy watch`, in seconds (None: no own limit).
    min_interval: float | None = None

    @property
    def entry_points(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.listings + self.urls

    def map_category(self, section: str | None) -> str:
        """The source's section name mapped to ours; unknown or none gives the default."""
        if section:
            for key, value in self.categories.items():
                if key.casefold() == section.strip().casefold():
                    return value
        return self.default_category


KNOWN_KEYS = {
    "name", "enabled", "feeds", "sitemaps", "listings", "article_pattern", "allowed_domains",
    "language", "timezone", "date_order", "default_category", "categories", "selectors",
    "full_text", "max_age_days", "max_new_per_run", "max_refetch_per_run", "min_interval",
    "max_listing_pages",
}  # fmt: skip


def source_for_url(url: str) -> Source:
    """An unnamed source with default settings for one URL given on the command line."""
    _check_url(url, "url", url)
    host = urlsplit(url).hostname or ""
    return Source(name="url", urls=(url,), allowed_domains=(_registered_part(host),))


def load_sources(path: str | Path) -> list[Source]:
    """All sources of the file, enabled or not, validated."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(
            f"{path}: sources file not found (looked for {path.absolute()}); `newsdao init DIR` writes a"
            " folder with one, `newsdao probe URL` an entry to paste, NEWS_SOURCES_FILE names another file"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"source"}
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key {sorted(unknown)[0]!r}; use [[source]]")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        label = f"{path}: source #{index}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label = f"{path}: source {entry['name']!r}"
        try:
            source = _parse_source(entry)
        except SourcesError as exc:
            raise SourcesError(f"{label}: {exc}") from None
        if source.name in seen:
            raise SourcesError(f"{label}: field 'name': duplicate name")
        seen.add(source.name)
        sources.append(source)
    return sources


def _parse_source(entry: object) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError("must be a table")
    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise SourcesError(f"field {unknown[0]!r}: unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise SourcesError("field 'name': required; lowercase letters, digits, '-' or '_'")
    feeds = _url_list(entry, "feeds")
    sitemaps = _url_list(entry, "sitemaps")
    listings = _url_list(entry, "listings")
    if not (feeds or sitemaps or listings):
        raise SourcesError("field 'feeds': no entry point; give feeds, sitemaps or listings")
    pattern = entry.get("article_pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            raise SourcesError("field 'article_pattern': must be a string")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourcesError(f"field 'article_pattern': bad pattern {pattern!r}: {exc}") from None
    elif listings:
        raise SourcesError("field 'article_pattern': required when listings are given")
    domains = _str_list(entry, "allowed_domains")
    if not domains:
        hosts = {urlsplit(u).hostname or "" for u in feeds + sitemaps + listings}
        domains = tuple(sorted({_registered_part(h) for h in hosts if h}))
    timezone = entry.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            raise SourcesError(f"field 'timezone': unknown time zone {timezone!r}") from None
    date_order = entry.get("date_order")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise SourcesError(f"field 'date_order': {date_order!r} is not one of YMD, DMY, MDY")
    language = entry.get("language")
    if language is not None and (not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language)):
        raise SourcesError(f"field 'language': {language!r} is not an ISO 639 code like 'ko' or 'en'")
    categories = _str_table(entry, "categories")
    selectors = _str_table(entry, "selectors")
    for key in selectors:
        if key not in SELECTOR_FIELDS:
            raise SourcesError(f"field 'selectors': unknown key {key!r} (known: body, date, title)")
    default_category = entry.get("default_category", "News")
    if not isinstance(default_category, str) or not default_category.strip():
        raise SourcesError("field 'default_category': must be a non-empty string")
    enabled = entry.get("enabled", True)
    full_text = entry.get("full_text", True)
    for key, value in (("enabled", enabled), ("full_text", full_text)):
        if not isinstance(value, bool):
            raise SourcesError(f"field {key!r}: must be true or false")
    budgets = {}
    for key in ("max_age_days", "max_new_per_run", "max_refetch_per_run"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise SourcesError(f"field {key!r}: must be a whole number >= 0")
        budgets[key] = value
    min_interval = entry.get("min_interval")
    if min_interval is not None and (
        not isinstance(min_interval, int | float) or isinstance(min_interval, bool) or min_interval < 0
    ):
        raise SourcesError("field 'min_interval': must be a number of seconds >= 0")
    pages = entry.get("max_listing_pages")
    if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 1):
        raise SourcesError("field 'max_listing_pages': must be a whole number >= 1 (1: page one only)")
    return Source(
        name=name, feeds=feeds, sitemaps=sitemaps, listings=listings, article_pattern=pattern,
        allowed_domains=domains, language=language, timezone=timezone,
        date_order=date_order, default_category=default_category, categories=categories,
        selectors=selectors, enabled=enabled, full_text=full_text, max_listing_pages=pages, **budgets,
        min_interval=None if min_interval is None else float(min_interval),
    )  # fmt: skip


def _str_list(entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SourcesError(f"field {key!r}: must be a list of strings")
    return tuple(v.strip() for v in value)


def _url_list(entry: dict, key: str) -> tuple[str, ...]:
    urls = _str_list(entry, key)
    for url in urls:
        _check_url(url, key, url)
    return urls


def _check_url(url: str, key: str, shown: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourcesError(f"field {key!r}: {shown!r} is not an absolute http(s) URL")


def _str_table(entry: dict, key: str) -> dict[str, str]:
    value = entry.get(key, {})
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise SourcesError(f"field {key!r}: must be a table of strings")
    return dict(value)


def _registered_part(host: str) -> str:
    """`www.example.com` -> `example.com`: Scrapy's allowed_domains also match subdomains."""
    return host[4:] if host.startswith("www.") else host
