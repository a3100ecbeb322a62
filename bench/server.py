"""A loopback HTTP server (127.0.0.1, http.server in a thread) serving a site tree, counting requests.

Serves ``<root>/<host>/<path>`` for any ``/path`` like the portal: ``Content-Type: text/html``
without a charset, a strong ETag from the body's SHA-256, 304 to a matching ``If-None-Match``,
HTTP/1.1 keep-alive. Every request is counted by kind (list page / detail page / other) and by
status, so a benchmark can tell what a run asked for.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["RequestCounts", "LoopbackSite", "serve_site"]


@dataclass
class RequestCounts:
    """Requests seen by the server since the last :meth:`reset`.

    Attributes:
        by_kind: ``list`` (``index*.shtml``), ``detail`` (``t*.shtml``) or ``other`` -> count.
        by_status: HTTP status -> count (304 = answered by conditional GET).
    """

    by_kind: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, status: int) -> None:
        """Count one request."""
        with self.lock:
            self.by_kind[kind] += 1
            self.by_status[status] += 1

    def reset(self) -> None:
        """Forget what was counted."""
        with self.lock:
            self.by_kind.clear()
            self.by_status.clear()

    def snapshot(self) -> dict[str, object]:
        """``{"total", "list", "detail", "other", "status": {code: n}}`` as plain JSON values."""
        with self.lock:
            return {
                "total": sum(self.by_kind.values()),
                "list": self.by_kind["list"],
                "detail": self.by_kind["detail"],
                "other": self.by_kind["other"],
                "status": {str(k): v for k, v in sorted(self.by_status.items())},
            }


def _kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name.startswith("index") or path.endswith("/"):
        return "list"
    if name.startswith("t") and name.endswith(".shtml"):
        return "detail"
    return "other"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"
    # headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm holds the body
    # until the client's delayed ACK (~40 ms on Linux loopback), which was most of a page's fetch
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass  # quiet: thousands of requests per run

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = unquote(urlsplit(self.path).path or "/")
        if path.endswith("/"):
            path += "index.shtml"
        file = (self.server.docroot / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.server.docroot) or not file.is_file():
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", path)
            return
        body = file.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self._send(304, b"", path, etag=etag)
            return
        self._send(200, body, path, etag=etag)

    def _send(self, status: int, body: bytes, path: str, *, etag: str | None = None) -> None:
        self.server.counts.add(_kind(path), status)
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, docroot: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.docroot = docroot.resolve()
        self.counts = RequestCounts()


@dataclass(frozen=True)
class LoopbackSite:
    """A running loopback server.

    Attributes:
        base_url: ``http://127.0.0.1:<port>``.
        counts: live request counts.
    """

    base_url: str
    counts: RequestCounts

    @property
    def first_list_url(self) -> str:
        """The column's first list page on this server."""
        return f"{self.base_url}/hbfb/xwfbh/index.shtml"


@contextmanager
def serve_site(root: Path, host: str = "www.hubei.gov.cn") -> Iterator[LoopbackSite]:
    """Serve ``root/<host>/`` on 127.0.0.1 (a free port) until the block exits.

    Args:
        root: a site tree as written by ``bench.synth.write_site``.
        host: which host folder to serve.
    Yields:
        The running site; its ``counts`` grow as requests arrive.
    """
    server = _Server(Path(root) / host)
    thread = threading.Thread(target=server.serve_forever, name="bench-loopback", daemon=True)
    thread.start()
    try:
        yield LoopbackSite(base_url=f"http://127.0.0.1:{server.server_address[1]}", counts=server.counts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
