"""The development sets' metrics, written from their READMEs: body shingles, snippets, headline, date,
authors, image.

Every function scores one page (or averages pages) and returns plain numbers, so the benchmark
script only has to run extractors and print.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str | None) -> Counter:
    """4-token shingles of a text (one shorter shingle when it has fewer tokens).

    Tokens are taken from the NFC form, as headlines and names are compared: `\\w` does not match
    a combining mark, so a decomposed `ü` (u + U+0308) would split a word that a composed `ü`
    keeps whole, and two canonically equivalent texts would score as different words.
    """
    tokens = TOKEN_RE.findall(unicodedata.normalize("NFC", text or ""))
    count = max(1, len(tokens) - SHINGLE + 1)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(count) if tokens[i : i + SHINGLE])


def body_counts(truth: str | None, predicted: str | None) -> tuple[float, float, float]:
    """(tp, fp, fn) over the shingle multisets, normalized to sum to 1 so long pages weigh the same."""
    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_scores(counts: list[tuple[float, float, float]]) -> dict[str, float | None]:
    """Mean precision and recall over pages (pages where one is undefined left out), F1 of the means."""
    precisions = [_ratio(tp, fp, fn, fp) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [_ratio(tp, fp, fn, fn) for tp, fp, fn in counts if tp + fn > 0]
    if not precisions or not recalls:
        return {"body_f1": 0.0 if counts else None, "body_precision": None, "body_recall": None}
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"body_f1": f1, "body_precision": precision, "body_recall": recall}


def page_f1(tp: float, fp: float, fn: float) -> float:
    """One page's body F1 from its shingle counts (1 where both texts are empty)."""
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def snippet_shares(text: str | None, must: list[str], must_not: list[str]) -> tuple[float, float]:
    """(share of `must` found, share of `must_not` absent) in a text, case-sensitive, whitespace
    collapsed, NFC on both sides.

    The trafilatura evaluation's rule: a page with no text finds nothing and holds nothing.
    """
    flat = _collapse(text or "")
    found = [_collapse(s) in flat for s in must]
    held = [_collapse(s) in flat for s in must_not]
    return (
        sum(found) / len(found) if found else 1.0,
        1 - sum(held) / len(held) if held else 1.0,
    )


def snippet_scores(shares: list[tuple[float, float]]) -> dict[str, float | None]:
    """Per-page means of the two shares and their harmonic mean (the README's per-page mean rule)."""
    if not shares:
        return {"with": None, "without": None, "snippet_f1": None}
    found = sum(s[0] for s in shares) / len(shares)
    absent = sum(s[1] for s in shares) / len(shares)
    f1 = 2 * found * absent / (found + absent) if found + absent else 0.0
    return {"with": found, "without": absent, "snippet_f1": f1}


def _ratio(tp: float, fp: float, fn: float, miss: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + miss) if tp + miss else 0.0


def same_title(truth: str, predicted: str | None) -> bool:
    return _collapse(truth) == _collapse(predicted or "")


def _collapse(text: str) -> str:
    """NFC, whitespace collapsed, invisible format characters (zero-width space, soft hyphen,
    word joiner: Unicode category Cf) gone: two headlines that print alike are the same."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def authors_f1(truth: list[str], predicted: list[str] | None) -> float:
    """Set F1 of names after NFC, case-folding and whitespace collapse; both empty is 1."""
    expected = {_collapse(n).casefold() for n in truth if n and n.strip()}
    got = {_collapse(n).casefold() for n in predicted or [] if n and n.strip()}
    if not expected and not got:
        return 1.0
    if not expected or not got:
        return 0.0
    return 2 * len(expected & got) / (len(expected) + len(got))


def as_datetime(value) -> tuple[datetime | None, bool]:
    """(datetime, has_time) from an ISO string or a datetime; a bare day has no time."""
    if value is None or value == "":
        return None, False
    if isinstance(value, datetime):
        return value, True
    text = str(value).strip()
    has_time = bool(re.search(r"\d[T ]\d{1,2}:\d{2}", text))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")), has_time
    except ValueError:
        return None, False


def same_day(truth: datetime, predicted: datetime | None) -> bool:
    """The prediction falls on the expected day, in the expected offset where both have one."""
    if predicted is None:
        return False
    if truth.tzinfo is not None and predicted.tzinfo is not None:
        predicted = predicted.astimezone(truth.tzinfo)
    return predicted.date() == truth.date()


def same_minute(truth: datetime, predicted: datetime | None, has_time: bool) -> bool:
    """Same wall-clock minute, and the same offset where the truth has one."""
    if predicted is None or not has_time:
        return False
    if truth.tzinfo is not None and predicted.utcoffset() != truth.utcoffset():
        return False
    return predicted.replace(tzinfo=None, second=0, microsecond=0) == truth.replace(
        tzinfo=None, second=0, microsecond=0
    )


def image_matches(truth_urls: list[str], predicted: str | None, page_url: str) -> tuple[bool, bool]:
    """(same URL, same URL or same file): URLs compared without scheme, query and fragment."""
    if not predicted:
        return False, False
    got = _image_key(predicted, page_url)
    keys = [_image_key(u, page_url) for u in truth_urls]
    if got in keys:
        return True, True
    name = PurePosixPath(got.split("/", 1)[-1]).name
    return False, bool(name) and any(PurePosixPath(k.split("/", 1)[-1]).name == name for k in keys)


def _image_key(url: str, page_url: str) -> str:
    parts = urlsplit(urljoin(page_url, url.strip()))
    return (parts.netloc.lower() + unquote(parts.path)).rstrip("/")
