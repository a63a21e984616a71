"""Article metadata from structured data first (JSON-LD, OpenGraph, meta), then the page.

Functions take an lxml tree that the caller parsed once and return plain values.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from crawler.text import fold, plain_text, tidy_text

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "socialmediaposting", "report", "techarticle", "scholarlyarticle", "webpage",
}  # fmt: skip
# Korean and English byline forms: "홍길동 기자", "홍길동 특파원", "[서울=뉴시스]홍길동 기자", a broadcast's
# sign-off "MBN 홍길동 기자입니다", "By Jane Doe and John Roe".
KOREAN_BYLINE_RE = re.compile(
    r"(?:^|[\s(\[\])】〕/=·,])([가-힣]{2,4})\s?(?:선임|수석|전문|객원)?(?:인턴기자|기자|특파원|논설위원|앵커|통신원|기상캐스터|에디터)"
    r"(?:입니다)?(?![가-힣])"
)
# Several reporters on one byline: "홍길동·김철수 기자", "홍길동, 김철수 기자".
KOREAN_BYLINE_LIST_RE = re.compile(
    r"(?:^|[\s(\[\])】〕/=])([가-힣]{2,4}(?:\s*[·,ㆍ]\s*[가-힣]{2,4})+)\s?(?:기자|특파원)(?:입니다)?(?![가-힣])"
)
ENGLISH_BYLINE_RE = re.compile(
    r"^\s*By\s+([A-Z][^\n|]{2,120}?)\s*(?:$|\||,\s*(?:Staff|Reporter|Correspondent))"
)


def json_ld_article(tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object whose @type is an article type ({} when none)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(CDATA_RE.sub("", script.text_content() or ""), strict=False)
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


# `//<![CDATA[ … //]]>` around JSON-LD: XHTML habit, not JSON.
CDATA_RE = re.compile(r"^\s*(?://\s*|/\*\s*)?<!\[CDATA\[|(?://\s*|/\*\s*)?\]\]>(?:\s*\*/)?\s*$")


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
            value = index.get((attr, name.lower() if attr == "name" else name))
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
            if key is not None:  # metadata names are case-insensitive: <meta name="Author">
                index.setdefault((attr, key.lower() if attr == "name" else key), content)
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


def ld_people(value: Any, organizations: bool = True) -> list[str]:
    """Author names from a JSON-LD author value (string, Person, Organization, lists of them).

    Publishers that file a desk, an agency or the paper itself beside their reporters mean
    it as part of the byline, so by default an Organization counts like a person. Nested
    lists are flattened, and a Person given only as givenName and familyName is named from them.
    """
    names: list[str] = []
    for item in _flat(value):
        if isinstance(item, dict):
            if not organizations and str(item.get("@type", "")).lower() == "organization":
                continue
            item = item.get("name") or " ".join(
                str(item[k]).strip() for k in ("givenName", "familyName") if isinstance(item.get(k), str)
            )
        if isinstance(item, str):
            names.extend(split_names(plain_text(item) or ""))
    return names


def _flat(value: Any):
    """The items of a JSON-LD value, lists within lists flattened."""
    if isinstance(value, list):
        for item in value:
            yield from _flat(item)
    elif value is not None:
        yield value


def ld_image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


# What precedes the names on a byline: "By", "Von", "Por", "Par", "Av", "Door", "Autor:", "Text:".
BYLINE_LEAD_RE = re.compile(
    r"^\s*(?:(?:(?:Veröffentlicht|Geschrieben|Verfasst|Eingestellt|Gespeichert|Erstellt|Posted|Written|Published|"
    r"Submitted|Publié|Publicado|Escrito|Pubblicato|Scritto|(?:(?:Zeige\s+)?alle\s+)?(?:Beiträge?|Artikel|Rezept|Text))"
    r"\s+(?:von|by|par|por|da)|(?:[\w'’.,]+\s+){1,6}by|By|Por|Von(?!\s+(?:der|dem|den)\b)|Par|Av|Door|Af)\s*[:：]?\s+"
    r"|(?:Authors?|Autor(?:in|en)?|Auteur|Text|Texto)\s*[:：]\s*)",
    re.IGNORECASE,
)
# A date after the names on a byline line ("| March 3, 2024", ", 12.03.2024", "am 3. Mai 2024"):
# the line is cut there, with the word that joins it.
BYLINE_DATE_RE = re.compile(
    r"\s*[|,·–—-]?\s*(?:(?:am|on|le|el|il|den|vom|at)\s+)?"
    r"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\d{1,4}[./-]\d{1,2}\b"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,12}\.?\s+\d{4}).*$",
    re.IGNORECASE,
)
# What follows a name from its first digit ("3 min read"), with the word that joins it.
NAME_TRAILER_RE = re.compile(
    r"(?:^|(?:\s+(?:am|on|le|el|il|den|vom|at|um))?\s+)\d.*$"
    r"|\s+on\s+[A-Z][a-z]{2,8}\.?,?\s+\S*\d.*$"  # "Jane Doe on September 21, 2020"
    r"|\s+on\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$",  # "jdoe on Fri" (", 2019-01-04" split off)
    re.IGNORECASE,
)
# Accounts that sign posts on blogs and CMSs: nobody's name.
NOBODY = {"admin", "administrator", "webmaster", "root", "user", "guest", "unknown", "anonymous", "no author",
          "posted"}  # fmt: skip
# A social handle beside a name ("Jane Doe @janedoe"): not part of the name.
HANDLE_RE = re.compile(r"(?:^|\s)@\w+")
# "and" between two names, in the languages of the bylines we meet.
NAME_JOINER_RE = re.compile(
    r"\s*(?:,|;|&|·|/|\||\s\(?(?:with|avec|mit|con)\s|\s(?:and|und|og|och|et|y|e|en)\s)\s*"
)
# A web address on a byline, bracketed or not: a link to the author's page, not a name.
URL_IN_BYLINE_RE = re.compile(r"\(?\s*https?://\S+?\s*(?:\)|$|(?=\s))")
# Another role credited on the byline, after the author's name: cut with all that follows.
ROLE_TAIL_RE = re.compile(
    r"\s+(?:Edited|Photos?|Photographs|Photography|Illustrations?|Graphics|Video|Additional reporting)"
    r"\s+by\b.*$",
    re.IGNORECASE,
)
# Degrees and licences printed after a name, split off by its comma ("Brenda Goodman, MA").
CREDENTIALS = {"MA", "MD", "PhD", "Ph.D.", "MS", "MSc", "BSc", "RN", "MPH", "DO", "DDS", "JD", "MBA",
               "CPA", "DVM", "PharmD", "LCSW", "RD"}  # fmt: skip
# A short tag after a name: a reporter's initials or handle, an agency ("Jane Doe (jd)", "(dpa)").
NAME_TAG_RE = re.compile(r"\s*\([^()]{1,12}\)$")


# The lowercase words inside people's names ("Ursula von der Leyen", "Luiz Inácio da Silva").
NAME_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "da", "di", "do", "dos", "du",
                  "la", "le", "al", "el", "bin", "ibn", "y", "zu", "ter", "ten", "af", "av"}  # fmt: skip


def looks_like_a_person(name: str) -> bool:
    """Two to five words, none lowercase but a particle, no digit, no label colon: "Dr. Max
    Kolter", not an agency ("APA", "dpa"), a label ("Quelle: sid") or a sentence ("… writes from
    …"). Scripts without case (Chinese, Japanese) pass on the word count alone."""
    words = name.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() or ch in ":：" for ch in name):
        return False
    return all(not w[0].islower() or w in NAME_PARTICLES for w in words) and not words[0][0].islower()


