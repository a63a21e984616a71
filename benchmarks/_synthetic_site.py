"""A deterministic synthetic news site for the crawl benchmark, written to a folder.

Four sources the way Korean and English outlets really ship them: big pages (50-150 KB)
that are mostly navigation, scripts, related links, sidebars and comments around a few KB
of article text; JSON-LD without `articleBody`; one Korean source in EUC-KR that declares
its charset only in a <meta> tag; RSS, Atom, a sitemap index, a Google News sitemap and
listing pages as entry points. The same size and port always give the same bytes, so two
runs of the benchmark crawl the same site.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

KST = timezone(timedelta(hours=9))
NEWEST = datetime(2024, 6, 7, 18, 0, tzinfo=KST)  # article 0; each next one is 7 minutes older
# The sources file maps each site's sections to our categories, as operators do.
CATEGORIES = {"정치": "Politics", "경제": "Business", "사회": "Society", "국제": "World", "문화": "Culture",
              "IT·과학": "Tech", "지역": "Local", "스포츠": "Sports", "오피니언": "Opinion"}  # fmt: skip
FEED_SIZE = 50  # feeds list the newest entries only, as real ones do
SITEMAP_CHUNK = 1000  # URLs per child sitemap of a sitemap index
LISTING_CHUNK = 200  # article links per listing page


@dataclass(frozen=True)
class SiteSource:
    name: str
    title: str  # the outlet's name, printed in titles and JSON-LD
    language: str  # "ko" or "en"
    encoding: str  # how its pages are encoded on the wire
    sections: tuple[str, ...]


SOURCES = (
    SiteSource("hanbit", "한빛일보", "ko", "utf-8", ("정치", "경제", "사회", "국제", "문화", "IT·과학")),
    SiteSource("gyeongin", "경인신문", "ko", "euc-kr", ("경제", "사회", "지역", "스포츠", "오피니언")),
    SiteSource("harbor", "The Harbor Post", "en", "utf-8", ("Politics", "Business", "World", "Tech")),
    SiteSource("metro", "Metro Wire", "en", "utf-8", ("City", "Business", "Culture", "Sports", "Science")),
)


@dataclass(frozen=True)
class Site:
    root: Path
    base: str  # http://127.0.0.1:PORT, the origin every absolute URL of the site uses
    article_urls: tuple[str, ...]
    sources_file: Path  # the TOML that points `scrapy crawl news` at the site
    warmup_sources_file: Path  # one feed of one article: what a crawl costs before its articles
    total_bytes: int  # article pages only


# --- words -------------------------------------------------------------------------------

KO_SUBJECTS = (
    "정부는", "금융위원회는", "산업은행은", "서울시는", "한국은행은", "기획재정부는", "국회는",
    "교육부는", "환경부는", "보건복지부는", "중소벤처기업부는", "통계청은", "국토교통부는",
    "업계는", "전문가들은", "시민단체는", "경찰은", "소비자원은", "관세청은", "공정거래위원회는",
)  # fmt: skip
KO_TIMES = ("4일", "이날", "지난달", "올해 상반기", "오는 7월", "최근", "지난 3일", "내년부터", "연말까지")
KO_PLACES = (
    "정부서울청사에서", "국회에서", "세종시에서", "부산에서", "기자간담회에서", "", "", "온라인 브리핑에서",
)  # fmt: skip
KO_OBJECTS = (
    "신규 지원 방안을", "내년도 예산안을", "투자 계획을", "수출 실적을", "제도 개편안을", "시범 사업을",
    "공급 대책을", "금리 인하 가능성을", "안전 점검 결과를", "규제 완화 방안을", "인공지능 전략을",
    "청년 일자리 대책을", "물가 안정 대책을", "반도체 지원책을", "주택 공급 계획을",
)  # fmt: skip
KO_AMOUNTS = (
    "3조 5000억 원 규모의", "전년 대비 12.5% 늘어난", "총 480억 원의", "2만 가구 규모의",
    "역대 최대인", "5년간 1조 원이 넘는", "", "", "",
)  # fmt: skip
KO_VERBS = (
    "발표했다.", "공개했다.", "논의했다.", "검토하고 있다고 밝혔다.", "추진하기로 했다.", "확정했다.",
    "내놓았다.", "점검했다.", "마련했다고 설명했다.", "보고했다.",
)  # fmt: skip
KO_QUOTES = (
    "현장의 목소리를 반영해 제도를 보완하겠다", "시장 상황을 면밀히 지켜보고 있다",
    "하반기에도 속도를 늦추지 않겠다", "기업과 시민 모두가 체감할 수 있도록 하겠다",
    "예산이 제때 집행되도록 관계기관과 협력하겠다",
)  # fmt: skip
KO_NAMES = (
    "김민수",
    "이서연",
    "박지훈",
    "최유진",
    "정하늘",
    "강도현",
    "윤서진",
    "임재원",
    "한소희",
    "오태양",
)
KO_TITLES = ("장관", "위원장", "본부장", "원장", "연구위원", "부위원장", "시장")  # 은, not 는
KO_NICKS = ("투자하는곰", "seoul_dev", "경제읽는사람", "바른말", "하늘바다", "출근길", "dokdo2024", "나그네")
KO_COMMENTS = (
    "좋은 기사 잘 읽었습니다.", "실제로 현장에서 체감이 될지는 지켜봐야겠네요.",
    "예산 집행이 투명하게 공개되면 좋겠어요.", "작년에도 비슷한 발표가 있었던 것 같은데요.",
    "중소기업까지 혜택이 내려가는지가 관건입니다.", "기자님 후속 보도 부탁드립니다.",
    "숫자만 크고 내용은 잘 모르겠네요.", "이런 정책은 꾸준함이 중요하죠.",
)  # fmt: skip

EN_SUBJECTS = (
    "The finance ministry", "The central bank", "City officials", "Lawmakers", "The company",
    "Regulators", "Analysts", "The transport authority", "Health officials", "The union",
    "Investors", "The school board", "Prosecutors", "The energy regulator", "Researchers",
)  # fmt: skip
EN_VERBS = (
    "announced", "unveiled", "discussed", "approved", "postponed", "reviewed", "defended",
    "criticized", "expanded", "proposed",
)  # fmt: skip
EN_OBJECTS = (
    "a new support package", "next year's budget", "an investment plan", "record export figures",
    "a reform of the pension system", "a pilot program", "a housing supply plan",
    "the case for lower interest rates", "the results of a safety review", "an AI strategy",
    "a youth employment scheme", "measures to curb inflation", "subsidies for chipmakers",
)  # fmt: skip
EN_TAILS = (
    "on Tuesday", "this week", "after months of talks", "despite strong opposition",
    "according to people familiar with the matter", "in a statement", "at a news conference",
    "ahead of the summer holidays", "", "",
)  # fmt: skip
EN_QUOTES = (
    "We will keep listening to the people affected", "The numbers speak for themselves",
    "There is still a lot of work to do", "This is a step in the right direction",
    "We expect the first results by the end of the year",
)  # fmt: skip
EN_NAMES = (
    "Jane Doe", "Daniel Park", "Sarah Kim", "Michael Brown", "Emily Chen", "David Lee", "Laura Smith",
    "Omar Haddad", "Grace Liu", "Peter Novak",
)  # fmt: skip
EN_ROLES = ("minister", "chief executive", "spokesperson", "economist", "professor", "mayor", "director")
EN_NICKS = ("harbor_reader", "jt1984", "mgreen", "citywatcher", "N. Okafor", "anon", "pdx_dan", "quietfox")
EN_COMMENTS = (
    "Great reporting, thanks.", "I'll believe it when I see it.", "Who is paying for all this?",
    "This has been promised for years.", "Finally some good news for commuters.",
    "Would love a follow-up on how this is implemented.", "The headline oversells it a bit.",
)  # fmt: skip


# --- text ------------------------------------------------------------------------------


KO_SYLLABLES = "가나다라마바사아자차카타파하강남동서진성영한미래온빛솔누리해달별숲담결"
KO_KINDS = ("전자", "바이오", "재단", "건설", "제약", "모빌리티", "에너지", "증권")
EN_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr")
EN_KINDS = ("Holdings", "Labs", "Energy", "Bank", "Motors", "Foundation", "Group", "Capital")


def coined(rng: random.Random, language: str) -> str:
    """A made-up name: real stories differ in their names and figures, so ours do too.

    Without them any two generated articles share most of their character 5-grams, and the
    near-duplicate check would see candidates everywhere, which real news does not give it.
    """
    if language == "ko":
        return "".join(rng.choice(KO_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return "".join(rng.choice(EN_ONSETS) + rng.choice("aeiouy") for _ in range(rng.randint(2, 4))).title()


def ko_sentence(rng: random.Random) -> str:
    if rng.random() < 0.1:
        name, title = rng.choice(KO_NAMES), rng.choice(KO_TITLES)
        return f"{name} {title}은 “{coined(rng, 'ko')} 문제는 {rng.choice(KO_QUOTES)}”고 말했다."
    subject = rng.choice(KO_SUBJECTS)
    if rng.random() < 0.7:
        subject = f"{coined(rng, 'ko')}{rng.choice(KO_KINDS)} 측은"
    figure = f"{rng.randint(2, 9999)}억 원 규모의" if rng.random() < 0.6 else rng.choice(KO_AMOUNTS)
    thing = rng.choice(KO_OBJECTS) if rng.random() < 0.3 else f"{coined(rng, 'ko')} 사업을"
    parts = (
        subject, rng.choice(KO_TIMES), f"{coined(rng, 'ko')}에서", figure, thing, rng.choice(KO_VERBS),
    )  # fmt: skip
    return " ".join(p for p in parts if p)


def en_sentence(rng: random.Random) -> str:
    if rng.random() < 0.1:
        name, role = rng.choice(EN_NAMES), rng.choice(EN_ROLES)
        return f"“{rng.choice(EN_QUOTES)} in {coined(rng, 'en')},” said {name}, the {role}."
    subject = rng.choice(EN_SUBJECTS)
    if rng.random() < 0.7:
        subject = f"{coined(rng, 'en')} {rng.choice(EN_KINDS)}"
    thing = f"{coined(rng, 'en')}'s {coined(rng, 'en')} plan"
    thing = rng.choice(EN_OBJECTS) if rng.random() < 0.3 else thing
    text = f"{subject} {rng.choice(EN_VERBS)} {thing} in {coined(rng, 'en')}"
    if rng.random() < 0.6:
        text += f" worth ${rng.randint(2, 9999)} million"
    tail = rng.choice(EN_TAILS) if rng.random() < 0.3 else ""
    return f"{text} {tail}." if tail else f"{text}."


def paragraph(rng: random.Random, language: str, sentences: int) -> str:
    make = ko_sentence if language == "ko" else en_sentence
    return " ".join(make(rng) for _ in range(sentences))


def headline(rng: random.Random, language: str) -> str:
    if language == "ko":
        subject = rng.choice(KO_SUBJECTS)[:-1]
        amount, thing = rng.choice(KO_AMOUNTS) or "새", rng.choice(KO_OBJECTS)[:-1]
        return f"{subject}, {amount} {thing} 공개…{rng.choice(KO_TIMES)} 시행"
    words = (rng.choice(EN_SUBJECTS), rng.choice(EN_VERBS), rng.choice(EN_OBJECTS), rng.choice(EN_TAILS))
    return " ".join(words).strip()


# --- pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleMeta:
    index: int  # over the whole site
    source: SiteSource
    number: int  # within its source, 0 = newest
    path: str
    title: str
    published: datetime
    section: str


def article_meta(index: int, seed: int) -> ArticleMeta:
    """Everything feeds and sitemaps need about an article, without rendering it."""
    source = SOURCES[index % len(SOURCES)]
    number = index // len(SOURCES)
    rng = random.Random(seed * 1_000_003 + index)
    title = headline(rng, source.language)
    published = NEWEST - timedelta(minutes=7 * index)
    section = rng.choice(source.sections)
    if source.name == "hanbit":
        path = f"/hanbit/news/articleView/{200000 + number}.html"
    elif source.name == "gyeongin":
        path = f"/gyeongin/view/{published:%Y%m%d}{number:06d}.html"
    elif source.name == "harbor":
        path = f"/harbor/{published:%Y/%m/%d}/story-{number}.html"
    else:
        path = f"/metro/articles/{number:06d}-{section.lower()}.html"
    return ArticleMeta(index, source, number, path, title, published, section)


def navigation(source: SiteSource, base: str) -> str:
    """The mega-menu, ticker and footer every page of a source repeats (~20 KB of links)."""
    rng = random.Random(source.name)
    items = []
    for section in source.sections:
        link = f"{base}/{source.name}/section/{escape(section)}"
        subs = "".join(f'<li><a href="{link}/{n}.html">{escape(section)} {n}</a></li>' for n in range(1, 26))
        items.append(f'<li class="gnb-item"><a href="{base}/{source.name}/section/{escape(section)}/">'
                     f"{escape(section)}</a><ul class=\"sub\">{subs}</ul></li>")  # fmt: skip
    ticker = "".join(
        f'<li><a href="{base}/{source.name}/breaking/{rng.randrange(10**6)}.html">'
        f"{escape(headline(rng, source.language))}</a></li>"
        for _ in range(12)
    )
    return (
        '<header class="site-header"><div class="top-bar"><a href="/about.html">About</a> | '
        '<a href="/contact.html">Contact</a> | <a href="/subscribe.html">Subscribe</a></div>'
        f'<a class="logo" href="{base}/{source.name}/"><img src="{base}/{source.name}/img/logo.png" '
        f'alt="{escape(source.title)}"></a>'
        '<form class="search"><input name="q"><button>Search</button></form>'
        f'<nav class="gnb"><ul>{"".join(items)}</ul></nav>'
        f'<div class="ticker"><strong>속보 Breaking</strong><ul>{ticker}</ul></div></header>'
    )


def footer(source: SiteSource, base: str) -> str:
    links = "".join(
        f'<li><a href="{base}/{source.name}/corp/{n}.html">Corporate page {n}</a></li>' for n in range(60)
    )
    return (
        f'<footer class="site-footer"><ul class="sitemap">{links}</ul><address>{escape(source.title)}, '
        "123 Sejong-daero, Seoul · Tel 02-000-0000 · 등록번호 서울 아00000</address>"
        f"<p>ⓒ {escape(source.title)}. All rights reserved. 무단전재 및 재배포 금지</p></footer>"
    )


def scripts(rng: random.Random) -> str:
    """Analytics and ad-config scripts: kilobytes of code a parser must skip."""
    config = {
        "slots": [
            {"id": f"ad-{n}", "sizes": [[300, 250], [728, 90]], "targeting": {"kw": rng.randrange(10**9)}}
            for n in range(40)
        ],
        "experiments": {f"exp_{n}": rng.random() for n in range(60)},
    }
    return (
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        "gtag('js',new Date());gtag('config','G-XXXX');</script>"
        f"<script>window.__ADS__={json.dumps(config)};</script>"
        "<script>"
        + "".join(f"function f{n}(a){{return (a*{n}+{rng.randrange(999)})%97;}}" for n in range(150))
        + "</script>"
    )


def json_ld(meta: ArticleMeta, base: str, authors: list[str], description: str, image: str) -> str:
    """NewsArticle JSON-LD without articleBody, as most outlets publish it."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": meta.title,
        "description": description,
        "image": [image],
        "author": [{"@type": "Person", "name": a} for a in authors],
        "publisher": {
            "@type": "Organization",
            "name": meta.source.title,
            "logo": {"@type": "ImageObject", "url": f"{base}/{meta.source.name}/img/logo.png"},
        },
        "mainEntityOfPage": base + meta.path,
        "articleSection": meta.section,
        "keywords": [meta.section, meta.source.title],
    }
    if meta.source.name != "gyeongin":  # gyeongin prints its dates only in the visible dateline
        data["datePublished"] = meta.published.isoformat()
        data["dateModified"] = (meta.published + timedelta(minutes=40)).isoformat()
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": meta.source.title,
                "item": f"{base}/{meta.source.name}/",
            },
            {"@type": "ListItem", "position": 2, "name": meta.section},
        ],
    }
    return "".join(
        f'<script type="application/ld+json">{json.dumps(d, ensure_ascii=False)}</script>'
        for d in (data, breadcrumbs)
    )


