"""The extraction callable: HTML text, URL, optional source -> the article's fields.

One plain function, the same code the spider, the benchmark and the probe run. The page is
parsed once; structured metadata (JSON-LD, OpenGraph, meta) wins over what is visible.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler.extract import metadata as md
from crawler.extract.body import extract_body, select
from crawler.extract.dates import find_labelled_dates, first_date_in, parse_date
from crawler.sources import Source
from crawler.text import plain_text, tidy_text

HANGUL_RE = re.compile(r"[가-힣]")
# Where a source sets no time zone, dates printed without offset are read in its language's.
LANGUAGE_ZONES = {"ko": "Asia/Seoul", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "vi": "Asia/Ho_Chi_Minh"}


def extract_article(html: str | bytes, url: str, source: Source | None = None) -> dict[str, Any]:
    """The article's fields (the keys of `crawler.items.Article`) from one page."""
    source = source or Source(name="url")
    tree = parse_html(html, url)
    if tree is None:
        return {"url": url}
    ld = md.json_ld_article(tree)
    for junk in tree.xpath("//script[not(@type='application/ld+json')]|//style|//noscript"):
        junk.drop_tree()
    text = _visible_text(tree)
    body = extract_body(tree, url, source.selectors.get("body"))

    language = _language(tree, body or text, source)
    languages = list(dict.fromkeys([language or "en", source.language or "en", "en"]))
    published, modified = _dates(tree, ld, text, source, languages)
    image = _image(tree, ld, body, url)
    title = _title(tree, ld, source)
    body = _without_headline(body, title)
    section = md.ld_text(ld.get("articleSection")) or tidy_text(
        md.meta_content(tree, "article:section", "section", "og:section")
    )
    return {
        "url": _canonical(tree, url),
        "title": title,
        "authors": _authors(tree, ld, text),
        "published": published.isoformat() if published else None,
        "modified": modified.isoformat() if modified else None,
        "language": language,
        "image": image,
        "description": md.ld_text(ld.get("description"))
        or tidy_text(md.meta_content(tree, "og:description", "description", "twitter:description")),
        "section": section,
        "categories": [source.map_category(section)],
        "keywords": _keywords(tree, ld),
        "body_html": body,
    }