def split_names(text: str) -> list[str]:
    """'By Jane Doe and John Roe' / 'Autor: A und B' / '홍길동·김철수 기자' -> separate names.

    Lead words, job titles and initials in brackets after a name are dropped.
    """
    text = tidy_text(text) or ""
    text = _unless_empty(ROLE_TAIL_RE.sub, text)  # "Rob Ewaschuk Edited by Betsy Beyer"
    text = BYLINE_LEAD_RE.sub("", text)  # after: "Rob Ewaschuk Edited by" is no lead
    text = URL_IN_BYLINE_RE.sub("", text)  # "Bradley M. Kuhn (http://ebb.org/bkuhn/)"
    text = _unless_empty(BYLINE_DATE_RE.sub, re.sub(r"\S+@\S+", "", text))
    names = []
    parts = NAME_JOINER_RE.split(text)
    for part in parts:
        if "*" in part or not part.strip():
            continue  # a comment form's label ("Name *"), or nothing
        named = NAME_TRAILER_RE.sub("", part).strip()
        if not named and len(parts) > 1:
            continue  # a date or a number among the names ("Jane Doe, 07. Dezember, 2022")
        unhandled = HANDLE_RE.sub("", named or part).strip()
        if unhandled != (named or part).strip() and len(unhandled.split()) < 2:
            continue  # a handle with a button's word ("Follow @janedoe"): no name printed
        part = unhandled.strip(" —–-|:;,•")
        if part.endswith(")") and "(" not in part:  # the close of "(with A and B)"
            part = part[:-1].rstrip()
        part = KOREAN_TITLE_RE.sub("", part.strip())
        part = KOREAN_DATELINE_RE.sub("", part)
        part = NAME_TAG_RE.sub("", part)
        if part.casefold() in NOBODY or BYLINE_LEAD_RE.match(part + " x") or part in CREDENTIALS:
            continue  # an account, or the lead word alone ("von" in an element of its own)
        if part and len(part) <= 60 and not part.lower().startswith("http") and not DESK_RE.search(part):
            names.append(part)
    return names


