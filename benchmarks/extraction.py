"""Extraction accuracy: our extractor and open-source anchors, same pages, each README's metric.

    python benchmarks/extraction.py FOLDER [--json FILE] [--limit N] [--half even|odd|all]

FOLDER holds `ground-truth.json` in one of two layouts, detected from its shape: the
article-extraction benchmark (a mapping of page name to `{url, articleBody}`, pages in
`html/NAME.html.gz`) or the news-metadata benchmark (a list of records with `html_file`,
`title`, `authors`, `publishing_date`, `body_text`, `cover_image_urls`). Every extractor gets
the same decoded HTML text; only its own call is timed. Anchors that are not installed are
left out of the table with a note.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _scoring as scoring  # noqa: E402

from crawler.extract import decode_html, extract_article  # noqa: E402
from crawler.text import block_text, tidy_text  # noqa: E402

FIELDS = [
    "body_f1", "body_precision", "body_recall", "title", "date", "date_minute",
    "authors_f1", "image", "image_file", "pages_per_s",
]  # fmt: skip
HEADERS = {
    "body_f1": "body F1", "body_precision": "body P", "body_recall": "body R", "title": "headline",
    "date": "date day", "date_minute": "date min", "authors_f1": "authors F1", "image": "image URL",
    "image_file": "image file", "pages_per_s": "pages/s",
}  # fmt: skip


@dataclass
class Page:
    name: str
    url: str
    html: str
    truth: dict[str, Any]


# ---------------------------------------------------------------- pages


def load_pages(folder: Path, half: str = "all", limit: int | None = None) -> tuple[str, list[Page]]:
    """(layout, pages) of a benchmark folder, in the ground truth's sorted order."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if isinstance(truth, dict):
        layout = "article-extraction"
        records = [
            {"id": name, "html_file": f"html/{name}.html.gz", "url": value.get("url") or "",
             "body_text": value.get("articleBody", "")}
            for name, value in sorted(truth.items())
        ]  # fmt: skip
    else:
        layout = "news-metadata"
        records = sorted(truth, key=lambda r: r["id"])
    if half != "all":
        records = records[0 if half == "even" else 1 :: 2]
    if limit:
        records = records[:limit]
    pages = [Page(r["id"], r.get("url") or "", read_html(folder / r["html_file"]), r) for r in records]
    return layout, pages


def read_html(path: Path) -> str:
    """The page as text, decoded as a browser would (BOM, meta charset, else UTF-8)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return decode_html(data)


# ---------------------------------------------------------------- extractors
# Each returns {"body", "title", "authors", "date", "image"}; a field it cannot produce is absent.


def run_ours(html: str, url: str) -> dict[str, Any]:
    fields = extract_article(html, url)
    return {
        "body": body_text(fields.get("body_html")),
        "title": fields.get("title"),
        "authors": fields.get("authors") or [],
        "date": fields.get("published"),
        "image": fields.get("image"),
    }


def body_text(body_html: str | None) -> str:
    """Text of the body's text blocks (paragraphs, headings, lists, quotes, tables), one a line."""
    if not body_html:
        return ""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    # A figure is an image with its caption: media, not the article's text.
    lines = [tidy_text(root.text)] + [block_text(child) for child in root if child.tag != "figure"]
    return "\n".join(line for line in lines if line)


def trafilatura_runner(**options: Any) -> Callable[[str, str], dict[str, Any]]:
    import trafilatura
    from trafilatura.settings import set_date_params

    date_params = {**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

    def run(html: str, url: str) -> dict[str, Any]:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, date_extraction_params=date_params, **options
        )
        if doc is None:
            return {"body": "", "title": None, "authors": [], "date": None, "image": None}
        body = doc.text or ""
        if options.get("include_comments", True) and doc.comments:
            body += "\n" + doc.comments  # what extract() returns with comments on
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return {"body": body, "title": doc.title, "authors": authors, "date": doc.date, "image": doc.image}

    return run


def readability_runner() -> Callable[[str, str], dict[str, Any]]:
    from lxml import html as lxml_html
    from readability import Document

    def run(html: str, url: str) -> dict[str, Any]:
        doc = Document(html, url=url)
        summary = lxml_html.fromstring(doc.summary(html_partial=True))
        blocks = summary.xpath(".//p|.//h1|.//h2|.//h3|.//h4|.//li|.//pre|.//td")
        text = "\n".join(t for t in (tidy_text(b.text_content()) for b in blocks) if t)
        return {"body": text or tidy_text(summary.text_content()) or "", "title": doc.short_title()}

    return run


def newspaper_runner() -> Callable[[str, str], dict[str, Any]]:
    import newspaper

    config = newspaper.Config()
    config.fetch_images = False  # it would download candidate images to measure them
    config.memorize_articles = False

    def run(html: str, url: str) -> dict[str, Any]:
        article = newspaper.Article(url or "https://example.invalid/", config=config)
        article.download(input_html=html)
        try:
            article.parse()
        except (LookupError, ImportError):
            # Korean, Japanese, Arabic: its tokenizers want NLTK data or extras that cannot be
            # fetched here; the English word rules still give it a fair run.
            article = newspaper.Article(url or "https://example.invalid/", config=config, language="en")
            article.download(input_html=html)
            article.parse()
        return {
            "body": article.text or "",
            "title": article.title or None,
            "authors": list(article.authors or []),
            "date": article.publish_date,
            "image": article.top_image or None,
        }

    return run


