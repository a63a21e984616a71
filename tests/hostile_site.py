"""A hostile news site on 127.0.0.1: one page or feed per fault of issue 14, XSS in every field.

`start()` serves it on a free port; `server.requests` lists (path, time) of every GET.
`sources_toml(base)` is the sources file that crawls all of it as the source `hostile`.
Pages under /bulk/ are a plain site of many articles, for the crash tests.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli

# The classic vectors of OWASP's XSS filter evasion cheat sheet, and a few mutation ones.
XSS_VECTORS = [
    "<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;"
    "&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27"
    "&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<a href="&#x6A;avascript&colon;alert(1)">entity colon</a>',
    '<a href="\x01javascript:alert(1)">control character</a>',
    '<a href=" JAVASCRIPT:alert(1)">upper case</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<a href="VbScRiPt&#58;msgbox(1)">vbscript entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">data upper</a>',
    '<a href="java\x00script:alert(1)">nul byte</a>',
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    '<svg/onload=alert("XSS")>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    '<TABLE BACKGROUND="javascript:alert(\'XSS\')"><TR><TD BACKGROUND="javascript:alert(1)">cell</TD></TR></TABLE>',
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">styled</DIV>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">expression</DIV>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIj48L3N2Zz4=" '
    'type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
    '<a href="https://ok.example/">fine <img src="https://ok.example/i.png" onerror="alert(1)"></a>',
    '<details open ontoggle="alert(1)"><summary>s</summary></details>',
    '<video><source onerror="alert(1)"></video>',
    "<img src='x' srcset='javascript:alert(1) 1x'>",
    '<a href="//evil.example/x">protocol relative</a>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>',
]
XSS_TEXT = "<script>alert('t')</script><img src=x onerror=alert(1)>"
# Liquid, YAML and markdown that must come out as text (exporters' part of issue 14).
TEMPLATE_TRAPS = "{{ site.github.api_url }} {% include secret.html %} --- # : 'q' \"dq\" \u2028 \t| >"
MARKDOWN_TRAPS = (
    "[click me](javascript:alert(1)) ![pic](data:image/svg+xml,<svg/onload=alert(1)>) <javascript:alert(1)>"
)

KOREAN_TITLE = "똠방각하와 햏자의 서울 나들이, 겨울 종로에서"
KOREAN_PARAGRAPHS = [
    "똠방각하가 햏자와 함께 서울 종로를 걸었다. 찬 바람이 불었지만 두 사람은 웃으며 이야기를 나눴다.",
    "햏자는 오래된 책방에서 똠방각하에게 줄 시집을 골랐다. 주인은 똠과 햏이 들어간 제목을 처음 본다고 했다.",
    "두 사람은 저녁에 광장시장에 들러 빈대떡을 먹었다. 시장 상인들은 모두 반갑게 인사를 건넸다.",
    "똠방각하는 어릴 적 종로에서 보낸 겨울을 떠올렸다. 그때도 시장 골목에는 김이 피어올랐다고 했다.",
    "햏자는 다음 달에 부산 국제시장도 함께 가자고 제안했다. 똠방각하는 흔쾌히 그러자고 답했다.",
    "두 사람의 나들이는 밤늦게 청계천 산책으로 끝났다. 물가의 조명이 겨울밤을 밝게 비췄다.",
]
BOMB_SIZE = 16 * 1024 * 1024  # decompressed size of every bomb; tests cap responses far lower
OK_TITLE = "City council approves the new riverside park after a long debate"


def article_page(
    title: str,
    paragraphs: list[str],
    published: str | None = "2024-06-04T14:30:00+09:00",
    *,
    lang: str = "en",
    head: str = "",
    headline_html: str | None = None,
    charset_meta: str | None = "utf-8",
    author: str = "Jane Reporter",
) -> str:
    """An ordinary article page (OpenGraph, JSON-LD, h1, dated paragraphs)."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "author": {"name": author},
    }
    if published:
        ld["datePublished"] = published
    ld_text = json.dumps(ld, ensure_ascii=False).replace("<", "\\u003c")
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    h1 = headline_html if headline_html is not None else html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{meta}
<title>{html.escape(title)} | Hostile News</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{html.escape(title)}">
<script type="application/ld+json">{ld_text}</script>
{head}
</head><body>
<article><h1>{h1}</h1>
<div class="byline">By {html.escape(author)}</div>
<div class="article-body">
{body}
</div></article>
<footer><p>Copyright Hostile News. All rights reserved.</p></footer>
</body></html>"""


def filler(topic: str, count: int = 4) -> list[str]:
    """Distinct, sentence-shaped paragraphs about a topic (extractors want some text)."""
    return [
        f"Paragraph {i} about {topic}: officials met on Tuesday to discuss the plan in detail, "
        f"and residents of the district said they had waited years for an answer on {topic}."
        for i in range(1, count + 1)
    ]


def xss_page() -> str:
    """XSS, template and markdown traps in every field a page can give."""
    title = f"Hostile headline {XSS_TEXT} with {TEMPLATE_TRAPS}"
    head = f"""