# A Korean reporter's title after the name: "기자", "선임기자", "특파원", "에디터".
KOREAN_TITLE_RE = re.compile(r"\s*(?:선임|수석|전문|객원)?(?:인턴기자|기자|특파원|논설위원|통신원|에디터)$")
# The place a Korean byline is filed from, before the name: "서울=이정준 기자", "스포츠조선=선수민".
KOREAN_DATELINE_RE = re.compile(r"^[^\W\d_]{1,12}\s*=\s*(?=[가-힣]{2,4}$)")
# A Korean newsroom desk signs where no reporter does: "보도국", "온라인뉴스팀", "디지털뉴스부". A
# desk is nobody's name. (English desks, "Newsdesk", "MND Staff", stay: readers and the data
# sets we measure on credit them as the author.)
DESK_RE = re.compile(
    r"^[가-힣]{0,6}(?:뉴스|보도|편집|취재|온라인|디지털|사회|정치|경제|국제|문화|스포츠)(?:국|팀|부|본부|센터|데스크)$",
    re.IGNORECASE,
)


def _unless_empty(cut, text: str) -> str:
    """`text` with a trailer cut off, unless nothing would be left: a name filed as `1e3` or
    `2024-06-04` is the publisher's, however odd, and is kept as filed."""
    return cut("", text).strip() or text


EMAIL_ONLY_RE = re.compile(r"\s*(?:mailto:)?[\w.+-]+@[\w-]+\.[\w.-]+\s*")
# Yoast SEO, on a large share of WordPress sites, names the author in its Twitter card data.
WRITTEN_BY_RE = re.compile(
    r"^(?:Written by|Verfasst von|Geschrieben von|Escrito por|Écrit par|Scritto da)$", re.I
)


def written_by(tree: lxml_html.HtmlElement) -> str | None:
    """The author that SEO plugins put in `twitter:misc:Written by` or `twitter:label1`/`data1`."""
    index = _meta_index(tree)
    for (attr, key), content in index.items():
        if key.startswith("twitter:misc:") and WRITTEN_BY_RE.match(key[len("twitter:misc:") :]):
            return content
        if key.startswith("twitter:label") and WRITTEN_BY_RE.match(content):
            data = index.get((attr, "twitter:data" + key[len("twitter:label") :]))
            if data:
                return data
    return None


# Elements that hold a byline, by the class names and attributes common across the web; none
# inside a reader comment (itemprop=comment, a class starting "comment"), whose author line
# names the commenter.
NOT_IN_A_COMMENT = (
    '[not(ancestor-or-self::*[@itemprop="comment"'
    ' or contains(concat(" ", normalize-space(@class)), " comment")])]'
)
BYLINE_XPATHS = tuple(
    xpath + NOT_IN_A_COMMENT
    for xpath in (
        '*[@rel="author"]',
        '*[@itemprop="author"][not(self::meta or self::link)]',
        '*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
        '*[contains(translate(@class, "AUTHOR", "author"), "author") and not(self::meta)]'
        '[not(descendant::*[contains(translate(@class, "AUTHOR", "author"), "author")])]',
        '*[contains(@class, "reporter") or contains(@class, "writer")]',
        # "pb-byline", "c-article-byline": the byline word inside a longer class name.
        '*[contains(translate(@class, "BYLINE", "byline"), "byline")]'
        '[not(descendant::*[contains(translate(@class, "BYLINE", "byline"), "byline")])]',
    )
)


# A link to an author's page under the headline ("von <a href=/autoren/name/…>Dr. Max Kolter</a>"):
# the path words of CMSs in English, German, Spanish, Portuguese, French.
AUTHOR_LINK_XPATH = etree.XPath(
    "(//h1)[1]/following::a[contains(@href, '/author') or contains(@href, '/autor')"
    " or contains(@href, '/auteur')]"
)