def article_body(rng: random.Random, meta: ArticleMeta, base: str) -> str:
    """The article itself: paragraphs, a subheading or two, figures, an inline box and ads."""
    language = meta.source.language
    blocks = []
    count = rng.randint(8, 22)
    for n in range(count):
        text = escape(paragraph(rng, language, rng.randint(2, 5)))
        if n and n % 6 == 0:
            heading = headline(rng, language)
            blocks.append(f"<h3>{escape(heading)}</h3>")
        if n == 2:
            blocks.append(
                f'<figure class="photo"><img src="{base}/{meta.source.name}/photos/{meta.number}-{n}.jpg" '
                f'alt="photo"><figcaption>{escape(paragraph(rng, language, 1))}</figcaption></figure>'
            )
        if n == 4:
            blocks.append('<div class="ad ad-inline" data-slot="mid"><span>AD</span></div>')
        if meta.source.language == "ko" and meta.source.name == "hanbit":
            blocks.append(f"{text}<br><br>")  # a common Korean CMS: text runs split by <br>
        else:
            blocks.append(f"<p>{text}</p>")
    return "\n".join(blocks)


def byline_and_dates(meta: ArticleMeta, authors: list[str]) -> str:
    modified = meta.published + timedelta(minutes=40)
    if meta.source.language == "ko":
        names = "·".join(authors)
        return (
            f'<div class="byline">{names} 기자 <a href="mailto:news@{meta.source.name}.kr">'
            f"news@{meta.source.name}.kr</a></div>"
            f'<ul class="dates"><li>입력 {meta.published:%Y.%m.%d %H:%M}</li>'
            f"<li>수정 {modified:%Y.%m.%d %H:%M}</li></ul>"
        )
    return (
        f'<p class="byline">By {" and ".join(authors)}</p>'
        f'<time datetime="{meta.published.isoformat()}">{meta.published:%B %d, %Y %I:%M %p} KST</time>'
    )


