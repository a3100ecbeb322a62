"""A 127.0.0.1 HTTP server with one route per fault, serving the real session-12 page.

Usable by any test::

    from tests.loopback import loopback_server  # noqa: F401  (the pytest fixture)

    def test_x(loopback_server):
        url = loopback_server.url("/flaky")
        ...
        assert [e.path for e in loopback_server.log] == ["/flaky", "/flaky", "/flaky"]

Every page body is built from the bytes of the bundled real page (re-encoded where a route
needs another charset). Routes (GET):

    /page            the real page (UTF-8, Content-Type text/html without charset), ETag; 304 on If-None-Match
    /redirect        302 -> /page
    /offsite         302 -> http://offsite.example.net/hbfb/xwfbh/ (a host outside any allowed list)
    /redirect-offsite  302 -> /offsite (an allowed hop first)
    /flaky           503 twice (per server), then the page
    /retry-after     429 with Retry-After: 1 once, then the page
    /stall           headers and 1000 bytes, then silence for ``stall_s`` seconds
    /drip            Content-Length of the page, then one byte every ``drip_interval_s`` seconds
    /short           Content-Length 1000 bytes larger than the body, then the connection closes
    /cut-chunked     chunked transfer; two chunks, then the connection closes without the last chunk
    /big-chunked     the page 40 times, chunked, no Content-Length (for size caps)
    /gzip-plain      Content-Encoding: gzip on the plain page
    /gzip            the page, correctly gzipped
    /gbk-meta        the page in GBK; charset only in <meta http-equiv content=...charset=gbk>
    /gb2312-rare     <meta charset="gb2312">, GB18030 bytes, plus a paragraph with 镕 and 喆
    /wrong-header    header says charset=utf-8, body is /gb2312-rare's GB18030 bytes
    /challenge-412   412, script-only imitation of the portal's challenge ($_ss, <script r='m'>)
    /challenge-202   the same with 202
    /guarded/<name>  412 with an inline script that computes a token, sets cookie
                     ``lb_clearance`` and reloads; with the right cookie, the real page
    anything else    404
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from briefings.settings import SNAPSHOT_SITE_DIR, Settings

__all__ = [
    "REAL_PAGE_PATH",
    "REAL_PAGE",
    "RARE_PARAGRAPH",
    "CLEARANCE_COOKIE",
    "CLEARANCE_TOKEN",
    "LoggedRequest",
    "LoopbackServer",
    "loopback_server",
    "loopback_settings",
    "page_in",
    "challenge_body",
]

REAL_PAGE_PATH = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn" / "hbfb" / "xwfbh" / "202403" / "t20240326_5134107.shtml"
REAL_PAGE = REAL_PAGE_PATH.read_bytes()
_META_UTF8 = '<meta charset="utf-8">'
# Added by the loopback only: the real page has no character outside GB2312; these two are.
RARE_PARAGRAPH = "<p>镕 喆</p>"
CLEARANCE_COOKIE = "lb_clearance"
_TOKEN_A, _TOKEN_B = 7919, 104729
CLEARANCE_TOKEN = format(_TOKEN_A * _TOKEN_B + 1, "x")  # what the challenge script computes


def page_in(encoding: str, meta: str, *, rare: bool = False) -> bytes:
    """The real page with its ``<meta charset="utf-8">`` replaced by ``meta``, encoded in ``encoding``.

    Args:
        encoding: Python codec for the bytes (``gbk``, ``gb18030``).
        meta: the replacement meta tag (``<meta charset="gb2312">``).
        rare: insert ``RARE_PARAGRAPH`` (镕, 喆) as the first paragraph of the transcript.
    """
    text = REAL_PAGE.decode("utf-8")
    assert _META_UTF8 in text
    text = text.replace(_META_UTF8, meta, 1)
    if rare:
        text = text.replace('<div class="text_record">\n    <div>', '<div class="text_record">\n    <div>' + RARE_PARAGRAPH, 1)
        assert RARE_PARAGRAPH in text
    return text.encode(encoding)


def challenge_body() -> bytes:
    """A script-only page shaped like the portal's 412 answer (no visible text)."""
    return (
        b"<!DOCTYPE html><html><head>"
        b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        b'<script type="text/javascript">$_ss={nsd:40913,cd:"qFcdqqAlWaqcOOV2ra"};$_ts={};</script>'
        b"<script type=\"text/javascript\" charset=\"utf-8\" src=\"/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js\" r='m'></script>"
        b"</head><body></body></html>"
    )


def _guard_script_body() -> bytes:
    script = (
        "(function(){var a=%d,b=%d;var t=(a*b+1).toString(16);"
        "document.cookie='%s='+t+'; path=/';setTimeout(function(){location.reload();},50);})();"
        % (_TOKEN_A, _TOKEN_B, CLEARANCE_COOKIE)
    )
    return f"<!DOCTYPE html><html><head><script>$_ts={{}};{script}</script></head><body></body></html>".encode()


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it: ``at`` is ``time.monotonic()`` on arrival, seconds."""

    at: float
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent with the request, by name."""
        jar: dict[str, str] = {}
        for part in self.headers.get("cookie", "").split(";"):
            if "=" in part:
                name, value = part.strip().split("=", 1)
                jar[name] = value
        return jar


