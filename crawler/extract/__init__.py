"""The extraction callable: HTML text, URL, optional source -> the article's fields.

One plain function, the same code the spider, the benchmark and the probe run. The page is
parsed once; structured metadata (JSON-LD, OpenGraph, meta) wins over what is visible.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from crawler.extract import metadata as md
from crawler.extract.body import extract_parts, middle_of, reshape, select
from crawler.extract.dates import (
    DOTTED_DATE_RE,
    NUMERIC_DATE_RE,
    find_labelled_dates,
    first_date_in,
    local_date_in,
    parse_date,
)
from crawler.extract.state import embedded_state, state_article
from crawler.sources import Source
from crawler.text import fold as _fold
from crawler.text import plain_text, tidy_text
from crawler.urls import is_article_canonical, site_of

HANGUL_RE = re.compile(r"[가-힣]")
# Where a source sets no time zone, dates printed without offset are read in its language's.
# Languages whose readers live, nearly all, in one time zone (not en, es, pt, fr, ru, ar: spread
# over continents; their pages need a country in their locale, or the source's `timezone`).
LANGUAGE_ZONES = {
    "ko": "Asia/Seoul", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "vi": "Asia/Ho_Chi_Minh",
    "de": "Europe/Berlin", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw",
    "cs": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "sv": "Europe/Stockholm",
    "da": "Europe/Copenhagen", "nb": "Europe/Oslo", "nn": "Europe/Oslo", "no": "Europe/Oslo",
    "fi": "Europe/Helsinki", "el": "Europe/Athens", "tr": "Europe/Istanbul", "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia", "hr": "Europe/Zagreb", "sl": "Europe/Ljubljana", "is": "Atlantic/Reykjavik",
    "he": "Asia/Jerusalem", "th": "Asia/Bangkok",
}  # fmt: skip


def extract_article(
    html: str | bytes, url: str, source: Source | None = None, trace: dict[str, str] | None = None
) -> dict[str, Any]:
    """The article's fields (the keys of `crawler.items.Article`) from one page.

    Given a `trace` dict, it is filled with the signal each field came from (`scrapy probe`
    prints it); without one nothing extra is done.
    """
    source = source or Source(name="url")
    tree = parse_html(html, url)
    if tree is None:
        return {"url": url}
    ld = md.json_ld_article(tree)
    states = embedded_state(tree)
    for junk in tree.xpath("//script[not(@type='application/ld+json')]|//style"):
        junk.drop_tree()
    _drop_noscript(tree)
    text = functools.cache(lambda: _visible_text(tree))  # most pages never need it
    names = _site_names(tree, ld, url)
    title = _title(tree, ld, source, names, trace)
    reference = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None
    # The page's own summaries (JSON-LD, OpenGraph, meta): the description; the standfirst's text.
    summaries = [md.ld_text(ld.get("description"))] + [
        md.meta_content(tree, name) for name in ("og:description", "description", "twitter:description")
    ]
    standfirst, body = extract_parts(
        tree, url, source.selectors.get("body"), _headlines(tree, ld, title), reference, summaries
    )
    if trace is not None:
        trace["body"] = "source selector" if "body" in source.selectors else "main text (trafilatura)"
    from_state_article = state_article(states) if states else {}
    if from_state_article and "body" not in source.selectors:
        from_state = _state_body(from_state_article, title)
        if from_state and len(plain_text(from_state) or "") > 2 * len(plain_text(body or "") or ""):
            body = from_state
            standfirst = tidy_text(md.unescape_all(from_state_article.get("standfirst"))) or standfirst
            _traced(trace, "body", "embedded page state (client-rendered page)")

    language = _language(tree, body or text(), source)
    languages = list(
        dict.fromkeys([language or "en", source.language or "en", *_script_languages(body or ""), "en"])
    )
    served = functools.cache(lambda: parse_html(html, url))  # scripts and all, for htmldate
    published, modified = _dates(tree, served, ld, text, source, languages, trace, url)
    image = _image(tree, ld, body, url, trace)
    section = md.ld_text(ld.get("articleSection")) or tidy_text(
        md.meta_content(tree, "article:section", "section", "og:section")
    )
    return {
        "url": _canonical(tree, url),
        "title": title,
        "authors": _authors(
            tree, ld, text, trace, names, from_state_article.get("bylines") or [], body
        ),
        "published": published.isoformat() if published else None,
        "modified": modified.isoformat() if modified else None,
        "language": language,
        "image": image,
        "description": next((tidy_text(s) for s in summaries if s), None),
        "section": section,
        "categories": [source.map_category(section)],
        "keywords": _keywords(tree, ld),
        "standfirst": standfirst,
        "body_html": body,
    }


def _drop_noscript(tree) -> None:
    """Drop what the page shows only without JavaScript (an "enable JavaScript" notice, a
    tracking pixel), but keep the content of a <noscript> that holds text found nowhere else on
    the page: Blogger and other script-rendered themes print the post there for readers without
    scripts. And a <noscript> holding most of the page is a parse accident: `<noscript><div
    id=nojs></noscript>` opens a div the parser closes only at the end of the page (a browser
    running scripts reads that markup as text), with the article inside it."""
    page_text = functools.cache(lambda: " ".join(tree.text_content().split()))
    for element in tree.xpath("//noscript"):
        text = " ".join(element.text_content().split())
        if len(text) <= NOSCRIPT_TEXT_MIN:
            element.drop_tree()
        elif len(text) * 2 > len(page_text()) or page_text().count(middle_of(text)) == 1:
            element.drop_tag()
        else:
            element.drop_tree()


NOSCRIPT_TEXT_MIN = 500  # characters: more than a notice


# Comments go at parse time: React pages put `<!-- -->` inside sentences, and trafilatura
# handed a tree with comment nodes drops the text that follows them.
PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)


def _state_body(article: dict, title: str | None) -> str | None:
    """The body a client-rendered page keeps in its embedded state, as paragraphs."""
    fragment = "".join(f"<p>{text}</p>" for text in article["paragraphs"])
    try:
        return reshape(lxml_html.fromstring(f"<div>{fragment}</div>"), title)
    except (etree.ParserError, ValueError):
        return None


def parse_html(html: str | bytes, url: str) -> lxml_html.HtmlElement | None:
    """An lxml tree of the page, or None for an empty or unparsable one."""
    if isinstance(html, bytes):
        html = decode_html(html)
    if not html or not html.strip():
        return None
    html = XML_DECLARATION_RE.sub("", html, count=1)
    html = CONTROL_CHARACTER_RE.sub("", CONTROL_REFERENCE_RE.sub("", html))
    try:
        return lxml_html.document_fromstring(html, parser=PARSER, base_url=url)
    except (etree.ParserError, ValueError):
        return None


# `<?xml version="1.0" encoding="iso-8859-1"?>` before the page: lxml refuses a decoded string
# that carries an encoding declaration, and the page would lose every field.
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# Numeric references to C0 control characters (`&#14;`, `&#x1F;`): no text holds them, and one
# in an attribute makes lxml refuse the extracted tree, the whole body with it. Soft hyphens
# (U+00AD, `&shy;`) are line-break hints, not text.
CONTROL_REFERENCE_RE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])(?!\d)|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])(?![0-9a-fA-F]));?"
)
# The same characters written literally (and U+FFFE, U+FFFF, which XML forbids too): the parser
# keeps them in the tree, trafilatura's output tree then refuses them and the body comes out empty.
CONTROL_CHARACTER_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Page bytes as text: valid UTF-8 is UTF-8 whatever the page declares, else its charset.

    Pages that declare ISO-8859-1 but are UTF-8 come out as `sanciÃ³n` when the declaration
    is believed; EUC-KR bytes are never valid UTF-8, so they reach the declared charset.
    """
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    return html_to_unicode(content_type, data)[1]