def link_list(css: str, title: str, metas: list[ArticleMeta], base: str) -> str:
    items = "".join(f'<li><a href="{base}{m.path}">{escape(m.title)}</a></li>' for m in metas)
    return f'<section class="{css}"><h3>{escape(title)}</h3><ul>{items}</ul></section>'


def comments(rng: random.Random, language: str, budget: int) -> str:
    """Reader comments until the page reaches its target size (real pages grow this way too)."""
    nicks, texts = (KO_NICKS, KO_COMMENTS) if language == "ko" else (EN_NICKS, EN_COMMENTS)
    ago = "시간 전" if language == "ko" else " hours ago"
    items, size = [], 0
    while size < budget:
        item = (
            f'<li class="comment"><div class="meta"><span class="nick">{escape(rng.choice(nicks))}</span> '
            f'<span class="ago">{rng.randint(1, 23)}{ago}</span></div><div class="text">'
            f"{escape(' '.join(rng.choice(texts) for _ in range(rng.randint(1, 3))))}</div>"
            '<div class="actions"><a href="#c">Reply</a> <a href="#c">Like</a> '
            '<a href="#c">Report</a></div></li>'
        )
        items.append(item)
        size += len(item.encode("utf-8"))
    return (
        f'<section class="comments" id="comments"><h3>Comments {len(items)}</h3>'
        f"<ul>{''.join(items)}</ul></section>"
    )


