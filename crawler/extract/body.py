"""The article body: trafilatura finds the main content, we reshape it into clean blocks.

Reshaping is what a post needs: `<br>`-separated text becomes paragraphs, subheadings of any
level become `h2`, and the lines Korean and English outlets print around an article
(byline, date line, copyright, reporter e-mail, related links) are not paragraphs.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from collections.abc import Iterable

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Extractor

from crawler.extract.dates import MODIFIED_LABELS, NUMERIC_DATE_RE, PUBLISHED_LABELS
from crawler.extract.metadata import KOREAN_BYLINE_RE, screen_reader_labels
from crawler.text import fold as _fold
from crawler.text import tidy_text

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "pre", "figure"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

COPYRIGHT_RE = re.compile(
    r"ⓒ|©|\(c\)\s|copyright|무단\s*전재|재배포\s*금지|all rights reserved|저작권자", re.IGNORECASE
)
# Lines led by ▶ ■ ◆ are related links where they are links (dropped as link-only paragraphs)
# and speaker or programme lines of a transcript where they are text: the mark alone says nothing.
RELATED_RE = re.compile(
    r"^\s*[▶▷►☞→■□◆◇]?\s*(?:\[?관련\s*기사\]?|관련기사|Related(?: articles?| stories| coverage)?\s*:|"
    r"Read more\b|See also\b|More on this\b|Recommended\b)",
    re.IGNORECASE,
)
DATE_LINE_RE = re.compile(
    rf"^\s*(?:\[?\s*(?:{PUBLISHED_LABELS}|{MODIFIED_LABELS})\s*(?:일시|시간)?\s*\]?\s*[:：|]?\s*)", re.I
)
# Headings and labels of boxes that point to other stories, in the languages of the pages we meet.
MORE_STORIES_RE = re.compile(
    r"^\s*(?:Most (?:read|popular|viewed|shared)|More (?:from|stories|news)\b|Trending|Top stories|"
    r"You (?:may|might) also like|Also read|Mehr zum Thema|Lesen Sie auch|Auch interessant|"
    r"Das könnte Sie auch interessieren|Meistgelesen|Czytaj (?:więcej|też|także)|(?:À )?lire aussi|"
    r"Le(?:er|e) (?:más|también)|Leggi anche|Lees ook|Les også|Läs (?:också|mer)|Læs også|"
    r"Leia também|Veja também|İlgili haberler)\b",
    re.IGNORECASE,
)
# "Publicerad 14:14", "Aktualisiert am 3. Mai 2024, 10:12 Uhr", "Güncelleme 20 Nisan 2026": a time
# stamp under its label, in the languages whose pages print one in the story.
FOREIGN_DATE_LINE_RE = re.compile(
    r"^\s*(?:Publi(?:cerad|ceret|sert|cado|é)|Uppdaterad|Opdateret|Oppdatert|Veröffentlicht|Aktualisiert|"
    r"Stand|Mis à jour|Actualizado|Pubblicato|Aggiornato|Güncelleme|Yayınlanma|Opublikowano|Zaktualizowano)"
    r"\b.{0,40}?\d{1,2}(?:[:.]\d{2}|\s*\w+\s+(?:19|20)\d{2})",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Photo credits under images: "사진=연합뉴스", "/사진제공=OO", "[OO 자료사진]", "Photo: Reuters".
PHOTO_CREDIT_RE = re.compile(
    r"(?:^|[\s/(\[])(?:사진|그래픽|영상|자료)\s*(?:제공|출처)?\s*[=:]|자료\s*사진\]|사진\s*제공|"
    r"^\s*(?:Photo|Image|Picture|Credit|Foto|Fotoğraf|Bild|Billede|Zdjęcie|Kuva)s?\s*(?:credits?)?\s*:|"
    r"\((?:Getty Images|AP Photo|Reuters|AFP)[^)]*\)\s*$",
    re.IGNORECASE,
)
# Calls to install the app, subscribe, add a channel or send a tip: the outlet's, not the article's.
PROMPT_RE = re.compile(
    r"앱\s*(?:을|를)?\s*(?:설치|다운로드|다운)|구독\s*(?:하세요|하기|신청)|\[?구독하기\]?|친구\s*추가|"
    r"제보\s*(?:는|하기|하실)|뉴스레터|^\s*(?:Sign up|Subscribe)\b|\bnewsletter\b|Download (?:our|the) app|"
    r"\bcommenting forum\b|^\s*Join (?:the|our) (?:conversation|discussion)\b",
    re.IGNORECASE,
)
# The placeholder of an embed that waits for the reader's consent: "Ich bin damit einverstanden,
# dass mir der externe Inhalt angezeigt wird", "This content is provided by a third party".
CONSENT_RE = re.compile(
    r"\b(?:Ich bin damit einverstanden, dass mir (?:der |die )?externen?|Empfohlener redaktioneller Inhalt|"
    r"externen? Inhalte?s? (?:angezeigt|anzeigen|laden)|This (?:content|embed) is (?:provided|hosted) by a "
    r"third[- ]party|(?:accept|enable) (?:cookies|consent) to (?:view|see|display|load))",
    re.IGNORECASE,
)
CONSENT_LINE_MAX = 400
# A page script's settings printed as text: "showPaywall:", "false".
SCRIPT_LITERAL_RE = re.compile(r"\s*(?:true|false|null|undefined|[a-z]+(?:[A-Z][a-z0-9]*)+\s*:)\s*")
# The wire dateline that opens a Korean report: "(서울=연합뉴스) 홍길동 기자 = ", "[OO일보=홍길동 기자] ".
DATELINE_PREFIX_RE = re.compile(
    r"^\s*[(\[][^()\[\]=]{1,20}=[^()\[\]]{1,30}[)\]]\s*(?:[가-힣]{2,4}(?:\s*[·,]\s*[가-힣]{2,4})*\s*"
    r"(?:선임|수석|전문|객원)?\s*(?:기자|특파원)\s*)?=?\s*"
)
# Embed code an editor pasted into the text field, printed as text: `<iframe ...></iframe><script>...`.
ESCAPED_EMBED_RE = re.compile(r"&lt;(iframe|script|style)\b.*?&lt;/\1&gt;", re.IGNORECASE | re.DOTALL)
# A paragraph of numbers alone is a counter or a time stamp ("0", "12:58"), not a sentence.
NUMBERS_ONLY_RE = re.compile(r"[^\w]*\d[\d\W]*")
# "2025年1月14日 01時28分 (1月14日 01時40分更新)": a time stamp and its update, no words.
STAMP_CHARS = r"[\s\d年月日時分秒:：./\-()（）,]*"
DATE_STAMP_RE = re.compile(rf"{STAMP_CHARS}(?:(?:更新|配信|公開|掲載){STAMP_CHARS})*")
URL_LINE_RE = re.compile(r"\s*(?:https?://|www\.)\S+\s*")
# "By Jane Doe and John Roe", "Von Nina Muster", "Por Ana Pérez": a byline printed as a paragraph.
BYLINE_LINE_RE = re.compile(
    r"^\s*(?:By|Von|Por|Par|Door|Av|Af)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|and)\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})*\s*$"
)


def extract_body(
    tree: lxml_html.HtmlElement,
    url: str,
    selector: str | None = None,
    title: str | Iterable[str] | None = None,
    reference: str | None = None,
    summaries: Iterable[str | None] = (),
) -> str | None:
    """The article as published: its standfirst as the first paragraph, then its text."""
    standfirst, body = extract_parts(tree, url, selector, title, reference, summaries)
    return f"<p>{_escape(standfirst)}</p>\n{body}" if standfirst and body else body


def extract_parts(
    tree: lxml_html.HtmlElement,
    url: str,
    selector: str | None = None,
    title: str | Iterable[str] | None = None,
    reference: str | None = None,
    summaries: Iterable[str | None] = (),
) -> tuple[str | None, str | None]:
    """(standfirst, body): the summary printed under the headline, and the main content as
    HTML blocks; each None when not found.

    `reference` is the page's own article text where it files one (JSON-LD articleBody);
    `summaries` its descriptions (JSON-LD, OpenGraph, meta), looked for as the printed standfirst.
    """
    if selector:
        nodes = select(tree, selector)
        if not nodes:
            return None, None
        fragment = lxml_html.fragment_fromstring("", create_parent="div")
        for node in nodes:
            fragment.append(copy.deepcopy(node))
        for junk in fragment.xpath(".//script|.//style|.//noscript"):
            junk.drop_tree()
        return None, reshape(fragment, title)
    page = without_chrome(copy.deepcopy(tree))
    extracted = _trafilatura(page, url, fast=True)
    if _looks_short(extracted, reference) or _reads_like_labels(extracted):
        extracted = _trafilatura(page, url, fast=False) or extracted
        if _reads_like_labels(extracted):
            extracted = _without_teasers(page, url, extracted)
    result = _parsed(extracted)
    if _runs_together(result, title):
        run_together = result
        result = _parsed(_trafilatura(page, url, fast=True, rescue=False))
        if result is None or _runs_together(result, title):
            result = _own_blocks_or(run_together, page)
    if result is None:
        return None, None
    body = reshape(result, title, _figure_captions(page))
    standfirst, body = _standfirst(body, page, summaries)
    if not _has_a_sentence(body) and not (body and standfirst and len(standfirst) >= SENTENCE_MIN):
        return None, None  # a few labels, menu entries and teaser titles: the page's chrome, not an article
    return standfirst, body


def _parsed(extracted: str | None) -> lxml_html.HtmlElement | None:
    """An extractor's HTML as a tree, parsed once for every check and for `reshape`."""
    if not extracted:
        return None
    return lxml_html.fromstring(ONE_LINE_PRE_RE.sub(r"<code>\1</code>", extracted))