def _visible_text(tree) -> str:
    """The text a reader sees, line by line: where bylines and labelled dates are looked for.

    Computed only when structured data lacks a date or an author (a walk of the whole page).
    """
    if tree.find("body") is None:
        return "\n".join(t.strip() for t in tree.itertext() if t.strip())
    # XPath skips the whitespace-only nodes in C: a third of the cost of itertext() on a news page.
    return "\n".join(line for line in (t.strip() for t in BODY_TEXT_NODES(tree)) if line)


BODY_TEXT_NODES = etree.XPath("//body//text()[normalize-space()][not(parent::script)]", smart_strings=False)


def _title(tree, ld: dict, source: Source, names: list[str], trace: dict | None = None) -> str | None:
    """The headline: a source's selector, else the first of JSON-LD, OpenGraph, Twitter, h1, <title>.

    JSON-LD's headline is the one the publisher files with the article; og:title and <title>
    often carry the site's name, which is cut off (` | Site`, ` - site.com`).
    """
    if "title" in source.selectors:
        nodes = select(tree, source.selectors["title"])
        if nodes:
            _traced(trace, "title", "source selector")
            return tidy_text(nodes[0].text_content() if hasattr(nodes[0], "text_content") else str(nodes[0]))
    tail = _title_tail(tree, names)
    names = names + tail
    headings = [
        PERMALINK_MARK_RE.sub("", tidy_text(h.text_content()) or "")
        for h in tree.xpath("//h1")
        if not _is_site_heading(h, names)
    ]
    printed = set(headings)
    headings = [h for h in headings if h and 5 <= len(h) <= 300]
    candidates = [
        md.ld_text(ld.get("headline")) or md.ld_text(ld.get("name")),
        md.meta_content(tree, "og:title"),
        md.meta_content(tree, "twitter:title"),
        headings[0] if headings else None,
        tree.findtext(".//title"),
    ]
    cleaned = [_strip_site_name(md.unescape_all(c), names) for c in candidates]
    ld_name = md.ld_text(ld.get("name"))
    if headings and ld_name and _fold(ld_name) == _fold(headings[0]) != _fold(cleaned[0] or ""):
        _traced(trace, "title", "<h1> (agrees with the JSON-LD name; its headline is a description)")
        return headings[0]
    for heading in headings:  # the printed headline, where the filed one agrees with it
        if cleaned[0] and _fold(heading) == _fold(cleaned[0]) and len(heading) >= len(cleaned[0]):
            _traced(trace, "title", "<h1> (agrees with JSON-LD headline)")
            return _without_kicker(heading, cleaned[1:3], trace)
    for label, value in zip(TITLE_SIGNALS, cleaned, strict=True):
        # A signal of one or two characters is junk unless the page prints it as its <h1>
        # (a headline of punctuation, `..` or `?!`, over a real body).
        if value and (len(value) >= 3 or value in printed):
            if label == "<h1>" and _is_section_banner(tree, value, cleaned[4]):
                _traced(trace, "title", "<title> (printed as a heading under a section's <h1>)")
                return cleaned[4]
            _traced(trace, "title", label)
            return _without_kicker(value, cleaned[1:3], trace)
    return None