def rs_trafilatura_runner() -> Callable[[str, str], dict[str, Any]]:
    import rs_trafilatura  # only where a wheel exists: its source build needs crates.io

    def run(html: str, url: str) -> dict[str, Any]:
        result = rs_trafilatura.extract(html, url=url)
        get = result.get if isinstance(result, dict) else lambda k: getattr(result, k, None)
        return {
            "body": get("main_content") or get("text") or "",
            "title": get("title"),
            "authors": [a.strip() for a in (get("author") or "").split(";") if a.strip()],
            "date": get("date"),
            "image": get("image"),
        }

    return run


EXTRACTORS: dict[str, Callable[[], Callable[[str, str], dict[str, Any]]]] = {
    "ours": lambda: run_ours,
    "trafilatura": lambda: trafilatura_runner(),
    "trafilatura-precision": lambda: trafilatura_runner(favor_precision=True),
    "trafilatura-recall": lambda: trafilatura_runner(favor_recall=True),
    "trafilatura-nocomments": lambda: trafilatura_runner(include_comments=False),
    "readability-lxml": readability_runner,
    "newspaper4k": newspaper_runner,
    "rs-trafilatura": rs_trafilatura_runner,
}


# ---------------------------------------------------------------- scoring


def evaluate(layout: str, pages: list[Page], run: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The README metrics of one extractor over the pages, plus pages per second."""
    outputs, elapsed = [], 0.0
    if pages:
        _safe(run, pages[0])  # warm up: lazy imports and caches are not a page's cost
    for page in pages:
        start = time.perf_counter()
        out = _safe(run, page)
        elapsed += time.perf_counter() - start
        outputs.append(out)
    scores: dict[str, Any] = dict.fromkeys(FIELDS)
    scores.update(
        scoring.body_scores(
            [
                scoring.body_counts(p.truth["body_text"], o.get("body"))
                for p, o in zip(pages, outputs, strict=True)
            ]
        )
    )
    if layout == "news-metadata":
        produced = {key for out in outputs for key in out}
        scores.update(metadata_scores(pages, outputs, produced))
    scores["pages_per_s"] = len(pages) / elapsed if elapsed else None
    return scores


def _safe(run: Callable[[str, str], dict[str, Any]], page: Page) -> dict[str, Any]:
    try:
        return run(page.html, page.url)
    except Exception as error:  # noqa: BLE001 - an extractor that crashes scores nothing on the page
        print(f"  ! {page.name}: {type(error).__name__}: {error}", file=sys.stderr)
        return {}


def metadata_scores(pages: list[Page], outputs: list[dict], produced: set[str]) -> dict[str, float | None]:
    """Headline, date day and minute, authors, image: means over pages whose truth is set."""
    sums: dict[str, list[float]] = {
        k: [] for k in ("title", "date", "date_minute", "authors_f1", "image", "image_file")
    }
    for page, out in zip(pages, outputs, strict=True):
        truth = page.truth
        sums["title"].append(scoring.same_title(truth["title"], out.get("title")))
        if truth.get("publishing_date"):
            expected, _ = scoring.as_datetime(truth["publishing_date"])
            got, has_time = scoring.as_datetime(out.get("date"))
            sums["date"].append(scoring.same_day(expected, got))
            if truth.get("publishing_date_precision") != "day":
                sums["date_minute"].append(scoring.same_minute(expected, got, has_time))
        if truth.get("authors") is not None:
            sums["authors_f1"].append(scoring.authors_f1(truth["authors"], out.get("authors")))
        if truth.get("cover_image_urls"):
            url_ok, file_ok = scoring.image_matches(truth["cover_image_urls"], out.get("image"), page.url)
            sums["image"].append(url_ok)
            sums["image_file"].append(file_ok)
    needs = {"title": "title", "date": "date", "date_minute": "date", "authors_f1": "authors",
             "image": "image", "image_file": "image"}  # fmt: skip
    return {
        key: (sum(values) / len(values) if values and needs[key] in produced else None)
        for key, values in sums.items()
    }


def table(title: str, results: dict[str, dict[str, Any]], layout: str) -> str:
    columns = ["body_f1", "body_precision", "body_recall"]
    if layout == "news-metadata":
        columns += ["title", "date", "date_minute", "authors_f1", "image", "image_file"]
    columns.append("pages_per_s")
    width = max(len(name) for name in results) + 2
    lines = [title, "extractor".ljust(width) + "".join(f"{HEADERS[c]:>11}" for c in columns)]
    for name, scores in results.items():
        cells = []
        for column in columns:
            value = scores.get(column)
            cells.append(
                f"{'-':>11}" if value is None else f"{value:>11.{1 if column == 'pages_per_s' else 3}f}"
            )
        lines.append(name.ljust(width) + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path, help="write the scores as JSON to this file")
    parser.add_argument("--limit", type=int, help="only the first N pages (after --half)")
    parser.add_argument("--half", choices=["even", "odd", "all"], default="all")
    parser.add_argument("--only", help="comma-separated extractor names (default: all)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # the anchors warn about optional NLP packages and old markup
    layout, pages = load_pages(args.folder, args.half, args.limit)
    chosen = args.only.split(",") if args.only else list(EXTRACTORS)
    results: dict[str, dict[str, Any]] = {}
    for name in chosen:
        try:
            run = EXTRACTORS[name]()
        except ImportError as error:
            print(f"note: {name} is not installed ({error}); left out", file=sys.stderr)
            continue
        results[name] = evaluate(layout, pages, run)
    title = f"{args.folder.resolve().name} ({layout}, {len(pages)} pages, half={args.half})"
    print(table(title, results, layout))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