# trafilatura prints inline <code> as <pre> inside the paragraph; parsed as HTML, the <pre> would
# end the paragraph and the words after it would be lost. A one-line <pre> is inline code.
ONE_LINE_PRE_RE = re.compile(r"<pre>([^<\n]{0,200})</pre>")


def _has_a_sentence(body: str | None) -> bool:
    """Whether a body holds running text: one block that ends a sentence or is paragraph-long.

    A result of a few menu entries, teaser titles and a byline line has neither: published,
    it would be the page's chrome. Tables and lists count, as an article of figures is one;
    so does a long run of short lines (verse, lyrics).
    """
    if not body:
        return False
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    blocks = list(root.iter("p", "blockquote", "li", "td", "pre", "h2"))
    if len(blocks) >= VERSE_BLOCKS:
        return True
    for block in blocks:
        text = (tidy_text(block.text_content()) or "").rstrip("\"'”“»«„’)」』 ")
        if len(text) >= SENTENCE_MIN or (block.tag != "h2" and LINE_END_RE.search(text) and len(text) > 20):
            return True
    return False


SENTENCE_MIN = 80
VERSE_BLOCKS = 6


def _standfirst(
    body: str | None, page: lxml_html.HtmlElement, summaries: Iterable[str | None]
) -> tuple[str | None, str | None]:
    """(standfirst, body without it): the summary the page prints between headline and text.

    Main-text extractors drop it as page header. It is recognised as an element whose whole
    text is the page's own description, taken as printed. Where the extractor kept it, it is
    printed inside the article's text (a lead paragraph that the description copies) and
    stays there.
    """
    if not body:
        return None, body
    for summary in dict.fromkeys(s for s in summaries if s and len(s) >= STANDFIRST_MIN):
        node = _printed_block(page, summary)
        if node is None:
            continue
        printed = tidy_text(node.text_content()) or ""
        in_body = _fold(lxml_html.fragment_fromstring(body, create_parent="div").text_content())
        if _fold(printed) in in_body:
            return None, body
        lead = [f"<p>{_escape(text)}</p>" for text in _lead_beside(node, in_body)]
        return printed, "\n".join([*lead, body])
    return None, body