def _title_tail(tree, names: list[str]) -> list[str]:
    """What the document title adds after the headline ("Headline — Site", "Headline : 31.10.2023,
    10.19 Uhr"), folded, where the page prints the part before it as a heading of its own: it is
    no part of the headline, and an <h1> of it is the site's name printed atop the page. A
    title led by the site's name ("Site » Headline") adds the headline itself: nothing then."""
    match = SITE_SUFFIX_RE.match(tidy_text(tree.findtext(".//title")) or "")
    if not match:
        return []
    head, tail = _fold(match["head"]), _fold(match["tail"])
    printed = {_fold(h.text_content()) for h in tree.xpath("//h1|//h2")}
    return [tail] if head in printed and head not in names and len(tail) >= 2 else []


# A permalink mark after a heading's text (Sphinx's "¶", a spaced "#" anchor): not the
# headline's. "C#" keeps its sign.
PERMALINK_MARK_RE = re.compile(r"(?:\s*[¶§]|\s+#)$")


def _is_section_banner(tree, heading: str, document_title: str | None) -> bool:
    """Whether the <h1> names a section ("Allergies Health Center") while the article's own
    headline, the document's <title>, is printed below it as an <h2> or <h3>."""
    if not document_title or _fold(document_title) == _fold(heading):
        return False
    wanted = _fold(document_title)
    return any(_fold(h.text_content()) == wanted for h in tree.xpath("//h2|//h3"))


def _is_site_heading(heading, names: list[str]) -> bool:
    """Whether an <h1> is the site's name, as blog and CMS themes print it atop every page:
    it names the site (og:site_name, the host), or it is a link to the home page."""
    text = _fold(heading.text_content())
    if not text:
        return False  # a headline of punctuation ("..", "?!") names no site
    if text in names:
        return True
    links = heading.xpath(".//a[@href]")
    home = any(_is_home_link(link.get("href")) for link in links)
    return home and _fold("".join(a.text_content() for a in links)) == text


def _is_home_link(href: str | None) -> bool:
    parts = urlsplit((href or "").strip())
    return parts.path in ("", "/") and not parts.query and not parts.fragment


