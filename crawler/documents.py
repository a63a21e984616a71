"""What an entry point's response is (feed, sitemap or page) and its text as UTF-8: by parsing.

A byte pattern on the first bytes misreads UTF-16 and UTF-32 documents, namespace-prefixed
roots (`<atom:feed>`), RSS 1.1 (`<Channel>`) and HTML pages that mention `<rss`. Here the
body is decoded once (gunzipped first when it is a .gz file), the encoding chosen as XML
and HTTP say (byte order mark, then the Content-Type charset, then the XML declaration, then
UTF-8, then charset-normalizer's guess), re-encoded as UTF-8 with a matching declaration, and
its root element is read by lxml (entities never resolved, no network). Feedparser, Scrapy's
Sitemap and lxml then all read the same UTF-8 bytes.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from io import BytesIO

import charset_normalizer
from lxml import etree
from scrapy.utils.gz import gunzip
from w3lib.encoding import http_content_type_encoding, resolve_encoding

ATOM_NS = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
RSS11_NS = "http://purl.org/net/rss1.1#"
SITEMAP_ROOTS = ("urlset", "sitemapindex")
# Byte order marks, longest first (UTF-32's LE mark starts with UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)  # fmt: skip
# XML 1.0 appendix F: the encoding family of a document without a mark, from `<?` or `<`.
FAMILIES = (
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
)  # fmt: skip
XML_DECLARATION_RE = re.compile(r"""^\s*<\?xml\s[^>]*?\?>""")
ENCODING_IN_DECLARATION_RE = re.compile(rb"""^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")
SERVER_DEFAULTS = {"iso8859-1", "cp1252", "ascii"}  # codecs names of the charsets servers add unasked
URL_LINE_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    kind: str  # "feed", "sitemap" or "page" (anything else: HTML, JSON, text, nothing)
    root: str = ""  # the root element's local name ("rss", "feed", "urlset", ...) or "text"
    body: bytes = b""  # UTF-8: the XML with a UTF-8 declaration, or the plain-text sitemap
    encoding: str | None = None  # what the original bytes were read as
    problem: str | None = None  # why the body could not be read at all (a .gz bomb, ...)


def read_document(body: bytes, content_type: str | None = None, max_size: int = 0) -> Document:
    """What a response body is, and its text as UTF-8 (see the module docstring)."""
    if body[:2] == b"\x1f\x8b":  # a .gz file (Content-Encoding was undone by Scrapy already)
        try:
            body = gunzip(body, max_size=max_size)
        except (ValueError, OSError, EOFError, zlib.error):
            return Document("page", problem="a broken gzip file, or larger than DOWNLOAD_MAXSIZE unpacked")
    encoding = choose_encoding(body, content_type)
    if encoding is None:
        return Document("page", problem="not text in any encoding tried")
    text = body.decode(encoding)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        utf8 = as_utf8_xml(stripped)
        local, namespace = root_element(utf8)
        return Document(_kind(local, namespace), local, utf8, encoding)
    lines = [line.strip() for line in stripped.splitlines() if line.strip()]
    if lines and all(URL_LINE_RE.match(line) for line in lines):  # a plain-text sitemap
        return Document("sitemap", "text", "\n".join(lines).encode("utf-8"), encoding)
    return Document("page", "", stripped.encode("utf-8"), encoding)


def _kind(local: str, namespace: str) -> str:
    if local == "rss" or local == "RDF" or (local == "Channel" and namespace == RSS11_NS):
        return "feed"
    if local == "feed" and namespace in (*ATOM_NS, "") or local == "entry" and namespace in ATOM_NS:
        return "feed"
    if local in SITEMAP_ROOTS:
        return "sitemap"
    return "page"


def choose_encoding(body: bytes, content_type: str | None) -> str | None:
    """The first encoding that decodes the whole body: its byte order mark, appendix F's
    UTF-16/32 family, the HTTP charset, the XML declaration, UTF-8, then charset-normalizer.

    EUC-KR is read as CP949, its superset (what browsers do); a charset that does not decode
    the body is passed over, as feedparser does, rather than read as mojibake. A charset that
    is a web server's default (ISO-8859-1, windows-1252, US-ASCII: Apache's AddDefaultCharset)
    yields to the XML declaration, since single-byte charsets decode anything.
    """
    candidates = [name for mark, name in BOMS if body.startswith(mark)][:1]
    family = [name for start, name in FAMILIES if body.startswith(start)]
    candidates += family  # before the charset: NUL bytes are UTF-8 too, but never XML
    header = http_content_type_encoding(content_type or "")
    declared = None if family else ENCODING_IN_DECLARATION_RE.match(body[:200])
    declared = resolve_encoding(declared.group(1).decode("ascii")) if declared else None
    if header and declared and codecs.lookup(header).name in SERVER_DEFAULTS:
        candidates += [declared, header]  # a server's default decodes any bytes: the document knows
    else:
        candidates += [header, declared]
    candidates.append("utf-8")
    for name in candidates:
        if name and _decodes(body, _superset(name)):
            return _superset(name)
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and _decodes(body, best.encoding):
        return best.encoding
    return None


def _superset(name: str) -> str:
    name = codecs.lookup(name).name
    return "cp949" if name in ("euc_kr", "ks_c_5601_1987") else name


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def as_utf8_xml(text: str) -> bytes:
    """The XML text as UTF-8 bytes whose declaration (if any) says UTF-8."""
    text = text.lstrip("\ufeff")
    declaration = XML_DECLARATION_RE.match(text)
    if declaration:
        text = '<?xml version="1.0" encoding="utf-8"?>' + text[declaration.end() :]
    return text.encode("utf-8")


def root_element(utf8: bytes) -> tuple[str, str]:
    """(local name, namespace) of the document's root element; ("", "") when there is none."""
    parser = etree.iterparse(
        BytesIO(utf8), events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
        recover=True, huge_tree=False,
    )  # fmt: skip
    try:
        for _, element in parser:
            qname = etree.QName(element)
            return qname.localname, qname.namespace or ""
    except (etree.LxmlError, ValueError):
        pass
    return "", ""