def _lead_beside(standfirst, in_body: str) -> list[str]:
    """The paragraphs printed right after the standfirst, in its box, that the extractor dropped
    with it as page header: the article's lead, whose sentences are not in the body."""
    lead = []
    for sibling in standfirst.itersiblings():
        text = tidy_text(sibling.text_content()) or ""
        if sibling.tag != "p" or _fold(text) in in_body or not _is_paragraph_text(text, set()):
            break
        if len(text) < LEAD_MIN or not _ends_a_sentence(text):
            break
        lead.append(text)
    return lead


STANDFIRST_MIN = 60
STANDFIRST_XPATH = etree.XPath("//body//*[starts-with(normalize-space(text()), $start)]")


def _printed_block(page: lxml_html.HtmlElement, summary: str):
    """The element that prints `summary` whole (a meta description may end in "…"), or None."""
    summary = tidy_text(summary) or ""
    wanted = _fold(summary.rstrip(".…").removesuffix("..."))
    for node in STANDFIRST_XPATH(page, start=summary[:20]):
        folded = _fold(tidy_text(node.text_content()) or "")
        if folded.startswith(wanted) and len(folded) <= 1.2 * len(wanted):
            return node
    return None


def _figure_captions(page: lxml_html.HtmlElement) -> list[str]:
    """The page's <figcaption> texts, folded: extractors print some without their image."""
    captions = (_fold(caption.text_content()) for caption in page.iter("figcaption"))
    return [caption for caption in captions if len(caption) >= CAPTION_MIN]


CAPTION_MIN = 12


# Page chrome that trafilatura's cleaning deletes anyway: gone before its regular-expression
# XPath prunes walk every div, section and list of the raw tree (twice on a full pass).
CHROME_TAGS = ("aside", "footer", "nav", "menu", "iframe")
COMMENTS_TAGS = ("div", "section", "details", "ol", "ul")
# The reader-comment containers trafilatura prunes when comments are off (REMOVE_COMMENTS_*_XPATH).
COMMENTS_ID_RE = re.compile(r"^(?:[Cc]omment(?!ary)|comol)")
COMMENTS_CLASS_RE = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")