# "Kicker: Headline", "«Kicker»: Headline", "Kicker | Headline": a short lead-in before the headline.
KICKER_RE = re.compile(r"^(?P<kicker>.{2,60}?)\s*[:：|]\s+(?P<rest>.+)$")


def _without_kicker(title: str, social: list[str | None], trace: dict | None = None) -> str:
    """The headline without the kicker (topic line) that some sites print before it.

    Only where the page's own og:title or twitter:title is exactly the rest after the kicker:
    the publisher says there which part is the headline proper.
    """
    match = KICKER_RE.match(title)
    if match and any(s and _collapse(s) == _collapse(match["rest"]) for s in social):
        _traced(trace, "title", "og:title (the headline without its kicker)")
        return _collapse(match["rest"])
    return title


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _headlines(tree, ld: dict, title: str | None) -> list[str]:
    """Every form of the headline the page gives: the body drops a line repeating any of them."""
    values = [title, md.ld_text(ld.get("headline")), md.meta_content(tree, "og:title")]
    values += [h.text_content() for h in tree.xpath("//h1")[:2]]
    return [t for t in (tidy_text(md.unescape_all(v)) for v in values) if t]


TITLE_SIGNALS = ("JSON-LD headline", "og:title", "twitter:title", "<h1>", "<title>")


def _traced(trace: dict | None, field: str, signal: str) -> None:
    """Record where a field came from, when the caller asked (`scrapy probe`)."""
    if trace is not None:
        trace[field] = signal


# "Headline | Site", "Headline - site.com", "Headline – Section – Site", "見出し：サイト": the last
# segment goes when it names the site (full-width marks need no spaces around them).
SITE_SUFFIX_RE = re.compile(r"^(?P<head>.*\S)(?:\s+[|–—\-:·»]\s+|\s*[：｜]\s*)(?P<tail>[^|–—：｜]{2,60})$")


def _site_names(tree, ld: dict, url: str) -> list[str]:
    publisher = ld.get("publisher")
    names = [
        md.meta_content(tree, "og:site_name", "application-name", "apple-mobile-web-app-title"),
        md.ld_text(publisher) if isinstance(publisher, (dict, str)) else None,
    ]
    host = site_of(urlsplit(url).hostname)
    names += [host, host.split(".")[0]]
    return [f for f in (_fold(n) for n in names if n) if len(f) >= 2]


# "Site :: Headline", "Site | Headline", "Site » Headline": the site's name printed before the headline.
SITE_PREFIX_RE = re.compile(r"^(?P<head>[^|:：»›]{2,40}?)\s*(?:::|\||»|›)\s*(?P<rest>\S.{4,})$")


def _strip_site_name(title: str | None, names: list[str]) -> str | None:
    title = tidy_text(title)
    prefix = SITE_PREFIX_RE.match(title or "")
    if (
        prefix
        and len(prefix["rest"]) > len(prefix["head"])
        and any(name in _fold(prefix["head"]) for name in names)
        and not any(name in _fold(prefix["rest"]) for name in names)
    ):
        title = prefix["rest"]
    for _ in range(2):  # "Headline | Section | Site"
        match = SITE_SUFFIX_RE.match(title or "")
        if not match:
            break
        tail = _fold(match["tail"])
        named = any(name == tail or name in tail or (tail and tail in name) for name in names)
        piped = (
            "|" in title[len(match["head"]) :] and len(match["head"]) >= 20
        )  # pipes rarely sit in headlines
        if not (named or piped):
            break
        title = match["head"]
    return title


def _canonical(tree, url: str) -> str:
    """The canonical URL, unless it points to a home page or another site."""
    for candidate in tree.xpath('//link[@rel="canonical"]/@href') + [md.meta_content(tree, "og:url") or ""]:
        candidate = md.absolute(candidate, url)
        if candidate and is_article_canonical(candidate, url):
            return candidate
    return url