<meta name="description" content="{html.escape(XSS_TEXT + " " + MARKDOWN_TRAPS + " summary of the hostile story")}">
<meta property="og:description" content="{html.escape(XSS_TEXT + " " + MARKDOWN_TRAPS + " summary of the hostile story")}">
<meta name="author" content="{html.escape('<img src=x onerror=alert(1)>Mallory "Bobby" Tables')}">
<meta name="keywords" content="{html.escape("<script>k()</script>, javascript:alert(1), {{ liquid }}")}">
<meta property="article:section" content="{html.escape("<b onmouseover=alert(1)>Politics</b>")}">
<meta property="og:image" content="javascript:alert('image')">
<link rel="canonical" href="javascript:alert('canonical')">
<base href="javascript:alert('base')//">
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
"""
    paragraphs = filler("the hostile markup", 8)
    # Unclosed script/iframe/xmp vectors hide the rest of the page from any HTML parser, as a
    # browser would: they come last so the paragraphs before them remain an article.
    hiding = ("?< B >", "scriptlet.html <", "<xmp>", "<noscript>", "<!--<img")
    vectors = [v for v in XSS_VECTORS if not any(h in v for h in hiding)]
    vectors += [v for v in XSS_VECTORS if any(h in v for h in hiding)]
    per = -(-len(vectors) // len(paragraphs))
    body = "\n".join(
        f"<p>{html.escape(p)}</p>\n"
        + "\n".join(f"<p>Vector {i * per + j}: {v}</p>" for j, v in enumerate(chunk))
        for i, (p, chunk) in enumerate(
            zip(paragraphs, [vectors[k : k + per] for k in range(0, len(vectors), per)], strict=False)
        )
    )
    body = f"<p>{html.escape(MARKDOWN_TRAPS)} and {html.escape(TEMPLATE_TRAPS)}</p>\n" + body
    page = article_page(title, [], head=head, headline_html=html.escape(title), author="Mallory")
    return page.replace('<div class="article-body">\n', f'<div class="article-body">\n{body}')


def feed(base: str, items: list[tuple[str, str]]) -> str:
    entries = "\n".join(
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<description>{html.escape(XSS_TEXT)}</description></item>"
        for link, title in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile &lt;script&gt;alert(1)&lt;/script&gt;</title>
<link>{base}/</link><description>faults</description>
{entries}
</channel></rss>"""


def urlset(urls: list[str]) -> str:
    locs = "\n".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{locs}
