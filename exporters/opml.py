"""The subscription list: one OPML 2.0 file naming every feed the export wrote."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET


@dataclass(frozen=True)
class FeedLink:
    group: str  # "All", "Sources", "Categories"
    title: str
    path: str  # relative to the output folder, e.g. feeds/sources/yonhap/rss.xml
    url: str  # where it is published
    kind: str  # rss, atom or json


# OPML 2.0 allows a `version` only of the RSS family (RSS, RSS1, RSS2, scriptingNews) on a
# type="rss" outline; Atom and JSON Feed outlines go without one (readers sniff the format).
VERSIONS = {"rss": {"version": "RSS2"}, "atom": {}, "json": {}}


def opml(title: str, site_url: str, links: list[FeedLink]) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for link in links:
        if link.group not in groups:
            # A folder: `text` only, since an outline with more attributes needs a `type`.
            groups[link.group] = ET.SubElement(body, "outline", text=link.group)
        ET.SubElement(
            groups[link.group], "outline", type="rss", **VERSIONS[link.kind], text=link.title,
            title=link.title, xmlUrl=link.url, htmlUrl=site_url,
        )  # fmt: skip
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