def _dates(
    tree,
    served: Callable[[], Any],
    ld: dict,
    text: Callable[[], str],
    source: Source,
    languages: list[str],
    trace: dict | None = None,
    url: str = "",
):
    zone = source.timezone or _page_zone(tree) or LANGUAGE_ZONES.get(languages[0], "UTC")

    def parse(value):
        return parse_date(value, zone, languages, source.date_order)

    if "date" in source.selectors:
        nodes = select(tree, source.selectors["date"])
        if nodes:
            node = nodes[0]
            value = node if isinstance(node, str) else (node.get("datetime") or node.text_content())
            found = parse(value)
            if found:
                _traced(trace, "published", "source selector")
                return found, parse(md.ld_text(ld.get("dateModified")))
    published = parse(md.ld_text(ld.get("datePublished")) or md.ld_text(ld.get("dateCreated")))
    if published:
        _traced(trace, "published", "JSON-LD datePublished")
        meta = parse(md.meta_content(tree, "article:published_time", "og:published_time"))
        printed = functools.cache(lambda: _printed_days(tree, text(), parse))
        if meta and meta.date() != published.date() and _local_day(meta, zone) in printed() and (
            _local_day(published, zone) not in printed()
        ):
            # JSON-LD and OpenGraph disagree on the day (a story republished, one of them kept
            # from the first version): the one the page prints is the page's.
            published = meta
            _traced(trace, "published", "meta article:published_time (the day the page prints)")
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
            "citation_publication_date",  # Highwire Press tags: journals, papers, reviews
            "citation_date",
            "sailthru.date",
            "parsely-pub-date",
            "article.published",
        )  # fmt: skip
    )
    if published and trace is not None and "published" not in trace:
        _traced(trace, "published", "meta (article:published_time or alike)")
    modified = parse(md.ld_text(ld.get("dateModified"))) or parse(
        md.meta_content(tree, "article:modified_time", "og:updated_time", "dateModified")
    )
    labelled_published = labelled_modified = None
    if published is None or modified is None:
        labelled_published, labelled_modified = find_labelled_dates(
            text(), published=published is None, modified=modified is None
        )
    if published is None:
        for element in TIME_OUTSIDE_TEASERS_XPATH(tree)[:1]:
            value = element.get("datetime")
            # Not machine-readable ("01-11-2023 10:29": which is the month?): the printed text says.
            published = (not ISO_START_RE.match(value) and parse(element.text_content())) or parse(value)
            if published:
                _traced(trace, "published", "<time datetime>")
    if published is None and labelled_published:
        published = parse(labelled_published)
        if published:
            _traced(trace, "published", "labelled date in the text (입력, Published ...)")
    if published is None:
        published = parse(first_date_in(text()))
        if published:
            _traced(trace, "published", "first date in the text")
    if published is None:
        published = parse(_htmldate(served(), url))
        printed = parse(local_date_in(text()))  # 01.11.2023 11:35, 15 августа 2016
        if published and printed and printed.date() == published.date():
            published = printed  # the day htmldate chose, with the time the page prints beside it
        elif printed and not published:
            published = printed
        if published:
            _traced(trace, "published", "htmldate (markup search)")
    if modified is None and labelled_modified:
        modified = parse(labelled_modified)
    if modified and published and modified < published:
        modified = None
    return published, modified


LOCALE_COUNTRY_RE = re.compile(r"^[a-z]{2,3}[-_]([A-Za-z]{2})$")


# <time datetime> of the page, not of a teaser for another story: a list item or an <article>
# whose heading links elsewhere and that holds neither the headline nor paragraphs of text.
TIME_OUTSIDE_TEASERS_XPATH = etree.XPath(
    "//time[not(ancestor::*[self::li or self::article][not(.//h1)][count(.//p) < 3]"
    "[.//h2//a or .//h3//a or .//h4//a or .//a//h2 or .//a//h3 or .//a//h4])][@datetime]"
)
ISO_START_RE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _page_zone(tree) -> str | None:
    """The time zone of the country the page's locale names (`de-AT`, `og:locale` `is_IS`).

    Only a country whose zones all keep one offset gives one: a time printed without offset
    on a page of the United States or Russia stays unplaced.
    """
    for locale in (md.meta_content(tree, "og:locale"), tree.get("lang")):
        match = LOCALE_COUNTRY_RE.match((locale or "").strip())
        if match:
            return country_zone(match[1].upper())
    return None


@functools.cache
def country_zone(country: str) -> str | None:
    """The zone of a country whose zones keep one offset, winter and summer (pytz's table)."""
    import pytz  # installed with dateparser, which reads its zone names

    zones = pytz.country_timezones.get(country) or []
    for day in (WINTER_DAY, SUMMER_DAY):
        if len({ZoneInfo(zone).utcoffset(day) for zone in zones}) > 1:
            return None
    return zones[0] if zones else None


