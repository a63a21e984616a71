"""The extractors the board compares, each behind one timed call, and the anchors' cache on disk.

An extractor is a pair: `call(html, url)`, the extractor's own work and the only part timed, and
`fields(raw)`, which turns what it returned into {"body", "title", "authors", "date", "image"}
(plus "comments" where it returns reader comments apart, "standfirst" where ours does). A field
an extractor cannot produce is absent. Anchors' fields are cached per page under
`benchmarks/.cache/`, keyed by set, anchor, library version and page hash, so a second board run
only computes ours.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"
# Bump an anchor's revision when its call or fields() below changes what its cached fields would
# be (all of them when the cached record changes).
REVISIONS = {"goose3": 3}
DEFAULT_REVISION = 2

Call = Callable[[str, str], Any]
Fields = Callable[[Any], dict[str, Any]]


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _lines(blocks) -> str:
    return "\n".join(t for t in (_text(b) for b in blocks) if t)


def _names(value: Any) -> list[str]:
    """Names from what a library returns as authors: strings, lists of them, JSON-LD persons."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list | tuple):
        return [name for item in value for name in _names(item)]
    return []


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value) if value else None


# ---------------------------------------------------------------- ours


def ours() -> tuple[Call, Fields]:
    from crawler.extract import extract_article

    return extract_article, ours_fields


def ours_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out = {
        "body": body_text(fields.get("body_html")),
        "title": fields.get("title"),
        "authors": fields.get("authors") or [],
        "date": fields.get("published"),
        "image": fields.get("image"),
    }
    if "standfirst" in fields:  # the standfirst as a field of its own, where extraction gives one
        out["standfirst"] = body_text(fields["standfirst"]) if fields["standfirst"] else ""
    return out


def body_text(body_html: str | None) -> str:
    """Text of the body's text blocks (paragraphs, headings, lists, quotes, tables), one a line."""
    if not body_html:
        return ""
    from lxml import html as lxml_html

    from crawler.text import block_text, tidy_text

    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    # A figure is an image with its caption: media, not the article's text.
    lines = [tidy_text(root.text)] + [
        block_text(child) for child in root if isinstance(child.tag, str) and child.tag != "figure"
    ]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- anchors


