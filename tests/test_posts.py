"""Post front matter that every YAML reader reads back as the strings we wrote."""

from __future__ import annotations

import pytest
import yaml
from ruamel.yaml import YAML

from exporters.posts import PostStyle, post_for_article

# Plain scalars a YAML 1.1 or 1.2 reader types as other than a string (a float, an int, a null, a
# boolean, a date, a time), and a few neighbours that are strings everywhere.
NOT_STRINGS = [
    "1e3", "1E3", "+1e3", "1e-3", "0o17", "0x1F", "0b101", "017", ".inf", "-.inf", ".nan", ".5", "1.",
    "~", "null", "NULL", "on", "off", "On", "yes", "no", "YES", "y", "n", "true", "False", "1_000",
    "12", "-0", "2024-06-04", "2024-06-04 10:00:00", "2001-12-14t21:59:43.10-05:00", "12:30:00", "1:20",
    "<<", "=", "12e4567890123456",
]  # fmt: skip
STRINGS = ["e90587f656a72e6f", "0o8", "1e", "yess", "a: b", "- x", "# c", "'q'", '"dq"', "%p", "{x}"]


def readers():
    """PyYAML (YAML 1.1), ruamel.yaml in its default YAML 1.2 and told YAML 1.1."""
    ruamel_12 = YAML(typ="safe", pure=True)
    ruamel_11 = YAML(typ="safe", pure=True)
    ruamel_11.version = (1, 1)
    return {"PyYAML": yaml.safe_load, "ruamel.yaml 1.2": ruamel_12.load, "ruamel.yaml 1.1": ruamel_11.load}


@pytest.mark.parametrize("value", NOT_STRINGS + STRINGS)
def test_every_reader_reads_every_field_back_as_the_string_written(value):
    front = front_matter_of(value, article_id="e90587f656a72e6f")
    for name, load in readers().items():
        meta = load(front)
        assert meta["title"] == value, (name, front)
        assert meta["source"] == value and meta["authors"] == [value, "김민지"], name
        assert meta["categories"] == [value] and meta["tags"] == [value], name


def test_an_article_id_of_digits_and_one_e_is_no_float():
    front = front_matter_of("Title", article_id="12e4567890123456")  # a float to YAML 1.2 when bare
    for name, load in readers().items():
        assert load(front)["article_id"] == "12e4567890123456", name


def front_matter_of(value: str, article_id: str) -> str:
    article = {
        "id": article_id, "url": "https://news.example/a/1.html", "source": value, "title": value,
        "authors": [value, "김민지"], "categories": [value], "keywords": [value], "excerpt": f"Summary {value}",
        "image": None, "body_html": "<p>Body.</p>", "published": "2024-06-04T01:00:00+00:00",
    }  # fmt: skip
    return post_for_article(article, PostStyle()).split("---\n", 2)[1]