WINTER_DAY, SUMMER_DAY = datetime(2024, 1, 15), datetime(2024, 7, 15)


def _printed_days(tree, text: str, parse: Callable) -> set:
    """The days the page prints: numeric dates in its text (2023-11-06, 06.11.2023) and the
    printed text of its <time> elements that are not teasers' ("6. November 2023")."""
    found = [m.group(0) for rx in (NUMERIC_DATE_RE, DOTTED_DATE_RE) for m in rx.finditer(text)][:30]
    days = {d.date() for d in map(parse, found) if d}
    for element in TIME_OUTSIDE_TEASERS_XPATH(tree)[:5]:
        printed = parse(" ".join(element.text_content().split())[:60])
        if printed:
            days.add(printed.date())
    return days


def _local_day(moment: datetime, zone: str):
    return moment.astimezone(ZoneInfo(zone)).date()


def _htmldate(tree, url: str) -> str | None:
    """Last resort for pages that print only `06.01.2026` or `1 April 2025`: htmldate's markup search.

    Its extensive search is left off: it guesses from copyright years and stray numbers, and
    a page with no usable date must stay without one. Runs only when nothing else was found.
    Given the URL, it also reads a date the path carries (`/2021/10/20/`). It gets the page as
    served, scripts included: a client-rendered page keeps its dates in embedded state only.
    """
    import htmldate  # trafilatura's own date finder, installed with it

    try:
        return htmldate.find_date(
            copy.deepcopy(tree),
            url=url or None,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S",
        )
    except ValueError:
        return None


def _authors(
    tree,
    ld: dict,
    text: Callable[[], str],
    trace: dict | None = None,
    site_names: list[str] = (),
    state_bylines: list[str] = (),
    body: str | None = None,
) -> list[str]:
    """JSON-LD authors, else meta author, else the byline printed on the page or kept in its state.

    A JSON-LD author that names only organizations (the paper itself, often) comes last: a
    reporter's byline on the page says more, and the organization stands in where there is none.
    So does the outlet's own name filed as the author where the page credits a reporter.
    """
    filed = md.ld_people(ld.get("author")) or md.ld_people(ld.get("creator"))
    people = md.ld_people(ld.get("author"), organizations=False) or md.ld_people(
        ld.get("creator"), organizations=False
    )
    printed_bylines = functools.cache(lambda: md.visible_authors(tree, text()))
    names, signal = (filed, "JSON-LD author") if people else ([], "")
    if people and all(HANDLE_NAME_RE.fullmatch(name) for name in people):
        # An account filed as the author ("CC7567", "jdoe"): the byline prints the person.
        printed = [n for n in printed_bylines() if md.looks_like_a_person(n)]
        if printed:
            names, signal = printed, "byline in the text (JSON-LD names an account)"
    if not names:
        signal = "meta author"
        names = _meta_authors(tree)
    if not names:
        signal = "byline in the text"
        names = printed_bylines()
    if not names or all(_fold(name) in site_names for name in names):
        credited = [n for byline in state_bylines for n in md.split_names(byline)]
        if names:  # only the outlet's own name: a reporter printed on the page says more
            printed = [
                n for n in printed_bylines()
                if _fold(n) not in site_names and md.looks_like_a_person(n)
            ]  # an agency or a desk printed there is no better than the outlet's name
            credited = credited or printed or md.korean_bylines(text()[:KOREAN_BYLINE_SPAN])
        credited = [n for n in credited if _fold(n) not in site_names]
        if credited:
            names, signal = credited, "reporter credited beside the outlet's own name"
    if not names and filed:
        signal = "JSON-LD author (an organization)"
        names = filed
    if names and not any(md.looks_like_a_person(name) for name in names):
        # An account or a word filed as the author ("israel news", "Nachrichten"): the article
        # signs off with its author or source.
        signed = [n for n in md.sign_off(body, site_names) if _fold(n) not in site_names]
        if signed:
            names, signal = signed, "sign-off at the end of the article"
    if names:
        _traced(trace, "authors", signal)
    return list(dict.fromkeys(n for n in names if n))


KOREAN_BYLINE_SPAN = 4000
# A user account's name: one word with a digit or an underscore, or in lower case only.
HANDLE_NAME_RE = re.compile(r"[^\s]*[\d_][^\s]*|[a-z][a-z.\-]*")


