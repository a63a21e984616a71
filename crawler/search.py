"""Korean-aware full-text search: the text the FTS5 index holds, and what a query becomes.

SQLite's `unicode61` tokenizer keeps `정부가` as one token, so the noun `정부` (here followed by
the particle `가`) is never found; `trigram` never finds a two-syllable word (FIELD-NOTES).
So every run of Hangul (and of Han or kana) is indexed as its overlapping two-character
pieces, `정부가` -> `정부 부가`, and a query term goes through the same transformation and
becomes a phrase: `정부` -> "정부", `정책금융` -> "정책 책금 금융". Any substring of two or more
characters of a Korean word is then found, whatever particle or compound surrounds it; Latin
words stay words. kiwipiepy (a morphological analyzer) would index fewer tokens; it installs
from PyPI with its model as a second package (kiwipiepy-model, an sdist), a native
dependency and a model load in every process for what bigrams do here with none.

Pure functions; the SQL lives in crawler/store.py.
"""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces between the parts a reader searches for: Hangul syllables,
# kana, CJK ideographs (Hanja such as 美, 與野 in Korean headlines).
CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]+")
# A query: "quoted phrases", -excluded terms, OR, and plain terms.
QUERY_TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')
LATIN_EDGE = r"[^\W_]"  # a letter or digit: where a Latin term must not continue


class QueryError(ValueError):
    """A query with nothing to search for."""


def index_text(text: str | None) -> str:
    """The text as the index holds it: CJK runs replaced by their character bigrams."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")  # a soft hyphen splits no word
    return CJK_RUN_RE.sub(lambda m: f" {_bigrams(m[0])} ", text)


def _bigrams(run: str) -> str:
    if len(run) < 2:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def document(title: str | None, text: str) -> dict[str, str]:
    """The indexed columns of one article, from its headline and its body's plain text."""
    return {"title": index_text(title), "body": index_text(text)}


def parse_query(query: str) -> list[list[tuple[bool, str]]]:
    """OR-groups of (excluded, term); terms are words or "quoted phrases", `-` excludes one."""
    groups: list[list[tuple[bool, str]]] = [[]]
    for token in QUERY_TOKEN_RE.findall(unicodedata.normalize("NFC", query or "")):
        if token == "OR":
            if groups[-1]:
                groups.append([])
            continue
        excluded = token.startswith("-") and len(token) > 1
        term = token[1:] if excluded else token
        term = term.strip('"') if term.startswith('"') else term
        if term.strip():
            groups[-1].append((excluded, term))
    return [group for group in groups if any(not excluded for excluded, _ in group)]


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of a reader's query (raises QueryError when it has no term).

    Terms are ANDed, `OR` between terms makes alternatives, `-term` excludes, `word*` is a
    prefix (Latin words). Each term is quoted, so FTS5 operators typed as words stay words.
    """
    alternatives = []
    for group in parse_query(query):
        wanted = [_phrase(term) for excluded, term in group if not excluded]
        unwanted = [_phrase(term) for excluded, term in group if excluded]
        wanted = [phrase for phrase in wanted if phrase]
        if not wanted:
            continue
        expression = " AND ".join(wanted)
        for phrase in filter(None, unwanted):
            expression = f"({expression}) NOT {phrase}"
        alternatives.append(expression)
    if not alternatives:
        raise QueryError(f"nothing to search for in {query!r}")
    if len(alternatives) == 1:
        return alternatives[0]
    return " OR ".join(f"({expression})" for expression in alternatives)


def _phrase(term: str) -> str | None:
    prefix = term.endswith("*") and not CJK_RUN_RE.search(term)
    text = " ".join(index_text(term.rstrip("*")).split())
    if not re.search(r"\w", text):
        return None
    quoted = '"' + text.replace('"', '""') + '"'
    single = CJK_RUN_RE.fullmatch(text) and len(text) == 1  # one syllable: the bigrams it starts
    return quoted + " *" if prefix or single else quoted


def snippet(text: str, query: str, width: int = 160, mark: tuple[str, str] = ("[", "]")) -> str:
    """About `width` characters of text around the first hit, every hit wrapped in `mark`.

    Done on the plain text, not from the index (which holds bigrams): `정부` is marked
    inside `정부가` as a reader sees it.
    """
    text = " ".join(text.split())
    pattern = hit_pattern(query)
    first = pattern.search(text) if pattern else None
    start = 0
    if first:
        start = max(0, first.start() - width // 3)
        while start > 0 and not text[start - 1].isspace() and first.start() - start < width // 2:
            start -= 1
    end = min(len(text), start + width)
    piece = text[start:end]
    if pattern:
        piece = pattern.sub(lambda m: f"{mark[0]}{m[0]}{mark[1]}", piece)
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def hit_pattern(query: str) -> re.Pattern | None:
    """A regex of the query's wanted terms as they appear in plain text (case-insensitive)."""
    parts = []
    for group in parse_query(query):
        for excluded, term in group:
            if excluded:
                continue
            prefix = term.endswith("*")
            words = term.rstrip("*").split()
            if not words:
                continue
            body = r"\s+".join(re.escape(word) for word in words)
            if not CJK_RUN_RE.search(words[0][0]):
                body = rf"(?<!{LATIN_EDGE})" + body
            if not prefix and not CJK_RUN_RE.search(words[-1][-1]):
                body += rf"(?!{LATIN_EDGE})"
            parts.append(body)
    if not parts:
        return None
    parts.sort(key=len, reverse=True)  # the longest alternative wins where two overlap
    return re.compile("|".join(parts), re.IGNORECASE)
