"""Jekyll posts in the shared post format (`shared/spec/ARTICLE-FORMAT.md`).

Front matter is written by a YAML emitter with per-key styles (never pasted text), the
body is the stored, already sanitized article with the format's attributes added after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

import yaml
from lxml import html as lxml_html

from crawler.store import article_id


@dataclass(frozen=True)
class PostStyle:
    """What belongs to the publishing site; defaults are the example post's values."""

    brand: str = "flaretime"
    site_url: str = "https://newsdao.kr"
    default_image: str = "https://newsdao.kr/res/images/meta/newsdao_breakingnews.jpg"
    feature_heading: str = "## {brand} 실시간 뉴스 속보입니다."
    image_alt: str = "{brand} 속보"
    footer_text: str = "실시간 뉴스 속보는, "
    heading_attrs: str = 'data-ke-size="size26"'
    paragraph_attrs: str = 'data-ke-size="size16"'
    timezone: str = "Asia/Seoul"


# Void elements written as `<img ... />`, as the format's lead image is (and as kramdown writes them).
# lxml writes every attribute value in double quotes, so a quoted `>` cannot end the match.
VOID_TAG_RE = re.compile(r'<(img|br|hr)((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)\s*/?>')


class _Folded(str):
    """A string written as a folded block scalar (`>`)."""


class _SingleQuoted(str):
    """A string written in single quotes."""


class _PostDumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Block lists indented under their key (`  - News`), as the format shows.
        return super().increase_indent(flow, False)


# PyYAML resolves plain scalars by YAML 1.1 and quotes every string that would read back as
# another type there; these are the plain scalars that other readers type and PyYAML does not:
# YAML 1.2's floats without a dot (`1e3`, a `12e45…` article id) and `0o` octals (ruamel.yaml,
# yaml.v3), and YAML 1.1's one-letter booleans (`y`, `n`: go-yaml v2). Known to the dumper,
# they are written quoted, so every reader reads the string.
_PostDumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_PostDumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^0o[0-7]+$"), ["0"])
_PostDumper.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^[yYnN]$"), list("yYnN"))
_PostDumper.add_representer(
    _Folded, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")
)
_PostDumper.add_representer(
    _SingleQuoted, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="'")
)


def front_matter(fields: dict) -> str:
    """YAML front matter (without the `---` lines) in the post format's styles."""
    return yaml.dump(
        fields, Dumper=_PostDumper, allow_unicode=True, sort_keys=False, width=float("inf"),
        default_flow_style=False,
    )  # fmt: skip


def render_post(
    *,
    title: str,
    categories: list[str],
    excerpt: str,
    image: str | None,
    body_html: str,
    style: PostStyle = PostStyle(),
    extra: dict | None = None,
) -> str:
    """One post: front matter with the example's keys then `extra`, then the body."""
    image = image or style.default_image
    brand_heading = style.feature_heading.format(brand=style.brand)
    fields = {
        "title": title,
        "categories": list(categories),
        "excerpt": _Folded(excerpt + "\n"),
        "feature_text": _Folded(f"{brand_heading}\n{markdown_text(excerpt)}\n"),
        "image": _SingleQuoted(image),
    }
    fields.update(extra or {})
    alt = style.image_alt.format(brand=style.brand)
    lead_image = f'<p><img src="{escape(image)}" alt="{escape(alt)}" /></p>'
    blocks = format_blocks(body_html, style)
    site = escape(style.site_url)
    footer = f'{escape(style.footer_text, quote=False)}<a href="{site}" rel="dofollow">{site}</a>'
    return f"---\n{front_matter(fields)}---\n\n{lead_image}\n\n" + "\n\n".join(blocks) + f"\n{footer}\n\n\n"


def format_blocks(body_html: str, style: PostStyle) -> list[str]:
    """Top-level blocks of the sanitized body, headings and paragraphs in the format's markup."""
    if not body_html.strip():
        return []
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    blocks = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        child.tail = None
        markup = lxml_html.tostring(child, encoding="unicode")
        if child.tag in ("h2", "p") and markup.startswith(f"<{child.tag}>"):
            attrs = style.heading_attrs if child.tag == "h2" else style.paragraph_attrs
            markup = f"<{child.tag} {attrs}>" + markup[len(child.tag) + 2 :]
        blocks.append(inert(VOID_TAG_RE.sub(r"<\1\2 />", markup)))
    return blocks


# Characters that Liquid (Jekyll 3 ignores render_with_liquid) or markdown inside HTML blocks
# (kramdown's parse_block_html) would act on, as character references: they render the same.
INERT = str.maketrans({"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"})
MARKDOWN_SPECIALS_RE = re.compile(r"([\\`*_\[\]<>])")


def inert(html: str) -> str:
    """Sanitized HTML in which no Liquid tag and no markdown link can be read any more."""
    return html.translate(INERT)


def markdown_text(text: str) -> str:
    """Plain text for a markdown field (feature_text): specials escaped, so no link or HTML."""
    escaped = MARKDOWN_SPECIALS_RE.sub(r"\\\1", text)
    return "\\" + escaped if escaped.startswith("#") else escaped


def post_filename(article: dict, style: PostStyle) -> str:
    """`YYYY-MM-DD-slug.md`: the publication date in the site's zone, a stable safe slug."""
    moment = article_datetime(article).astimezone(ZoneInfo(style.timezone))
    return f"{moment:%Y-%m-%d}-{post_slug(article['url'])}.md"


def post_slug(url: str) -> str:
    """ASCII words of the URL's last path segment plus the article id: stable and unique."""
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    segment = re.sub(r"\.(s?html?|php|aspx?|jsp)$", "", path.rsplit("/", 1)[-1].lower())
    words = re.sub(r"[^a-z0-9]+", "-", segment).strip("-")[:60].strip("-")
    ident = article_id(url)[:10]
    return f"{words}-{ident}" if words and not words.isdigit() else f"article-{ident}"


def article_datetime(article: dict) -> datetime:
    value = article.get("published") or article.get("first_seen")
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def post_for_article(article: dict, style: PostStyle) -> str:
    """The post of one stored article, with the keys a site needs to credit and sort it."""
    moment = article_datetime(article).astimezone(ZoneInfo(style.timezone))
    extra = {
        "date": moment.strftime("%Y-%m-%d %H:%M:%S %z"),
        "original_url": article["url"],
        "source": article["source"],
        "authors": list(article.get("authors") or []),
        "article_id": article["id"],
        "render_with_liquid": False,
    }
    if article.get("keywords"):
        extra["tags"] = list(article["keywords"])
    return render_post(
        title=article["title"],
        categories=article.get("categories") or ["News"],
        excerpt=article.get("excerpt") or "",
        image=article.get("image"),
        body_html=article.get("body_html") or "",
        style=style,
        extra=extra,
    )
