"""A small, fast static file server for the crawl benchmark (asyncio, HTTP/1.1 keep-alive).

`http.server` parses every request with the e-mail parser and spends more CPU per page than
a bare Scrapy spider does: on two cores it would slow the crawls it serves. This server reads
the request line, skips the headers and writes the file with one `write`, so its CPU stays a
small fraction of the crawler's (the benchmark measures and prints it). Run as its own
process: `python _server.py ROOT` prints the port it listens on, then serves until killed.
Content-Type never carries a charset, as on many real servers: pages declare their own.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

TYPES = {".html": b"text/html", ".xml": b"application/xml", ".txt": b"text/plain"}
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n"


class StaticProtocol(asyncio.Protocol):
    """One connection: answers each complete GET request in order, keeps the connection open."""

    def __init__(self, root: Path):
        self.root = root
        self.buffer = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes):
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split(" ")
            path = parts[1].split("?", 1)[0] if len(parts) == 3 else "/"
            self.transport.write(self.response(path))
            if b"connection: close" in head.lower():
                self.transport.close()
                return

    def response(self, path: str) -> bytes:
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return NOT_FOUND
        body = target.read_bytes()
        kind = TYPES.get(target.suffix, b"application/octet-stream")
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body
        )  # fmt: skip


async def serve(root: Path) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: StaticProtocol(root), "127.0.0.1", 0, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1]).resolve()))
