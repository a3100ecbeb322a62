"""Recognise the portal's JavaScript challenge page (pure).

The live portal answers plain HTTP clients with HTTP 412 (sometimes 202) and a small page that is
only obfuscated script (``$_ss.nsd``, ``$_ts``, a ``<script r='m'>`` loading an external file).
Such a response is a *blocked* fetch, never a briefing with zero turns.
"""

from __future__ import annotations

import re

__all__ = ["CHALLENGE_STATUSES", "CHALLENGE_MARKERS", "has_challenge_marker", "is_challenge", "visible_text"]

CHALLENGE_STATUSES = frozenset({412, 202})
CHALLENGE_MARKERS = ("$_ss", "$_ts")
# The loader tag: <script r='m'>, also with type/src/charset attributes around the r='m'.
_LOADER_TAG = re.compile(r"""<script\b[^>]*\sr\s*=\s*["']?m["'\s>]""", re.IGNORECASE)

_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ENTITY_SPACE = re.compile(r"&(nbsp|ensp|emsp|#160|#xa0);", re.IGNORECASE)
# A challenge page may carry a word or two (a <title>); a briefing carries thousands of characters.
_MAX_VISIBLE_WITH_MARKER = 64


def visible_text(html: str) -> str:
    """The text a reader would see: scripts, styles, comments and tags removed, whitespace dropped.

    Args:
        html: a decoded page.
    Returns:
        Visible characters with all whitespace removed (may be empty).
    """
    text = _TAG.sub("", _INVISIBLE.sub("", html))
    return "".join(_ENTITY_SPACE.sub(" ", text).split())


def has_challenge_marker(html: str) -> bool:
    """Whether ``html`` carries a challenge marker: ``$_ss``, ``$_ts`` or a ``<script ... r='m'>`` tag."""
    return any(marker in html for marker in CHALLENGE_MARKERS) or bool(_LOADER_TAG.search(html))


def is_challenge(status: int, text: str) -> bool:
    """Whether a response is the portal's script-only challenge page.

    Args:
        status: HTTP status code of the response.
        text: the decoded body.
    Returns:
        True for HTTP 412 or 202 whose body shows no visible text, or carries a challenge marker
        (``$_ss``, ``$_ts``, ``<script r='m'>``) and at most 64 visible characters. False for every
        other status, and for a 412/202 that shows a real page.
    """
    if status not in CHALLENGE_STATUSES:
        return False
    visible = visible_text(text)
    if not visible:
        return True
    return has_challenge_marker(text) and len(visible) <= _MAX_VISIBLE_WITH_MARKER
