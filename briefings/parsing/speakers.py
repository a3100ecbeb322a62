"""Speaker labels: names, offices, stable speaker ids and genders (pure).

A label as the portal writes it is ``<organisation><title>[、<title>]…<name>``:
``天门市委副书记、市长肖敏``, ``湖北省委宣传部二级巡视员黄勤``. Journalists are ``<outlet>记者``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from briefings.models import Guest, Position, Role
from briefings.parsing.text import clean_line, strip_colon

__all__ = [
    "guests_from_labels",
    "parse_label",
    "journalist_outlet",
    "speaker_id_for",
    "region_of",
    "genders_from_intro",
    "looks_like_official_label",
    "names_known_person",
    "is_host_placeholder",
    "parse_guests",
    "intro_labels",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Titles, longest forms first where one is the tail of another.
_TITLE_CORE = (
    "新闻发言人|发言人|巡视员|调研员|书记|主任|主席|秘书长|理事长|董事长|总经理|经理|总经济师|总工程师|"
    "总会计师|总监|总裁|委员|会长|院长|校长|行长|社长|台长|馆长|所长|站长|队长|组长|司长|署长|厅长|"
    "局长|处长|科长|部长|省长|市长|州长|县长|区长|镇长|乡长|主委|负责人"
)
_TITLE = re.compile(rf"(?:党组|党委|党工委|党总支)?(?:常务)?(?:副)?(?:一级|二级|三级|四级)?(?:{_TITLE_CORE})$")
# The head of a level of government: 市长 belongs to 天门市 even when written after 天门市委副书记、.
_HEAD_OF_GOVERNMENT = re.compile(r"^(?:常务)?副?(省|市|州|县|区)长$")
# Place prefix of an organisation: 天门市委 -> 天门, 湖北省委宣传部 -> 湖北, 神农架林区 -> 神农架.
_REGION = re.compile(r"^(.+?)(?:省|自治区|特别行政区|林区|市|自治州|州|县|区)")
# Name after a title: the greedy prefix ends at the last title word that leaves 2–3 CJK characters.
_NAME_AFTER_TITLE = re.compile(rf"^(.*(?:{_TITLE_CORE}))([{_CJK}]{{2,3}})$")
_JOURNALIST = re.compile(r"^(?P<outlet>[^\s，,。！？!?；;：:、“”\"（）()]{1,24}?)(?:全媒体|融媒体)?记者$")
_SENTENCE_MARKS = re.compile(r"[，,。！？!?；;“”\"]")
_INTRO_START = re.compile(r"出席[^\n]{0,20}?有\s*[：:]")
_INTRO_ITEM = re.compile(r"^(?P<label>.+?)(?P<honorific>女士|先生)\s*[；;。.，,、]?$")


def journalist_outlet(label: str) -> str | None:
    """The outlet of a journalist label: ``湖北日报记者`` -> ``湖北日报``; None if not ``<outlet>记者``."""
    match = _JOURNALIST.match(strip_colon(label))
    return match.group("outlet") if match else None


def _split_name(label: str, names: Sequence[str]) -> tuple[str, str]:
    """Return (office part, name) of ``label``; name is '' when none can be told apart."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if label.endswith(name) and len(label) >= len(name):
            return label[: -len(name)], name
    match = _NAME_AFTER_TITLE.match(label)
    if match:
        return match.group(1), match.group(2)
    # bare name, or an office we do not know: 2–3 CJK characters at the end
    tail = re.search(rf"[{_CJK}]{{2,3}}$", label)
    if tail and tail.start() == 0:
        return "", label
    if tail:
        name = label[-3:] if len(label) > 5 else label[-2:]
        return label[: -len(name)], name
    return label, ""


def region_of(organisation: str) -> str | None:
    """Place prefix of an organisation (``天门市委`` -> ``天门``), None when it starts with no place."""
    match = _REGION.match(organisation)
    return match.group(1) if match else None


def _positions(offices: str) -> tuple[Position, ...]:
    """Parse ``天门市委副书记、市长`` into Positions, later titles inheriting the organisation."""
    positions: list[Position] = []
    organisation = ""
    for part in re.split(r"[、，,/／]", offices):
        part = clean_line(part)
        if not part:
            continue
        match = _TITLE.search(part)
        if match:
            org, title = part[: match.start()], match.group(0)
        else:
            org, title = "", part
        if not org and organisation:
            head = _HEAD_OF_GOVERNMENT.match(title)
            region = region_of(organisation)
            # 市长 after 天门市委副书记 -> 天门市; 局长 after 天门市…局党组书记 -> the same 局
            org = f"{region}{head.group(1)}" if head and region else organisation
        if org:
            organisation = org
        positions.append(Position(org, title))
    return tuple(positions)


def parse_label(label: str, names: Sequence[str] = ()) -> tuple[str, tuple[Position, ...]]:
    """Split a speaker label into the person's name and the offices held.

    Args:
        label: the label as written, with or without its colon (``天门市委副书记、市长肖敏``).
        names: known names (嘉宾 line, host's introduction); the name is the label's tail equal to
            one of them, else the 2–3 CJK characters after the last title word.
    Returns:
        (name, positions): ``("肖敏", (Position("天门市委", "副书记"), Position("天门市", "市长")))``.
        A second title without an organisation inherits the previous one (``党组书记、局长``); a head
        of government (市长, 副省长) gets the place of the previous organisation. Journalists'
        labels give (label, ()). Name is '' when the label ends in no CJK name.
    """
    label = strip_colon(label)
    if journalist_outlet(label) is not None:
        return label, ()
    offices, name = _split_name(label, names)
    return name, _positions(offices)