def article_page(index: int, seed: int, base: str, count: int, shared: dict[str, str]) -> bytes:
    """One article page, encoded as its source serves it, 50-150 KB."""
    meta = article_meta(index, seed)
    source = meta.source
    rng = random.Random(seed * 7_000_003 + index)
    names = KO_NAMES if source.language == "ko" else EN_NAMES
    authors = rng.sample(names, rng.choice((1, 1, 1, 2)))
    body = article_body(rng, meta, base)
    description = paragraph(rng, source.language, 1)
    image = f"{base}/{source.name}/photos/{meta.number}-lead.jpg"
    url = base + meta.path
    same_source = [
        i for i in (rng.randrange(count) for _ in range(40)) if i % len(SOURCES) == index % len(SOURCES)
    ]
    related = [article_meta(i, seed) for i in same_source[:8]]
    popular = [article_meta(rng.randrange(count), seed) for _ in range(10)]
    charset = (
        '<meta charset="utf-8">'
        if source.encoding == "utf-8"
        else '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
    )
    head = (
        f'<!DOCTYPE html><html lang="{source.language}"><head>{charset}'
        f"<title>{escape(meta.title)} | {escape(source.title)}</title>"
        f'<meta name="description" content="{escape(description)}">'
        '<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{escape(meta.title)}">'
        f'<meta property="og:url" content="{url}"><meta property="og:image" content="{image}">'
        f'<meta property="og:description" content="{escape(description)}">'
        f'<meta property="article:section" content="{escape(meta.section)}">'
        + (
            f'<meta property="article:published_time" content="{meta.published.isoformat()}">'
            if source.name == "metro"
            else ""
        )
        + f'<link rel="canonical" href="{url}">'
        f'<link rel="alternate" type="application/rss+xml" href="{base}/{source.name}/rss.xml">'
        f'<link rel="stylesheet" href="{base}/{source.name}/css/site.css">'
        f"{json_ld(meta, base, authors, description, image)}{shared['scripts']}</head>"
    )
    article = (
        '<article class="article-view">'
        f'<nav class="breadcrumbs"><a href="{base}/{source.name}/">Home</a> &gt; '
        f'{escape(meta.section)}</nav><h1 class="headline">{escape(meta.title)}</h1>'
        f"{byline_and_dates(meta, authors)}"
        '<div class="share"><a href="https://www.facebook.com/sharer.php">Facebook</a> '
        '<a href="https://twitter.com/intent/tweet">X</a> <a href="#" onclick="print()">Print</a></div>'
        f'<div id="articleBody" class="article-body">{body}</div>'
        f'<p class="copyright">ⓒ {escape(source.title)} 무단전재 및 재배포 금지</p>'
        + link_list("related", "관련기사 Related", related, base)
        + "</article>"
    )
    sidebar = f'<aside class="sidebar">{link_list("most-read", "Most read", popular, base)}</aside>'
    page = (
        f'{head}<body class="article-page">{shared["nav"]}<main class="container">{article}{sidebar}'
        "COMMENTS</main>"
        f'{shared["footer"]}</body></html>'
    )  # fmt: skip
    target = rng.randint(50_000, 150_000)
    encoded_size = len(page.encode(source.encoding, "xmlcharrefreplace"))
    # Comments are written as UTF-8 estimate; EUC-KR pages come out a little smaller, still >= 50 KB.
    page = page.replace("COMMENTS", comments(rng, source.language, max(0, target - encoded_size)))
    return page.encode(source.encoding, "xmlcharrefreplace")


