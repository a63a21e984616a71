"""Serve a fixture site of tests/fixtures/sites/<name>/ on 127.0.0.1, headers and all.

Shaped as real sites serve them: `_headers` in the site folder gives a path's HTTP headers
(Netlify's format: the path on one line, `  Name: value` lines under it), so a feed can be
served as `text/xml; charset=euc-kr` or a sitemap as `text/html`. `__SITE__` in a file
(in any of UTF-8, UTF-16 and UTF-32) becomes `http://127.0.0.1:PORT`. A `.gz` path with no
file of its own serves the file without `.gz`, gzipped. An article path
`/news/YYYY/MM/DD/<slug>.html` with no file of its own is the site's `_article.html`, else
the one all sites share (`sites/_article.html`), filled in with the date and the slug. ETag / If-None-Match answer 304 as news servers do; `status.txt`
lines `/path 503` make a path fail. `server.requests` lists (path, status) of every GET.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import random
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8", ".txt": "text/plain",
         ".json": "application/json", ".gz": "application/gzip"}  # fmt: skip
ARTICLE_RE = re.compile(r"^/news/(\d{4})/(\d{2})/(\d{2})/([^/]+)\.html$")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def headers_table(root: Path) -> dict[str, list[tuple[str, str]]]:
    table, path = {}, None
    file = root / "_headers"
    for line in file.read_text(encoding="utf-8").splitlines() if file.is_file() else []:
        if line.startswith("/"):
            path = line.strip()
            table[path] = []
        elif line.strip() and path:
            name, _, value = line.strip().partition(":")
            table[path].append((name.strip(), value.strip()))
    return table


SENTENCES = [
    "The council met on Tuesday and voted on {w} after a long debate.",
    "Residents of the east district said they had waited years for an answer on {w}.",
    "Officials expect the first results of {w} before the end of the summer.",
    "A spokesperson for the mayor declined to give a figure for the total cost of {w}.",
    "Shop owners near the river welcomed {w} but asked for clearer timetables.",
    "Opposition members called {w} rushed and promised to raise it again in autumn.",
    "The regional newspaper first reported on {w} in a series of articles last winter.",
    "Engineers from the university checked {w} twice and found no structural problems.",
    "Volunteers collected four thousand signatures in support of {w} within a month.",
    "Budget documents show that the money for {w} comes from a fund set aside in 2021.",
    "Local schools will be told about {w} in letters sent home with pupils next week.",
    "Critics said the consultation on {w} had been too short and held at odd hours.",
]


def article_html(template: str, year: str, month: str, day: str, slug: str) -> str:
    """The article template filled in: sentences about the slug's words, chosen by the slug."""
    words = slug.replace("-", " ")
    title = f"{words[:1].upper()}{words[1:]}: what the city decided this week"
    chosen = random.Random(slug).sample(SENTENCES, 6)
    paragraphs = "\n".join(
        "<p>" + " ".join(html.escape(s.format(w=words)) for s in chosen[k : k + 3]) + "</p>" for k in (0, 3)
    )
    return (
        template.replace("{title}", html.escape(title))
        .replace("{date}", f"{year}-{month}-{day}T09:30:00+09:00")
        .replace("{paragraphs}", paragraphs)
    )


class FixtureHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        root: Path = self.server.root
        path = unquote(urlsplit(self.path).path)
        status, body, headers = self.answer(root, path)
        with self.server.lock:
            self.server.requests.append((self.path, status))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer(self, root: Path, path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        forced = dict(line.split() for line in _lines(root / "status.txt"))
        if path in forced:
            return int(forced[path]), b"<html><body>unavailable</body></html>", [("Content-Type", "text/html")]
        body = self.body(root, path)
        if body is None:
            return 404, b"<!DOCTYPE html><html><body>Not found</body></html>", [("Content-Type", "text/html")]
        own = self.server.headers.get(path, [])
        headers = [("Content-Type", TYPES.get(Path(path).suffix, "text/html"))]
        headers = [h for h in headers if h[0].lower() not in {n.lower() for n, _ in own}] + own
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers.append(("ETag", etag))
        if etag in [tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")]:
            return 304, b"", [("ETag", etag)]
        return 200, body, headers

    def body(self, root: Path, path: str) -> bytes | None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        file = root / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        if file.is_file() and root in file.resolve().parents:
            data = file.read_bytes()
            for encoding in ENCODINGS:
                data = data.replace("__SITE__".encode(encoding), base.encode(encoding))
            return data
        if path.endswith(".gz"):
            plain = self.body(root, path[:-3])
            return None if plain is None else gzip.compress(plain, mtime=0)
        match = ARTICLE_RE.match(path)
        template_file = next((f for f in (root / "_article.html", SITES / "_article.html") if f.is_file()), None)
        if match and template_file:
            template = template_file.read_text(encoding="utf-8")
            return article_html(template, *match.groups()).replace("__SITE__", base).encode("utf-8")
        return None


def _lines(file: Path) -> list[str]:
    return [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()] if file.is_file() else []


def start(name: str, handler: type[FixtureHandler] = FixtureHandler) -> ThreadingHTTPServer:
    """Serve the fixture site `name` on a free port of 127.0.0.1 in a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.root = (SITES / name).resolve()
    server.headers = headers_table(server.root)
    server.requests = []
    server.lock = threading.Lock()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
