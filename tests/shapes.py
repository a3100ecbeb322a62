"""Helpers for transcript-shape tests: the other press offices' openings and a coverage check."""

from __future__ import annotations

import re
from pathlib import Path

from briefings.models import ParsedBriefing

OTHER_DIR = Path(__file__).parent / "fixtures" / "other"
SICHUAN_PATH = OTHER_DIR / "sichuan-covid-fbh17-opening.txt"
FUJIAN_PATH = OTHER_DIR / "fujian-env-2020-06-opening.txt"


def sichuan_text() -> str:
    """The real opening of Sichuan's 17th COVID-19 press conference (half-width punctuation)."""
    return SICHUAN_PATH.read_bytes().decode("utf-8")


def fujian_text() -> str:
    """The real opening (and closing, flattened into one line) of Fujian's 2020-06-03 press conference."""
    return FUJIAN_PATH.read_bytes().decode("utf-8")


def coverage_problems(parsed: ParsedBriefing) -> list[str]:
    """Where the turns (label and text), lead, narration and tail spans fail to cover the transcript once.

    Returns:
        Empty when every non-blank character of ``parsed.transcript`` lies in exactly one piece (a
        turn's label with its colon, a turn's text, a lead / narration / tail span),
        pieces are in order and each extra's text equals its span's cut; else one message per fault.
    """
    transcript = parsed.transcript
    problems: list[str] = []
    pieces: list[tuple[int, int, str]] = []
    labels: set[tuple[int, int]] = set()
    for turn in parsed.turns:
        if turn.label_span is not None and (turn.label_span.start, turn.label_span.end) not in labels:
            labels.add((turn.label_span.start, turn.label_span.end))
            colon = re.match(r"[ \t\u3000]*[：:]", transcript[turn.label_span.end :])
            end = turn.label_span.end + (colon.end() if colon else 0)
            pieces.append((turn.label_span.start, end, f"label {turn.turn_no}"))
        pieces.append((turn.span.start, turn.span.end, f"turn {turn.turn_no}"))
        if turn.text != turn.span.cut(transcript):
            problems.append(f"turn {turn.turn_no}: text is not its span")
    for extra in parsed.extras:
        pieces.append((extra.span.start, extra.span.end, extra.kind))
        if extra.text != extra.span.cut(transcript):
            problems.append(f"{extra.kind} at {extra.span.start}: text is not its span")
    pieces.sort()
    position = 0
    for start, end, name in pieces:
        if start < position:
            problems.append(f"{name} [{start}, {end}) overlaps what comes before (up to {position})")
        elif transcript[position:start].strip():
            problems.append(f"{transcript[position:start][:30]!r} before {name} is in no piece")
        position = max(position, end)
    if transcript[position:].strip():
        problems.append(f"{transcript[position:][:30]!r} at the end is in no piece")
    return problems