# --- entry points ----------------------------------------------------------------------


def rss(source: SiteSource, base: str, metas: list[ArticleMeta]) -> bytes:
    items = "".join(
        f"<item><title>{escape(m.title)}</title><link>{base}{m.path}</link>"
        f'<guid isPermaLink="true">{base}{m.path}</guid>'
        f"<pubDate>{format_datetime(m.published)}</pubDate></item>"
        for m in metas
    )
    xml = (
        f'<?xml version="1.0" encoding="{source.encoding}"?><rss version="2.0"><channel>'
        f"<title>{escape(source.title)}</title><link>{base}/{source.name}/</link>"
        f"<description>{escape(source.title)} latest</description>{items}</channel></rss>"
    )
    return xml.encode(source.encoding, "xmlcharrefreplace")


def atom(source: SiteSource, base: str, metas: list[ArticleMeta]) -> bytes:
    entries = "".join(
        f'<entry><title>{escape(m.title)}</title><link href="{base}{m.path}"/><id>{base}{m.path}</id>'
        f"<updated>{m.published.isoformat()}</updated></entry>"
        for m in metas
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(source.title)}</title><id>{base}/{source.name}/</id>"
        f"<updated>{(metas[0].published if metas else NEWEST).isoformat()}</updated>{entries}</feed>"
    )
    return xml.encode("utf-8")


