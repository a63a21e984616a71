"""Serve a static news site on 127.0.0.1, filling in its own address.

The site's files write absolute URLs (feeds, sitemaps, canonical links) as `__SITE__`;
the server replaces it with `http://127.0.0.1:PORT`, so one copy of the files works on any
port. Content-Type carries no charset, as many real servers send it: pages must declare
their own encoding. Like a real news server it sends `ETag` and `Last-Modified` and answers
`If-None-Match` / `If-Modified-Since` with `304 Not Modified`.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PLACEHOLDER = b"__SITE__"
TEXT_SUFFIXES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}
SITE_ROOT = Path(__file__).resolve().parent / "site"


class SiteHandler(SimpleHTTPRequestHandler):
    def send_head(self):
        target = self._redirect_target()
        if target:
            self.send_response(301)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self._body = b""
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            return super().send_head()
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        body = path.read_bytes().replace(PLACEHOLDER, base.encode("ascii"))
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = int(path.stat().st_mtime)
        if self._not_modified(etag, modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            self._body = b""
            return None
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.send_header("Content-Type", TEXT_SUFFIXES[path.suffix])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body = body
        return None

    def _redirect_target(self) -> str | None:
        """Moved pages: `_redirects` in the site root holds lines `/old/path /new/path`."""
        table = Path(self.directory) / "_redirects"
        if not table.is_file():
            return None
        for line in table.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == self.path:
                return parts[1]
        return None

    def _not_modified(self, etag: str, modified: int) -> bool:
        if "If-None-Match" in self.headers:
            return etag in [tag.strip() for tag in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def do_GET(self):
        self._body = None
        self._status = None
        handle = self.send_head()
        self.server.requests.append((self.path, self.headers.get("User-Agent", ""), self._status))
        if self._body is not None:
            self.wfile.write(self._body)
        elif handle:
            try:
                self.copyfile(handle, self.wfile)
            finally:
                handle.close()

    def send_response(self, code, message=None):
        self._status = code
        super().send_response(code, message)

    def log_message(self, format, *args):  # keep test and demo output quiet
        pass


def start(root: Path = SITE_ROOT, port: int = 0) -> ThreadingHTTPServer:
    """Serve `root` on 127.0.0.1:port (0 = a free port) in a daemon thread."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.requests = []  # (path, User-Agent, status) of every GET, for tests that check politeness
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--root", type=Path, default=SITE_ROOT)
    args = parser.parse_args()
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), functools.partial(SiteHandler, directory=str(args.root))
    )
    server.requests = []
    print(f"Serving {args.root} on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
