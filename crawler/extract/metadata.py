"""Article metadata from structured data first (JSON-LD, OpenGraph, meta), then the page.

Functions take an lxml tree that the caller parsed once and return plain values.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler.text import plain_text, tidy_text

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "socialmediaposting", "report", "techarticle", "scholarlyarticle", "webpage",
}  # fmt: skip
# Korean and English byline forms: "홍길동 기자", "홍길동 특파원", "By Jane Doe and John Roe".
KOREAN_BYLINE_RE = re.compile(
    r"(?:^|[\s(\[/=·,])([가-힣]{2,4})\s?(?:선임|수석|전문|객원)?(?:기자|특파원|논설위원|앵커|통신원|기상캐스터)(?![가-힣])"
)
# Several reporters on one byline: "홍길동·김철수 기자", "홍길동, 김철수 기자".
KOREAN_BYLINE_LIST_RE = re.compile(
    r"(?:^|[\s(\[/=])([가-힣]{2,4}(?:\s*[·,ㆍ]\s*[가-힣]{2,4})+)\s?(?:기자|특파원)(?![가-힣])"
)
ENGLISH_BYLINE_RE = re.compile(
    r"^\s*By\s+([A-Z][^\n|]{2,120}?)\s*(?:$|\||,\s*(?:Staff|Reporter|Correspondent))"
)


def json_ld_article(tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object whose @type is an article type ({} when none)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "", strict=False)
        except ValueError:
            continue
        for node in _walk_ld(data):
            types = node.get("@type", [])
            types = [types] if isinstance(types, str) else types
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
                if "webpage" in [str(t).lower() for t in types] and "headline" not in node:
                    continue
                return node
    return {}


def _walk_ld(data: Any):
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), (list, dict)):
                yield from _walk_ld(data[key])


def meta_content(tree: lxml_html.HtmlElement, *names: str) -> str | None:
    """The first non-empty `content` of <meta property|name|itemprop=NAME>, in names' order."""
    index = _meta_index(tree)
    for name in names:
        for attr in META_ATTRIBUTES:
            value = index.get((attr, name))
            if value:
                return value
    return None


META_ATTRIBUTES = ("property", "name", "itemprop")
_last_index: tuple[object, dict] = (None, {})


def _meta_index(tree: lxml_html.HtmlElement) -> dict[tuple[str, str], str]:
    """(attribute, name) -> first non-empty content, built once per page: a page is asked for
    dozens of names, and one XPath over the whole tree per name was a measurable cost."""
    global _last_index
    if _last_index[0] is tree:
        return _last_index[1]
    index: dict[tuple[str, str], str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in META_ATTRIBUTES:
            key = meta.get(attr)
            if key is not None:
                index.setdefault((attr, key), content)
    _last_index = (tree, index)
    return index


def ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return plain_text(str(value)) if value else None


def unescape_all(value: str | None) -> str | None:
    """Plain text with entities decoded once, then letters a CMS escaped twice (`&amp;ouml;`).

    Past the first decoding only entities that stand for a letter or digit are decoded again:
    `&amp;lt;b&amp;gt;` stays the visible text `&lt;b&gt;`, never becomes a tag.
    """
    if not value:
        return value
    value = plain_text(value) or ""
    for _ in range(2):
        value = LETTER_ENTITY_RE.sub(_letter_or_entity, value)
    return value or None


LETTER_ENTITY_RE = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _letter_or_entity(match: re.Match) -> str:
    decoded = html.unescape(match.group(0))
    return decoded if len(decoded) == 1 and decoded.isalnum() else match.group(0)


ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)


def ld_people(value: Any) -> list[str]:
    """Author names from a JSON-LD author value (string, Person, list of either)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if str(item.get("@type", "")).lower() == "organization":
                continue
            item = item.get("name")
        if isinstance(item, str):
            names.extend(split_names(plain_text(item) or ""))
    return names


def ld_image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def split_names(text: str) -> list[str]:
    """'Jane Doe and John Roe' / '홍길동·김철수 기자' -> separate names, titles dropped."""
    text = tidy_text(text) or ""
    text = re.sub(r"^\s*(?:By|Por|Von|Par)\s+", "", text, flags=re.I)
    text = re.sub(r"\S+@\S+", "", text)
    parts = re.split(r"\s*(?:,|;|&|\band\b|·|/|\|)\s*", text)
    names = []
    for part in parts:
        part = re.sub(r"\s*(?:선임|수석|전문|객원)?(?:기자|특파원|논설위원|통신원)$", "", part.strip())
        if part and len(part) <= 60 and not part.lower().startswith("http"):
            names.append(part)
    return names


def visible_authors(tree: lxml_html.HtmlElement, text: str) -> list[str]:
    """Bylines printed on the page: rel=author, byline classes, Korean `OOO 기자`."""
    for xpath in (
        '//*[@rel="author"]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
        '//*[contains(@class, "author") and not(self::meta)][not(descendant::*[contains(@class, "author")])]',
        '//*[contains(@class, "reporter") or contains(@class, "writer")]',
    ):
        for node in tree.xpath(xpath)[:3]:
            value = " ".join(node.text_content().split())
            korean = korean_bylines(value)
            if korean:
                return _unique(korean)
            if 2 < len(value) < 120:
                names = split_names(value)
                if names:
                    return names
    korean = korean_bylines(text[:4000])
    if korean:
        return korean[:3]
    for line in text.splitlines()[:200]:
        match = ENGLISH_BYLINE_RE.match(line)
        if match:
            return split_names(match.group(1))
    return []


def korean_bylines(text: str) -> list[str]:
    """Names from Korean bylines in a text: `홍길동 기자`, `홍길동·김철수 기자`, `홍길동 기자 외 1명`."""
    names: list[str] = []
    for group in KOREAN_BYLINE_LIST_RE.findall(text):
        names += re.split(r"\s*[·,ㆍ]\s*", group)
    names += KOREAN_BYLINE_RE.findall(text)
    return _unique(names)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def absolute(url: str | None, base: str) -> str | None:
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    return urljoin(base, url)
