"""The post writer reproduces the shared example post byte for byte from its own values."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from exporters.posts import PostStyle, render_post

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "article-format-example.md"


def example_values():
    text = EXAMPLE.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    blocks = re.findall(r'<(h2|p) data-ke-size="size\d+">(.*?)</\1>', body)
    return meta, blocks


def test_example_post_is_reproduced_byte_for_byte():
    meta, blocks = example_values()
    assert [tag for tag, _ in blocks].count("h2") == 5
    body_html = "\n".join(f"<{tag}>{content}</{tag}>" for tag, content in blocks)
    written = render_post(
        title=meta["title"],
        categories=meta["categories"],
        excerpt=meta["excerpt"].rstrip("\n"),
        image=meta["image"],
        body_html=body_html,
        style=PostStyle(),
    )
    assert written.encode("utf-8") == EXAMPLE.read_bytes()
