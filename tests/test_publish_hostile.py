"""Hostile values a page can hand us, through a real crawl and export: what the archive stores,
what the post, the RSS, the Atom and the JSON Feed publish."""

from __future__ import annotations

import html
import json
import random
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest
import yaml
from ruamel.yaml import YAML

from crawler.store import Archive
from tests.conftest import (
    ROOT,
    build_jekyll_site,
    feedvalidator_or_skip,
    jekyll_or_skip,
    run_scrapy,
    static_server,
)

pytestmark = pytest.mark.slow

# Words for bodies that share no sentence, so no page reads as a copy of another.
WORDS = (
    "council budget river bridge harbour school teacher market price farmer rain storm festival "
    "museum library station train ticket hospital doctor nurse factory worker union wage court "
    "judge ruling election voter poll minister policy export chip battery plant energy solar wind "
    "grid tariff bank loan rate inflation housing rent tenant landlord village mayor road tunnel "
    "airport flight pilot ferry island fisher catch season harvest rice apple orchard bakery bread"
).split()


@dataclass(frozen=True)
class Page:
    slug: str
    title: str = "A plain headline about the city council and its new budget"
    image: str | None = None
    link: str | None = None  # a link in the body
    author: str = "Lee Ha-eun"  # the second author (the first is 김민지)


# The image and link URLs a browser would request, as the archive and every output must hold them.
IMAGE_PAGES = {
    Page("quote", image="http://host/a.png' onerror='alert(1)"): "http://host/a.png%27%20onerror=%27alert(1)",
    Page("spaces", image='https://img.example/photo 1 "big" <b>.jpg'): (
        "https://img.example/photo%201%20%22big%22%20%3Cb%3E.jpg"
    ),
    Page("javascript", image="javascript:alert(1)"): None,
    Page("data", image="data:image/png;base64,iVBORw0KGgo="): None,
    Page("hangul", image="/사진/서울 1.jpg?크기=큰"): "{base}/%EC%82%AC%EC%A7%84/%EC%84%9C%EC%9A%B8%201.jpg?%ED%81%AC%EA%B8%B0=%ED%81%B0",
    Page("idn", image="https://사진.한국/뉴스.jpg"): "https://xn--vf4bi0o.xn--3e0b707e/%EB%89%B4%EC%8A%A4.jpg",
    Page("link", link="https://ok.example/a b'c\"d"): "https://ok.example/a%20b%27c%22d",
}
# Headlines (and bylines) that a YAML 1.1 or 1.2 reader would type as other than a string when bare.
YAML_SCALARS = ["1e3", "0o17", "0x1F", ".inf", ".nan", "null", "off", "yes", "1_000", "2024-06-04", "12:30:00"]
YAML_SCALARS += ["~", "on", "no"]  # headlines of one or two characters as well
YAML_PAGES = [Page(f"yaml-{i}", title=value, author=value) for i, value in enumerate(YAML_SCALARS)]
# Headlines of punctuation only, printed over a real body.
PUNCTUATION_PAGES = [Page("dots", title=".."), Page("interrobang", title="?!"), Page("ellipsis", title="…")]
PAGES = list(IMAGE_PAGES) + YAML_PAGES + PUNCTUATION_PAGES


def body(seed: int) -> str:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(4):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(3)]
        paragraphs.append(" ".join(sentences))
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def article_page(index: int, page: Page) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": f"2024-06-{index % 27 + 1:02d}T10:00:00+09:00",
        "author": [{"name": "김민지"}, {"name": page.author}],
    }
    if page.image:
        ld["image"] = page.image
    ld_text = json.dumps(ld, ensure_ascii=False).replace("<", "\\u003c")
    link = f'\n<p>Read <a href="{html.escape(page.link)}">the report</a> too.</p>' if page.link else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(page.title)}</title>
