"""One module per portal, and the registry that picks the profile reading a URL or a page (pure).

Each module of this package (``hubei.py``, ``tianmen.py`` …) defines ``PROFILE``, a
:class:`SiteProfile`; ``generic.py`` reads the pages no profile claims, by their content. A page is
read by the profile serving its URL's host; else by a profile that recognises its template
(``claims_page``); else by the generic reader. When the chosen profile finds none of its blocks
(``ParseError`` with ``missing`` = ``transcript block`` / ``list entries block``: the portal changed
its template), the generic reader tries the page; if it fails too, the profile's error is raised.

:func:`parse_page` reads a briefing page (HTML by its profile, or text) and extracts its indicator
mentions: the one entry point the pipeline, the CLI and the benches parse a page with.

Adding a portal is one module here, its pages in the snapshot, and its tests (``docs/sites.md``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from functools import lru_cache
from typing import Literal

import briefings.parsing as parsing
from briefings.errors import ParseError
from briefings.models import ListPage, Mention, ParsedBriefing
from briefings.sites.profile import SiteProfile, host_of

__all__ = [
    "SiteProfile",
    "GENERIC",
    "host_of",
    "profiles",
    "profile_named",
    "profile_for_url",
    "profile_for_page",
    "profile_hosts",
    "parse_detail",
    "parse_list_page",
    "parse_page",
]

GENERIC = "generic"
_NOT_MODULES = {"profile", GENERIC}


@lru_cache(maxsize=1)
def _site_profiles() -> tuple[SiteProfile, ...]:
    """The ``PROFILE`` of every module of this package but ``generic``, ordered by module name."""
    found = []
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if module.startswith("_") or module in _NOT_MODULES:
            continue
        profile = getattr(importlib.import_module(f"{__name__}.{module}"), "PROFILE", None)
        if isinstance(profile, SiteProfile):
            found.append(profile)
    return tuple(found)


def profiles(*, with_generic: bool = True) -> tuple[SiteProfile, ...]:
    """Every site profile, ordered by module name, then (``with_generic``) the generic reader's."""
    from briefings.sites import generic

    return (*_site_profiles(), generic.PROFILE) if with_generic else _site_profiles()


def profile_named(name: str) -> SiteProfile:
    """The profile called ``name``.

    Raises:
        KeyError: no profile has that name.
    """
    for profile in profiles():
        if profile.name == name:
            return profile
    raise KeyError(name)


def profile_for_url(url: str | None) -> SiteProfile | None:
    """The profile serving ``url``'s host (``www.`` ignored), None when no profile does."""
    return next((p for p in _site_profiles() if p.serves(url)), None)


def profile_for_page(html: str, url: str | None) -> SiteProfile:
    """The profile that reads a page: by its URL's host, else by its template, else the generic reader."""
    by_host = profile_for_url(url)
    if by_host is not None:
        return by_host
    by_template = next((p for p in _site_profiles() if p.claims_page is not None and p.claims_page(html)), None)
    return by_template if by_template is not None else profile_named(GENERIC)


def profile_hosts() -> tuple[str, ...]:
    """Every host a profile names, in profile order, without duplicates."""
    return tuple(dict.fromkeys(h for p in _site_profiles() for h in p.hosts))


def parse_detail(html: str, url: str | None) -> ParsedBriefing:
    """Parse a briefing detail page with the profile that reads it (see the module docstring).

    Args:
        html: the decoded page (a whole document or a fragment without ``<html>``/``<head>``).
        url: the page's URL, None if unknown (then only the template decides).
    Returns:
        The ParsedBriefing (mentions empty), ``briefing.site`` = the reading profile's name.
    Raises:
        ParseError: the page gives no transcript, no recognisable speaker label, or no turns; when
            a profile's block was missing and the generic reader failed too, the profile's error.
    """
    profile = profile_for_page(html, url)
    try:
        parsed = profile.read_detail(html, url)
    except ParseError as exc:
        if profile.name == GENERIC or exc.missing != "transcript block":
            raise
        try:
            parsed = profile_named(GENERIC).read_detail(html, url)
        except ParseError:
            raise exc from None
        profile = profile_named(GENERIC)
    if parsed.briefing.site != profile.name:
        parsed = replace(parsed, briefing=replace(parsed.briefing, site=profile.name))
    return parsed


def parse_list_page(html: str, url: str) -> ListPage:
    """Parse a column's list page with the profile that reads it (see the module docstring).

    Returns:
        ListPage with every entry the page lists (the caller keeps those matching its series) and
        the next page's URL.
    Raises:
        ParseError: no list entries on the page (the profile's error when the generic reader failed too).
    """
    profile = profile_for_page(html, url)
    try:
        return profile.read_list(html, url)
    except ParseError as exc:
        if profile.name == GENERIC or exc.missing != "list entries block":
            raise
        try:
            return profile_named(GENERIC).read_list(html, url)
        except ParseError:
            raise exc from None


def parse_page(text: str, url: str | None, *, kind: Literal["html", "text"]) -> ParsedBriefing:
    """Parse a briefing page and extract its indicator mentions.

    Args:
        text: the decoded page (``kind="html"``) or its text (``kind="text"``).
        url: the page's URL, None if unknown.
        kind: ``html``: read by the site profile serving the URL's host, else the one whose template
            the page carries, else the generic reader (``briefings.sites.parse_detail``);
            ``text``: ``parse_text``.
    Returns:
        The ParsedBriefing with parser_version set and, when ``briefings.parsing.indicators`` is
        present, ``mentions = tuple(extract_mentions(transcript, turns, event_date))``.
    Raises:
        ParseError: as ``briefings.sites.parse_detail`` / ``parse_text``.
        ValueError: ``kind`` is neither ``html`` nor ``text``.
    """
    if kind == "html":
        parsed = parse_detail(text, url)
    elif kind == "text":
        parsed = parsing.parse_text(text, url)
    else:
        raise ValueError(f"kind must be 'html' or 'text', not {kind!r}")
    try:
        # imported lazily: the indicators module is written separately and may not exist yet
        from briefings.parsing.indicators import extract_mentions
    except ModuleNotFoundError as exc:
        if exc.name != "briefings.parsing.indicators":
            raise
        return _versioned(parsed)
    mentions = extract_mentions(parsed.transcript, parsed.turns, parsed.briefing.event_date)
    return _versioned(parsed, mentions=tuple(mentions))


def _versioned(parsed: ParsedBriefing, mentions: tuple[Mention, ...] | None = None) -> ParsedBriefing:
    """Return ``parsed`` with parser_version set (and its ``mentions``, when given).

    The version is read from ``briefings.parsing`` at each call (a test or a bench may set it there).
    """
    if mentions is None:
        return replace(parsed, parser_version=parsing.PARSER_VERSION)
    return replace(parsed, parser_version=parsing.PARSER_VERSION, mentions=mentions)
