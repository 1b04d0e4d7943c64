"""A small web server on 127.0.0.1 for the link preview tests: pages, redirects, files, slow
and endless answers. It records the Host header of each request and how much it wrote."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title"
 content="L\xe1\xbb\x8bch ti\xe1\xba\xbfp c\xc3\xb4ng d\xc3\xa2n &amp; h\xe1\xbb\x8dp">
<meta property="og:description" content="Th\xc3\xa1ng 12 t\xe1\xba\xa1i UBND huy\xe1\xbb\x87n.">
<meta property="og:image" content="/images/card.jpg">
<meta property="og:site_name" content="Huy\xe1\xbb\x87n Cao L\xe1\xbb\x99c">
</head><body><p>Hello</p></body></html>"""

PLAIN = b"""<html><head><title> Plain  page
title </title><meta name="description" content="Only the plain tags."></head></html>"""


class PageServer:
    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.written: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.hosts.append(self.headers.get("Host", ""))
                server.route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path == "/page":
            self._send(handler, PAGE)
        elif path == "/plain":
            self._send(handler, PLAIN, content_type="text/html")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            handler.send_response(302)
            handler.send_header("Location", f"/redirect/{left - 1}" if left > 1 else "/page")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif path.startswith("/to?"):
            handler.send_response(301)
            handler.send_header("Location", path.removeprefix("/to?"))
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif path == "/image":
            self._send(handler, b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
        elif path == "/missing":
            self._send(handler, b"<title>Not here</title>", status=404)
        elif path == "/endless":
            self._endless(handler)
        elif path == "/bomb":
            body = gzip.compress(PAGE + b" " * 30_000_000)
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        elif path == "/slow":
            time.sleep(3)
            self._send(handler, PAGE)
        elif path == "/drip":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            for _ in range(60):
                try:
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
        else:
            self._send(handler, b"<title>Other</title>", status=404)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _endless(self, handler: BaseHTTPRequestHandler) -> None:
        """A page that never ends (100 MB at most): the reader must stop on its own."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.end_headers()
        written = 0
        try:
            handler.wfile.write(PAGE)
            while written < 100_000_000:
                handler.wfile.write(b"<p>filler</p>" * 5000)
                written += 65_000
        except OSError:
            pass
        self.written["/endless"] = written