def _meta_authors(tree) -> list[str]:
    """Names from <meta name=author> and alike, else an SEO plugin's "Written by" card data.

    A URL (a profile page) or an e-mail address names nobody, and a value that gives a web
    address ("Web Commerce GmbH www.w-commerce.de") names the agency that built the site.
    """
    for value in (
        md.meta_content(tree, *AUTHOR_METAS),
        md.written_by(tree),
    ):
        if value and not value.startswith("http") and not md.EMAIL_ONLY_RE.fullmatch(value):
            return [] if WEB_ADDRESS_RE.search(value) else md.split_names(value)
    return []


# Meta names that hold the article's author (a CMS's own "articleAuthor" among them).
AUTHOR_METAS = ("author", "article:author", "articleAuthor", "byl", "dc.creator", "sailthru.author")
WEB_ADDRESS_RE = re.compile(r"\bwww\.[\w-]+\.\w{2,}")


def _script_languages(body_html: str) -> list[str]:
    """Languages the body's script suggests, for reading its printed dates ("15 августа 2016")
    where the page declares none: the letters of one script outnumbering Latin ones."""
    sample = body_html[:SCRIPT_SAMPLE]
    latin = len(LATIN_RE.findall(sample))
    floor = max(latin, SCRIPT_LETTERS_MIN)
    return [code for pattern, codes in SCRIPTS if len(pattern.findall(sample)) > floor for code in codes]


SCRIPT_SAMPLE = 3000
SCRIPT_LETTERS_MIN = 50
LATIN_RE = re.compile(r"[A-Za-zÀ-ÿ]")
SCRIPTS = (
    (re.compile(r"[\u0400-\u04ff]"), ("ru", "uk")),
    (re.compile(r"[\u0370-\u03ff]"), ("el",)),
    (re.compile(r"[\u0600-\u06ff]"), ("ar",)),
    (re.compile(r"[\u0590-\u05ff]"), ("he",)),
    (re.compile(r"[\u3040-\u30ff]"), ("ja",)),
    (re.compile(r"[\u0e00-\u0e7f]"), ("th",)),
)


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


def _image(tree, ld: dict, body: str | None, url: str, trace: dict | None = None) -> str | None:
    publisher_logo = (
        md.ld_image((ld.get("publisher") or {}).get("logo"))
        if isinstance(ld.get("publisher"), dict)
        else None
    )
    candidates = [
        _lead_image(tree),
        _largest_version(ld.get("image"), url),
        md.meta_content(tree, "og:image", "og:image:url", "og:image:secure_url"),
        md.meta_content(tree, "twitter:image", "twitter:image:src"),
    ]
    if body:
        candidates += re.findall(r'<img[^>]+src="([^"]+)"', body)[:1]
    for index, candidate in enumerate(candidates):
        candidate = md.absolute(candidate, url)
        if not candidate or urlsplit(candidate).scheme not in ("http", "https"):
            continue
        if "logo" in candidate.lower() or candidate == md.absolute(publisher_logo, url):
            continue
        printed = _printed_version(tree, candidate, url)
        if trace is not None:
            signal = IMAGE_SIGNALS[min(index, len(IMAGE_SIGNALS) - 1)]
            trace["image"] = signal + (" (the page's larger print of it)" if printed != candidate else "")
        return printed
    return None


# The element that marks the article's text (schema.org microdata), where the lead image is printed.
ARTICLE_BODY_XPATH = etree.XPath('//*[@itemprop="articleBody"]')
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "src")
LEAD_TEXT_MIN = 20


def _lead_image(tree) -> str | None:
    """The picture printed at the top of the article's text, before its first sentence.

    Marked by `itemprop="articleBody"`, the text's own first picture is the article's lead
    image, even where the social card (og:image) shows another. A lazy image's real address
    is in its data attribute; its `src` is a placeholder.
    """
    for container in ARTICLE_BODY_XPATH(tree)[:1]:
        for node in container.iter():
            if node.tag == "img":
                return next((node.get(a).strip() for a in LAZY_SOURCES if (node.get(a) or "").strip()), None)
            if isinstance(node.tag, str) and len((node.text or "").strip()) >= LEAD_TEXT_MIN:
                return None
            if len((node.tail or "").strip()) >= LEAD_TEXT_MIN:
                return None
    return None


IMAGE_SIGNALS = (
    "printed at the top of the article's text",
    "JSON-LD image",
    "og:image",
    "twitter:image",
    "first image of the body",
)