def visible_authors(tree: lxml_html.HtmlElement, text: str) -> list[str]:
    """Bylines printed on the page: rel=author, byline classes, Korean `OOO 기자`.

    Each kind is looked for under the headline first: teasers for other stories above it
    (menus, top stories) carry their own author lines.
    """
    for xpath in BYLINE_XPATHS:
        for scope in ("(//h1)[1]/following::", "//"):
            names = _byline_names(tree.xpath(scope + xpath)[:3])
            if names:
                return names
    korean = korean_bylines(text[:4000])
    if korean:
        return korean[:3]
    linked = [" ".join(a.text_content().split()) for a in AUTHOR_LINK_XPATH(tree)[:3]]
    linked = [name for name in linked if looks_like_a_person(name)]
    if linked:
        return _unique(linked)
    for line in text.splitlines()[:200]:
        match = ENGLISH_BYLINE_RE.match(line)
        if match:
            return split_names(match.group(1))
    return []


# Text for screen readers only ("Skip to content", "기사 본문 영역", a brand's name behind its
# logo): the accessibility classes of Bootstrap, WordPress, Tailwind and Korean portals, as
# whole class names or after a utility prefix ("u-visually-hidden"); not Tailwind's
# "not-sr-only" (which shows what "sr-only" hid) or "visually-hidden-focusable" (a skip link).
SCREEN_READER_CLASSES = ("blind", "screen_out", "sr-only", "screen-reader-text", "visually-hidden")
_CLASSES = "concat(' ', normalize-space(@class), ' ')"
SCREEN_READER_CLASS = (
    "("
    + " or ".join(
        f"contains({_CLASSES}, '{lead}{name} ')" for name in SCREEN_READER_CLASSES for lead in " -_"
    )
    + f") and not(contains({_CLASSES}, ' not-sr-only '))"
)
# The same test in Python, for a walk of the whole page (one XPath of fifteen tests per element
# costs more than a substring test, then this, on the few elements it finds).
SCREEN_READER_TOKEN_RE = re.compile(rf"(?:^|[-_])(?:{'|'.join(map(re.escape, SCREEN_READER_CLASSES))})$")
SCREEN_READER_CANDIDATES_XPATH = etree.XPath(
    "//*[@class][contains(@class, 'blind') or contains(@class, 'sr-only') or contains(@class, 'screen')"
    " or contains(@class, 'visually-hidden')]"
)


def screen_reader_labels(tree: lxml_html.HtmlElement) -> list:
    """The page's elements of a screen-reader-only class (SCREEN_READER_CLASS, in Python)."""
    labels = []
    for element in SCREEN_READER_CANDIDATES_XPATH(tree):
        tokens = (element.get("class") or "").split()
        if "not-sr-only" not in tokens and any(SCREEN_READER_TOKEN_RE.search(t) for t in tokens):
            labels.append(element)
    return labels


PRINTED_TEXT_XPATH = etree.XPath(f".//text()[not(ancestor::*[{SCREEN_READER_CLASS}])]")


def _byline_names(nodes: list) -> list[str]:
    """Names from the first of the byline elements that holds any (its printed text: a logo's
    label for screen readers is no name)."""
    for node in nodes:
        value = " ".join("".join(PRINTED_TEXT_XPATH(node)).split())
        korean = korean_bylines(value)
        if korean:
            return _unique(korean)
        if 2 < len(value) < 120:
            names = split_names(value)
            if names:
                return names
    return []


# A sign-off: the author's or source's name alone on the article's last lines ("IN-Redaktion",
# "Wochenblatt / Última Hora"): capitalised words, no sentence, no date.
SIGN_OFF_RE = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*)(?:\s*(?:[/,&]|\s)\s*[A-ZÀ-ÖØ-Þ][\w.'’-]*){0,4}$")


def sign_off(body_html: str | None, site_names: list[str]) -> list[str]:
    """Names signed at the end of the article, among its last three paragraphs (an appeal for
    donations or an advert may follow): a paragraph of them alone, set in italics, or
    after the outlet's own name ("Wochenblatt / Última Hora"). A plain short last line is as
    often a heading or a greeting."""
    if not body_html:
        return []
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for paragraph in list(root.iterchildren("p"))[-3:][::-1]:
        line = " ".join(paragraph.text_content().split())
        if len(line) > 40 or not SIGN_OFF_RE.match(line) or any(ch.isdigit() for ch in line):
            continue
        parts = [part for part in (p.strip() for p in re.split(r"\s*[/,&]\s*", line)) if part]
        alone = len(paragraph) == 1 and not (paragraph.text or "").strip()
        emphasised = alone and paragraph[0].tag in EMPHASIS
        outlet = "/" in line and any(fold(p) in site_names for p in parts)
        if emphasised or outlet:
            return parts
    return []


# Italics set a sign-off apart; a bold line alone is a heading ("Links", "Fazit").
EMPHASIS = {"i", "em"}


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
