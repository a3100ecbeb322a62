"""Pure parsing: list pages, briefing pages (HTML or text), speaker turns.

``str`` in, frozen dataclasses of ``briefings.models`` out; no I/O, no Prefect, no clock.
"""

from __future__ import annotations

from typing import Literal

from briefings.models import ParsedBriefing
from briefings.parsing.detail import PARSER_VERSION, parse_html, parse_text
from briefings.parsing.listing import parse_list_page
from briefings.parsing.segment import segment_turns
from briefings.parsing.speakers import genders_from_intro, parse_label, speaker_id_for

__all__ = [
    "PARSER_VERSION",
    "parse_list_page",
    "parse_html",
    "parse_text",
    "parse_page",
    "segment_turns",
    "parse_label",
    "speaker_id_for",
    "genders_from_intro",
]


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
        from briefings.sites import parse_detail  # the site modules build on this package

        parsed = parse_detail(text, url)
    elif kind == "text":
        parsed = parse_text(text, url)
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


def _versioned(parsed: ParsedBriefing, **changes: object) -> ParsedBriefing:
    """Return ``parsed`` with parser_version set (and ``changes`` applied)."""
    from dataclasses import replace

    return replace(parsed, parser_version=PARSER_VERSION, **changes)  # type: ignore[arg-type]