def urlset(base: str, metas: list[ArticleMeta], news: bool = False) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    rows = []
    for m in metas:
        extra = (
            f"<news:news><news:publication><news:name>{escape(m.source.title)}</news:name>"
            f"<news:language>{m.source.language}</news:language></news:publication>"
            f"<news:publication_date>{m.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(m.title)}</news:title></news:news>"
            if news
            else f"<lastmod>{m.published.isoformat()}</lastmod>"
        )
        rows.append(f"<url><loc>{base}{m.path}</loc>{extra}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{"".join(rows)}</urlset>'
    ).encode()


def listing(source: SiteSource, base: str, metas: list[ArticleMeta], shared: dict[str, str]) -> bytes:
    items = "".join(
        f'<li><a href="{base}{m.path}">{escape(m.title)}</a> <span>{m.published:%Y.%m.%d}</span></li>'
        for m in metas
    )
    page = (
        f'<!DOCTYPE html><html lang="{source.language}">'
        '<head><meta charset="utf-8"><title>Latest</title></head>'
        f'<body>{shared["nav"]}<ul class="list">{items}</ul>{shared["footer"]}</body></html>'
    )
    return page.encode("utf-8")


def entry_points(source: SiteSource, base: str, metas: list[ArticleMeta], shared) -> dict[str, bytes]:
    """path -> bytes of the feeds, sitemaps and listing pages of one source."""
    name = source.name
    newest = metas[:FEED_SIZE]
    files: dict[str, bytes] = {}
    if name == "hanbit":  # RSS + sitemap index
        files[f"/{name}/rss.xml"] = rss(source, base, newest)
        chunks = [metas[i : i + SITEMAP_CHUNK] for i in range(0, len(metas), SITEMAP_CHUNK)]
        for n, chunk in enumerate(chunks):
            files[f"/{name}/sitemap-{n}.xml"] = urlset(base, chunk)
        index = "".join(
            f"<sitemap><loc>{base}/{name}/sitemap-{n}.xml</loc></sitemap>" for n in range(len(chunks))
        )
        files[f"/{name}/sitemap.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>'
        ).encode()
    elif name == "gyeongin":  # EUC-KR RSS + Google News sitemap
        files[f"/{name}/rss.xml"] = rss(source, base, newest)
        files[f"/{name}/news-sitemap.xml"] = urlset(base, metas, news=True)
    elif name == "harbor":  # Atom + plain sitemap
        files[f"/{name}/atom.xml"] = atom(source, base, newest)
        files[f"/{name}/sitemap.xml"] = urlset(base, metas)
    else:  # RSS + listing pages
        files[f"/{name}/rss.xml"] = rss(source, base, newest)
        for n in range(0, max(1, len(metas)), LISTING_CHUNK):
            files[f"/{name}/latest/{n // LISTING_CHUNK}.html"] = listing(
                source, base, metas[n : n + LISTING_CHUNK], shared
            )
    return files