</urlset>"""


# Feeds and sitemaps that declare entities: an external one (XXE) and billion laughs.
XXE_DOCTYPE = (
    '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>'
)
LAUGHS_DOCTYPE = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    + "]>"
)


def entity_feed(base: str, doctype: str, ref: str) -> str:
    return f"""<?xml version="1.0"?>
{doctype}
<rss version="2.0"><channel><title>&{ref};</title><link>{base}/</link><description>&{ref};</description>
<item><title>&{ref};</title><link>{base}/a/entity-{ref}.html?x=&{ref};</link><description>&{ref};</description></item>
</channel></rss>"""


def entity_sitemap(base: str, doctype: str, ref: str) -> str:
    return f"""<?xml version="1.0"?>
{doctype}
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/a/entity-{ref}.html?x=&{ref};</loc></url>
</urlset>"""


def _bombs() -> dict[str, bytes]:
    zeros = b"\0" * BOMB_SIZE
    page = b"<html><body><p>" + b"A" * BOMB_SIZE + b"</p></body></html>"
    return {
        "gzip-page": gzip.compress(page, compresslevel=9),
        "br-page": brotli.compress(page, quality=5),
        "gzip-sitemap": gzip.compress(b'<?xml version="1.0"?><urlset>' + zeros, compresslevel=9),
        "br-sitemap": brotli.compress(b'<?xml version="1.0"?><urlset>' + zeros, quality=5),
    }


BOMBS = _bombs()
# A tiny PNG and the start of a PDF: binary files served where an article was expected.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201e5270a6b0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The article URLs each feed/sitemap lists, and what the test expects of each.
FAULT_ARTICLES = [
    "/a/ok.html",
    "/a/gone-404.html",
    "/a/gone-410.html",
    "/a/error-500.html",
    "/a/busy-503.html",
    "/a/busy-forever.html",
    "/a/busy-long.html",
    "/a/slow.html",
    "/a/drip.html",
    "/a/endless.html",
    "/a/huge-declared.html",
    "/a/gzip-bomb.html",
    "/a/brotli-bomb.html",
    "/a/loop-1.html",
    "/a/offsite.html",
    "/a/to-javascript.html",
    "/a/report.pdf.html",
    "/a/photo.html",
    "/a/pdf-as-html.html",
    "/a/empty.html",
    "/a/blank.html",
    "/a/no-headline.html",
    "/a/date-13-45.html",
    "/a/date-9999.html",
    "/a/date-0001.html",
    "/a/date-future.html",
    "/a/long-headline.html",
    "/a/xss.html",
]
KOREAN_ARTICLES = {
    "/k/header.html": "header",  # charset=euc-kr in Content-Type only
    "/k/meta.html": "meta",  # only in <meta charset>
    "/k/wrong-utf8.html": "wrong",  # Content-Type says UTF-8, bytes are CP949
    "/k/wrong-meta.html": "wrong-meta",  # <meta> says UTF-8, bytes are CP949
    "/k/undeclared.html": "none",  # no charset anywhere
    "/k/utf8-as-euckr.html": "utf8-declared-euckr",  # Content-Type says EUC-KR, bytes are UTF-8
}
FEED_ITEMS = [*FAULT_ARTICLES, "javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]


def sources_toml(base: str) -> str:
    """A sources file crawling every entry point of the hostile site as source `hostile`."""
    feeds = ["/feed.xml", "/feed-xxe.xml", "/feed-laughs.xml", "/feed-malformed.xml"]
    sitemaps = [
        "/sitemap.xml",
        "/sitemap-bomb.xml.gz",
        "/sitemap-br.xml",
        "/sitemap-xxe.xml",
        "/sitemap-laughs.xml",
        "/sitemap-trap.xml?page=1",
    ]
    listings = ["/list/trap.html?page=1", "/list/variants.html"]

    def urls(paths):
        return "[" + ", ".join(json.dumps(base + p) for p in paths) + "]"

    return f"""[[source]]
name = "hostile"
feeds = {urls(feeds)}
sitemaps = {urls(sitemaps)}
listings = {urls(listings)}
article_pattern = '/[ak]/[\\w.-]+\\.html'
allowed_domains = ["127.0.0.1"]
language = "en"
timezone = "UTC"
"""


def bulk_sources_toml(base: str, count: int) -> str:
    """A sources file for the plain /bulk/ site of `count` articles."""
    return f"""[[source]]