<meta property="og:title" content="{html.escape(page.title)}">
<script type="application/ld+json">{ld_text}</script>
</head><body><article><h1>{html.escape(page.title)}</h1>
<div class="article-body">
{body(index)}{link}
</div></article></body></html>"""


@dataclass
class Published:
    base: str
    db: Path
    sources: Path
    out: Path
    rows: dict[str, dict]  # by slug
    crawl_log: str

    def post(self, slug: str) -> tuple[dict, str]:
        return read_post(self.out, slug)


def read_post(out: Path, slug: str) -> tuple[dict, str]:
    """The front matter and the body of the post whose file name carries the slug."""
    path = next((out / "_posts").glob(f"*-{slug}-*.md"))
    _, front, text = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), text


def slug_of(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    folder = tmp_path_factory.mktemp("publish")
    site = folder / "site"
    (site / "p").mkdir(parents=True)
    with static_server(site) as base:
        for index, page in enumerate(PAGES):
            (site / "p" / f"{page.slug}.html").write_text(article_page(index, page), encoding="utf-8")
        items = "".join(f"<item><title>t</title><link>{base}/p/{p.slug}.html</link></item>" for p in PAGES)
        (site / "feed.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>h</title>'
            f"<link>{base}/</link><description>d</description>{items}</channel></rss>",
            encoding="utf-8",
        )
        sources = folder / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "hostile"\nfeeds = ["{base}/feed.xml"]\narticle_pattern = "/p/"\n'
            'allowed_domains = ["127.0.0.1"]\nlanguage = "en"\ntimezone = "Asia/Seoul"\nmax_age_days = 0\n',
            encoding="utf-8",
        )
        settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={folder / 'news.db'}"]
        crawl = run_scrapy("crawl", "news", *settings)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    out = folder / "out"
    export = run_scrapy("export", *settings, "-o", str(out))
    assert export.returncode == 0, export.stderr[-3000:]
    archive = Archive(folder / "news.db")
    try:
        rows = {slug_of(row["url"]): row for row in archive.iter_all()}
    finally:
        archive.close()
    return Published(base, folder / "news.db", sources, out, rows, crawl.stderr)


NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "media": "http://search.yahoo.com/mrss/",
}


def entries(feeds: Path, url: str) -> list[ET.Element]:
    """The RSS item and the Atom entry of an article in the combined feeds."""
    rss = ET.parse(feeds / "rss.xml").getroot().iter("item")
    atom = ET.parse(feeds / "atom.xml").getroot().iterfind("atom:entry", NS)
    found = [i for i in rss if i.findtext("link") == url]
    found += [e for e in atom if e.find("atom:link", NS).get("href") == url]
    assert len(found) == 2, url
    return found


def expected_url(page: Page, base: str) -> str | None:
    value = IMAGE_PAGES[page]
    return value.format(base=base) if value else None


@pytest.mark.parametrize("page", [p for p in IMAGE_PAGES if p.image], ids=lambda p: p.slug)
def test_an_image_url_is_stored_and_published_as_a_browser_serializes_it(published, page):
    want = expected_url(page, published.base)
    row = published.rows[page.slug]
    assert row["image"] == want
    meta, text = published.post(page.slug)
    assert meta["image"] == (want or "https://newsdao.kr/res/images/meta/newsdao_breakingnews.jpg")
    assert f'<p><img src="{html.escape(meta["image"])}" alt="flaretime 속보" /></p>' in text
    json_item = next(
        i for i in json.loads((published.out / "feeds" / "feed.json").read_text())["items"] if i["url"] == row["url"]
    )
    assert json_item.get("image") == want
    for entry in entries(published.out / "feeds", row["url"]):
        assert [m.get("url") for m in entry.findall("media:content", NS)] == ([want] if want else [])
        content = entry.findtext("content:encoded", namespaces=NS) or entry.findtext("atom:content", namespaces=NS)
        assert content.startswith(f'<p><img src="{html.escape(want)}"') if want else "<img" not in content
    for path in (published.out / "feeds").rglob("*.*"):
        raw = path.read_text(encoding="utf-8")
        assert "onerror" not in raw.replace("%20onerror=%27", ""), path  # only ever inside a URL's path
        assert "javascript:" not in raw and "data:image" not in raw, path


def test_a_link_url_in_the_body_is_serialized_as_a_browser_would(published):
    row = published.rows["link"]
    want = expected_url(next(p for p in PAGES if p.slug == "link"), published.base)
    assert f'<a href="{want}" rel="nofollow noopener">the report</a>' in row["body_html"]
    meta, text = published.post("link")
    assert f'<a href="{want}" rel="nofollow noopener">the report</a>' in text


@pytest.mark.parametrize("page", YAML_PAGES, ids=lambda p: p.title)
def test_a_headline_yaml_would_type_is_stored_and_published_as_the_string_printed(published, page):
    row = published.rows[page.slug]
    assert row["title"] == page.title and row["authors"] == ["김민지", page.title]
    front = (next((published.out / "_posts").glob(f"*-{page.slug}-*.md")).read_text(encoding="utf-8")).split("---\n")[1]
    ruamel_12, ruamel_11 = YAML(typ="safe", pure=True), YAML(typ="safe", pure=True)
    ruamel_11.version = (1, 1)
    for load in (yaml.safe_load, ruamel_12.load, ruamel_11.load):
        meta = load(front)
        assert meta["title"] == page.title and meta["authors"] == ["김민지", page.title], front
    item = next(i for i in json.loads((published.out / "feeds" / "feed.json").read_text())["items"] if i["url"] == row["url"])
    assert item["title"] == page.title and [a["name"] for a in item["authors"]] == ["김민지", page.title]
    for entry in entries(published.out / "feeds", row["url"]):
        assert (entry.findtext("title") or entry.findtext("atom:title", namespaces=NS)) == page.title


@pytest.mark.parametrize("page", PUNCTUATION_PAGES, ids=lambda p: p.slug)
def test_a_headline_of_punctuation_is_stored_and_published_as_printed(published, page):
    row = published.rows.get(page.slug)
    assert row is not None, [line for line in published.crawl_log.splitlines() if page.slug in line][-3:]
    assert row["title"] == page.title
    meta, _ = published.post(page.slug)
    assert meta["title"] == page.title
    for entry in entries(published.out / "feeds", row["url"]):
        assert (entry.findtext("title") or entry.findtext("atom:title", namespaces=NS)) == page.title


def test_every_published_url_parses_as_it_is_written(published):
    """No URL anywhere in the feeds needs a browser's repairs: ET reads every attribute back whole."""
    for path in sorted((published.out / "feeds").rglob("*.xml")):
        for element in ET.parse(path).getroot().iter():
            for name in ("href", "url"):
                value = element.get(name)
                if value:
                    assert " " not in value and "'" not in value and '"' not in value and "<" not in value, value
                    assert value.isascii(), value