def parse_html(html: str | bytes, url: str) -> lxml_html.HtmlElement | None:
    """An lxml tree of the page, or None for an empty or unparsable one."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(html, base_url=url)
    except (etree.ParserError, ValueError):
        return None


def _visible_text(tree) -> str:
    body = tree.find("body")
    node = body if body is not None else tree
    return "\n".join(t.strip() for t in node.itertext() if t.strip())


def _title(tree, ld: dict, source: Source) -> str | None:
    if "title" in source.selectors:
        nodes = select(tree, source.selectors["title"])
        if nodes:
            return tidy_text(nodes[0].text_content() if hasattr(nodes[0], "text_content") else str(nodes[0]))
    structured = [
        md.ld_text(ld.get("headline")) or md.ld_text(ld.get("name")),
        tidy_text(md.meta_content(tree, "og:title")),
        tidy_text(md.meta_content(tree, "twitter:title")),
    ]
    structured = [s for s in structured if s]
    headings = [tidy_text(h.text_content()) for h in tree.xpath("//h1")]
    headings = [h for h in headings if h and 5 <= len(h) <= 300]
    folded = {_fold(s) for s in structured}
    for heading in headings:
        if _fold(heading) in folded:
            return heading
    if structured and structured[0] == md.ld_text(ld.get("headline")):
        return structured[0]
    page_title = tidy_text(tree.findtext(".//title"))
    for heading in headings:  # an h1 that the og:title or <title> carries with a site suffix
        if any(_fold(heading) in _fold(s) for s in structured + [page_title or ""]):
            return heading
    if structured:
        return structured[0]
    if headings:
        return headings[0]
    if page_title:
        return re.split(r"\s+[|–—-]\s+[^|–—-]+$", page_title)[0]
    return None


def _without_headline(body: str | None, title: str | None) -> str | None:
    """The body without a heading that repeats the headline (extractors keep the h1)."""
    if not body or not title:
        return body
    blocks = [
        block for block in body.split("\n")
        if not (block.startswith("<h2>") and _fold(html.unescape(block[4:-5])) == _fold(title))
    ]  # fmt: skip
    return "\n".join(blocks) or None


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _canonical(tree, url: str) -> str:
    """The canonical URL, unless it points to a home page or another site."""
    page_host = _site(urlsplit(url).hostname)
    for candidate in tree.xpath('//link[@rel="canonical"]/@href') + [md.meta_content(tree, "og:url") or ""]:
        candidate = md.absolute(candidate, url)
        if not candidate:
            continue
        parts = urlsplit(candidate)
        if parts.scheme not in ("http", "https") or _site(parts.hostname) != page_host:
            continue
        if parts.path in ("", "/") and not parts.query:
            continue
        return candidate
    return url


def _site(host: str | None) -> str:
    host = (host or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _dates(tree, ld: dict, text: str, source: Source, languages: list[str]):
    zone = source.timezone or LANGUAGE_ZONES.get(languages[0], "UTC")

    def parse(value):
        return parse_date(value, zone, languages, source.date_order)

    if "date" in source.selectors:
        nodes = select(tree, source.selectors["date"])
        if nodes:
            node = nodes[0]
            value = node if isinstance(node, str) else (node.get("datetime") or node.text_content())
            found = parse(value)
            if found:
                return found, parse(md.ld_text(ld.get("dateModified")))
    published = parse(md.ld_text(ld.get("datePublished")) or md.ld_text(ld.get("dateCreated")))
    published = published or parse(
        md.meta_content(
            tree,
            "article:published_time",
            "og:published_time",
            "datePublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "date",
            "dc.date",
            "DC.date.issued",
            "sailthru.date",
            "parsely-pub-date",
            "article.published",
        )  # fmt: skip
    )
    modified = parse(md.ld_text(ld.get("dateModified"))) or parse(
        md.meta_content(tree, "article:modified_time", "og:updated_time", "dateModified")
    )
    labelled_published, labelled_modified = find_labelled_dates(text)
    if published is None:
        for value in tree.xpath("//time/@datetime")[:1]:
            published = parse(value)
    if published is None and labelled_published:
        published = parse(labelled_published)
    if published is None:
        published = parse(first_date_in(text))
    if modified is None and labelled_modified:
        modified = parse(labelled_modified)
    if modified and published and modified < published:
        modified = None
    return published, modified


def _authors(tree, ld: dict, text: str) -> list[str]:
    names = md.ld_people(ld.get("author")) or md.ld_people(ld.get("creator"))
    if not names:
        for value in (
            md.meta_content(tree, "author", "article:author", "byl", "dc.creator", "sailthru.author"),
        ):
            if value and not value.startswith("http"):
                names = md.split_names(value)
    if not names:
        names = md.visible_authors(tree, text)
    return list(dict.fromkeys(n for n in names if n))


def _language(tree, text: str | None, source: Source) -> str | None:
    hangul = len(HANGUL_RE.findall(text or ""))
    declared = (
        tree.get("lang")
        or md.meta_content(tree, "og:locale", "content-language", "language", "dc.language")
        or "".join(tree.xpath('//meta[@http-equiv="content-language"]/@content'))
    )
    if declared:
        code = re.split(r"[-_]", declared.strip().lower())[0]
        if re.fullmatch(r"[a-z]{2,3}", code):
            if code == "ko" or hangul == 0 or hangul > 50:
                return "ko" if hangul > 50 else code
    if hangul > 50:
        return "ko"
    return source.language or ("en" if text else None)


def _image(tree, ld: dict, body: str | None, url: str) -> str | None:
    publisher_logo = (
        md.ld_image((ld.get("publisher") or {}).get("logo"))
        if isinstance(ld.get("publisher"), dict)
        else None
    )
    candidates = [
        md.ld_image(ld.get("image")),
        md.meta_content(tree, "og:image", "og:image:url", "og:image:secure_url"),
        md.meta_content(tree, "twitter:image", "twitter:image:src"),
    ]
    if body:
        candidates += re.findall(r'<img[^>]+src="([^"]+)"', body)[:1]
    for candidate in candidates:
        candidate = md.absolute(candidate, url)
        if not candidate or urlsplit(candidate).scheme not in ("http", "https"):
            continue
        if "logo" in candidate.lower() or candidate == md.absolute(publisher_logo, url):
            continue
        return candidate
    return None


def _keywords(tree, ld: dict) -> list[str]:
    raw = ld.get("keywords")
    values: list[str] = []
    if isinstance(raw, list):
        values = [str(v) for v in raw]
    elif isinstance(raw, str):
        values = raw.split(",")
    if not values:
        meta = md.meta_content(tree, "news_keywords", "keywords")
        values = meta.split(",") if meta else []
    values += tree.xpath('//meta[@property="article:tag"]/@content')
    cleaned = [plain_text(v) for v in values]
    return list(dict.fromkeys(v for v in cleaned if v and len(v) <= 60))[:20]