name = "bulk"
feeds = ["{base}/bulk/feed.xml?n={count}"]
article_pattern = '/bulk/\\d+\\.html'
allowed_domains = ["127.0.0.1"]
language = "en"
timezone = "UTC"
"""


class HostileHandler(BaseHTTPRequestHandler):
    server_version = "Hostile/1.0"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def send(self, status: int, body: bytes | str = b"", ctype: str = "text/html", **headers) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        path, _, query = self.path.partition("?")
        with self.server.lock:
            self.server.requests.append((self.path, time.monotonic()))
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
            hits = self.server.hits[path]
        try:
            self.route(path, query, hits)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    def route(self, path: str, query: str, hits: int) -> None:  # noqa: C901  one branch per fault
        base = self.base
        if path == "/robots.txt":
            return self.send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/feed.xml":
            items = [(u if ":" in u else base + u, f"Item {XSS_TEXT}") for u in FEED_ITEMS]
            return self.send(200, feed(base, items), "application/rss+xml")
        if path == "/feed-xxe.xml":
            return self.send(200, entity_feed(base, XXE_DOCTYPE, "xxe"), "application/rss+xml")
        if path == "/feed-laughs.xml":
            return self.send(200, entity_feed(base, LAUGHS_DOCTYPE, "lol9"), "application/rss+xml")
        if path == "/feed-malformed.xml":
            text = feed(base, [(base + "/a/from-malformed.html", "broken <b>")])
            return self.send(200, text[: len(text) - 40] + "<<<&&&\x00 not xml", "application/rss+xml")
        if path == "/sitemap.xml":
            return self.send(
                200, urlset([base + p for p in [*FAULT_ARTICLES, *KOREAN_ARTICLES]]), "application/xml"
            )
        if path == "/sitemap-bomb.xml.gz":
            return self.send(200, BOMBS["gzip-sitemap"], "application/x-gzip")
        if path == "/sitemap-br.xml":
            return self.send(200, BOMBS["br-sitemap"], "application/xml", Content_Encoding="br")
        if path == "/sitemap-xxe.xml":
            return self.send(200, entity_sitemap(base, XXE_DOCTYPE, "xxe"), "application/xml")
        if path == "/sitemap-laughs.xml":
            return self.send(200, entity_sitemap(base, LAUGHS_DOCTYPE, "lol9"), "application/xml")
        if path == "/sitemap-trap.xml":  # a sitemap index whose every page points to the next one
            page = int(query.partition("=")[2] or 1)
            index = (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemap-trap.xml?page={page + 1}</loc></sitemap></sitemapindex>"
            )
            return self.send(200, index, "application/xml")
        if path == "/list/trap.html":  # "next page" forever, plus one article link per page
            page = int(query.partition("=")[2] or 1)
            links = f'<a href="/list/trap.html?page={page + 1}">next</a> <a href="/a/ok.html?from=trap{page}">story</a>'
            return self.send(200, f"<html><body><h1>Page {page}</h1>{links}</body></html>")
        if path == "/list/variants.html":
            variants = [
                "/a/story.html?utm_source=x",
                "/a/story.html?utm_source=y&utm_medium=z",
                "/a/story.html?fbclid=123",
                "/a/story.html#comments",
                "/a/story.html",
                "/a/same.html?v=1",
                "/a/same.html?v=2",
                "/a/same.html?v=3",
            ]
            links = " ".join(f'<a href="{html.escape(v)}">v</a>' for v in variants)
            return self.send(200, f"<html><body>{links}</body></html>")
        if path.startswith("/k/"):
            return self.korean(path)
        if path.startswith("/bulk/"):
            return self.bulk(path, query)
        return self.article(path, hits)

    def article(self, path: str, hits: int) -> None:  # noqa: C901  one branch per fault
        if path == "/a/ok.html":
            return self.send(200, article_page(OK_TITLE, filler("the riverside park")))
        if path == "/a/story.html":
            return self.send(
                200, article_page("Story reached through many query strings", filler("the story"))
            )
        if path == "/a/same.html":  # the same article under every ?v=, without a canonical link
            return self.send(
                200, article_page("One story behind many query-string variants", filler("variants"))
            )
        if path == "/a/from-malformed.html":
            return self.send(
                200, article_page("Story listed only in a malformed feed", filler("the broken feed"))
            )
        if path in ("/a/gone-404.html", "/a/entity-xxe.html", "/a/entity-lol9.html"):
            return self.send(404, "<h1>Not found</h1>")
        if path == "/a/gone-410.html":
            return self.send(410, "<h1>Gone</h1>")
        if path == "/a/error-500.html":
            return self.send(500, "<h1>Internal error</h1>")
        if path == "/a/busy-503.html":  # busy once, then fine: the retry must wait Retry-After
            if hits == 1:
                return self.send(503, "busy", Retry_After="1")
            return self.send(200, article_page("Story served after a Retry-After pause", filler("patience")))
        if path == "/a/busy-forever.html":
            return self.send(503, "busy", Retry_After="1")
        if path == "/a/busy-long.html":
            return self.send(503, "come back tomorrow", Retry_After="86400")
        if path == "/a/slow.html":  # headers never come within the download timeout
            time.sleep(self.server.slow_seconds)
            return self.send(200, article_page("Too slow", filler("slowness")))
        if path == "/a/drip.html":  # one byte at a time, forever
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(600):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.25)
            return None
        if path == "/a/endless.html":  # no length, never ends
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"endless " * 8192 + b"</p>"
            for _ in range(4096):
                self.wfile.write(chunk)
            return None
        if path == "/a/huge-declared.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(5 * 1024**3))
            self.end_headers()
            self.wfile.write(b"<html>")
            return None
        if path == "/a/gzip-bomb.html":
            return self.send(200, BOMBS["gzip-page"], Content_Encoding="gzip")
        if path == "/a/brotli-bomb.html":
            return self.send(200, BOMBS["br-page"], Content_Encoding="br")
        if path == "/a/loop-1.html":
            return self.send(302, "", Location="/a/loop-2.html")
        if path == "/a/loop-2.html":
            return self.send(302, "", Location=self.base + "/a/loop-1.html")
        if path == "/a/offsite.html":
            return self.send(302, "", Location="http://evil.example/steal?c=1")
        if path == "/a/to-javascript.html":
            return self.send(302, "", Location="javascript:alert(1)")
        if path == "/a/report.pdf.html":
            return self.send(200, PDF, "application/pdf")
        if path == "/a/photo.html":
            return self.send(200, PNG, "image/png")
        if path == "/a/pdf-as-html.html":
            return self.send(200, PDF + b"\x00\x01\x02" * 100, "text/html")
        if path == "/a/empty.html":
            return self.send(200, b"")
        if path == "/a/blank.html":
            return self.send(200, b"   \n\t  \n")
        if path == "/a/no-headline.html":
            page = "<html><head><meta charset='utf-8'></head><body><div>"
            page += "".join(f"<p>{p}</p>" for p in filler("a page without a headline"))
            return self.send(200, page + "</div></body></html>")
        dates = {
            "/a/date-13-45.html": "2024-13-45T10:00:00+09:00",
            "/a/date-9999.html": "9999-01-01T00:00:00+09:00",
            "/a/date-0001.html": "0001-01-01T00:00:00+00:00",
            "/a/date-future.html": (datetime.now(UTC) + timedelta(hours=10)).isoformat(timespec="seconds"),
        }
        if path in dates:
            title = f"A story dated {dates[path][:10]} by a broken CMS, {path[3:-5]}"
            return self.send(200, article_page(title, filler(f"the date {path}"), dates[path]))
        if path == "/a/long-headline.html":
            title = ("Endless headline " * 600)[:10000]
            return self.send(200, article_page(title, filler("long headlines")))
        if path == "/a/xss.html":
            return self.send(200, xss_page())
        return self.send(404, "<h1>Not found</h1>")

    def korean(self, path: str) -> None:
        kind = KOREAN_ARTICLES.get(path)
        if kind is None:
            return self.send(404, "")
        title = f"{KOREAN_TITLE} ({kind})"
        meta = {"meta": "euc-kr", "wrong-meta": "utf-8"}.get(kind)
        page = article_page(title, KOREAN_PARAGRAPHS, lang="ko", charset_meta=meta, author="김똠햏")
        if kind == "utf8-declared-euckr":
            return self.send(200, page.encode("utf-8"), "text/html; charset=euc-kr")
        body = page.encode("cp949")
        ctype = {"header": "text/html; charset=euc-kr", "wrong": "text/html; charset=utf-8"}.get(
            kind, "text/html"
        )
        return self.send(200, body, ctype)

    def bulk(self, path: str, query: str) -> None:
        if path == "/bulk/feed.xml":
            count = int(query.partition("=")[2] or 20)
            items = [(f"{self.base}/bulk/{i}.html", f"Bulk {i}") for i in range(count)]
            return self.send(200, feed(self.base, items), "application/rss+xml")
        number = path.removeprefix("/bulk/").removesuffix(".html")
        if not number.isdigit():
            return self.send(404, "")
        time.sleep(self.server.bulk_delay)
        title = f"Bulk story number {number} of the crash-safety site"
        return self.send(200, article_page(title, filler(f"bulk story {number}", 6)))


def start(port: int = 0, slow_seconds: float = 6.0, bulk_delay: float = 0.05) -> ThreadingHTTPServer:
    """Serve the hostile site on 127.0.0.1:port (0 = a free port) in a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", port), HostileHandler)
    server.daemon_threads = True
    server.requests = []
    server.hits = {}
    server.lock = threading.Lock()
    server.slow_seconds = slow_seconds
    server.bulk_delay = bulk_delay
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
