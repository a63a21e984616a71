"""The development board: its sets, how each set's pages are read, and which site each page is from.

Every scoring choice a set needs is declared here once for the whole set, never per page: its
layout (body shingles or must/must-not snippets), whether its truth prints the standfirst
before the body, whether an extractor's reader comments count as its text. The site of a page
(`site_key`) is what held-out figures split on: `rule_origins.toml` lists, per set, the sites
rules were written from.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
ORIGINS = Path(__file__).resolve().parent / "rule_origins.toml"


@dataclass(frozen=True)
class Record:
    """One page without its HTML (the workers read that): id, URL passed to extractors, truth, site."""

    name: str
    url: str
    html_file: Path
    truth: dict[str, Any]
    site: str


@dataclass(frozen=True)
class BoardSet:
    name: str
    folder: Path
    # "shingles": body text scored on 4-token shingles (the article-extraction metric);
    # "snippets": strings the text must contain and must not contain (trafilatura's evaluation).
    body: str
    # The truth prints the standfirst (summary under the headline) before the body: ours is
    # scored with standfirst + body; otherwise with the body alone.
    standfirst: bool
    # The extracted text includes reader comments where the extractor returns them (what
    # trafilatura.extract() returns with comments on); the snippet truth scores the main text only.
    comments: bool
    site_of: Callable[[dict[str, Any]], str]
    # Records marked `synthetic` (hand-written unit-test pages) are left out of every figure.
    skip_synthetic: bool = False
    note: str = ""


def _host(url: str | None) -> str | None:
    """The host of a URL without `www.`; an archived page's own host (web.archive.org/web/<t>/<url>)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    if host == "web.archive.org" and "/http" in parts.path:
        return _host(parts.path[parts.path.index("/http") + 1 :])
    return host or None


def _site_by_publisher(record: dict[str, Any]) -> str:
    return record["publisher"]


def _site_by_outlet(record: dict[str, Any]) -> str:
    """`kr/<Outlet>_<n>` -> Outlet."""
    return record["id"].split("/")[-1].rsplit("_", 1)[0]


def _site_by_url(record: dict[str, Any]) -> str:
    """Host of the page URL; a page whose URL is no URL (`hard::name`) is a site of its own."""
    return _host(record.get("url")) or record.get("url") or record["id"]


def _site_by_declared_url(record: dict[str, Any]) -> str:
    """Host of the page's own canonical URL (every page is served as fakehost); else the page."""
    return _host(record.get("declared_url")) or record["id"]


SETS: dict[str, BoardSet] = {
    s.name: s
    for s in (
        BoardSet(
            "article-extraction", SHARED / "article-extraction", "shingles",
            standfirst=False, comments=True, site_of=_site_by_url,
        ),
        BoardSet(
            "news-metadata", SHARED / "news-metadata", "shingles",
            standfirst=True, comments=True, site_of=_site_by_publisher,
        ),
        BoardSet(
            "korean-news", SHARED / "korean-news", "shingles",
            standfirst=True, comments=True, site_of=_site_by_outlet,
        ),
        # Readability's expected text leaves out a standfirst printed above the article.
        BoardSet(
            "readability-pages", SHARED / "readability-pages", "shingles",
            standfirst=False, comments=True, site_of=_site_by_declared_url, skip_synthetic=True,
            note="captured pages only: the `synthetic` unit-test pages are left out",
        ),
        # The `with` snippets quote the page's summary where it prints one, no `without` does.
        BoardSet(
            "trafilatura-eval", SHARED / "trafilatura-eval", "snippets",
            standfirst=True, comments=False, site_of=_site_by_url,
            note="snippets: per-page means of `with` found and `without` absent, F1 their harmonic mean",
        ),
    )
}  # fmt: skip


def folder_set(folder: Path) -> BoardSet:
    """The set a folder holds: a board set's declaration by its name, else one read from its shape."""
    folder = folder.resolve()
    if folder.name in SETS:
        return dataclasses.replace(SETS[folder.name], folder=folder)
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if isinstance(truth, dict):
        return BoardSet(folder.name, folder, "shingles", False, True, _site_by_url)
    snippets = bool(truth) and "with" in truth[0]
    return BoardSet(
        folder.name, folder, "snippets" if snippets else "shingles", True, not snippets,
        _site_by_url if snippets else _site_by_publisher_or_id,
    )  # fmt: skip


def _site_by_publisher_or_id(record: dict[str, Any]) -> str:
    return record.get("publisher") or _site_by_url(record)


def load_records(board_set: BoardSet, half: str = "all", limit: int | None = None) -> list[Record]:
    """The set's pages in the ground truth's sorted order (then the half, the limit, the filter)."""
    folder = board_set.folder
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if isinstance(truth, dict):  # the article-extraction layout: name -> {url, articleBody}
        records = [
            {"id": name, "html_file": f"html/{name}.html.gz", "url": value.get("url") or "",
             "body_text": value.get("articleBody", "")}
            for name, value in sorted(truth.items())
        ]  # fmt: skip
    else:
        records = sorted(truth, key=lambda r: r["id"])
    if half != "all":
        records = records[0 if half == "even" else 1 :: 2]
    if board_set.skip_synthetic:
        records = [r for r in records if not r.get("synthetic")]
    if limit:
        records = records[:limit]
    return [Record(r["id"], _page_url(r), folder / r["html_file"], r, board_set.site_of(r)) for r in records]


def _page_url(record: dict[str, Any]) -> str:
    """The URL extractors get: the record's, where it is one (some evaluation pages have a label)."""
    url = record.get("url") or ""
    return url if url.startswith(("http://", "https://")) else ""


def read_html(path: Path) -> str:
    """The page as text, decoded as a browser would, independent of the crawler's own decoder.

    A byte-order mark wins; bytes that are valid UTF-8 are UTF-8 (saved pages lost the HTTP
    header that said so); else the charset the page declares (meta or XML declaration, WHATWG
    labels: ISO-8859-1 reads as windows-1252), undecodable bytes replaced as a browser shows
    them; a page that declares nothing is sniffed.
    """
    from w3lib.encoding import html_body_declared_encoding, html_to_unicode

    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if html_body_declared_encoding(data):
        return html_to_unicode(None, data)[1]
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("cp1252", "replace")


def rule_origins(path: Path = ORIGINS) -> dict[str, set[str]]:
    """Per set, the sites extraction rules were written from (`rule_origins.toml`)."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: set(table.get("sites", [])) for name, table in data.items()}


def origins_toml(board_set: BoardSet, half: str) -> str:
    """A `rule_origins.toml` table listing the sites of a set's pages (for `--origins-from`)."""
    sites = sorted({record.site for record in load_records(board_set, half)})
    command = f"python benchmarks/extraction.py --origins-from {board_set.name} --half {half}"
    lines = [f"[{board_set.name}]", f"# {len(sites)} sites, printed by `{command}`", "sites = ["]
    lines += [f"    {json.dumps(site, ensure_ascii=False)}," for site in sites]
    return "\n".join([*lines, "]"])