def looks_like_official_label(label: str) -> bool:
    """Whether ``label`` (colon removed) reads as ``<office><2–3 char name>`` with a known title word.

    Used for the first speaker (the host), who is not in the 嘉宾 line.
    """
    label = strip_colon(label)
    if not 3 <= len(label) <= 48 or _SENTENCE_MARKS.search(label):
        return False
    return _NAME_AFTER_TITLE.match(label) is not None


def names_known_person(label: str, names: Sequence[str]) -> bool:
    """Whether ``label`` (colon removed) is one of ``names``, or ``<office with a title word><name>``.

    ``天门市科技局局长夏齐飞`` names 夏齐飞; ``下面请夏齐飞`` does not (no title before the name).
    """
    label = strip_colon(label)
    for name in names:
        if name and label.endswith(name):
            office = label[: -len(name)]
            if not office or _TITLE.search(office):
                return True
    return False


_HOST_PLACEHOLDERS = ("主持人", "主持")


def is_host_placeholder(label: str) -> bool:
    """Whether ``label`` is the bare ``主持人`` some transcripts use instead of the host's name."""
    return strip_colon(label) in _HOST_PLACEHOLDERS


def speaker_id_for(name: str, positions: Sequence[Position], role: Role, outlet: str | None) -> str:
    """A readable speaker id, stable across briefings.

    Args:
        name: the person's name (for journalists, ignored).
        positions: offices from the label; the first organisation's place prefix is the region.
        role: ``host``, ``guest`` or ``journalist``.
        outlet: the journalist's outlet.
    Returns:
        ``journalist@<outlet>`` for journalists; ``<name>@<region>`` for persons (``黄勤@湖北``,
        ``肖敏@天门``); ``<name>@<organisation>`` when the organisation names no place; ``<name>``
        when there is no office at all.
    """
    if role == "journalist":
        return f"journalist@{outlet or name}"
    for position in positions:
        if position.organisation:
            region = region_of(position.organisation)
            return f"{name}@{region or position.organisation}"
    return name


def intro_labels(text: str) -> list[tuple[str, str]]:
    """The host's list of attendees: [(label, "女士" | "先生")] in order, empty when there is none.

    Args:
        text: transcript text; the list follows ``出席今天发布会的有：`` one person per line or per
            ``；``, each ending in 女士 or 先生; it ends at the first line that does not.
    """
    items: list[tuple[str, str]] = []
    start = _INTRO_START.search(text)
    if not start:
        return items
    for piece in re.split(r"[\n；;]", text[start.end() :]):
        piece = clean_line(piece)
        if not piece:
            continue
        match = _INTRO_ITEM.match(piece)
        if not match:
            break
        items.append((clean_line(match.group("label")), match.group("honorific")))
    return items


def genders_from_intro(text: str, names: Sequence[str] = ()) -> dict[str, str]:
    """Genders from the host's introduction ``出席今天发布会的有：…肖敏女士；…周启荣先生。``.

    Args:
        text: transcript text (lines separated by ``\\n``) holding the introduction.
        names: known names, to cut names from labels exactly (see ``parse_label``).
    Returns:
        {name: "female" | "male"} in introduction order (女士 -> female, 先生 -> male); empty when
        the text has no introduction.
    """
    genders: dict[str, str] = {}
    for label, honorific in intro_labels(text):
        name, _ = parse_label(label, names)
        if name:
            genders[name] = "female" if honorific == "女士" else "male"
    return genders


def parse_guests(guest_line: str) -> tuple[Guest, ...]:
    """Guests of a 嘉宾 item: ``天门市委副书记、市长肖敏；天门市发改委党组书记、主任周启荣；…。``.

    Args:
        guest_line: the item's text without its ``嘉宾：`` label; entries separated by ``；`` / ``;``.
    Returns:
        Guests in listed order, guest_no from 1, with name, label and positions (gender unset,
        speaker_id set as for role ``guest``). Entries without a recognisable name are skipped.
    """
    entries = (clean_line(clean_line(e).rstrip("。.，,、")) for e in re.split(r"[；;\n]", guest_line))
    return guests_from_labels(e for e in entries if e)


def guests_from_labels(labels: Iterable[str]) -> tuple[Guest, ...]:
    """Guests from labels as written (``天门市委副书记、市长肖敏``), in order, guest_no from 1.

    Labels without a recognisable name are skipped; speaker_id is set as for role ``guest``.
    """
    guests: list[Guest] = []
    for label in labels:
        name, positions = parse_label(label)
        if name:
            guests.append(
                Guest(
                    guest_no=len(guests) + 1,
                    name=name,
                    label=label,
                    positions=positions,
                    speaker_id=speaker_id_for(name, positions, "guest", None),
                )
            )
    return tuple(guests)
