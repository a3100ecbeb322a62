"""Stable identifiers derived from natural keys (pure).

A briefing's id rule belongs to its portal (``SiteProfile.briefing_id`` in ``briefings.sites``);
:func:`briefing_id_for` applies the rule of the profile serving the URL's host, else
:func:`document_stem_id` (``briefings.sites.profile``), the rule of TRS-published portals and the
fallback for any other page.
"""

from __future__ import annotations

import hashlib

from briefings.sites.profile import document_stem_id

__all__ = ["briefing_id_for", "document_stem_id", "sha256_hex"]


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 lowercase hex characters)."""
    return hashlib.sha256(data).hexdigest()


def briefing_id_for(url: str) -> str:
    """A briefing's id from its page URL, by the id rule of the site profile serving its host.

    Every profile shipped uses :func:`document_stem_id` (``hubei.gov.cn:t20240326_5134107``);
    a URL no profile serves gets it too.

    Raises:
        ValueError: ``url`` has no host.
    """
    from briefings.sites import profile_for_url  # the registry loads every site module: only when asked

    profile = profile_for_url(url)
    return profile.briefing_id(url) if profile is not None else document_stem_id(url)
