"""An httpx transport that serves the bundled snapshot of the portal at its real URLs.

``https://<host>/<path>`` is read from ``root/<host>/<path>``; a path ending in ``/`` serves
``index.shtml``. Like the portal it sends ``Content-Type: text/html`` *without* a charset (so the
decoder reads ``<meta>``), a strong ETag derived from the body's SHA-256, and 304 to a matching
``If-None-Match``. No Last-Modified: file mtimes are not stable in git, and an invented date
would make conditional GET by date lie. So offline runs take the same code path as ``--live``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

import httpx

from briefings.ids import sha256_hex
from briefings.settings import SNAPSHOT_SITE_DIR

__all__ = ["SnapshotTransport", "has_snapshot_host"]

_HTML_SUFFIXES = frozenset({".shtml", ".html", ".htm"})


def has_snapshot_host(host: str | None, root: Path = SNAPSHOT_SITE_DIR) -> bool:
    """Whether the snapshot holds a folder for ``host`` (``www.hubei.gov.cn``)."""
    return bool(host) and (Path(root) / str(host)).is_dir()


class SnapshotTransport(httpx.BaseTransport):
    """Answers GET/HEAD requests from files below ``root`` (``root/<host>/<path>``).

    Args:
        root: folder holding one sub-folder per host; defaults to the bundled ``snapshot/site``.
    Responses: 200 with the file's bytes; 304 when ``If-None-Match`` carries the file's ETag;
    404 for a missing file or a path leaving ``root``; 405 for other methods.
    """

    def __init__(self, root: Path = SNAPSHOT_SITE_DIR) -> None:
        self.root = Path(root).resolve()

    def _file_for(self, url: httpx.URL) -> Path | None:
        path = unquote(url.path or "/")
        if path.endswith("/"):
            path += "index.shtml"
        candidate = (self.root / url.host / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request from the snapshot (see the class docstring for the statuses)."""
        if request.method not in ("GET", "HEAD"):
            return httpx.Response(405, headers={"Allow": "GET, HEAD"}, request=request)
        found = self._file_for(request.url)
        if found is None:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            return httpx.Response(404, headers={"Content-Type": "text/html"}, content=body, request=request)
        body = found.read_bytes()
        etag = f'"{sha256_hex(body)[:32]}"'
        if found.suffix in _HTML_SUFFIXES:
            content_type = "text/html"
        else:
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        headers = {"Content-Type": content_type, "ETag": etag}
        if_none_match = request.headers.get("If-None-Match", "")
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*":
            return httpx.Response(304, headers={"ETag": etag}, request=request)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
            return httpx.Response(200, headers=headers, request=request)
        headers["Content-Length"] = str(len(body))
        # A stream, not ``content=``: the client reads raw bytes itself, as from the network.
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body), request=request)
