"""The article body: trafilatura finds the main content, we reshape it into clean blocks.

Reshaping is what a post needs: `<br>`-separated text becomes paragraphs, subheadings of any
level become `h2`, and the lines Korean and English outlets print around an article
(byline, date line, copyright, reporter e-mail, related links) are not paragraphs.
"""

from __future__ import annotations

import copy
import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from crawler.extract.dates import MODIFIED_LABELS, NUMERIC_DATE_RE, PUBLISHED_LABELS
from crawler.extract.metadata import KOREAN_BYLINE_RE
from crawler.text import tidy_text

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "pre", "figure"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

COPYRIGHT_RE = re.compile(
    r"ⓒ|©|\(c\)\s|copyright|무단\s*전재|재배포\s*금지|all rights reserved|저작권자", re.IGNORECASE
)
RELATED_RE = re.compile(
    r"^\s*(?:[▶▷►☞→■□◆◇]|\[?관련\s*기사\]?|관련기사|Related(?: articles?| stories| coverage)?\s*:|"
    r"Read more\b|See also\b|More on this\b|Recommended\b)",
    re.IGNORECASE,
)
DATE_LINE_RE = re.compile(
    rf"^\s*(?:\[?\s*(?:{PUBLISHED_LABELS}|{MODIFIED_LABELS})\s*(?:일시|시간)?\s*\]?\s*[:：|]?\s*)", re.I
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
ENGLISH_BYLINE_LINE_RE = re.compile(
    r"^\s*By\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|and)\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})*\s*$"
)


def extract_body(tree: lxml_html.HtmlElement, url: str, selector: str | None = None) -> str | None:
    """The main content of the page as HTML blocks, or None when none was found."""
    if selector:
        nodes = select(tree, selector)
        if not nodes:
            return None
        fragment = lxml_html.fragment_fromstring("", create_parent="div")
        for node in nodes:
            fragment.append(copy.deepcopy(node))
        for junk in fragment.xpath(".//script|.//style|.//noscript"):
            junk.drop_tree()
        return reshape(fragment)
    extracted = trafilatura.extract(
        copy.deepcopy(tree),
        url=url,
        output_format="html",
        include_images=True,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_comments=False,
    )
    if not extracted:
        return None
    return reshape(lxml_html.fromstring(extracted))


def select(tree: lxml_html.HtmlElement, selector: str) -> list:
    """Nodes for a source's selector: CSS by default, `xpath:` for XPath."""
    if selector.startswith("xpath:"):
        result = tree.xpath(selector[len("xpath:") :])
    else:
        from cssselect import GenericTranslator

        result = tree.xpath(GenericTranslator().css_to_xpath(selector))
    return [node for node in result if isinstance(node, etree._Element)]


def reshape(root: lxml_html.HtmlElement) -> str | None:
    """Blocks of `root` as HTML: paragraphs split at <br><br>, boilerplate lines dropped."""
    blocks: list[str] = []
    for kind, node in _blocks(root):
        if kind == "heading":
            text = tidy_text(node.text_content())
            if text and not _is_boilerplate(text):
                blocks.append(f"<h2>{_escape(text)}</h2>")
        elif kind == "paragraph":
            for piece in _split_at_breaks(node):
                text = tidy_text(lxml_html.fromstring(f"<div>{piece}</div>").text_content())
                has_image = "<img" in piece
                if (text and not _is_boilerplate(text)) or (has_image and not text):
                    blocks.append(f"<p>{piece.strip()}</p>")
        else:
            text = tidy_text(node.text_content()) or ""
            if node.tag in ("ul", "ol"):
                for item in node.findall("li"):
                    text = tidy_text(item.text_content())
                    if not text or _is_boilerplate(text):
                        node.remove(item)
                if not node.findall("li"):
                    continue
            if text and COPYRIGHT_RE.search(text) and len(text) < 200:
                continue
            node.tail = None
            blocks.append(lxml_html.tostring(node, encoding="unicode").strip())
    return "\n".join(blocks) or None


def _blocks(root):
    """(kind, element) for each block, treating loose text and inline runs as paragraphs."""
    inline = lxml_html.fragment_fromstring("", create_parent="p")

    def flush():
        nonlocal inline
        if (inline.text and inline.text.strip()) or len(inline):
            yield "paragraph", inline
        inline = lxml_html.fragment_fromstring("", create_parent="p")

    body = root.find("body") if root.find("body") is not None else root
    if body.text and body.text.strip():
        inline.text = body.text
    for child in list(body):
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag in HEADING_TAGS:
            yield from flush()
            yield "heading", child
        elif tag == "p":
            yield from flush()
            yield "paragraph", child
        elif tag in BLOCK_TAGS:
            yield from flush()
            yield "block", child
        elif tag in ("div", "section", "article", "main", "span") and child.xpath(
            "./p|./div|./h2|./h3|./h4|./ul|./ol|./blockquote|./table|./figure|./br"
        ):
            yield from flush()
            yield from _blocks(child)
            if child.tail and child.tail.strip():
                inline.text = child.tail
        else:
            tail = child.tail
            child.tail = None
            inline.append(copy.deepcopy(child))
            if tail:
                inline[-1].tail = tail
    yield from flush()


def _split_at_breaks(node) -> list[str]:
    """Inner HTML of a paragraph, split where the source separated paragraphs with <br>s."""
    inner = (node.text and _escape(node.text) or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in node
    )
    pieces = re.split(r"(?:\s*<br\s*/?>\s*)+", inner)
    if len(pieces) == 1:
        return [inner]
    return [piece for piece in pieces if piece.strip()]


def _is_boilerplate(text: str) -> bool:
    """Bylines, date lines, copyright, e-mail and related-link lines are not paragraphs."""
    if COPYRIGHT_RE.search(text) and len(text) < 200:
        return True
    if RELATED_RE.match(text):
        return True
    if DATE_LINE_RE.match(text) and NUMERIC_DATE_RE.search(text) and len(text) < 80:
        return True
    if len(text) < 80 and EMAIL_RE.search(text):
        return True
    if len(text) < 40 and (KOREAN_BYLINE_RE.search(text) or ENGLISH_BYLINE_LINE_RE.match(text)):
        return True
    if NUMERIC_DATE_RE.fullmatch(text.strip()):
        return True
    return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