def trafilatura_variant(**options: Any) -> Callable[[], tuple[Call, Fields]]:
    def make() -> tuple[Call, Fields]:
        import trafilatura
        from trafilatura.settings import set_date_params

        date_params = {**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

        def call(html: str, url: str) -> Any:
            return trafilatura.bare_extraction(
                html, url=url or None, with_metadata=True, date_extraction_params=date_params, **options
            )

        def fields(doc: Any) -> dict[str, Any]:
            if doc is None:
                return {"body": "", "title": None, "authors": [], "date": None, "image": None}
            authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
            out = {"body": doc.text or "", "title": doc.title, "authors": authors, "date": doc.date,
                   "image": doc.image}  # fmt: skip
            if options.get("include_comments", True) and doc.comments:
                out["comments"] = doc.comments
            return out

        return call, fields

    return make


def readability() -> tuple[Call, Fields]:
    from lxml import html as lxml_html
    from readability import Document

    def call(html: str, url: str) -> tuple[str, str]:
        doc = Document(html, url=url or None)
        return doc.summary(html_partial=True), doc.short_title()

    def fields(raw: tuple[str, str]) -> dict[str, Any]:
        summary = lxml_html.fromstring(raw[0])
        blocks = summary.xpath(".//p|.//h1|.//h2|.//h3|.//h4|.//li|.//pre|.//td")
        text = _lines(b.text_content() for b in blocks) or _text(summary.text_content())
        return {"body": text, "title": raw[1]}

    return call, fields


def newspaper() -> tuple[Call, Fields]:
    import newspaper as np

    config = np.Config()
    config.fetch_images = False  # it would download candidate images to measure them
    config.memorize_articles = False

    def call(html: str, url: str) -> Any:
        article = np.Article(url or "https://example.invalid/", config=config)
        article.download(input_html=html)
        try:
            article.parse()
        except (LookupError, ImportError):
            # Korean, Japanese, Arabic: its tokenizers want NLTK data or extras that cannot be
            # fetched here; the English word rules still give it a fair run.
            article = np.Article(url or "https://example.invalid/", config=config, language="en")
            article.download(input_html=html)
            article.parse()
        return article

    def fields(article: Any) -> dict[str, Any]:
        return {
            "body": article.text or "",
            "title": article.title or None,
            "authors": list(article.authors or []),
            "date": _iso(article.publish_date),
            "image": article.top_image or None,
        }

    return call, fields


LANG_RE = re.compile(r"<html\b[^>]*?\blang=[\"']?([A-Za-z]{2})", re.IGNORECASE)


def goose() -> tuple[Call, Fields]:
    from goose3 import Goose
    from goose3.text import StopWordsArabic, StopWordsChinese, StopWordsJapanese, StopWordsKorean

    # Its stop words pick the text blocks: without the page language's own list a Korean body
    # comes out empty. Image fetching is off: goose3 picks its lead image by downloading them.
    words = {"ko": StopWordsKorean, "zh": StopWordsChinese, "ja": StopWordsJapanese, "ar": StopWordsArabic}
    gooses = {
        lang: Goose({"enable_image_fetching": False, "stopwords_class": cls}) for lang, cls in words.items()
    }
    plain = Goose({"enable_image_fetching": False})

    def call(html: str, url: str) -> Any:
        lang = LANG_RE.search(html[:5000])
        instance = gooses.get(lang.group(1).lower(), plain) if lang else plain
        return instance.extract(raw_html=html, url=url or None)

    def fields(article: Any) -> dict[str, Any]:
        published = article.publish_date
        if isinstance(published, list):  # every date it found, where the page files several
            published = published[0] if published else None
        try:
            datetime.fromisoformat(str(published).replace("Z", "+00:00"))
        except ValueError:  # a printed form: its parsed value (in UTC)
            published = article.publish_datetime_utc
        return {
            "body": article.cleaned_text or "",
            "title": article.title or None,
            "authors": _names(article.authors),
            "date": _iso(published),
        }

    return call, fields


def rs_trafilatura() -> tuple[Call, Fields]:
    import rs_trafilatura as rs  # only where a wheel exists: its source build needs crates.io

    def fields(result: Any) -> dict[str, Any]:
        get = result.get if isinstance(result, dict) else lambda k: getattr(result, k, None)
        return {
            "body": get("main_content") or get("text") or "",
            "title": get("title"),
            "authors": [a.strip() for a in (get("author") or "").split(";") if a.strip()],
            "date": get("date"),
            "image": get("image"),
        }

    return (lambda html, url: rs.extract(html, url=url)), fields


# name -> (factory, distribution whose version keys the cache, column header)
EXTRACTORS: dict[str, tuple[Callable[[], tuple[Call, Fields]], str | None, str]] = {
    "ours": (ours, None, "ours"),
    "trafilatura": (trafilatura_variant(), "trafilatura", "traf"),
    "trafilatura-precision": (trafilatura_variant(favor_precision=True), "trafilatura", "traf-prec"),
    "trafilatura-recall": (trafilatura_variant(favor_recall=True), "trafilatura", "traf-rec"),
    "trafilatura-nocomments": (trafilatura_variant(include_comments=False), "trafilatura", "traf-nocom"),
    "readability-lxml": (readability, "readability-lxml", "readab"),
    "newspaper4k": (newspaper, "newspaper4k", "np4k"),
    "goose3": (goose, "goose3", "goose3"),
    "rs-trafilatura": (rs_trafilatura, "rs-trafilatura", "rs-traf"),
}


def version(name: str) -> str | None:
    """The anchor's library version (None for ours, or where it is not installed)."""
    distribution = EXTRACTORS[name][1]
    if distribution is None:
        return None
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------- running, with the cache


def page_key(html: str, url: str) -> str:
    return hashlib.sha256(f"{url}\0{html}".encode("utf-8", "surrogatepass")).hexdigest()[:24]


def run_pages(
    name: str, set_name: str, pages: list[tuple[str, str, str]], read_cache: bool
) -> tuple[dict[str, dict[str, Any]], int, str | None]:
    """({page: {"fields", "seconds", "cpu"}}, pages served from the cache, note) for (name, html, url) pages.

    `seconds` is the call's wall time, `cpu` the process's CPU time during it: the machine is
    shared, and CPU time is what another process's load does not inflate.
    """
    try:
        call, fields = EXTRACTORS[name][0]()
    except ImportError as error:
        return {}, 0, f"{name} is not installed ({error})"
    anchor_version = version(name)
    cache_file = None
    cached: dict[str, Any] = {}
    if anchor_version:
        revision = REVISIONS.get(name, DEFAULT_REVISION)
        cache_file = CACHE / set_name / f"{name}-{anchor_version}-r{revision}.json"
        if read_cache and cache_file.exists():
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
    results: dict[str, dict[str, Any]] = {}
    hits, warm = 0, False
    for page_name, html, url in pages:
        key = page_key(html, url)
        if key in cached:
            results[page_name] = cached[key]
            hits += 1
            continue
        label = f"{name} {set_name}/{page_name}"
        if not warm:  # lazy imports and first-call caches are not a page's cost
            _guarded(label, call, html, url)
            warm = True
        start, start_cpu = time.perf_counter(), time.process_time()
        raw = _guarded(label, call, html, url)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        out = _FAILED if raw is _FAILED else _guarded(label, fields, raw)
        result = {"fields": {} if out is _FAILED else out, "seconds": seconds, "cpu": cpu}
        results[page_name] = cached[key] = result
    if cache_file is not None and hits < len(pages):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(cached, ensure_ascii=False), encoding="utf-8")
        temporary.replace(cache_file)
    return results, hits, None


