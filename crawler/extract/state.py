"""The article text that client-rendered pages keep in embedded state, not in their markup.

Arc XP (`Fusion.globalContent`), Next.js (`__NEXT_DATA__`), Nuxt (`__NUXT__`) and stores
serialized into `__INITIAL_STATE__` / `__PRELOADED_STATE__` ship the story as JSON and
draw it in the browser: the served HTML holds no paragraph. The JSON is read as data (never
run), and the article is the longest list of text elements in it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# `Fusion.globalContent = {...};`, `window.__NUXT__ = {...}`: an object literal assigned to a known name.
STATE_ASSIGNMENT_RE = re.compile(
    r"(?:Fusion\.globalContent|window\.__NUXT__|window\.__INITIAL_STATE__|window\.__PRELOADED_STATE__)\s*=\s*(?=\{)"
)
TEXT_TYPES = {"text", "paragraph", "p", "par"}
TEXT_KEYS = ("content", "text", "html")
MIN_TEXT_ELEMENTS = 2
MAX_DEPTH = 40


def embedded_state(tree) -> list[Any]:
    """The JSON states a page embeds for its scripts (call before scripts are dropped)."""
    states: list[Any] = []
    for script in tree.iter("script"):
        text = script.text or ""
        if script.get("id") == "__NEXT_DATA__" or script.get("type") == "application/json":
            try:
                states.append(json.loads(text))
            except ValueError:
                continue
            continue
        for match in STATE_ASSIGNMENT_RE.finditer(text):
            try:
                value, _ = json.JSONDecoder(strict=False).raw_decode(text, match.end())
            except ValueError:
                continue
            states.append(value)
    return states


def state_article(states: list[Any]) -> dict[str, Any]:
    """{"paragraphs", "standfirst", "bylines"} of the longest run of text elements in the states."""
    best: list[str] = []
    story: dict = {}
    for state in states:
        for node, paragraphs in _text_lists(state, 0):
            if sum(map(len, paragraphs)) > sum(map(len, best)):
                best, story = paragraphs, node
    if not best:
        return {}
    return {"paragraphs": best, "standfirst": _standfirst(story), "bylines": _bylines(story)}


def _bylines(node: dict) -> list[str]:
    """The story's credited people (Arc's `credits.by`): the printed byline where filed, else the name.

    Arc files Korean names given-name first ("상은 권"); the byline it prints ("권상은 기자") is
    the name as readers know it.
    """
    credits = node.get("credits")
    people = credits.get("by") if isinstance(credits, dict) else None
    bylines = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        original = (person.get("additional_properties") or {}).get("original") or {}
        value = original.get("byline") if isinstance(original, dict) else None
        value = value if isinstance(value, str) and value.strip() else person.get("name")
        if isinstance(value, str) and value.strip():
            bylines.append(value)
    return bylines


def _text_lists(value: Any, depth: int):
    """(parent object, paragraph texts) for every list of two or more typed text elements."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for child in value.values():
            if isinstance(child, list):
                paragraphs = _paragraphs(child)
                if len(paragraphs) >= MIN_TEXT_ELEMENTS:
                    yield value, paragraphs
            yield from _text_lists(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _text_lists(child, depth + 1)


def _paragraphs(items: list) -> list[str]:
    texts = []
    for item in items:
        if not isinstance(item, dict) or str(item.get("type", "")).lower() not in TEXT_TYPES:
            continue
        text = next((item[key] for key in TEXT_KEYS if isinstance(item.get(key), str)), "")
        if text.strip():
            texts.append(text)
    return texts


def _standfirst(node: dict) -> str | None:
    """The subheadline filed beside the text elements (Arc's `subheadlines.basic`)."""
    sub = node.get("subheadlines")
    if isinstance(sub, dict) and isinstance(sub.get("basic"), str) and sub["basic"].strip():
        return sub["basic"]
    return None