# Size marks that CDNs and CMSs put in image names, one name part each: "-706x386", "_M650x433",
# "1200x675_", "_W2040C2040x1360o0x0", "-scaled", WordPress's edit stamp "-e1715708581580",
# "_w1080"; and the "=w700" option of Google's image servers.
SIZE_PART_RE = re.compile(
    r"\w*?\d{2,4}x\d{2,4}\w*|scaled|large|medium|small|thumb|e\d{10,13}|[wh]\d{2,4}", re.I
)
NAME_PART_RE = re.compile(r"[-_]+")
IMAGE_EXTENSION_RE = re.compile(r"(?:\.(?:jpe?g|png|gif|webp|avif|jfif|bmp|tiff?))+$", re.I)
PRINTED_IMAGES_XPATH = etree.XPath(
    "//img/@src|//img/@data-src|//img/@srcset|//img/@data-srcset|//source/@srcset"
)
WIDTH_DESCRIPTOR_RE = re.compile(r"(\d+)[wx]")


def srcset_candidates(value: str) -> list[tuple[str, str]]:
    """(URL, descriptor) pairs of a srcset, parsed as the HTML standard says.

    A candidate's URL is a run of non-space characters and may hold commas (`c_fill,w_400`);
    only a comma after the URL's end, or one that ends the URL itself, separates candidates.
    """
    candidates, position, size = [], 0, len(value)
    while position < size:
        while position < size and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < size and not value[position].isspace():
            position += 1
        url, descriptor = value[start:position], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start, depth = position, 0
            while position < size and (value[position] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[position], 0)
                position += 1
            descriptor = value[start:position].strip()
        if url:
            candidates.append((url, descriptor))
    return candidates


def _printed_version(tree, image: str, url: str) -> str:
    """The version of the social-card image that the page itself prints, at its largest.

    og:image is often a crop made for sharing; the article shows the same picture (same
    file name once size marks are taken out) in <img> or <source> srcsets.
    """
    stem = _image_stem(image)
    if len(stem) < 6:
        return image
    best, best_width = None, -1
    for attribute in PRINTED_IMAGES_XPATH(tree):
        if attribute.attrname.endswith("srcset"):
            candidates = srcset_candidates(attribute)
        else:
            candidates = [(attribute.strip(), "")]
        for candidate, descriptor in candidates:
            if not candidate or _image_stem(candidate) != stem:
                continue
            match = WIDTH_DESCRIPTOR_RE.fullmatch(descriptor)
            width = int(match[1]) if match else _named_width(candidate)
            if width > best_width:
                best, best_width = candidate, width
    found = md.absolute(best, url) if best else None
    return found if found and urlsplit(found).scheme in ("http", "https") else image


def _largest_version(value, url: str) -> str | None:
    """The first JSON-LD image, at the largest of the sizes the list files of that same picture.

    Publishers list one picture in several renditions (`201775214.jpg`, `…_1280.jpg`,
    `…_700.jpg`); the first is not always the largest.
    """
    first = md.ld_image(value)
    if not first or not isinstance(value, list):
        return first
    stem = _image_stem(first)
    versions = [v for v in (md.ld_image(item) for item in value) if v and _image_stem(v) == stem]
    return max(versions, key=_named_width, default=first)


def _image_stem(image: str) -> str:
    """An image's file name without extensions and size marks: the same picture at any size."""
    name = unquote(urlsplit(image).path.rsplit("/", 1)[-1]).split("=", 1)[0]
    name = IMAGE_EXTENSION_RE.sub("", name)
    parts = [part for part in NAME_PART_RE.split(name) if part and not SIZE_PART_RE.fullmatch(part)]
    if len(parts) > 1 and WIDTH_SUFFIX_RE.fullmatch(parts[-1]):
        parts = parts[:-1]  # "201775214_1280": a width after the picture's own name
    return "-".join(parts).lower()


# A bare width as the last part of an image name: "_1280", "-700".
WIDTH_SUFFIX_RE = re.compile(r"\d{3,4}")


def _named_width(image: str) -> int:
    match = re.search(r"(\d{2,4})x\d{2,4}", image) or re.search(
        r"[-_](\d{3,4})(?:\.\w{3,4})?(?:[?#]|$)", urlsplit(image).path
    )
    return int(match[1]) if match else 0


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
