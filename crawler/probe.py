"""Try a site before adding it: how it can be crawled, what we would store, the source entry.

Given a home page, a feed or a sitemap, `ProbeSpider` looks where news sites say where their
articles are (feeds advertised in `<link rel="alternate">`, `Sitemap:` lines of robots.txt,
then common feed and sitemap paths), reads them, finds the section pages that list articles
the feeds and sitemaps miss, fetches a few articles through the same extraction the crawl
runs, and fills a `ProbeReport`. `render` turns it into text with a ready-to-paste
`[[source]]` entry. Nothing is written anywhere: the probe runs without item pipelines.

The steps depend on each other (the common paths are tried only where nothing was
advertised), so one callback awaits each download in turn instead of chaining callbacks.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future

from crawler import discovery
from crawler.extract import LANGUAGE_ZONES, extract_article
from crawler.sources import SourcesError, load_sources
from crawler.text import body_text
from crawler.workers import C0_CONTROLS_RE

# Where sites without a <link rel="alternate"> or robots.txt line usually keep them; the
# Korean CMSs (ndsoft, ...) put theirs under /rss/.
COMMON_FEEDS = ("/rss", "/rss.xml", "/feed", "/atom.xml", "/index.xml", "/rss/allArticle.xml")
COMMON_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
MAX_LISTING_CANDIDATES = 12  # section pages fetched to see which list articles the feeds miss
MAX_LISTINGS = 3
MAX_SITEMAP_CHILDREN = 2  # children of a sitemap index read (news ones first, then the newest)
# Links that are not pages: never a listing candidate.
NOT_A_PAGE_RE = re.compile(r"\.(?:css|js|json|xml|rss|jpe?g|png|gif|webp|svg|ico|pdf|zip|mp[34])$", re.I)


@dataclass
class Finding:
    """One feed or sitemap found: where, how, and what it lists."""

    url: str
    kind: str  # "feed", "sitemap", "news sitemap", "sitemap index"
    how: str  # "given", "<link rel=alternate>", "robots.txt", "common path", "sitemap index"
    links: list[discovery.Link] = field(default_factory=list)
    problem: str | None = None


@dataclass
class Sample:
    url: str
    fields: dict = field(default_factory=dict)
    trace: dict = field(default_factory=dict)
    problem: str | None = None


@dataclass
class ProbeReport:
    url: str
    given: str = ""  # what the URL was: feed, sitemap, article, page
    findings: list[Finding] = field(default_factory=list)
    listings: list[tuple[str, int]] = field(default_factory=list)  # (page, articles only it lists)
    pattern: str | None = None
    pattern_matches: tuple[int, int] = (0, 0)  # known article URLs it matches, of how many
    samples: list[Sample] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)  # common paths asked for in vain
    notes: list[str] = field(default_factory=list)
    language: str | None = None  # what the home page declares (<html lang>)
    entry: str = ""  # the [[source]] TOML
    failed: str | None = None  # why nothing could be probed

    @property
    def not_news(self) -> str | None:
        """Why the probed site is not a news site (no sampled page is a dated article), or None."""
        if not self.samples or any(sample.fields.get("published") for sample in self.samples):
            return None
        return f"not a news site: none of the {len(self.samples)} sampled page(s) is a dated article"

    @property
    def feeds(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "feed"]

    @property
    def sitemaps(self) -> list[Finding]:
        return [f for f in self.findings if f.kind != "feed"]


class ProbeSpider(scrapy.Spider):
    name = "probe"
    custom_settings = {"ITEM_PIPELINES": {}, "NEWS_PROGRESS": False}

    def __init__(
        self,
        *args,
        url: str,
        report: ProbeReport,
        articles: int = 3,
        entry_name=None,
        progress=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.entry_name = entry_name
        self.url = url
        self.report = report
        self.articles = articles
        self.progress = progress
        host = urlsplit(url).hostname or ""
        self.domains = (host[4:] if host.startswith("www.") else host,)

    async def start(self):
        yield self._request(self.url, callback=self.parse, errback=self.start_failed)

    def _request(self, url: str, **kwargs) -> scrapy.Request:
        meta = {"source_domains": self.domains, "handle_httpstatus_all": True}
        return scrapy.Request(url, dont_filter=True, meta=meta, **kwargs)

    def start_failed(self, failure):
        self.report.failed = f"{failure.request.url}: {type(failure.value).__name__}: {failure.value}"

    async def fetch(self, url: str) -> Response | None:
        """One download through the downloader middlewares (robots.txt, redirects, limits);
        None, with a note, for one that failed or did not answer 200."""
        self._step(f"fetching {url}")
        request = self._request(url)
        engine = self.crawler.engine
        try:
            if hasattr(engine, "download_async"):  # Scrapy >= 2.14
                response = await engine.download_async(request)
            else:  # Scrapy 2.13: the Deferred API (deprecated from 2.14 on)
                response = await maybe_deferred_to_future(engine.download(request))
        except Exception as exc:  # noqa: BLE001  any download failure is one line of the report
            self.report.notes.append(f"{url}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if response.status != 200:
            return None
        return response

    def _step(self, message: str) -> None:
        if self.progress is not None:
            self.progress.update(f"probe: {message}")

    async def parse(self, response: Response):
        report = self.report
        if response.status != 200:
            report.failed = f"{response.url}: HTTP {response.status}"
            return
        kind = discovery.kind_of(response)
        is_article = (
            kind == "page" and isinstance(response, HtmlResponse) and discovery.looks_like_article(response)
        )
        report.given = "article" if is_article else kind
        if kind in ("feed", "sitemap"):
            await self._read_entry(response, "given")
        parts = urlsplit(response.url)
        base = f"{parts.scheme}://{parts.netloc}"
        home = response if kind == "page" and not is_article else await self.fetch(base + "/")
        if isinstance(home, TextResponse) and kind == "page":
            for url in discovery.advertised_feeds(home):
                if discovery.in_domains(url, self.domains) and url not in self._known():
                    feed = await self.fetch(url)
                    if feed is not None:
                        await self._read_entry(feed, "<link rel=alternate>")
        if kind != "sitemap":
            robots = await self.fetch(base + "/robots.txt")
            if robots is not None:
                text = robots.body.decode("utf-8", "replace")  # RFC 9309: robots.txt is UTF-8
                for url in discovery.robots_sitemaps(text, base + "/robots.txt"):
                    if discovery.in_domains(url, self.domains) and url not in self._known():
                        sitemap = await self.fetch(url)
                        if sitemap is not None:
                            await self._read_entry(sitemap, "robots.txt")
        if not report.feeds and kind == "page":
            await self._common(base, COMMON_FEEDS, "feed")
        if not report.sitemaps and kind == "page":
            await self._common(base, COMMON_SITEMAPS, "sitemap")
        if isinstance(home, TextResponse):
            declared = re.split(r"[-_]", (home.xpath("/html/@lang").get() or "").strip().lower())[0]
            report.language = declared if re.fullmatch(r"[a-z]{2,3}", declared) else None
        known = self._article_urls()
        page_links = self._page_links(home) if isinstance(home, TextResponse) else []
        report.pattern = article_pattern(known or page_links)
        if report.pattern:
            matched = sum(1 for url in known if re.search(report.pattern, url))
            report.pattern_matches = (matched, len(known))
        if kind == "page" and isinstance(home, TextResponse):  # the given page, or an article's home
            await self._listings(home, known)
        await self._samples(response if is_article else None)
        if report.not_news:  # an entry for it would store nothing: say why instead
            return
        report.entry = source_entry(
            report, self.settings.getint("NEWS_MAX_ARTICLE_AGE_DAYS", 30), self.entry_name
        )

    def _known(self) -> set[str]:
        return {finding.url for finding in self.report.findings}

    async def _read_entry(self, response: Response, how: str, depth: int = 0) -> None:
        """A feed or a sitemap, read as what its body is (as the crawl reads it)."""
        doc = discovery.entry_document(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if doc.kind not in ("feed", "sitemap"):
            self.report.notes.append(f"{response.url}: not a feed or a sitemap ({discovery.what_it_is(doc)})")
            return
        if discovery.declares_entities(doc.body):
            self.report.notes.append(f"{response.url}: declares XML entities; refused")
            return
        if doc.kind == "feed":
            links, problem = discovery.read_feed(doc, discovery.content_location(response))
            self.report.findings.append(Finding(response.url, "feed", how, links, problem))
            return
        shape, links = discovery.sitemap_links(doc)
        if shape == "invalid":
            self.report.notes.append(f"{response.url}: not a readable sitemap")
            return
        if shape == "urlset":
            news = bool(discovery.google_news_fields(doc.body)) if b"sitemap-news" in doc.body else False
            self.report.findings.append(
                Finding(response.url, "news sitemap" if news else "sitemap", how, links)
            )
            return
        self.report.findings.append(Finding(response.url, "sitemap index", how, links))
        if depth >= 2:
            return
        newest_first = sorted(links, key=lambda link: link.updated or "", reverse=True)
        children = sorted(newest_first, key=lambda link: "news" not in link.url.lower())[
            :MAX_SITEMAP_CHILDREN
        ]
        for link in children:
            if discovery.in_domains(link.url, self.domains) and link.url not in self._known():
                child = await self.fetch(link.url)
                if child is not None:
                    await self._read_entry(child, "sitemap index", depth + 1)

    async def _common(self, base: str, paths: tuple[str, ...], wanted: str) -> None:
        for path in paths:
            response = await self.fetch(base + path)
            if response is None or response.url in self._known():
                self.report.tried.append(base + path)
                continue
            if discovery.kind_of(response) != wanted:
                self.report.tried.append(base + path)
            else:
                await self._read_entry(response, "common path")
                return

    def _article_urls(self) -> list[str]:
        """Article URLs the feeds and sitemaps list (sitemap indexes list sitemaps)."""
        urls = [link.url for f in self.report.findings if f.kind != "sitemap index" for link in f.links]
        return [url for url in dict.fromkeys(urls) if discovery.in_domains(url, self.domains)]

    def _page_links(self, page: TextResponse) -> list[str]:
        """Links of a page that look like articles by their shape alone (as `-a url=` crawls do)."""
        return discovery.listing_links(page, None, self.domains)

    async def _listings(self, home: TextResponse, known: list[str]) -> None:
        """Section pages that list articles no feed or sitemap lists: greedily, the most first."""
        pattern = self.report.pattern
        if not pattern:
            return
        covered = {discovery.clean_link(url) for url in known}
        pages = {home.url: self._listed(home, pattern)}
        candidates = [
            url for url in _all_links(home, nav_first=True)
            if discovery.in_domains(url, self.domains) and not re.search(pattern, url)
            and not NOT_A_PAGE_RE.search(urlsplit(url).path) and url.rstrip("/") != home.url.rstrip("/")
            and url not in self._known()
        ][:MAX_LISTING_CANDIDATES]  # fmt: skip
        for url in candidates:
            page = await self.fetch(url)
            if isinstance(page, TextResponse) and discovery.kind_of(page) == "page":
                pages[page.url] = self._listed(page, pattern)
        while len(self.report.listings) < MAX_LISTINGS:
            gains = {url: links - covered for url, links in pages.items()}
            best = max(gains, key=lambda url: len(gains[url]), default=None)
            if best is None or not gains[best]:
                break
            self.report.listings.append((best, len(gains[best])))
            covered |= gains[best]

    def _listed(self, page: TextResponse, pattern: str) -> set[str]:
        return {discovery.clean_link(url) for url in discovery.listing_links(page, pattern, self.domains)}

    async def _samples(self, given: Response | None) -> None:
        urls = [given.url] if given is not None else []
        pattern = self.report.pattern
        # Articles first: a sitemap index may list home, section and tag pages as well.
        urls += sorted(self._article_urls(), key=lambda url: not (pattern and re.search(pattern, url)))
        for page, _ in self.report.listings:
            response = await self.fetch(page)
            if isinstance(response, TextResponse):
                urls += discovery.listing_links(response, self.report.pattern, self.domains)
        for url in list(dict.fromkeys(urls))[: self.articles]:
            response = given if given is not None and url == given.url else await self.fetch(url)
            sample = Sample(url)
            self.report.samples.append(sample)
            if not isinstance(response, TextResponse):
                sample.problem = "could not be fetched" if response is None else "not a text page"
                continue
            self._step(f"extracting {url}")
            sample.fields = extract_article(
                C0_CONTROLS_RE.sub("", response.text), response.url, None, sample.trace
            )


def _all_links(page: TextResponse, nav_first: bool = False) -> list[str]:
    """Every http(s) link of a page, absolute, fragments dropped; navigation menus first if asked."""
    hrefs = page.xpath("//nav//a/@href|//header//a/@href").getall() if nav_first else []
    hrefs += page.xpath("//a/@href").getall()
    links = (discovery.clean_link(page.urljoin(href)) for href in hrefs)
    return [link for link in dict.fromkeys(links) if discovery.is_http(link)]


# --- the article pattern -----------------------------------------------------------

EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{2,5}$")
LEADING_LETTERS_RE = re.compile(r"^[A-Za-z]+(?=\d)")


def article_pattern(urls: list[str]) -> str | None:
    """A regex for article links, generalized from known article URLs.

    The URLs are grouped by shape (path depth and query keys); the largest group becomes the
    pattern: equal segments stay literal, varying ones become the narrowest class that holds
    them (`\\d+`, `[a-z0-9-]+`, ...), keeping a shared letter prefix (`AKR\\d+`) and extension.
    Anchored at the path's start so `/articles/` does not also match `/partner/articles/`.
    """
    shapes: dict[tuple, list] = {}
    for url in urls:
        parts = urlsplit(url)
        segments = parts.path.split("/")[1:]
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        shape = (len(segments), tuple(k for k, _ in query))
        shapes.setdefault(shape, []).append((segments, [v for _, v in query]))
    if not shapes:
        return None
    (depth, keys), group = max(shapes.items(), key=lambda item: len(item[1]))
    if depth == 0 or (depth == 1 and not group[0][0][0] and not keys):
        return None  # home pages
    path = "/".join(_generalize([segments[i] for segments, _ in group]) for i in range(depth))
    pattern = r"^https?://[^/]+/" + path
    if keys:
        values = [_generalize([values[i] for _, values in group]) for i in range(len(keys))]
        pattern += r"\?" + "&".join(
            f"{re.escape(key)}={value}" for key, value in zip(keys, values, strict=True)
        )
        return pattern + "(?:[&#]|$)"
    return pattern + "(?:[?#]|$)"


def _generalize(values: list[str]) -> str:
    if all(v.isdigit() for v in values):  # ids and dates: `/2024/` must not stop working in 2025
        return r"\d+"
    if len(set(values)) == 1:
        return re.escape(values[0])
    suffix = ""
    extensions = {(EXTENSION_RE.search(v) or [""])[0] for v in values}
    if len(extensions) == 1 and "" not in extensions:
        suffix = re.escape(extensions.pop())
        values = [v[: -len(suffix.replace("\\", ""))] for v in values]
    prefix = ""
    leading = {(LEADING_LETTERS_RE.match(v) or [""])[0] for v in values}
    if len(leading) == 1 and "" not in leading:
        prefix = leading.pop()
        values = [v[len(prefix) :] for v in values]
    return re.escape(prefix) + _char_class("".join(values)) + suffix


def _char_class(chars: str) -> str:
    if chars.isdigit():
        return r"\d+"
    if not chars.isascii() or "%" in chars:
        return "[^/?#]+"
    classes = ""
    if any(c.islower() for c in chars):
        classes += "a-z"
    if any(c.isupper() for c in chars):
        classes += "A-Z"
    if any(c.isalnum() for c in chars):  # slugs with letters get digits too: `top-10-...` comes
        classes += "0-9"
    classes += "".join(sorted({c for c in chars if not c.isalnum()} - {"-"}, key=ord)).replace("]", r"\]")
    if "-" in chars:
        classes += "-"  # last, so it is a hyphen and not a range
    return f"[{classes}]+"


# --- the source entry --------------------------------------------------------------


def source_name(url: str) -> str:
    """`https://www.yna.co.kr/` -> `yna`; a name the sources file accepts."""
    host = (urlsplit(url).hostname or "source").lower()
    labels = [label for label in host.split(".") if label not in ("www", "m", "news", "rss")]
    if host.replace(".", "").isdigit() or len(labels) < 2:
        name = host
    else:
        name = labels[0] if labels[-1] in ("kr", "jp", "uk", "au") and len(labels) > 2 else labels[-2]
        name = labels[0] if len(labels) > 2 and labels[-2] in ("co", "or", "go", "ne", "com") else name
    name = re.sub(r"[^a-z0-9_-]+", "-", name).strip("-_") or "source"
    return name[:64]


def source_entry(report: ProbeReport, max_age_days: int, name: str | None = None) -> str:
    """The `[[source]]` TOML for what the probe found; checked by the sources loader."""
    if report.given in ("feed", "sitemap"):  # the operator chose it: the entry holds it alone
        chosen = [f for f in report.findings if f.how == "given"]
    else:
        news = [f for f in report.sitemaps if f.kind == "news sitemap"]
        chosen = report.feeds + (news or [f for f in report.sitemaps if f.how != "sitemap index"])
    chosen = [f for f in chosen if f.links]
    feeds = _urls(f for f in chosen if f.kind == "feed")
    sitemaps = _urls(f for f in chosen if f.kind != "feed")
    listings = [url for url, _ in report.listings]
    if not (feeds or sitemaps or listings):
        return ""
    hosts = {urlsplit(url).hostname or "" for url in [report.url, *feeds, *sitemaps, *listings]}
    domains = sorted({host[4:] if host.startswith("www.") else host for host in hosts if host})
    languages = Counter(s.fields.get("language") for s in report.samples if s.fields.get("language"))
    language = report.language or (languages.most_common(1)[0][0] if languages else None)
    lines = [
        "[[source]]",
        f"name = {_toml(name or source_name(report.url))}",
        f"feeds = {_toml_list(feeds)}",
        f"sitemaps = {_toml_list(sitemaps)}",
    ]
    if listings:
        lines.append(f"listings = {_toml_list(listings)}")
    matched, known = report.pattern_matches
    if report.pattern and (listings or matched < known):  # listings, or home/section/tag pages listed
        lines.append(f"article_pattern = {_toml_literal(report.pattern)}")
    lines.append(f"allowed_domains = {_toml_list(domains)}")
    if language:
        lines.append(f"language = {_toml(language)}")
        if language in LANGUAGE_ZONES:
            lines.append(f"timezone = {_toml(LANGUAGE_ZONES[language])}")
    newest, dated_by = newest_date(report, chosen)
    if max_age_days and newest:
        age = datetime.now(UTC) - newest
        if age > timedelta(days=max_age_days):
            lines.append(
                f"max_age_days = 0   # its newest {dated_by} is {age.days} days old: the default"
                f" {max_age_days}-day limit would skip them all"
            )
    entry = "\n".join(lines) + "\n"
    _check_entry(entry)
    return entry


def newest_date(report: ProbeReport, chosen: list[Finding]) -> tuple[datetime | None, str]:
    """The newest date the site's articles really have, and what gave it.

    The sampled articles' own dates first; else the entries' dates, those in the future left
    out: a feed that dates an entry 9999-12-31 must not hide that the real articles are old.
    """
    own = [_when(sample.fields.get("published")) for sample in report.samples]
    if any(own):
        return max(when for when in own if when), "article"
    soon = datetime.now(UTC) + timedelta(days=1)
    listed = [_when(link.published or link.updated) for f in chosen for link in f.links]
    listed = [when for when in listed if when and when <= soon]
    return (max(listed), "entry") if listed else (None, "entry")


def _when(value: str | None) -> datetime | None:
    """An ISO date as an aware UTC datetime (naive ones taken as UTC), or None."""
    try:
        when = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return when.replace(tzinfo=when.tzinfo or UTC).astimezone(UTC) if when else None


def _urls(findings) -> list[str]:
    return list(dict.fromkeys(f.url for f in findings))[:5]


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_literal(value: str | None) -> str:
    """A regex as a TOML literal string (no escapes to double), or a basic one if it holds a quote."""
    return f"'{value}'" if value and "'" not in value and "\n" not in value else _toml(value or "")


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


def _check_entry(entry: str) -> None:
    """The entry must load as it is printed; a probe that prints a broken one is a bug."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sources.toml"
        path.write_text(entry, encoding="utf-8")
        try:
            load_sources(path)
        except SourcesError as exc:
            raise AssertionError(f"probe made an invalid source entry: {exc}\n{entry}") from None


