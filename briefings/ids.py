"""Stable identifiers derived from natural keys (pure)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

__all__ = ["briefing_id_for", "sha256_hex"]

_DOC_STEM = re.compile(r"(t\d{8}_\d+)\.s?html?$")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 lowercase hex characters)."""
    return hashlib.sha256(data).hexdigest()


def briefing_id_for(url: str) -> str:
    """A briefing's id from its page URL: ``<host>:<document stem>``, else ``<host>:<sha1[:12] of path>``.

    ``https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml`` ->
    ``hubei.gov.cn:t20240326_5134107``. Scheme and a leading ``www.`` are ignored, so the same
    page served over http or https keeps its id.

    Raises:
        ValueError: ``url`` has no host.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        raise ValueError(f"not an absolute URL: {url!r}")
    match = _DOC_STEM.search(parts.path)
    if match:
        return f"{host}:{match.group(1)}"
    digest = hashlib.sha1(f"{parts.path}?{parts.query}".encode()).hexdigest()[:12]
    return f"{host}:{digest}"
