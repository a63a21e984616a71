"""`scrapy export` on a crawled demo archive: feeds to their specs, posts, and a true folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
import yaml
from lxml import html as lxml_html

from crawler.store import Archive
from crawler.watch.websub import feed_hub
from tests import conftest
from tests.conftest import (
    PUBLISHED_PATHS,
    ROOT,
    build_jekyll_site,
    feedvalidator_or_skip,
    jekyll_or_skip,
    newsboat_or_skip,
    run_scrapy,
    static_server,
)

pytestmark = pytest.mark.slow
SITE = "https://newsdao.kr"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "media": "http://search.yahoo.com/mrss/",
}
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


@pytest.fixture
def archive_db(demo_run, tmp_path) -> Path:
    """A private copy of the crawled demo archive, free to change."""
    path = tmp_path / "news.db"
    shutil.copy(demo_run.db, path)
    return path


def export(db: Path, out: Path, *extra: str, sources: Path | None = None) -> subprocess.CompletedProcess:
    settings = ["-s", f"NEWS_DB_PATH={db}", "-s", f"NEWS_SOURCES_FILE={sources or out / 'none.toml'}"]
    result = run_scrapy("export", *settings, *extra, "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def feed_files(out: Path, name: str) -> list[Path]:
    return sorted((out / "feeds").rglob(name))


def rows(db: Path) -> dict[str, dict]:
    archive = Archive(db)
    try:
        return {row["url"]: row for row in archive.iter_all()}
    finally:
        archive.close()


def lead_image(row: dict) -> str:
    """What opens an entry's content: the lead image as the post shows it, when there is one."""
    return f'<p><img src="{row["image"]}" alt="flaretime 속보" /></p>\n' if row["image"] else ""


