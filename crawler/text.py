"""Plain text: cleaning titles and names, sentence boundaries, the excerpt rule.

Korean sentences end at `다.`, `요.`, `…`, `?`, `!`; a cut must never fall inside `3.5조`,
`2024. 6. 4.`, `U.S.` or an open quotation, or the excerpt reads as a broken sentence.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
SPACE_RE = re.compile(r"\s+")
# Abbreviations whose period is not a sentence end.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "no", "gen", "gov", "sen", "rep",
    "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m", "approx",
}  # fmt: skip
OPENING_QUOTES = "“‘「『《"
CLOSING_QUOTES = "”’」』》"


NON_WORD_RE = re.compile(r"\W+")


def fold(text: str) -> str:
    """The text's letters and digits only, case-folded: two printings of one text compare equal
    whatever their punctuation, spacing and case."""
    return NON_WORD_RE.sub("", text).casefold()


def tidy_text(value: str | None) -> str | None:
    """Text already decoded by a parser: control characters dropped, whitespace collapsed."""
    if value is None:
        return None
    value = SPACE_RE.sub(" ", CONTROL_RE.sub(" ", value)).strip()
    return value or None


def plain_text(value: str | None) -> str | None:
    """Markup-ish text (JSON-LD, feeds): entities decoded once, tags removed, then tidied."""
    if value is None:
        return None
    if "<" in value or "&" in value:
        try:
            value = lxml_html.fragment_fromstring(value, create_parent="div").text_content()
        except (etree.LxmlError, ValueError):  # lxml refuses some fragments (a lone comment, NUL bytes)
            pass
    return tidy_text(value)


# Inside a block these start a new line (list items, table rows) or a new word (cells).
LINE_TAGS = {"li", "tr", "br", "p", "div", "figcaption", "dt", "dd", "caption"}
CELL_TAGS = {"td", "th"}


def block_text(element) -> str:
    """Readable text of one body block: rows and list items on lines, cells apart.

    lxml's text_content() glues `<td>1</td><td>Kyle</td>` into `1Kyle`, which reads as one word.
    """
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in LINE_TAGS:
            parts.append("\n")
        elif tag in CELL_TAGS:
            parts.append(" ")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    lines = (tidy_text(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def body_text(body_html: str | None) -> str:
    """The readable text of a stored body: a line per block, list item and table row."""
    if not body_html or not body_html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.LxmlError, ValueError):  # not HTML after all: read it as text
        return tidy_text(body_html) or ""
    lines = [tidy_text(root.text)] + [block_text(child) for child in root if isinstance(child.tag, str)]
    return "\n".join(line for line in lines if line)


def sentences(text: str) -> list[str]:
    """Split text into sentences without breaking numbers, abbreviations or quotations."""
    text = tidy_text(text) or ""
    result: list[str] = []
    start = 0
    depth = 0  # open curly quotes
    straight = False  # inside a "straight" quotation
    for index, char in enumerate(text):
        if char in OPENING_QUOTES:
            depth += 1
        elif char in CLOSING_QUOTES:
            depth = max(0, depth - 1)
        elif char == '"':
            straight = not straight
        if char not in ".!?…。" or depth or straight:
            continue
        following = text[index + 1 : index + 2]
        if following and not following.isspace():
            continue  # 3.5조, 2024.06.04, "…", U.S.A
        if char == "." and not _ends_sentence(text[start : index + 1], text[index + 1 :]):
            continue
        result.append(text[start : index + 1].strip())
        start = index + 1
    if text[start:].strip():
        result.append(text[start:].strip())
    return result


def _ends_sentence(before: str, after: str) -> bool:
    word = before.rsplit(None, 1)[-1][:-1].lower().lstrip("(\"'“‘")
    if word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
        return False
    # "2024. 6. 4." and "제1. 2." style numbering: a number followed by another number.
    if word.isdigit() and re.match(r"\s*\d", after):
        return False
    return True


def lead(text: str, limit: int = 300) -> str:
    """The first sentences of a text, up to about `limit` characters, cut at a sentence end."""
    chosen: list[str] = []
    size = 0
    for sentence in sentences(text):
        if chosen and size + 1 + len(sentence) > limit:
            break
        chosen.append(sentence)
        size += len(sentence) + (1 if size else 0)
        if size >= limit:
            break
    result = " ".join(chosen)
    if len(result) > limit * 1.5:  # one run-on sentence: cut at a word boundary
        result = result[:limit].rsplit(" ", 1)[0].rstrip(",;:·") + "…"
    return result