_FAILED = object()


def _guarded(label: str, function: Callable, *args: Any) -> Any:
    """The function's value, or _FAILED: an extractor that crashes scores nothing on the page."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - counted as a page with nothing extracted
        print(f"  ! {label}: {type(error).__name__}: {error}"[:300], file=sys.stderr)
        return _FAILED


# ---------------------------------------------------------------- worker processes


def init_worker(crawler_root: str | None) -> None:
    """A worker process: the crawler package to import (another commit's, for --diff), quiet anchors."""
    import warnings

    if crawler_root:
        sys.path.insert(0, crawler_root)
    warnings.simplefilter("ignore")  # the anchors warn about optional NLP packages and old markup


def work(board_set: Any, half: str, limit: int | None, name: str, read_cache: bool) -> dict[str, Any]:
    """One extractor over one set's pages, in a worker process."""
    pages = _pages(board_set, half, limit)
    results, hits, note = run_pages(name, board_set.name, pages, read_cache)
    return {"set": board_set.name, "extractor": name, "pages": results, "cached": hits, "note": note,
            "version": version(name)}  # fmt: skip


def paired_speed(board_set: Any, half: str, limit: int | None, names: tuple[str, str]) -> dict[str, Any]:
    """CPU seconds of two extractors over one set, page by page in one process, each page run by
    both back to back (the order swapped every page): load on a shared machine drifts over
    minutes, and two extractors timed in separate runs or workers see different loads."""
    pages = _pages(board_set, half, limit)
    calls = {name: EXTRACTORS[name][0]()[0] for name in names}
    for name, call in calls.items():  # lazy imports and first-call caches are not a page's cost
        _guarded(f"{name} warm-up", call, pages[0][1], pages[0][2])
    cpu = dict.fromkeys(names, 0.0)
    for index, (page_name, html, url) in enumerate(pages):
        for name in names if index % 2 == 0 else names[::-1]:
            start = time.process_time()
            _guarded(f"{name} {board_set.name}/{page_name}", calls[name], html, url)
            cpu[name] += time.process_time() - start
    return {"set": board_set.name, "pages": len(pages), "cpu": cpu}


_PAGES: dict[tuple, list[tuple[str, str, str]]] = {}


def _pages(board_set: Any, half: str, limit: int | None) -> list[tuple[str, str, str]]:
    """(name, html, url) of a set's pages, read once per process (the two last sets kept)."""
    from _sets import load_records, read_html

    key = (board_set, half, limit)
    if key not in _PAGES:
        while len(_PAGES) >= 2:
            _PAGES.pop(next(iter(_PAGES)))
        _PAGES[key] = [(r.name, read_html(r.html_file), r.url) for r in load_records(board_set, half, limit)]
    return _PAGES[key]