class LoopbackServer:
    """The server; ``start()`` / ``stop()``, or use the ``loopback_server`` fixture.

    Args:
        stall_s: how long ``/stall`` stays silent, seconds (ended early by ``stop()``).
        drip_interval_s: pause between bytes of ``/drip``, seconds.
    """

    def __init__(self, *, stall_s: float = 5.0, drip_interval_s: float = 0.05) -> None:
        self.stall_s = stall_s
        self.drip_interval_s = drip_interval_s
        self.log: list[LoggedRequest] = []
        self.stopping = threading.Event()
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> list[LoggedRequest]:
        """Logged requests for ``path``, in arrival order."""
        return [entry for entry in self.log if entry.path == path]

    def count(self, path: str) -> int:
        """Record one more hit on ``path``; returns the hit number (1 for the first)."""
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            return self._counts[path]

    def start(self) -> "LoopbackServer":
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="loopback", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-fault is the point of these routes; other errors still print."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: LoopbackServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    # -- helpers --------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        merged = {"Content-Type": "text/html", "Content-Length": str(len(body))}
        merged.update(headers or {})
        for name, value in merged.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    # -- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: C901 - one branch per route, on purpose
        owner = self.owner
        path = self.path.split("?", 1)[0]
        self.entry = LoggedRequest(time.monotonic(), "GET", path, {k.lower(): v for k, v in self.headers.items()})
        owner.log.append(self.entry)
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, path: str) -> None:
        owner = self.owner
        if path == "/page":
            etag = '"session12-utf8"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(200, REAL_PAGE, {"ETag": etag})
        elif path == "/redirect":
            self._send(302, b"", {"Location": "/page"})
        elif path == "/redirect-offsite":
            self._send(302, b"", {"Location": "/offsite"})
        elif path == "/offsite":
            self._send(302, b"", {"Location": "http://offsite.example.net/hbfb/xwfbh/"})
        elif path == "/flaky":
            if owner.count(path) <= 2:
                self._send(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>")
            else:
                self._send(200, REAL_PAGE)
        elif path == "/retry-after":
            if owner.count(path) == 1:
                self._send(429, b"<html><body><h1>429 Too Many Requests</h1></body></html>", {"Retry-After": "1"})
            else:
                self._send(200, REAL_PAGE)
        elif path == "/stall":
            self._start(200, {"Content-Type": "text/html", "Content-Length": str(len(REAL_PAGE))})
            self.wfile.write(REAL_PAGE[:1000])
            self.wfile.flush()
            owner.stopping.wait(owner.stall_s)
            self.close_connection = True
        elif path == "/drip":
            self._start(200, {"Content-Type": "text/html", "Content-Length": str(len(REAL_PAGE))})
            for i in range(len(REAL_PAGE)):
                if owner.stopping.wait(owner.drip_interval_s):
                    break
                self.wfile.write(REAL_PAGE[i : i + 1])
                self.wfile.flush()
            self.close_connection = True
        elif path == "/short":
            self._start(200, {"Content-Type": "text/html", "Content-Length": str(len(REAL_PAGE) + 1000)})
            self.wfile.write(REAL_PAGE)
            self.wfile.flush()
            self.close_connection = True
        elif path == "/cut-chunked":
            self._start(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
            self._chunk(REAL_PAGE[:4000])
            self._chunk(REAL_PAGE[4000:8000])
            self.close_connection = True  # no terminating 0-length chunk
        elif path == "/big-chunked":
            self._start(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
            for _ in range(40):
                self._chunk(REAL_PAGE)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip-plain":
            self._send(200, REAL_PAGE, {"Content-Encoding": "gzip"})
        elif path == "/gzip":
            self._send(200, gzip.compress(REAL_PAGE), {"Content-Encoding": "gzip"})
        elif path == "/gbk-meta":
            meta = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            self._send(200, page_in("gbk", meta))
        elif path == "/gb2312-rare":
            self._send(200, page_in("gb18030", '<meta charset="gb2312">', rare=True))
        elif path == "/wrong-header":
            self._send(200, page_in("gb18030", '<meta charset="gb2312">', rare=True),
                       {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/challenge-412":
            self._send(412, challenge_body())
        elif path == "/challenge-202":
            self._send(202, challenge_body())
        elif path.startswith("/guarded/"):
            if self.entry.cookies.get(CLEARANCE_COOKIE) == CLEARANCE_TOKEN:
                self._send(200, REAL_PAGE)
            else:
                self._send(412, _guard_script_body())
        else:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>")


def loopback_settings(server: LoopbackServer, **overrides: object) -> Settings:
    """Settings for fetching from ``server``: only 127.0.0.1 allowed, small timeouts, no politeness pause.

    Defaults: timeout_s 0.5, deadline_s 1.5, max_attempts 3, backoff_base_s 0.01, backoff_max_s 2,
    min_interval_s 0, browser_timeout_s 10; ``overrides`` win.
    """
    values: dict[str, object] = dict(
        source=server.url("/page"), allowed_hosts=("127.0.0.1",), timeout_s=0.5, deadline_s=1.5, max_attempts=3,
        backoff_base_s=0.01, backoff_max_s=2.0, min_interval_s=0.0, browser_timeout_s=10.0,
    )
    values.update(overrides)
    return Settings(**values).normalised()  # type: ignore[arg-type]


@pytest.fixture
def loopback_server() -> Iterator[LoopbackServer]:
    """A started LoopbackServer on 127.0.0.1 (random port), stopped after the test."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