def test_an_archive_stored_before_is_mended_on_the_next_export(published, tmp_path):
    db = tmp_path / "news.db"
    db.write_bytes(published.db.read_bytes())
    archive = Archive(db)
    archive.save({
        "url": "https://old.example/news/a b.html", "source": "hostile", "title": "An article stored by an older version",
        "published": "2024-06-01T01:00:00+00:00", "authors": ["Kim"], "categories": ["News"], "language": "en",
        "image": "http://host/a.png' onerror='alert(1)", "excerpt": "Stored as it came.", "body_html": body(99),
    })  # fmt: skip
    archive.close()
    out = tmp_path / "out"
    settings = ["-s", f"NEWS_SOURCES_FILE={published.sources}", "-s", f"NEWS_DB_PATH={db}"]
    assert run_scrapy("export", *settings, "-o", str(out)).returncode == 0
    meta, _ = read_post(out, "a-b")
    assert meta["image"] == "http://host/a.png%27%20onerror=%27alert(1)"
    assert meta["original_url"] == "https://old.example/news/a%20b.html"
    item = next(i for i in json.loads((out / "feeds" / "feed.json").read_text())["items"] if "old.example" in i["url"])
    assert item["url"] == meta["original_url"] and item["image"] == meta["image"]
    for entry in entries(out / "feeds", meta["original_url"]):
        assert [m.get("url") for m in entry.findall("media:content", NS)] == [meta["image"]]


def test_the_feeds_of_hostile_pages_pass_the_w3c_feed_validator(published):
    validate = feedvalidator_or_skip()
    files = sorted(map(str, (published.out / "feeds").rglob("*.xml"))) + [str(published.out / "feeds" / "feeds.opml")]
    result = subprocess.run([*validate, "--strict", *files], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and " 0 failure(s), 0 warning(s)" in result.stdout, result.stdout + result.stderr


def test_a_careless_jekyll_theme_shows_every_hostile_value_as_text(published, tmp_path):
    """Jekyll (Ruby's YAML 1.1 reader) builds the posts; a layout that prints page.image unescaped
    inside a single-quoted attribute, as many themes do, still gets one attribute holding the URL."""
    jekyll_or_skip()
    site = tmp_path / "site"
    shutil.copytree(ROOT / "exporters" / "jekyll_site", site)
    layout = site / "_layouts" / "post.html"
    layout.write_text(
        layout.read_text(encoding="utf-8").replace("</head>", "<meta property=\"og:image\" content='{{ page.image }}'>\n</head>"),
        encoding="utf-8",
    )
    settings = ["-s", f"NEWS_SOURCES_FILE={published.sources}", "-s", f"NEWS_DB_PATH={published.db}"]
    assert run_scrapy("export", *settings, "-o", str(site)).returncode == 0
    build = build_jekyll_site(site)
    assert build.returncode == 0, build.stdout + build.stderr
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(posts) == len(PAGES)
    for post in posts:
        meta = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n")[1])
        moment = meta["date"][:10].split("-")
        page = site / "_site" / moment[0] / moment[1] / moment[2] / post.stem[11:] / "index.html"
        tree = html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        assert tree.find(".//h1").text == meta["title"], post.name
        images = [m.attrib for m in tree.iter("meta") if m.get("property") == "og:image"]
        assert images == [{"property": "og:image", "content": meta["image"]}], post.name
        assert " · 김민지, " in "".join(tree.find(".//p[@class='post-meta']").itertext()), post.name
