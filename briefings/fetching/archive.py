"""The raw layer on disk: content-addressed response bodies plus a WARC log of every exchange.

Layout below ``root`` (``Settings.raw_dir``)::

    objects/ab/<sha256>        one file per distinct body (after Content-Encoding was removed)
    warc/<run_id or date>.warc.gz   one WARC/1.0 ``response`` record per exchange, appended

The object store is what the parser reads again (``reparse``); the WARC file is the faithful log
for other tools (``warcio index``, pywb). Writes are atomic (temp file + rename) and thread-safe.
"""

from __future__ import annotations

import os
import tempfile
import threading
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Iterable

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from briefings.ids import sha256_hex

__all__ = ["RawArchive"]

_WARC_LOCK = threading.Lock()
# Hop-by-hop framing is gone once the body is reassembled; keeping it would mislead WARC readers.
_DROP_HEADERS = frozenset({"transfer-encoding", "connection", "keep-alive"})
_REASONS = {200: "OK", 202: "Accepted", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            404: "Not Found", 412: "Precondition Failed", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class RawArchive:
    """Content-addressed store of response bodies, with a WARC file per run.

    Args:
        root: folder of the archive (created on first write), usually ``Settings.raw_dir``.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def put(self, body: bytes) -> str:
        """Store ``body`` under its SHA-256; storing the same bytes again writes nothing.

        Returns:
            The hex SHA-256 (64 characters) of ``body``.
        Raises:
            OSError: the file could not be written (disk full, permissions).
        """
        digest = sha256_hex(body)
        path = self._object_path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def has(self, sha256: str) -> bool:
        """Whether a body with this hex SHA-256 is stored."""
        return self._object_path(sha256).is_file()

    def get(self, sha256: str) -> bytes:
        """The stored body with this hex SHA-256.

        Raises:
            FileNotFoundError: no such body in the archive.
        """
        return self._object_path(sha256).read_bytes()

    def warc_path(self, run_id: str | None = None, *, at: datetime | None = None) -> Path:
        """The WARC file of a run: ``warc/<run_id>.warc.gz``, else ``warc/<YYYY-MM-DD of at, UTC>.warc.gz``."""
        name = run_id or (at or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        return self.root / "warc" / f"{safe}.warc.gz"

    def append_response(
        self,
        *,
        url: str,
        status: int,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        run_id: str | None = None,
        truncated: str | None = None,
    ) -> Path:
        """Append one exchange to the run's WARC file as a ``response`` record (gzip member).

        Args:
            url: the URL that answered (``WARC-Target-URI``).
            status: HTTP status code.
            headers: response headers as received; hop-by-hop ones are dropped.
            body: the payload as received (still Content-Encoded, if it was).
            fetched_at: UTC time the response completed (``WARC-Date``).
            run_id: names the file; None -> the UTC date of ``fetched_at``.
            truncated: ``WARC-Truncated`` reason (``length``, ``time``, ``disconnect``) when the
                body is incomplete, else None.
        Returns:
            The WARC file written to.
        """
        path = self.warc_path(run_id, at=fetched_at)
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        status_line = f"{status} {_REASONS.get(status, 'Unknown')}"
        http_headers = StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        with _WARC_LOCK, path.open("ab") as handle:
            writer = WARCWriter(handle, gzip=True)
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=http_headers, warc_headers_dict=warc_headers,
            )
            writer.write_record(record)
        return path