# --- the report as text ------------------------------------------------------------


def render(report: ProbeReport, body_lines: int = 3) -> list[str]:
    """The probe's findings, one sample per block, then the entry to paste."""
    lines = [f"Probed {report.url} ({report.given or 'unreachable'})", ""]
    lines.append("Feeds and sitemaps:")
    for f in report.findings:
        dates = [link.published or link.updated or "" for link in f.links]
        future = [d for d in dates if d and _when(d) and _when(d) > datetime.now(UTC) + timedelta(days=1)]
        newest = max((d for d in dates if d not in future), default="")
        extra = f", newest {newest[:16].replace('T', ' ')} UTC" if newest else ""
        if future:
            extra += f", {len(future)} dated in the future ({max(future)[:10]}: ignored)"
        problem = f", malformed: {f.problem}" if f.problem else ""
        lines.append(f"  {f.kind:<13} {f.url}  [{f.how}] {len(f.links)} entries{extra}{problem}")
    if not report.findings:
        lines.append("  none found")
    if report.tried:
        lines.append(f"  common paths tried in vain: {', '.join(urlsplit(u).path for u in report.tried)}")
    if report.pattern:
        matched, known = report.pattern_matches
        of = f" (matches {matched} of the {known} article URLs listed)" if known else ""
        lines.append(f"Article links: {report.pattern}{of}")
        if matched < known:
            lines.append(
                f"  {known - matched} listed page(s) do not match it (home, section, tag pages?):"
                " the entry keeps them out with article_pattern"
            )
    for url, gain in report.listings:
        lines.append(f"Listing page:  {url}  ({gain} article(s) no feed or sitemap lists)")
    for index, sample in enumerate(report.samples, 1):
        lines += ["", f"Article {index}/{len(report.samples)}: {sample.url}"]
        lines += _sample_lines(sample, body_lines)
    for note in report.notes:
        lines.append(f"note: {note}")
    lines.append("")
    if report.entry:
        lines += ["Paste into your sources file:", "", report.entry.rstrip()]
    return lines


def _sample_lines(sample: Sample, body_lines: int) -> list[str]:
    if sample.problem:
        return [f"  {sample.problem}"]
    fields, trace = sample.fields, sample.trace

    def row(label: str, value, signal: str | None = None) -> str:
        shown = value if value not in (None, "", []) else "-"
        return f"  {label:<10} {shown}" + (f"   [{signal}]" if signal and shown != "-" else "")

    body = fields.get("body_html") or ""
    text = [line.strip() for line in body_text(body).splitlines() if line.strip()]
    out = [
        row("headline", fields.get("title"), trace.get("title")),
        row("published", fields.get("published"), trace.get("published")),
        row("modified", fields.get("modified")),
        row("authors", ", ".join(fields.get("authors") or []), trace.get("authors")),
        row("image", fields.get("image"), trace.get("image")),
        row("language", fields.get("language")),
        row("section", fields.get("section")),
        row(
            "body",
            f"{len(' '.join(text)):,} characters, {len(text)} paragraphs" if text else None,
            trace.get("body"),
        ),
    ]
    out += [f"             {line[:100]}{'…' if len(line) > 100 else ''}" for line in text[:body_lines]]
    if not fields.get("title") or not text:
        out.append("  ! this page would be dropped: no headline or no body")
    return out
