"""Stable identifiers derived from natural keys (pure).

A briefing's id rule belongs to its portal (``SiteProfile.briefing_id`` in ``briefings.sites``);
:func:`briefing_id_for` applies the rule of the profile serving the URL's host, else
:func:`document_stem_id`, the rule of TRS-published portals and the fallback for any other page.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

__all__ = ["briefing_id_for", "document_stem_id", "sha256_hex"]

_DOC_STEM = re.compile(r"(t\d{8}_\d+)\.s?html?$")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 lowercase hex characters)."""
    return hashlib.sha256(data).hexdigest()


def document_stem_id(url: str) -> str:
    """``<host>:<document stem>`` for a TRS document URL, else ``<host>:<sha1[:12] of path?query>``.

    ``https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml`` ->
    ``hubei.gov.cn:t20240326_5134107``. Scheme and a leading ``www.`` are ignored, so the same
    page served over http or https keeps its id; the port is not part of the host.

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


def briefing_id_for(url: str) -> str:
    """A briefing's id from its page URL, by the id rule of the site profile serving its host.

    Every profile shipped uses :func:`document_stem_id` (``hubei.gov.cn:t20240326_5134107``);
    a URL no profile serves gets it too.

    Raises:
        ValueError: ``url`` has no host.
    """
    from briefings.sites import profile_for_url  # sites import this module for their rules

    profile = profile_for_url(url)
    return profile.briefing_id(url) if profile is not None else document_stem_id(url)
