"""A loopback copy of the portal's press-conference column, for flow-level tests.

Serves the bundled snapshot's list pages and the real session-12 page at their real paths on
127.0.0.1, plus a synthetic second session derived from the real page (marked （合成样本） in its
title), with ETag / 304, a request log, per-path injected failures (HTTP 500 for the first
N requests) and per-path delays. Run standalone for other processes: ``python -m tests.site_server PORT_FILE``.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefings.settings import SNAPSHOT_SITE_DIR
from tests.loopback import CLEARANCE_COOKIE, CLEARANCE_TOKEN
from tests.loopback import _guard_script_body as guard_body

COLUMN = "/hbfb/xwfbh/"
LIST_PATH = COLUMN + "index.shtml"
LIST2_PATH = COLUMN + "index_1.shtml"
SESSION12_PATH = COLUMN + "202403/t20240326_5134107.shtml"
SYNTHETIC_PATH = COLUMN + "202403/t20240327_5999013.shtml"
_HUBEI = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn"
SESSION12_TITLE = "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
SYNTHETIC_TITLE = "“奋战开门红 市长话经济”第十三场 天门（合成样本）：培育壮大新质生产力 加快推进新型工业化"


def synthetic_session13() -> bytes:
    """Session 12's real page turned into a synthetic session 13 (title marked （合成样本）, held 03-27)."""
    html = (_HUBEI / SESSION12_PATH.lstrip("/")).read_text(encoding="utf-8")
    html = html.replace(SESSION12_TITLE, SYNTHETIC_TITLE)
    html = html.replace("<li><b>时间：</b>2024-03-25</li>", "<li><b>时间：</b>2024-03-27</li>")
    html = html.replace("时间：2024-03-26", "时间：2024-03-28").replace("2024-03-26 10:31", "2024-03-28 10:31")
    return html.encode("utf-8")


def column_site() -> dict[str, bytes]:
    """path -> body of the column: two list pages, session 12 and the synthetic session 13."""
    first = (_HUBEI / LIST_PATH.lstrip("/")).read_text(encoding="utf-8")
    entry = (
        '  <div class="row media_block"><div class="col-md-12"><h4><a href="./202403/t20240327_5999013.shtml" '
        f'target="_blank" title="{SYNTHETIC_TITLE}">{SYNTHETIC_TITLE}</a></h4><span class="date">2024-03-28</span>'
        "</div></div>\n"
    )
    anchor = '  <div class="row media_block"><div class="col-md-12"><h4><a href="./202403/t20240326_5134107.shtml"'
    first = first.replace(anchor, entry + anchor, 1)
    return {
        LIST_PATH: first.encode("utf-8"),
        LIST2_PATH: (_HUBEI / LIST2_PATH.lstrip("/")).read_bytes(),
        SESSION12_PATH: (_HUBEI / SESSION12_PATH.lstrip("/")).read_bytes(),
        SYNTHETIC_PATH: synthetic_session13(),
    }


@dataclass(frozen=True)
class Hit:
    """One request the server answered: path, status sent, the conditional header and the headers received."""

    path: str
    status: int
    if_none_match: str | None
    headers: dict[str, str] = field(default_factory=dict)
    at: float = 0.0  # time.monotonic() when the request arrived, seconds

    @property
    def by_httpx(self) -> bool:
        """httpx sends exactly our Accept-Encoding and none of Chromium's client hints."""
        return self.headers.get("accept-encoding") == "gzip, deflate" and "sec-ch-ua" not in self.headers

    @property
    def cookie(self) -> str:
        """The Cookie header received ('' when none)."""
        return self.headers.get("cookie", "")


@dataclass
class SiteServer:
    """The running server.

    ``fail_first[path] = n`` answers 500 to the first n requests of path;
    ``status_override[path] = (status, body)`` always answers that; ``guarded`` imitates the portal's
    JavaScript challenge on every path: without the clearance cookie a 412 page whose inline script
    computes the cookie and reloads (``tests.loopback``'s guard), with it the page. ``delay_s[path]``
    waits that many seconds before answering path (a slow portal).
    """

    pages: dict[str, bytes]
    fail_first: dict[str, int] = field(default_factory=dict)
    status_override: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    guarded: bool = False
    delay_s: dict[str, float] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def source(self) -> str:
        """The first list page's URL."""
        return f"http://127.0.0.1:{self.port}{LIST_PATH}"

    def hits(self, path: str, status: int | None = None) -> int:
        """Requests of ``path`` (answered with ``status``, if given)."""
        return sum(1 for h in self.log if h.path == path and (status is None or h.status == status))

    def start(self) -> "SiteServer":
        server = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                arrived = time.monotonic()
                path = self.path.split("?", 1)[0]
                inm = self.headers.get("If-None-Match")
                if path in server.delay_s:
                    time.sleep(server.delay_s[path])
                with lock:
                    seen = sum(1 for h in server.log if h.path == path)
                    body = server.pages.get(path)
                    override = server.status_override.get(path)
                    if server.guarded and f"{CLEARANCE_COOKIE}={CLEARANCE_TOKEN}" not in self.headers.get("Cookie", ""):
                        override = (412, guard_body())
                    if override is not None:
                        status, body = override
                    elif body is None:
                        status = 404
                    elif seen < server.fail_first.get(path, 0):
                        status = 500
                    else:
                        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                        status = 304 if inm == etag else 200
                    server.log.append(Hit(path, status, inm, {k.lower(): v for k, v in self.headers.items()}, arrived))
                self.send_response(status)
                if status == 200:
                    self.send_header("Content-Type", "text/html")
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif status == 304:
                    self.send_header("ETag", etag)
                    self.end_headers()
                elif override is not None:
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    payload = f"error {status}".encode()
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


if __name__ == "__main__":
    srv = SiteServer(column_site()).start()
    Path(sys.argv[1]).write_text(str(srv.port))
    threading.Event().wait()
