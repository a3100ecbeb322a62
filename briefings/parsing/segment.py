"""Split a briefing's transcript paragraphs into speaker turns and question/answer pairs (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefings.errors import ParseError
from briefings.models import Guest, QAPair, Role, Span, Turn
from briefings.parsing.speakers import (
    genders_from_intro,
    intro_labels,
    is_host_placeholder,
    journalist_outlet,
    looks_like_official_label,
    names_known_person,
    parse_label,
    speaker_id_for,
)
from briefings.parsing.text import clean_line, split_lines

__all__ = ["segment_turns"]

# A label candidate: the text before the first colon of a line, at most 48 code points.
_LABEL_PREFIX = re.compile(r"^(?P<label>[^：:\n]{1,48}?)[ \t\u3000\xa0]*[：:][ \t\u3000\xa0\u2002\u2003]*")
_SENTENCE_MARKS = re.compile(r"[，,。！？!?；;“”\"]")


@dataclass(frozen=True)
class _Label:
    """A speaker label found at the start of line ``line_no``; offsets are within the line."""

    line_no: int
    label: str
    label_end: int  # end of the label text (before the colon)
    body_start: int  # first character after the colon and its spaces


def _find_label(line_no: int, line: str, names: Sequence[str], host: str | None, first: bool) -> _Label | None:
    """The label at the start of ``line`` if it names a known person, the host or ``<outlet>记者``."""
    match = _LABEL_PREFIX.match(line)
    if not match:
        return None
    label = clean_line(match.group("label"))
    if not label or _SENTENCE_MARKS.search(label):
        return None
    is_label = (
        journalist_outlet(label) is not None
        or (host is not None and label == host)
        or names_known_person(label, names)
        or (first and (looks_like_official_label(label) or is_host_placeholder(label)))
    )
    if not is_label:
        return None
    label_end = match.start("label") + len(label)  # lines are cleaned: no leading whitespace
    return _Label(line_no, label, label_end, match.end())


def segment_turns(
    paragraphs: Sequence[str], guests: Sequence[Guest], *, url: str | None = None
) -> tuple[str, list[Turn], list[QAPair]]:
    """Split a briefing's transcript paragraphs into speaker turns, in page order.

    Args:
        paragraphs: the 发布会实录 paragraphs after the 时间/嘉宾/内容 block, as published; a paragraph
            holding ``\\n`` (a ``<br>``) is split into lines; empty lines are dropped.
        guests: people of the 嘉宾 line, in listed order (may be empty: the host's introduction
            ``出席…有：…女士；…先生`` then names the speakers).
        url: the page, for errors.
    Returns:
        (transcript, turns, qa_pairs). transcript: the lines stripped of outer whitespace (incl.
        &nbsp; &ensp; \\u3000) joined by ``\\n``. turns: turn_no from 1, ``text == span.cut(transcript)``
        and ``label == label_span.cut(transcript)``. qa_pairs: each journalist turn with the guest
        turn right after it.
    Raises:
        ParseError: no paragraphs, or the first line is no recognisable speaker label.
    Source: officials' labels stand alone on a line ending in a colon (full or half width);
        journalists' (``湖北日报记者：企业是…``) are inline. The first speaker, not in 嘉宾, is the host.
        A line is a label only if the text before its first colon (no sentence punctuation) names a
        guest or introduced person by the end (after a title word, or alone), equals the host's
        label or reads ``<outlet>记者``; the first line may also be an unknown official's label
        (``<organisation><title><name>``) or ``主持人``.
    """
    lines = [line for paragraph in paragraphs for line in split_lines(paragraph)]
    if not lines:
        raise ParseError("no transcript paragraphs", url=url, missing="transcript paragraphs")
    transcript = "\n".join(lines)
    offsets: list[int] = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1

    guest_names = [g.name for g in guests]
    intro = intro_labels(transcript)
    intro_names = [parse_label(label, guest_names)[0] for label, _ in intro]
    names = [n for n in dict.fromkeys([*guest_names, *intro_names]) if n]
    genders = genders_from_intro(transcript, names)

    first = _find_label(0, lines[0], names, None, first=True)
    if first is None:
        raise ParseError(
            f"no speaker label before the first paragraph: {lines[0][:40]!r}",
            url=url,
            missing="speaker label before the first paragraph",
        )
    host_label: str | None = None
    host_name: str | None = None
    first_name, _ = parse_label(first.label, names)
    if journalist_outlet(first.label) is None and first_name not in guest_names:
        host_label, host_name = first.label, first_name

    # later the host may be labelled by name only (黄勤：)
    known = [*names, host_name] if host_name else names
    labels = [first]
    for line_no in range(1, len(lines)):
        found = _find_label(line_no, lines[line_no], known, host_label, first=False)
        if found is not None:
            labels.append(found)

    guest_by_name = {g.name: g for g in guests}
    host_id: str | None = None
    turns: list[Turn] = []
    for index, found in enumerate(labels):
        line_start = offsets[found.line_no]
        last_line = (labels[index + 1].line_no if index + 1 < len(labels) else len(lines)) - 1
        end = offsets[last_line] + len(lines[last_line])
        if found.body_start < len(lines[found.line_no]):
            start = line_start + found.body_start  # inline label
        else:
            start = min(line_start + len(lines[found.line_no]) + 1, end)  # label alone on its line
        start = min(start, end)
        outlet = journalist_outlet(found.label)
        name, positions = parse_label(found.label, known)
        role: Role
        if outlet is not None:
            role, speaker = "journalist", found.label
        elif host_label is not None and (found.label == host_label or (host_name and name == host_name)):
            role, speaker = "host", name
        else:
            role, speaker = "guest", name
        speaker_id = speaker_id_for(name, positions, role, outlet)
        guest = guest_by_name.get(name) if role == "guest" else None
        if guest is not None:
            # a short label (肖敏：) still maps to the 嘉宾 entry's identity
            positions = positions or guest.positions
            speaker_id = guest.speaker_id or speaker_id_for(name, positions, role, outlet)
        if role == "host":
            host_id = host_id or speaker_id
            speaker_id = host_id
        turns.append(
            Turn(
                turn_no=index + 1,
                label=found.label,
                speaker=speaker,
                role=role,
                outlet=outlet,
                text=transcript[start:end],
                span=Span(start, end),
                positions=positions,
                gender=genders.get(name) if role != "journalist" else None,
                speaker_id=speaker_id,
                label_span=Span(line_start, line_start + found.label_end),
            )
        )

    qa_pairs = [
        QAPair(question.turn_no, answer.turn_no)
        for question, answer in zip(turns, turns[1:])
        if question.role == "journalist" and answer.role == "guest"
    ]
    return transcript, turns, qa_pairs
