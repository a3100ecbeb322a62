"""The raw layer on disk: content-addressed response bodies plus a WARC log of every exchange.

Layout below ``root`` (``Settings.raw_dir``)::

    objects/ab/<sha256>        one file per distinct body (after Content-Encoding was removed)
    warc/<run_id or date>.warc.gz   one WARC/1.0 ``response`` record per exchange, appended

The object store is what the parser reads again (``reparse``); the WARC file is the faithful log
for other tools (``warcio index``, pywb). Writes are atomic (temp file + rename) and thread-safe;
a WARC record is appended with one ``write`` of a whole gzip member (``O_APPEND``), so the worker
processes of one run can share a run's file.

``root`` may also be remote (a ``upath.UPath`` such as ``s3://bucket/prefix/raw``, see
``Settings.data_root``), so that workers on other machines read what another wrote. Objects keep
the same layout (an object PUT is atomic); object stores cannot append, so there each exchange is
its own one-record WARC file, ``warc/<run_id or date>/<UTC time>-<random>.warc.gz``.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
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
        root: folder of the archive (created on first write), usually ``Settings.raw_dir``: a
            ``Path`` or a remote ``upath.UPath``.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root) if isinstance(root, str) else root
        self.is_local = isinstance(self.root, Path)

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
        if not self.is_local:
            path.write_bytes(body)  # one PUT: readers see the whole object or none
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
        if not self.is_local:  # no append on an object store: one record per object
            stamp = fetched_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            path = path.parent / path.name.removesuffix(".warc.gz") / f"{stamp}-{uuid.uuid4().hex[:12]}.warc.gz"
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        status_line = f"{status} {_REASONS.get(status, 'Unknown')}"
        http_headers = StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        member = BytesIO()
        writer = WARCWriter(member, gzip=True)
        record = writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body),
            http_headers=http_headers, warc_headers_dict=warc_headers,
        )
        writer.write_record(record)
        if not self.is_local:
            path.write_bytes(member.getvalue())
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        with _WARC_LOCK:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, member.getvalue())  # one write: records of concurrent processes never interleave
            finally:
                os.close(fd)
        return path
