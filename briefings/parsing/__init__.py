"""Pure parsing: the shared machinery of list and briefing pages (HTML or text), speaker turns.

The portals' readers and the reading of a page by its portal (``parse_page``) are in
``briefings.sites``, which builds on this package (never the other way round).

``str`` in, frozen dataclasses of ``briefings.models`` out; no I/O, no Prefect, no clock.
"""

from __future__ import annotations

from briefings.parsing.detail import PARSER_VERSION, parse_text
from briefings.parsing.segment import segment_turns
from briefings.parsing.speakers import genders_from_intro, parse_label, speaker_id_for

__all__ = [
    "PARSER_VERSION",
    "parse_text",
    "segment_turns",
    "parse_label",
    "speaker_id_for",
    "genders_from_intro",
]