def without_chrome(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """`tree` without navigation, sidebars, footers, the page header and reader comments.

    One walk here spares trafilatura's slow raw-tree prunes most of their nodes (half its
    time on pages heavy with menus and comments). Only what trafilatura drops anyway goes,
    plus a page header outside the article that holds no h1: it holds no article text. Quoted
    social posts are kept and figure captions are copied into their images for `reshape`.
    """
    chrome = [node for node in tree.iter(*CHROME_TAGS, "header", *COMMENTS_TAGS) if _is_chrome(node)]
    page_size = functools.cache(lambda: len(tree.text_content()))
    headline = next(tree.iter("h1"), None)
    for node in chrome:
        if not _holds_the_page(node, page_size, headline):
            node.drop_tree()
    for card in TEASER_CARDS_XPATH(tree):
        card.drop_tree()
    _drop_hidden_copies(tree)
    for label in screen_reader_labels(tree):
        if not label.xpath(".//p"):  # a block holding paragraphs is not a label
            label.drop_tree()
    _keep_embedded_posts(tree)
    _captions_into_images(tree)
    _loose_text_into_paragraphs(tree)
    return tree


def _loose_text_into_paragraphs(tree: lxml_html.HtmlElement) -> None:
    """Text printed loose right after a photo or video box becomes a paragraph.

    `<div class=photo>…</div>Lead sentence <a>with a link</a>.<br><br>Next…`: trafilatura's
    fast pass reads the text after a block element as that element's tail and drops it with
    the photo box, so the lead went missing. The text and the inline elements after it, up to
    the next block or line break, are wrapped; a run shorter than a sentence is left alone.
    """
    for box in LOOSE_TEXT_AFTER_XPATH(tree):
        if not box.tail or not box.tail.strip():
            continue
        run = []
        for sibling in box.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag not in INLINE_TAGS:
                break
            run.append(sibling)
            if sibling.tail and "\n\n" in sibling.tail.strip("\n "):
                break
        if len(box.tail.strip()) + sum(len(e.text_content()) for e in run) < LOOSE_TEXT_MIN:
            continue
        paragraph = lxml_html.Element("p")
        paragraph.text = box.tail.lstrip()
        for element in run:
            paragraph.append(element)  # moves it, with its tail
        box.tail = "\n"
        box.addnext(paragraph)


# Inline elements that continue a sentence (a line break ends it).
INLINE_TAGS = {"a", "b", "strong", "i", "em", "span", "code", "sup", "sub", "small", "abbr", "mark", "u", "q"}
LOOSE_TEXT_AFTER_XPATH = etree.XPath(
    "//body//*[self::div or self::figure][following-sibling::node()[1][self::text()][normalize-space()]]"
    "[self::figure or .//img or .//picture or .//video]"
)
LOOSE_TEXT_MIN = 40


def _drop_hidden_copies(tree: lxml_html.HtmlElement) -> None:
    """Drop hidden copies of the page's text: a print or e-mail copy of the article kept in a
    `display:none` box (or `hidden`, or a "hide" class) beside the one on screen. Hidden text
    found nowhere else stays: some pages reveal their article with a script."""
    page_text = functools.cache(lambda: _fold("".join(PAGE_TEXT_XPATH(tree))))  # not JSON-LD's
    for element in HIDDEN_XPATH(tree):
        if not _is_hidden(element):
            continue
        text = element.text_content()
        if len(text) < HIDDEN_COPY_MIN:
            continue
        text = _fold(text)
        if len(text) >= HIDDEN_COPY_MIN and page_text().count(middle_of(text)) > 1:
            element.drop_tree()


# Candidates, tested in Python (`_is_hidden`): one XPath of whole-token tests on every element
# of the page costs more than substring tests.
HIDDEN_XPATH = etree.XPath(
    "//*[@hidden or contains(@style, 'none') or contains(@class, 'hid') or contains(@class, 'd-none')]"
)
HIDDEN_CLASSES = {"hide", "hidden", "d-none"}


def _is_hidden(element) -> bool:
    return (
        element.get("hidden") is not None
        or "display:none" in (element.get("style") or "").replace(" ", "").lower()
        or not HIDDEN_CLASSES.isdisjoint((element.get("class") or "").split())
    )


HIDDEN_COPY_MIN = 200  # folded characters: a copy of a text, not a label
PAGE_TEXT_XPATH = etree.XPath("//body//text()[not(parent::script)]", smart_strings=False)


def middle_of(text: str, size: int = 60) -> str:
    """A stretch from the middle of a text, to look for a copy of it elsewhere."""
    start = max(0, len(text) // 2 - size // 2)
    return text[start : start + size]


# A link wrapped around a paragraph or a heading: a teaser card for another story. An article's
# paragraphs hold their links inside sentences; no paragraph sits inside a link.
TEASER_CARDS_XPATH = etree.XPath("//a[.//p or .//h2 or .//h3 or .//h4 or .//h5 or .//h6]")


def _captions_into_images(tree: lxml_html.HtmlElement) -> None:
    """A figure's caption copied into its image's title, where the image has none.

    trafilatura prints a <figcaption> as plain paragraphs after the image; with the caption
    in the image's title, `reshape` knows those paragraphs for the caption they are.
    """
    for caption in tree.iter("figcaption"):
        figure = next(caption.iterancestors("figure"), None)
        images = figure.findall(".//img") if figure is not None else []
        text = tidy_text(caption.text_content())
        if len(images) == 1 and text and not images[0].get("title"):
            images[0].set("title", text)


# The markup that Twitter/X, Instagram and Threads give publishers to quote a post in an article.
EMBEDDED_POST_XPATH = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media') "
    "or contains(@class, 'text-post-media')]"
)
EMBED_WRAPPER_RE = re.compile(r"social|embed", re.IGNORECASE)


def _keep_embedded_posts(tree: lxml_html.HtmlElement) -> None:
    """Quoted social posts stay in the article: their wrappers lose the class trafilatura drops.

    Sites wrap an embedded tweet in `<div class="social-embed">`; trafilatura prunes any
    "social" or "embed" element as a share widget, and the quoted post with it.
    """
    for post in tree.xpath(EMBEDDED_POST_XPATH):
        for node in [post, *post.iterancestors("div", "figure", "section", "span")]:
            if EMBED_WRAPPER_RE.search(node.get("class") or ""):
                del node.attrib["class"]


def _holds_the_page(node, page_size, headline=None) -> bool:
    """Whether a sidebar or footer element holds the article: most of the page's text, or the
    page's headline (its first <h1>) with paragraphs under it.

    Some templates put the whole story in an <aside>; dropped, it leaves menus to extract.
    """
    if node.tag not in ("aside", "footer", "nav", "menu"):
        return False
    paragraphs = len(node.xpath(".//p"))
    if headline is not None and paragraphs >= 2 and any(a is node for a in headline.iterancestors()):
        return True
    return paragraphs >= 8 and len(node.text_content()) > 0.5 * page_size()


def _is_chrome(node) -> bool:
    if node.tag in COMMENTS_TAGS:
        return bool(
            COMMENTS_ID_RE.search(node.get("id") or "") or COMMENTS_CLASS_RE.search(node.get("class") or "")
        )
    if node.tag == "header":
        return not node.xpath("ancestor::article or ancestor::main or .//h1 or .//article or .//main")
    return True


def _trafilatura(
    tree: lxml_html.HtmlElement, url: str, fast: bool, media: bool = True, rescue: bool = True
) -> str | None:
    """trafilatura's HTML output; it copies the tree it is given, so one tree serves every pass.

    `trafilatura.extract` also computes a SimHash of the text for its metadata header (a
    millisecond a page) and rebuilds its options each call: we take its two steps, with the
    options made once per kind of pass. Without `rescue`, a short result is returned as found
    instead of being replaced by trafilatura's baseline (the page's text run together).
    """
    options = _trafilatura_options(fast, media, rescue)
    options.url = url
    document = trafilatura.bare_extraction(tree, options=options)
    # NFC as extract() returns it: decomposed Hangul or umlauts never match a composed query.
    return unicodedata.normalize("NFC", build_html_output(document)) if document else None


@functools.cache
def _trafilatura_options(fast: bool, media: bool, rescue: bool = True) -> Extractor:
    options = Extractor(
        output_format="html",
        fast=fast,
        comments=False,
        formatting=True,
        links=media,
        images=media,
        tables=True,
    )
    if not rescue:
        # Its baseline runs only on results under this size: a short article is kept as found.
        options.min_extracted_size = 1
    return options


def _runs_together(result: lxml_html.HtmlElement | None, titles: str | Iterable[str] | None) -> bool:
    """Whether the result is one paragraph holding the headline and more: the page run together.

    trafilatura's last resort for a short article (its baseline) prints the whole <article>
    or page as a single paragraph: headline, byline, date line, share buttons and related
    links in one run. An article of several blocks, or one whose single paragraph only
    opens with words of its headline, is no such run.
    """
    if result is None:
        return False
    headlines = {_fold(t) for t in ([titles] if isinstance(titles, str) else titles or []) if t}
    headlines = {h for h in headlines if len(h) >= HEADLINE_IN_BLOCK_MIN}
    body = result.find("body") if result.find("body") is not None else result
    blocks = [child for child in body if isinstance(child.tag, str)]
    if not headlines or len(blocks) != 1 or blocks[0].tag != "p":
        return False
    text = _fold(URL_IN_TEXT_RE.sub(" ", blocks[0].text_content()))
    return any(h in text and len(text) >= len(h) + RUN_TOGETHER_EXTRA for h in headlines)


HEADLINE_IN_BLOCK_MIN = 10
RUN_TOGETHER_EXTRA = 40
URL_IN_TEXT_RE = re.compile(r"https?://\S+")


def _own_blocks(page: lxml_html.HtmlElement) -> str | None:
    """The page's own blocks in order, from the element whose own text is the most.

    The fallback where trafilatura finds nothing but the page run together. An element's own
    text is its paragraphs' and the text it holds directly (`<br>`-separated lines);
    `reshape` then splits it into paragraphs and drops bylines, date lines and related links
    block by block, as for any result.
    """
    best, best_size = None, OWN_TEXT_MIN
    for node in page.iter("div", "article", "section", "main", "td", "body"):
        own = [node.text or ""] + [child.tail or "" for child in node]
        own += [p.text_content() for p in node.findall("p")]
        size = len(_fold(" ".join(own)))
        if size > best_size:
            best, best_size = node, size
    if best is None:
        return None
    return lxml_html.tostring(copy.deepcopy(best), encoding="unicode", with_tail=False)


OWN_TEXT_MIN = 100


def _own_blocks_or(run_together: lxml_html.HtmlElement, page: lxml_html.HtmlElement):
    """The page's own blocks, unless they hold less than a quarter of the run-together text:
    where the article is laid out in tables or lists, the largest block of its own text is a
    notice (cookies, a newsletter), and the page run together says more."""
    own = _parsed(_own_blocks(page))
    if own is None:
        return None  # no block of text of its own: the page run together is no article either
    return own if len(own.text_content()) * 4 >= len(run_together.text_content()) else run_together


# Below this many characters of text, the fast pass may have stopped at a teaser or a short
# container; trafilatura's full pass (with its readability and jusText comparison) decides.
# At 2,000 the full pass ran on a third of pages and changed no benchmark page between 1,000
# and 2,000 characters (news-metadata, article-extraction, Korean fixtures, 2026-11-25).
SHORT_BODY = 1000


CJK_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _looks_short(extracted: str | None, reference: str | None) -> bool:
    """Whether the fast pass's text is short, or well under the page's own JSON-LD articleBody."""
    text = re.sub(r"<[^>]+>|\s+", "", extracted or "")
    size = len(text)
    if reference and size < 0.8 * len(re.sub(r"\s+", "", reference)):
        return True
    # A Hangul, kana or Han character carries about what two Latin letters do.
    return size + len(CJK_RE.findall(text)) < SHORT_BODY


def _without_teasers(page: lxml_html.HtmlElement, url: str, extracted: str | None) -> str | None:
    """A result that reads as labels (a teaser list) against a pass without images and links.

    trafilatura weighs images and links into the choice of container: a list of teasers with
    pictures can beat the article itself. Without them it finds the article's paragraphs;
    that text is kept where it has more paragraph words, at the cost of the body's links.
    """
    plain = _trafilatura(page, url, fast=True, media=False)
    return plain if _paragraph_words(plain) > _paragraph_words(extracted) else extracted


# Most of the text in short lines that end without punctuation: menu entries, teaser titles, labels.
LABEL_LINE_MAX = 50
LABEL_SHARE = 0.6


def _reads_like_labels(extracted: str | None) -> bool:
    """Whether trafilatura's output is mostly short unpunctuated lines: a menu or a teaser list.

    Article text runs in sentences; a navigation menu or a list of headlines reads as labels.
    Korean and English article pages stay under 0.4 of their text in such lines.
    """
    if not extracted:
        return False
    lines = [line.strip() for line in lxml_html.fromstring(extracted).text_content().splitlines()]
    total = sum(len(line) for line in lines)
    labels = sum(
        len(line) for line in lines if 0 < len(line) < LABEL_LINE_MAX and not LINE_END_RE.search(line)
    )
    return total > 0 and labels > LABEL_SHARE * total


LINE_END_RE = re.compile(r"[.!?。:;,…]$")


def _ends_a_sentence(text: str) -> bool:
    """Whether a line ends as a sentence does, closing quotes and brackets aside."""
    return bool(LINE_END_RE.search(text.rstrip("\"'”’)")))


def _paragraph_words(extracted: str | None) -> int:
    """Words in the paragraphs and quotes of trafilatura's output (not headings, lists, captions)."""
    if not extracted:
        return 0
    root = lxml_html.fromstring(extracted)
    return sum(len(node.text_content().split()) for node in root.iter("p", "blockquote"))


def select(tree: lxml_html.HtmlElement, selector: str) -> list:
    """Nodes for a source's selector: CSS by default, `xpath:` for XPath."""
    if selector.startswith("xpath:"):
        result = tree.xpath(selector[len("xpath:") :])
    else:
        from cssselect import GenericTranslator

        result = tree.xpath(GenericTranslator().css_to_xpath(selector))
    return [node for node in result if isinstance(node, etree._Element)]


def reshape(
    root: lxml_html.HtmlElement, title: str | Iterable[str] | None = None, captions: Iterable[str] = ()
) -> str | None:
    """Blocks of `root` as HTML: paragraphs split at <br><br>, boilerplate lines dropped.

    An image followed by its credit or caption line becomes one <figure>; a block that only
    repeats the headline goes (extractors keep the h1 and layout tables around it). `title`
    may be several: the page's h1, og:title and JSON-LD headline can each differ. A paragraph
    that is one of the page's figure `captions` (folded) is media, even without its image.
    """
    blocks: list[str] = []
    titles = [title] if isinstance(title, str) or title is None else title
    headline = {_fold(t or "") for t in titles}
    paywalled = False
    for kind, node in _blocks(root):
        if kind == "heading":
            text = tidy_text(node.text_content())
            if text and not _is_boilerplate(text) and _fold(text) not in headline:
                blocks.append(f"<h2>{_escape(text)}</h2>")
        elif kind == "paragraph":
            for piece in _split_at_breaks(node):
                piece = ESCAPED_EMBED_RE.sub(" ", piece)
                text = tidy_text(lxml_html.fromstring(f"<div>{piece}</div>").text_content())
                if not blocks or not any(b.startswith("<p>") for b in blocks):
                    piece, text = _without_dateline(piece, text)
                piece, text = _without_signature(piece, text)
                if "<img" in piece and not _text_beside_image(piece, text):
                    blocks.append(_figure(piece))
                elif "<img" in piece and _is_caption(text, piece):
                    credit, lead = _credit_and_lead(text)
                    blocks.append(_captioned_figure(piece, credit))
                    if lead:  # the paragraph that opens with the picture and its credit
                        blocks.append(f"<p>{_escape(lead)}</p>")
                elif text and blocks and blocks[-1].startswith("<figure>") and _is_caption(text, blocks[-1]):
                    blocks[-1] = _with_caption(blocks[-1], piece)
                elif text and (_is_link_only(piece, text) or _fold(text) in captions):
                    continue
                elif text and PAYWALL_RE.search(text) and len(text) < PAYWALL_LINE_MAX:
                    paywalled = True  # what follows a paywall notice is the offer, not the article
                    break
                elif text and _is_paragraph_text(text, headline):
                    blocks.append(f"<p>{piece.strip()}</p>")
            if paywalled:
                break
        else:
            block = _clean_block(node, headline)
            if block:
                blocks.append(block)
    return "\n".join(_without_dangling_headings(_without_repeats(_without_second_copy(blocks)))) or None


def _without_dangling_headings(blocks: list[str]) -> list[str]:
    """Blocks without a heading that heads nothing: followed by another heading or by the end
    of the text, it labelled a section dropped as boilerplate ("Related Tutorials", "Videos
    zum Thema") or an empty one."""
    kept = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.startswith("<h2>") and (following is None or following.startswith("<h2>")):
            continue
        kept.append(block)
    return kept


def _without_second_copy(blocks: list[str]) -> list[str]:
    """Blocks without a second printing of the article: a run of blocks that repeats an earlier run.

    Pages carry a print copy, a mobile copy or an e-mail copy of the text beside the one on
    screen; extracted together, the article comes out twice. Runs of consecutive blocks equal,
    in order, to earlier ones are that copy where one of them is a good part of the text.
    Single repeated blocks (a summary printed again, a refrain) and short repeated runs (a
    meal plan's recurring dishes) stay.
    """
    texts = [_fold(lxml_html.fromstring(f"<div>{block}</div>").text_content()) for block in blocks]
    first = {}
    for index, text in enumerate(texts):
        first.setdefault(text, index)
    drop: set[int] = set()
    longest = 0
    index = 0
    while index < len(texts):
        start = first[texts[index]]
        length = 0
        while (
            index + length < len(texts)
            and start + length < index
            and len(texts[index + length]) >= SECOND_COPY_MIN
            and texts[start + length] == texts[index + length]
        ):
            length += 1
        if start < index and length >= SECOND_COPY_RUN:
            drop.update(range(index, index + length))
            longest = max(longest, sum(len(text) for text in texts[index : index + length]))
            index += length
        else:
            index += 1
    if longest < SECOND_COPY_SHARE * sum(len(text) for text in texts):
        return blocks
    return [block for index, block in enumerate(blocks) if index not in drop]


SECOND_COPY_RUN = 2
SECOND_COPY_SHARE = 0.15
SECOND_COPY_MIN = 20


# "This article is for subscribers only", "この記事は会員限定です": the rest of the page is an offer.
PAYWALL_RE = re.compile(
    r"\b(?:this (?:article|story|content) is (?:only |exclusively )?(?:available |reserved )?(?:to|for) "
    r"(?:paying )?(?:subscribers|members)|(?:subscribe|log in|sign in) to (?:continue|keep) reading|"
    r"dieser (?:artikel|beitrag|inhalt) ist (?:nur |exklusiv )?für (?:abonnenten|abonnentinnen)|"
    r"cet article est réservé aux abonnés|este (?:artículo|contenido) es exclusivo para suscriptores)\b"
    r"|この記事は(?:有料)?会員限定|유료\s*회원\s*전용",
    re.IGNORECASE,
)
PAYWALL_LINE_MAX = 160


def _without_repeats(blocks: list[str]) -> list[str]:
    """Blocks without a quote that repeats a sentence of another block: a pull quote, printed twice.

    Only quotes: a paragraph that repeats another (a summary, a recipe line) may be the article's own.
    """
    if not any(block.startswith("<blockquote") for block in blocks):
        return blocks
    texts = [_fold(lxml_html.fromstring(block).text_content()) for block in blocks]
    kept = []
    for index, (block, text) in enumerate(zip(blocks, texts, strict=True)):
        repeated = (
            len(text) >= PULL_QUOTE_MIN
            and block.startswith("<blockquote")
            and any(
                other != index and len(texts[other]) > len(text) and text in texts[other]
                for other in range(len(texts))
            )
        )
        if not repeated:
            kept.append(block)
    return kept


PULL_QUOTE_MIN = 40


def _is_paragraph_text(text: str, headline: set[str]) -> bool:
    """Running text of the article: not boilerplate, not a bare number or time, not the headline again.

    Table rows of numbers are kept elsewhere; a paragraph of numbers alone is a counter or stamp.
    """
    return not (
        NUMBERS_ONLY_RE.fullmatch(text)
        or (DATE_STAMP_RE.fullmatch(text) and "年" in text)
        or _is_boilerplate(text)
        or _fold(text) in headline
    )


def _clean_block(node, headline: set[str]) -> str | None:
    """A list, table, quote or figure without its boilerplate items, rows or lines."""
    text = tidy_text(node.text_content()) or ""
    if node.tag in ("ul", "ol") and _is_link_list(node):
        return None
    rows = {"ul": "li", "ol": "li", "table": ".//tr"}.get(node.tag)
    if rows:
        for item in node.findall(rows) if rows == "li" else node.xpath(rows):
            item_text = tidy_text(item.text_content())
            captioned = _is_gallery_item(item, item_text)
            if not item_text or captioned or _is_boilerplate(item_text) or _fold(item_text) in headline:
                item.getparent().remove(item)
        if not (node.findall(rows) if rows == "li" else node.xpath(rows)):
            return None
    if text and COPYRIGHT_RE.search(text) and len(text) < 200:
        return None
    node.tail = None
    return lxml_html.tostring(node, encoding="unicode").strip()


def _is_link_list(node) -> bool:
    """A list of three or more items that are (nearly) all link text: related, most read, jobs.

    An item may put a short label before its link ("Health: Ten tips for sleeping well").
    """
    items = node.findall("li")
    if len(items) < 3:
        return False
    linked = 0
    for item in items:
        size = _letters("".join(item.itertext()))
        in_links = sum(_letters("".join(a.itertext())) for a in item.iter("a"))
        labelled = in_links >= 0.5 * size and size - in_links <= LINK_LABEL_MAX
        linked += size == 0 or in_links >= 0.8 * size or labelled
    return linked >= 0.7 * len(items)


LINK_LABEL_MAX = 25
# Spaces and the separators printed between links ("Raid in Prague | Raid in Brno") are no label.
NOT_LABEL_RE = re.compile(r"[\s|·•/,;]+")


def _letters(text: str) -> int:
    return len(NOT_LABEL_RE.sub("", text))


def _is_link_only(piece: str, text: str) -> bool:
    """A short paragraph that is one link and nothing else: a teaser for another story, a call to action.

    Article paragraphs carry links inside their sentences; a short one that is all link text
    points away ("Most read" teasers, "Subscribe to our channel"). Long ones stay: deal posts
    and link roundups write their paragraphs as links.
    """
    if "<a " not in piece or len(text) > LINK_ONLY_MAX:
        return False
    root = lxml_html.fromstring(f"<div>{piece}</div>")
    in_links = sum(len(re.sub(r"\s+", "", "".join(a.itertext()))) for a in root.iter("a"))
    return in_links >= len(re.sub(r"\s+", "", text))


LINK_ONLY_MAX = 160


def _is_gallery_item(item, text: str | None) -> bool:
    """A list item that is a picture and its caption (a gallery): media, not article text.

    The caption either is a <figcaption> or begins like the image's alt or title text.
    """
    images = item.findall(".//img")
    if not text or not images:
        return False
    if item.find(".//figcaption") is not None:
        return True
    described = _fold(" ".join(item.xpath(".//img/@alt|.//img/@title")))
    return bool(described) and _fold(text)[:40] in described


# A photo credit at the start of a run of text: "(사진=연합뉴스)", "[그래픽=OO]", "사진=OO",
# "(Photo: Reuters)".
LEADING_CREDIT_RE = re.compile(
    r"^\s*(?:[(\[][^()\[\]]{0,30}(?:사진|그래픽|자료|영상|Photo|Foto|Image|Bild)[^()\[\]]{0,30}[)\]]"
    r"|(?:사진|그래픽|자료)\s*(?:제공|출처)?\s*[=:]\s*\S+)\s*",
    re.IGNORECASE,
)
LEAD_MIN = 40


def _credit_and_lead(text: str) -> tuple[str, str | None]:
    """(caption, lead): a picture's credit, and the article's sentences printed after it.

    A lead paragraph often opens with the picture and its credit, then the story; the whole
    run is no caption. Without a credit at its start (or with only a short line after it),
    the text is the caption.
    """
    match = LEADING_CREDIT_RE.match(text)
    rest = text[match.end() :].strip() if match else ""
    if len(rest) >= LEAD_MIN and _ends_a_sentence(rest):
        return match.group(0).strip(), rest
    return text, None


def _captioned_figure(piece: str, text: str) -> str:
    """An image and the caption printed beside it in the same run of text, as one figure."""
    root = lxml_html.fromstring(f"<div>{piece}</div>")
    images = "".join(lxml_html.tostring(img, with_tail=False, encoding="unicode") for img in root.iter("img"))
    return f"<figure>{images}<figcaption>{_escape(text)}</figcaption></figure>"


def _figure(piece: str) -> str:
    return f"<figure>{piece.strip()}</figure>"


def _with_caption(figure: str, piece: str) -> str:
    return figure[: -len("</figure>")] + f"<figcaption>{piece.strip()}</figcaption></figure>"


def _is_caption(text: str, figure: str) -> bool:
    """A short line right under an image that credits it or repeats its alt or title text."""
    if len(text) >= 300:
        return False
    if PHOTO_CREDIT_RE.search(text) or re.search(r"\bCredit\b|ⓒ|©", text):
        return True
    described = " ".join(lxml_html.fromstring(f"<div>{figure}</div>").xpath(".//img/@alt|.//img/@title"))
    return len(_fold(text)) >= 8 and _fold(text) in _fold(
        lxml_html.fromstring(f"<p>{described}</p>").text_content()
    )


def _text_beside_image(piece: str, text: str | None) -> bool:
    """Whether an image's paragraph has text of its own (a bare URL beside a logo is none)."""
    return bool(text) and not URL_LINE_RE.fullmatch(text or "")


def _without_dateline(piece: str, text: str | None) -> tuple[str, str | None]:
    """The first paragraph without the wire dateline "(서울=연합뉴스) 홍길동 기자 =" before its text."""
    if not text or not DATELINE_PREFIX_RE.match(text):
        return piece, text
    match = DATELINE_PREFIX_RE.match(piece)
    if not match or not piece[match.end() :].strip():
        return piece, text
    return piece[match.end() :], tidy_text(DATELINE_PREFIX_RE.sub("", text, count=1))


def _without_signature(piece: str, text: str | None) -> tuple[str, str | None]:
    """A paragraph without the reporter's signature run into its last sentence: "…처리했다.부산=선수민
    기자 sunsoo@sportschosun.com" keeps its sentence (a line with an e-mail address is dropped)."""
    if not text or "@" not in text:
        return piece, text
    match = SIGNATURE_TAIL_RE.search(piece)
    if not match or not SIGNATURE_TAIL_RE.search(text):
        return piece, text
    return piece[: match.start()], tidy_text(SIGNATURE_TAIL_RE.sub("", text))


# After a sentence's end: "[부산=]선수민 기자 sunsoo@sportschosun.com" closing the paragraph.
SIGNATURE_TAIL_RE = re.compile(
    r"(?<=[.!?다])\s*(?:[가-힣]{1,6}\s*=\s*)?[가-힣]{2,4}\s*기자\s*[\w.+-]+@[\w-]+\.[\w.-]+\s*$"
)


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
        if tag in HEADING_TAGS or tag in BLOCK_TAGS:
            yield from flush()
            tail, child.tail = child.tail, None
            yield ("heading" if tag in HEADING_TAGS else "paragraph" if tag == "p" else "block"), child
            if tail and tail.strip():
                inline.text = tail  # text after a block is the next paragraph, never dropped
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


SPOKEN_HANDOVER_RE = re.compile(r"입니다[.!]?\s*$")
# A broadcast report's production credits, roles and names only: "영상편집:김선영",
# "( 취재 : 안서현 / 영상편집 : 동준엽 / 제작 : D뉴스플랫폼부 )".
CREDITS_LINE_RE = re.compile(r"\(?\s*(?:[가-힣]{2,6}\s*:\s*[가-힣A-Za-z]{2,12}\s*[/,·]?\s*)+\)?")
# The reporter signing off a broadcast report: "KBS 뉴스 이윤우입니다.", "MBC뉴스 홍길동입니다."
BROADCAST_SIGN_OFF_RE = re.compile(r"(?:[A-Z]{2,6}\s*(?:뉴스)?|[가-힣]{1,8}뉴스)\s*[가-힣]{2,4}입니다\.?")
# How to reach the newsroom, line by line: "▷ 전화 : 02-781-1234", "▷ 카카오톡 : 'KBS제보' 검색".
CONTACT_LINE_RE = re.compile(
    r"[▷▶■●※]?\s*[가-힣A-Za-z ]{1,12}\s*:\s*(?:\+?\d[\d\- ]{6,}\d|https?://\S+|['‘\"][^'’\"]+['’\"]\s*검색)"
)


BROADCAST_TRAILER_RES = (CREDITS_LINE_RE, BROADCAST_SIGN_OFF_RE, CONTACT_LINE_RE)


def _is_boilerplate(text: str) -> bool:
    """Bylines, date lines, copyright, e-mail and related-link lines are not paragraphs."""
    if COPYRIGHT_RE.search(text) and len(text) < 200:
        return True
    if RELATED_RE.match(text):
        return True
    if DATE_LINE_RE.match(text) and NUMERIC_DATE_RE.search(text) and len(text) < 80:
        return True
    if len(text) < 80 and (FOREIGN_DATE_LINE_RE.match(text) or MORE_STORIES_RE.match(text)):
        return True
    if len(text) < 80 and EMAIL_RE.search(text):
        return True
    if len(text) < 80 and any(rule.fullmatch(text) for rule in BROADCAST_TRAILER_RES):
        return True
    if len(text) < 40 and (KOREAN_BYLINE_RE.search(text) or BYLINE_LINE_RE.match(text)):
        # "김수연 기자입니다.": an anchor hands over to the reporter, a line of the transcript.
        return not SPOKEN_HANDOVER_RE.search(text)
    if NUMERIC_DATE_RE.fullmatch(text.strip()) or URL_LINE_RE.fullmatch(text):
        return True
    if len(text) < 100 and (PHOTO_CREDIT_RE.search(text) or PROMPT_RE.search(text)):
        return True
    if (len(text) < CONSENT_LINE_MAX and CONSENT_RE.search(text)) or SCRIPT_LITERAL_RE.fullmatch(text):
        return True
    return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