def test_rss_feeds_follow_the_rss_rules(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    stored = rows(archive_db)
    paths = feed_files(out, "rss.xml")
    assert [str(p.relative_to(out)) for p in paths] == [
        "feeds/categories/business/rss.xml", "feeds/categories/news/rss.xml",
        "feeds/rss.xml", "feeds/sources/demo-news/rss.xml", "feeds/sources/partner-wire/rss.xml",
    ]  # fmt: skip
    for path in paths:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, path
        channel = ET.parse(path).getroot().find("channel")
        assert channel.findtext("link") == SITE + "/"
        assert channel.findtext("title") and channel.findtext("description") and channel.findtext("language")
        self_link = channel.find("atom:link", NS)
        assert self_link.get("rel") == "self" and self_link.get("type") == "application/rss+xml"
        assert self_link.get("href") == f"{SITE}/{path.relative_to(out)}"
        items = channel.findall("item")
        assert items
        newest = max(parsedate_to_datetime(i.findtext("pubDate")) for i in items)
        assert parsedate_to_datetime(channel.findtext("lastBuildDate")) >= newest
        for item in items:
            row = stored[item.findtext("link")]
            assert item.findtext("title") == row["title"]
            assert item.find("guid").get("isPermaLink") == "false"
            assert item.findtext("guid") == f"tag:newsdao.kr,2024:article:{row['id']}"
            assert RFC822.match(item.findtext("pubDate"))
            assert parsedate_to_datetime(item.findtext("pubDate")) == datetime.fromisoformat(row["published"])
            assert [c.text for c in item.findall("dc:creator", NS)] == [", ".join(row["authors"])]  # one, as readers show one
            assert item.find("author") is None  # RSS author must be an e-mail address
            assert [c.text for c in item.findall("category")] == row["categories"]
            assert item.findtext("description") == row["excerpt"]
            assert item.findtext("content:encoded", namespaces=NS) == lead_image(row) + row["body_html"]
            media = item.find(".//media:content", NS)
            if row["image"]:
                assert media.get("url") == row["image"] and media.get("type", "").startswith("image/")
            else:
                assert media is None and item.find("enclosure") is None


def test_atom_and_json_feeds_list_the_same_entries(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    stored = rows(archive_db)
    for path in feed_files(out, "atom.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, path
        root = ET.parse(path).getroot()
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang")
        assert root.findtext("atom:id", namespaces=NS) and root.findtext("atom:updated", namespaces=NS)
        assert root.findtext("atom:author/atom:name", namespaces=NS) == "flaretime"  # for author-less entries
        links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
        assert links == {"self": f"{SITE}/{path.relative_to(out)}", "alternate": SITE + "/"}
        rss = feedparser.parse(path.with_name("rss.xml").read_bytes())
        assert [e.id for e in parsed.entries] == [e.id for e in rss.entries]
        for entry, element in zip(parsed.entries, root.findall("atom:entry", NS), strict=True):
            row = stored[entry.link]
            assert entry.id.startswith("tag:newsdao.kr,2024:article:")
            assert entry.published_parsed and entry.updated_parsed and entry.summary == row["excerpt"]
            assert element.find("atom:content", NS).get("type") == "html"
            assert element.findtext("atom:content", namespaces=NS) == lead_image(row) + row["body_html"]
            assert entry.content[0].value  # feedparser re-serializes the HTML it reads
            assert [a.name for a in entry.get("authors", [])] == row["authors"]
            assert [t.term for t in entry.tags] == row["categories"]
        items = json.loads(path.with_name("feed.json").read_text(encoding="utf-8"))
        assert items["version"] == "https://jsonfeed.org/version/1.1" and items["title"]
        assert items["feed_url"] == f"{SITE}/{path.with_name('feed.json').relative_to(out)}"
        assert [item["id"] for item in items["items"]] == [e.id for e in parsed.entries]
        for item in items["items"]:
            row = stored[item["url"]]
            assert item["content_html"] == lead_image(row) + row["body_html"] and item["summary"] == row["excerpt"]
            assert item["title"] == row["title"] and item.get("image") == row["image"]
            assert datetime.fromisoformat(item["date_published"]) == datetime.fromisoformat(row["published"])
            assert item["date_modified"] and item["language"] == row["language"]
            assert [a["name"] for a in item["authors"]] == row["authors"]


def test_every_feed_and_the_opml_pass_the_w3c_feed_validator(archive_db, tmp_path):
    validate = feedvalidator_or_skip()
    add_rich_article(archive_db)
    out = tmp_path / "out"
    export(archive_db, out)
    files = feed_files(out, "*.xml") + feed_files(out, "*.opml")
    assert len(files) == 2 * 6 + 1  # all, 2 sources, 3 categories (경제 added), in RSS and Atom; the OPML
    result = subprocess.run([*validate, "--strict", *map(str, files)], capture_output=True, text=True, timeout=300)
    assert result.stdout.strip().rsplit("\n", 1)[-1] == f"SUMMARY {len(files)} file(s), 0 failure(s), 0 warning(s)", (
        result.stdout + result.stderr
    )
    assert result.returncode == 0


def add_rich_article(db: Path) -> dict:
    """An article as a Korean outlet prints one: three authors, an image, a Korean category."""
    article = {
        "url": "https://news.example/2024/06/04/ai-budget", "source": "demo-news", "language": "ko",
        "title": "정부, AI 예산 3조 5000억 원 <확정>…‘클라우드·로봇’ 지원 & 세제 혜택",
        "published": "2024-06-04T05:30:00+00:00", "authors": ["김민지", "박서준", "Lee Ha-eun"],
        "categories": ["경제", "News"], "keywords": ["AI", "예산"], "image": "https://news.example/img/ai-budget.jpg?w=800&h=450",
        "excerpt": "정부가 3조 5000억 원 규모의 AI 예산을 확정했다.",
        "body_html": '<h2>예산 내용</h2>\n<p>정부가 3조 5000억 원 규모의 AI 예산을 확정했다. <a href="https://news.example/more?a=1&amp;b=2">관련</a></p>'
                     '\n<figure><img src="https://news.example/img/chart.png" alt="도표"><figcaption>도표</figcaption></figure>',
    }  # fmt: skip
    archive = Archive(db)
    archive.save(article)
    archive.close()
    return article


def test_newsboat_shows_every_title_date_author_and_lead_image(archive_db, tmp_path):
    newsboat = newsboat_or_skip()
    add_rich_article(archive_db)
    out = tmp_path / "out"
    export(archive_db, out)
    stored = rows(archive_db)
    home = tmp_path / "home"
    home.mkdir()
    (home / "config").write_text("", encoding="utf-8")
    with static_server(out) as base:
        for name in ("rss.xml", "atom.xml"):  # one cache each: newsboat keeps one item per guid
            (home / "urls").write_text(f"{base}/feeds/{name}\n", encoding="utf-8")
            cache = home / f"{name}.db"
            command = [newsboat, "-x", "reload", "-u", "urls", "-c", cache.name, "-C", "config"]
            ran = subprocess.run(command, cwd=home, env={**os.environ, "HOME": str(home)},
                                 capture_output=True, text=True, timeout=120)  # fmt: skip
            assert ran.returncode == 0, ran.stdout + ran.stderr
            with sqlite3.connect(cache) as db:
                items = db.execute("SELECT url, title, author, pubDate, content FROM rss_item").fetchall()
            assert len(items) == len(PUBLISHED_PATHS) + 1, name
            for url, title, author, date, content in items:
                row = stored[url]
                assert title == row["title"], name
                assert date == datetime.fromisoformat(row["published"]).timestamp(), (name, url)
                assert author == ", ".join(row["authors"]), (name, url)  # every author, not the last
                if row["image"]:
                    assert content.startswith(f'<p><img src="{escape(row["image"])}"'), (name, url)


def test_a_validator_that_cannot_run_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "FEEDVALIDATOR", tmp_path / "missing" / "validate")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="not at"):
        conftest.feedvalidator_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not at"):
        conftest.feedvalidator_or_skip()


def test_opml_and_index_list_every_feed_and_the_files_exist(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    outlines = ET.parse(out / "feeds" / "feeds.opml").getroot().iter("outline")
    urls = [o.get("xmlUrl") for o in outlines if o.get("xmlUrl")]
    assert len(urls) == 15  # 5 feeds (all, 2 sources, 2 categories) in 3 formats
    for url in urls:
        assert (out / url.removeprefix(SITE + "/")).is_file(), url
    index = (out / "feeds" / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"]+\.(?:xml|json|opml))"', index):
        assert (out / "feeds" / href).is_file(), href
    assert index.count('rel="nofollow noopener"') == len(PUBLISHED_PATHS)  # the latest articles


def test_exporting_twice_changes_no_byte(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    first = snapshot(out)
    result = export(archive_db, out)
    assert snapshot(out) == first
    assert "0 files written" in result.stdout


def test_one_updated_article_changes_only_its_post_and_the_feeds_listing_it(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    before = snapshot(out)
    archive = Archive(archive_db)
    row = archive.find_by_url(next(u for u in rows(archive_db) if u.endswith("/chip-exports-record.html")))
    row["body_html"] += "\n<p>An added paragraph with a correction.</p>"
    assert archive.save(row, now=datetime(2024, 6, 8, tzinfo=UTC)) == "updated"
    archive.close()
    export(archive_db, out)
    after = snapshot(out)
    changed = {path for path in after if after[path] != before.get(path)}
    feeds = {f"feeds/{folder}{name}" for folder in ("", "sources/demo-news/", "categories/business/")
             for name in ("rss.xml", "atom.xml", "feed.json")}  # fmt: skip
    post = next(p for p in after if "chip-exports-record" in p)
    assert changed == {post, ".newsdao-export.json"} | feeds
    entry = next(e for e in feedparser.parse(after["feeds/atom.xml"]).entries if e.link == row["url"])
    old = next(e for e in feedparser.parse(before["feeds/atom.xml"]).entries if e.link == row["url"])
    assert entry.id == old.id and entry.updated > old.updated


def test_duplicates_renames_and_foreign_files(archive_db, tmp_path):
    out = tmp_path / "out"
    export(archive_db, out)
    foreign = out / "_posts" / "2020-01-01-my-own-post.md"
    foreign.write_text("---\ntitle: mine\n---\nhello\n", encoding="utf-8")
    before = snapshot(out)
    stored = rows(archive_db)
    copy = stored[next(u for u in stored if u.endswith("/heatwave-warning.html"))]
    original = stored[next(u for u in stored if u.endswith("/seoul-subway-fare.html"))]
    moved = stored[next(u for u in stored if u.endswith("/library-night-opening.html"))]
    archive = Archive(archive_db)
    archive.mark_duplicate(copy["id"], original["id"])
    archive.save(dict(moved, published="2024-05-31T10:00:00+00:00"))
    archive.close()
    result = export(archive_db, out)
    after = snapshot(out)
    gone = set(before) - set(after)
    assert gone == {p for p in before if "heatwave-warning" in p or "library-night-opening" in p}
    assert any("2024-05-31-library-night-opening" in p for p in after)
    assert after[str(foreign.relative_to(out))] == before[str(foreign.relative_to(out))]
    assert "2 removed" in result.stdout
    for path in feed_files(out, "*.xml"):
        assert copy["url"] not in path.read_text(encoding="utf-8")


def test_excerpt_only_sources_and_the_rewrite_hook(archive_db, demo_run, tmp_path):
    out = tmp_path / "out"
    sources = tmp_path / "sources.toml"
    text = demo_run.sources.read_text(encoding="utf-8")
    for name in ("demo-news", "partner-wire"):
        text = text.replace(f'name = "{name}"', f'name = "{name}"\nfull_text = false')
    sources.write_text(text, encoding="utf-8")
    export(archive_db, out, "-s", "NEWS_POST_HOOK=tests.hooks.breaking", sources=sources)
    stored = rows(archive_db)
    for path in (out / "_posts").glob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        row = stored[meta["original_url"]]
        assert meta["title"] == "[속보] " + row["title"] + "alert(1)"  # tags removed, text kept
        assert meta["image"] == "https://newsdao.kr/res/images/meta/newsdao_breakingnews.jpg"
        assert f'<a href="{row["url"]}">원문 보기</a>' in body
        assert "<script" not in body and "onclick" not in body and "javascript:" not in body
        paragraphs = re.findall(r'<p data-ke-size="size16">', body)
        assert len(paragraphs) == 2  # the excerpt and the link, not the body
    for path in feed_files(out, "*.*"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "&lt;script" not in text and "javascript:" not in text, path


def test_a_jekyll_site_in_another_time_zone_is_warned_once_with_the_line_to_add(archive_db, tmp_path):
    cases = {
        "none": "title: my site\n",
        "other": "title: my site\ntimezone: UTC\n",
        "same": "title: my site\ntimezone: Asia/Seoul\n",
    }
    for name, config in cases.items():
        site = tmp_path / name
        site.mkdir()
        (site / "_config.yml").write_text(config, encoding="utf-8")
        warnings = [line for line in export(archive_db, site).stderr.splitlines() if line.startswith("Warning:")]
        if name == "same":
            assert warnings == []
            continue
        assert len(warnings) == 1, warnings  # once, not once per post
        assert "(NEWS_POST_TIMEZONE)" in warnings[0] and str(site / "_config.yml") in warnings[0]
        verb = "Add" if name == "none" else "Change it to"
        assert warnings[0].endswith(f"{verb} this line in _config.yml: timezone: Asia/Seoul"), warnings[0]
        second = [line for line in export(archive_db, site).stderr.splitlines() if line.startswith("Warning:")]
        assert second == warnings  # an incremental export that writes nothing says it again
    result = export(archive_db, tmp_path / "plain")  # not a Jekyll site: nothing to say
    assert "Warning:" not in result.stderr


def test_posts_build_with_jekyll(archive_db, tmp_path):
    jekyll_or_skip()
    site = tmp_path / "site"
    shutil.copytree(ROOT / "exporters" / "jekyll_site", site)
    archive = Archive(archive_db)
    soon = datetime.now(UTC) + timedelta(hours=6)
    archive.save({
        "url": "https://liquid.example/news/templates", "source": "liquid", "title": "Templates {{ site.title }} and {% raw %}",
        "published": soon.isoformat(), "authors": ["Ann"], "categories": ["News"], "language": "en",
        "excerpt": "Liquid {{ page.url }} must show as text.",
        "body_html": "<h2>Tags {% include nope.html %}</h2>\n<p>Shown {{ site.time }} literally.</p>",
    })  # fmt: skip
    archive.close()
    export(archive_db, site)
    build = build_jekyll_site(site)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "warn" not in (build.stdout + build.stderr).lower(), build.stdout + build.stderr
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(posts) == len(PUBLISHED_PATHS) + 1
    for path in posts:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        moment = datetime.strptime(meta["date"], "%Y-%m-%d %H:%M:%S %z")
        slug = path.stem[11:]
        page = (site / "_site" / f"{moment:%Y/%m/%d}" / slug / "index.html").read_text(encoding="utf-8")
        assert f'<h1 class="post-title">{escape_liquid(meta["title"])}</h1>' in page
        assert f'<img src="{meta["image"]}"' in page
        for block in re.findall(r"<(?:h2|p) data-ke-size=[^>]+>.*?</(?:h2|p)>", body):
            assert block in page
    liquid = next(p for p in posts if "templates" in p.name)
    page_text = (site / "_site").joinpath(
        *[d for d in liquid.stem[:10].split("-")], liquid.stem[11:], "index.html"
    )
    shown = " ".join(lxml_html.fromstring(page_text.read_text(encoding="utf-8")).text_content().split())
    for literal in ("{% include nope.html %}", "{{ site.time }}", "Templates {{ site.title }} and {% raw %}"):
        assert literal in shown


def escape_liquid(title: str) -> str:
    """The title as Liquid's `escape` filter writes it."""
    return (
        title.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def test_the_standfirst_opens_the_post_and_every_feed_entry(archive_db, tmp_path):
    """The summary printed under the headline is a field of its own, shown before the body."""
    standfirst = "AI 정책금융 3.5조 원을 새로 만든다 <핵심>은 클라우드·로봇"
    archive = Archive(archive_db)
    row = archive.find_by_url(next(u for u in rows(archive_db) if u.endswith("/ai-policy-finance.html")))
    row["standfirst"] = standfirst
    assert archive.save(row, now=datetime(2024, 6, 8, tzinfo=UTC)) == "updated"
    archive.close()
    out = tmp_path / "out"
    export(archive_db, out)
    printed = f"<p>{escape(standfirst, quote=False)}</p>"
    post = next((out / "_posts").glob("*-ai-policy-finance-*.md")).read_text(encoding="utf-8")
    body = post.split("---\n", 2)[2]
    first_paragraph = re.search(r"<p data-ke-size=\"size16\">(.*?)</p>", body).group(1)
    assert first_paragraph == escape(standfirst, quote=False)
    assert body.count("AI 정책금융 3.5조 원을 새로 만든다") == 1
    for name in ("rss.xml", "atom.xml"):
        entry = next(e for e in feedparser.parse((out / "feeds" / name).read_bytes()).entries if e.link == row["url"])
        content = entry.content[0].value
        assert printed in content and content.index(printed) < content.index("정부가 인공지능"), name
    items = json.loads((out / "feeds" / "feed.json").read_text(encoding="utf-8"))["items"]
    html = next(i for i in items if i["url"] == row["url"])["content_html"]
    assert html.index(printed) < html.index("정부가 인공지능")


def test_with_a_websub_hub_every_feed_advertises_it_beside_its_self_url_and_stays_valid(archive_db, tmp_path):
    hub = "https://hub.example/websub"
    out = tmp_path / "out"
    export(archive_db, out, "-s", f"NEWS_WEBSUB_HUB={hub}", "-s", f"NEWS_SITE_URL={SITE}")
    xml = feed_files(out, "*.xml")
    assert xml
    for path in xml:
        url = f"{SITE}/{path.relative_to(out).as_posix()}"
        assert feed_hub(path.read_bytes(), "https://elsewhere.example/") == (hub, url)  # what watch reads
        root = ET.parse(path).getroot()
        channel = root.find("channel")
        links = (channel if channel is not None else root).findall("atom:link", NS)
        assert [(link.get("rel"), link.get("href")) for link in links if link.get("rel") in ("hub", "self")] == [
            ("self", url), ("hub", hub)
        ]  # fmt: skip
    for path in feed_files(out, "feed.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["hubs"] == [{"type": "WebSub", "url": hub}]
    validate = feedvalidator_or_skip()
    result = subprocess.run([*validate, "--strict", *map(str, xml)], capture_output=True, text=True, timeout=300)
    assert result.stdout.strip().rsplit("\n", 1)[-1] == f"SUMMARY {len(xml)} file(s), 0 failure(s), 0 warning(s)", (
        result.stdout + result.stderr
    )

    export(archive_db, out, "-s", f"NEWS_SITE_URL={SITE}")  # no hub any more: the feeds say so at once
    for path in xml:
        assert feed_hub(path.read_bytes(), "https://elsewhere.example/") is None
    assert all("hubs" not in json.loads(p.read_text(encoding="utf-8")) for p in feed_files(out, "feed.json"))
