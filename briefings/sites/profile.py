"""The site profile: what is specific to one portal, in one value (pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefings.models import ListPage, ParsedBriefing

__all__ = ["SiteProfile", "document_stem_id", "host_of"]

_DOC_STEM = re.compile(r"(t\d{8}_\d+)\.s?html?$")


def host_of(url: str | None) -> str:
    """The lower-case host of ``url`` without a leading ``www.``; '' for None or a relative URL."""
    if not url:
        return ""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


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


@dataclass(frozen=True)
class SiteProfile:
    """One portal: its hosts, its column, and how its list and detail pages are read.

    A profile lives in its own module of ``briefings.sites`` as ``PROFILE`` (the way a Scrapy
    project has one spider per site); the registry (``briefings.sites``) finds it there.

    Attributes:
        name: short name, recorded in ``briefings.site`` (``hubei``).
        hosts: host names the portal answers on (``www.hubei.gov.cn``); a page at one of them is
            read by this profile. Compared without a leading ``www.``.
        column_url: the first list page of its press-conference column, None for the generic reader.
        series_pattern: the regular expression its list titles are collected with by default.
        read_list: ``(html, url) -> ListPage``; raises ParseError (``missing`` =
            ``list entries block``) when the page is not one of its list pages.
        read_detail: ``(html, url) -> ParsedBriefing`` with ``briefing.site`` = ``name``; raises
            ParseError (``missing`` = ``transcript block``) when its transcript block is absent.
        title_facts: its title rule, ``title -> (series, session_no, city)``.
        briefing_id: its id rule, ``url -> briefing_id`` (``hubei.gov.cn:t20240326_5134107``).
        claims_page: ``html -> bool``, whether a page served at another host is in this portal's
            template (a copy of the portal on a mirror or a loopback server); None: by host only.
        description: one line for ``briefings sites``.
    """

    name: str
    hosts: tuple[str, ...]
    column_url: str | None
    series_pattern: str | None
    read_list: Callable[[str, str], ListPage]
    read_detail: Callable[[str, str | None], ParsedBriefing]
    title_facts: Callable[[str], tuple[str | None, int | None, str | None]]
    briefing_id: Callable[[str], str]
    claims_page: Callable[[str], bool] | None = None
    description: str = ""

    def serves(self, url: str | None) -> bool:
        """Whether ``url``'s host is one of this portal's hosts (``www.`` ignored on both sides)."""
        host = host_of(url)
        return bool(host) and any(host == h.lower().removeprefix("www.") for h in self.hosts)