def sources_toml(base: str, files: dict[str, bytes]) -> str:
    """The sources file for `scrapy crawl news`: every entry point of every source."""
    blocks = []
    for source in SOURCES:
        prefix = f"/{source.name}/"
        feeds = [p for p in files if p.startswith(prefix) and p.endswith(("rss.xml", "atom.xml"))]
        sitemaps = [p for p in files if p.startswith(prefix) and p.endswith(("sitemap.xml",))]
        listings = [p for p in files if p.startswith(prefix + "latest/")]
        lines = [
            "[[source]]",
            f'name = "{source.name}"',
            f"feeds = {json.dumps([base + p for p in feeds])}",
            f"sitemaps = {json.dumps([base + p for p in sitemaps])}",
            f"listings = {json.dumps([base + p for p in listings])}",
            f"article_pattern = '^{base}/{source.name}/articles/'" if listings else "",
            'allowed_domains = ["127.0.0.1"]',
            f'language = "{source.language}"',
            'timezone = "Asia/Seoul"',
            "[source.categories]",
            *(f'"{section}" = "{CATEGORIES.get(section, section)}"' for section in source.sections),
        ]
        blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(blocks) + "\n"


def build_site(root: Path, base: str, articles: int, seed: int = 16) -> Site:
    """Write the whole site under `root` (served at `base`) and the sources files next to it."""
    shared_by_source = {
        s.name: {
            "nav": navigation(s, base),
            "footer": footer(s, base),
            "scripts": scripts(random.Random(s.name)),
        }
        for s in SOURCES
    }
    metas = [article_meta(i, seed) for i in range(articles)]
    total = 0
    for meta in metas:
        data = article_page(meta.index, seed, base, articles, shared_by_source[meta.source.name])
        total += len(data)
        _write(root, meta.path, data)
    files: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    for source in SOURCES:
        own = [m for m in metas if m.source is source]
        files.update(entry_points(source, base, own, shared_by_source[source.name]))
    files["/warmup/rss.xml"] = rss(SiteSource("warmup", "Warm-up", "ko", "utf-8", ()), base, metas[:1])
    for path, data in files.items():
        _write(root, path, data)
    sources_file = root.parent / "sources.toml"
    sources_file.write_text(sources_toml(base, files), encoding="utf-8")
    warmup_file = root.parent / "sources-warmup.toml"
    warmup_file.write_text(
        f'[[source]]\nname = "warmup"\nfeeds = ["{base}/warmup/rss.xml"]\nallowed_domains = ["127.0.0.1"]\n'
        'language = "ko"\ntimezone = "Asia/Seoul"\n',
        encoding="utf-8",
    )
    return Site(root, base, tuple(base + m.path for m in metas), sources_file, warmup_file, total)


def _write(root: Path, path: str, data: bytes) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
