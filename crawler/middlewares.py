"""Downloader middlewares that keep a crawl safe from broken and hostile servers.

- `RedirectGuardMiddleware` refuses redirect loops and redirects off the source's domains
  or to anything but http(s), before Scrapy's RedirectMiddleware follows them;
  `GuardedMetaRefreshMiddleware` does the same for `<meta http-equiv="refresh">` (Scrapy
  2.19's own fails with a ValueError on `url=javascript:...`).
- `RetryAfterMiddleware` is Scrapy's retry that waits as long as a 429/503 `Retry-After`
  asks, and gives up at once when it asks for more than NEWS_RETRY_AFTER_MAX seconds.
- `KoreanEncodingMiddleware` decodes pages whose charset is missing or wrong: EUC-KR is read
  as CP949 (its superset, which has 똠 and 햏), and a page that is not what it declares is
  read as UTF-8 or CP949, whichever decodes it.

Each refusal raises `Refused` (an IgnoreRequest) with a stats reason; the spider's errback
logs it in one line and counts it as `news/failed/<reason>`.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.response import get_meta_refresh, response_status_message
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding
from w3lib.url import safe_url_string

from crawler.discovery import in_domains

logger = logging.getLogger(__name__)

REDIRECT_CODES = {301, 302, 303, 307, 308}


class Refused(IgnoreRequest):
    """A response the crawl will not follow or read; `reason` names its stats counter."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class RedirectGuardMiddleware:
    """Refuse redirect loops and redirects off the request's source domains or off http(s).

    Placed above Scrapy's RedirectMiddleware (600) so it sees the 3xx response first. The
    spider puts the source's domains in `request.meta["source_domains"]`.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_CODES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get("Location")
        if location:
            check_redirect(request, location.decode("latin-1"))
        return response


class GuardedMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, with the checks of `RedirectGuardMiddleware` first."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not isinstance(response, HtmlResponse) or not _may_refresh(response.body):
            return response  # the common case, without decoding the page to look
        if not request.meta.get("dont_redirect"):
            interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            if url and interval is not None and interval < self._maxdelay:
                if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
                    # Not followed, as a browser of ours never would: the page itself is read.
                    logger.debug("Ignored a non-http(s) meta refresh in %s", request.url)
                    self.crawler.stats.inc_value("news/links/bad_meta_refresh")
                    return response
                check_redirect(request, url)
        return super().process_response(request, response)


def _may_refresh(body: bytes) -> bool:
    """Whether the page's head may hold a meta refresh (Scrapy reads its first 4,096 characters);
    UTF-16 and UTF-32 pages, whose bytes say nothing here, are read the slow way."""
    head = body[:16384]
    return b"\x00" in head or b"refresh" in head.lower()


def check_redirect(request: Request, location: str) -> None:
    """Raise Refused for a redirect to a non-http(s) URL, back to itself, or off the source."""
    target = urldefrag(urljoin(request.url, safe_url_string(location.strip())))[0]
    if urlsplit(target).scheme not in ("http", "https"):
        raise Refused("bad_redirect", f"redirect to a non-http(s) URL {target[:200]}")
    seen = {urldefrag(url)[0] for url in [*request.meta.get("redirect_urls", []), request.url]}
    if target in seen:
        raise Refused("redirect_loop", f"redirect loop back to {target}")
    domains = request.meta.get("source_domains")
    if domains and not in_domains(target, tuple(domains)):
        raise Refused("offsite_redirect", f"redirect off the source's domains to {target[:200]}")


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, honouring `Retry-After` up to a cap (NEWS_RETRY_AFTER_MAX).

    The wait holds one of the CONCURRENT_REQUESTS slots, which is why it is capped. Giving
    up is logged by the spider's errback (one line), so Scrapy's own give-up line is DEBUG.
    """

    def __init__(self, settings, max_wait: float = 60.0):
        super().__init__(settings)
        self.max_wait = max_wait
        self.give_up_log_level = "DEBUG"

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings, crawler.settings.getfloat("NEWS_RETRY_AFTER_MAX", 60.0))
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        allowed = request.meta.get("max_retry_times", self.max_retry_times)
        if request.meta.get("retry_times", 0) >= allowed:
            return self._retry(request, response_status_message(response.status)) or response  # gives up
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is not None and delay > self.max_wait:
            self.crawler.stats.inc_value("news/retry_after/too_long")
            request.meta["retry_after_refused"] = delay
            return response  # the errback says why we gave up at once
        if delay:
            self.crawler.stats.inc_value("news/retry_after/waited")
            await asyncio.sleep(delay)
        return self._retry(request, response_status_message(response.status)) or response


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks to wait (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class KoreanEncodingMiddleware:
    """Decode HTML pages whose charset is missing or wrong (EUC-KR/CP949 sites above all).

    Placed below HttpCompressionMiddleware (590) so it sees the decompressed body.
    """

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or response.body.isascii():
            return response
        header = response.headers.get("Content-Type", b"").decode("latin-1")
        declared = http_content_type_encoding(header) or html_body_declared_encoding(response.body)
        chosen = choose_encoding(response.body, response.encoding, declared is not None)
        if chosen == _canonical(response.encoding):
            return response
        if self.stats is not None:
            self.stats.inc_value(f"news/encoding/{'corrected' if declared else 'guessed'}")
        logger.debug("Reading %s as %s (declared: %s)", response.url, chosen, declared or "nothing")
        return response.replace(encoding=chosen)


# Single-byte encodings decode any bytes "cleanly", and old Korean sites declare them for
# CP949 pages: such a declaration is tested like no declaration (UTF-8, then mostly Hangul).
LATIN = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"}


def choose_encoding(body: bytes, current: str, declared: bool) -> str:
    """The encoding to read `body` with: the current one unless it garbles the text.

    EUC-KR becomes CP949 (a superset: 똠, 햏). A declared encoding that fails on the bytes,
    or a guess (nothing declared), gives way to UTF-8 when the bytes are valid UTF-8, else
    to CP949 when CP949 decodes them into mostly Hangul.
    """
    name = _canonical(current)
    if name == "euc_kr":
        name = "cp949"
    if declared and name not in LATIN and _clean(body, name):
        return name
    if _clean(body, "utf-8"):
        return "utf-8"
    if _clean(body, "cp949") and _mostly_hangul(body.decode("cp949", "replace")):
        return "cp949"
    return name


def _canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _clean(body: bytes, encoding: str) -> bool:
    """Decodes with at most one bad sequence in 2,000 bytes (pages cut mid-character exist)."""
    try:
        body.decode(encoding)  # strict: the common clean page, without counting replacements
        return True
    except UnicodeDecodeError:
        pass
    except LookupError:
        return False
    return body.decode(encoding, "replace").count("\ufffd") <= len(body) // 2000


def _mostly_hangul(text: str) -> bool:
    wide = [c for c in text if ord(c) > 0x7F]
    hangul = sum(1 for c in wide if "\uac00" <= c <= "\ud7a3")
    return bool(wide) and hangul >= 0.6 * len(wide)
