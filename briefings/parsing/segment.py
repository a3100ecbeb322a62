"""Split a briefing's transcript paragraphs into speaker turns, lead, narration and tail (pure).

Every line of the transcript ends up in exactly one place: a turn (its label and text), the
lead (the preamble before the first label), a narration span (``（播放宣传片）``) or the tail (the
site's matter after the last turn). Nothing is dropped; the shapes are listed in docs/transcripts.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from briefings.errors import ParseError
from briefings.models import Extra, ExtraKind, Guest, Position, QAPair, Role, Span, SuspectLabel, Turn
from briefings.parsing.speakers import (
    Introduced,
    LabelRead,
    genders_in_text,
    introduced_people,
    label_like,
    is_person_name,
    host_from_text,
    intro_labels,
    invitation_labels,
    looks_like_official_label,
    parse_label,
    read_label,
    speaker_id_for,
)
from briefings.parsing.text import clean_line, split_lines

__all__ = ["Segmentation", "segment_transcript", "segment_turns", "label_head", "UNKNOWN_JOURNALIST_ID"]

# speaker ids of speakers a label does not name (``记者：``, ``问：``, ``答：``)
UNKNOWN_JOURNALIST_ID = "journalist@unknown"
UNKNOWN_GUEST_ID = "guest@unknown"

_SPACE = " \t\u3000\xa0\u2002\u2003"
_SENTENCE_END = re.compile(r"[。！？!?…]|[。！？!?][”\"]?$")
_BRACKETED = re.compile(r"^(?:[(（【\[〔［][^()（）【】\[\]〔〕［］]{1,40}[)）】\]〕］][ \t\u3000]*)+")
_NUMBERING = re.compile(r"^[(（【\[〔［][\s0-9０-９一二三四五六七八九十百零〇a-zA-Zａ-ｚＡ-Ｚ]+[)）】\]〕］]$")
# Site matter after the last turn (a whole line each).
_TAIL_LINE = re.compile(
    r"^(?:推荐文章|热点文章|相关文章|相关阅读|相关新闻|延伸阅读|热点推荐|推荐阅读|猜你喜欢|热门文章|精彩推荐|"
    r"扫一扫.*|分享到.*|分享[：:].*|上一篇.*|下一篇.*|【?打印(?:本页|此页)?】?.*|【?关闭(?:窗口|本页)?】?.*|"
    r"(?:责任)?编辑\s*[：:].*|责编\s*[：:].*|(?:文章|信息)?来源\s*[：:].*|[|｜\s]+|返回顶部|【?字[体号].*|"
    r"(?:【[^】]{1,8}】\s*)+)$"
)
# Site matter that ends the transcript even if a label-like line follows (recommended articles).
_STRONG_TAIL = re.compile(
    r"^(?:推荐文章|热点文章|相关文章|相关阅读|相关新闻|延伸阅读|热点推荐|推荐阅读|猜你喜欢|热门文章|精彩推荐|"
    r"扫一扫.*|责任编辑\s*[：:].*|【打印(?:本页|此页)?】.*|【关闭(?:窗口|本页)?】.*)$"
)
# A table residue ``|`` left at the end of the last line by a copy (``…谢谢大家! |``).
_TRAILING_RESIDUE = re.compile(r"[ \t\u3000\xa0]+[|｜][|｜ \t\u3000\xa0]*$")
# Keys of preamble lines (``来源：四川发布 2024-10-20 14:08``); a head ending in 电/讯/消息 is a dateline.
_PREAMBLE_KEYS = frozenset(
    "来源 文章来源 信息来源 发布时间 发布日期 时间 日期 地点 导读 编者按 主题 摘要 作者 编辑 责任编辑 责编 字号 字体 "
    "浏览 浏览次数 点击 点击数 阅读 阅读量 发布机构 发布单位 主办 承办 嘉宾 出席 出席嘉宾 内容 关键词 核心提示 提要 "
    "视频 图片 发布人 发布者 分享 标题 题目 副标题 栏目 网址 链接 背景".split()
)


@dataclass(frozen=True)
class _Hit:
    """A speaker label found on one line; offsets are within the line."""

    line_no: int
    label: str  # as written, without its colon
    label_start: int
    label_end: int
    body_start: int  # first character after the colon and its spaces
    read: LabelRead
    head: str = ""  # the label's words (``主持人`` of ``【主持人】``); '' = the label itself

    @property
    def words(self) -> str:
        """What the label says, brackets removed: the speaker of journalists and unnamed speakers."""
        return self.head or self.label


@dataclass
class _Identity:
    role: Role
    speaker: str
    name: str
    outlet: str | None
    positions: tuple[Position, ...]
    speaker_id: str


@dataclass
class _Open:
    """A turn being built: its label, identity and the transcript range of its text so far."""

    hit: _Hit
    who: _Identity
    start: int | None = None  # start of the text (absolute), None until a text line is added
    end: int | None = None


@dataclass(frozen=True)
class Segmentation:
    """A transcript split into turns, lead, narration and tail.

    Attributes:
        transcript: the lines stripped of outer whitespace, joined by ``\\n`` (the stored text).
        turns: turn_no from 1; ``text == span.cut(transcript)``, ``label == label_span.cut(transcript)``.
        qa_pairs: each journalist turn with the guest turn right after it (or the host's, when the
            host is the briefing's single answerer: a presiding spokesperson).
        extras: lead, narration and tail spans in transcript order (``text == span.cut(transcript)``).
        host: the host's label as the text gives it (first label or ``由…主持``), None if unknown.
        suspect_labels: lines or sentences that open like a speaker label but were not read as one,
            in transcript order (``text == span.cut(transcript)``: the head before the colon).
    """

    transcript: str
    turns: list[Turn]
    qa_pairs: list[QAPair]
    extras: list[Extra] = field(default_factory=list)
    host: str | None = None
    suspect_labels: list[SuspectLabel] = field(default_factory=list)

    @property
    def lead(self) -> str | None:
        """The lead's text (its spans joined by ``\\n``), None when the transcript opens with a label."""
        parts = [e.text for e in self.extras if e.kind == "lead"]
        return "\n".join(parts) if parts else None


def label_head(line: str) -> tuple[str, int, int] | None:
    """The text before the first colon of ``line`` that could be a label: (head, head_end, body_start).

    A colon between two digits (``14:30``) is a time, not a label's colon. Heads longer than 48
    code points are none. head_end is where the head's text ends (before spaces and the colon);
    body_start is the first character after the colon and the spaces that follow it.
    """
    for match in re.finditer(r"[：:]", line[:60]):
        at = match.start()
        if at and at + 1 < len(line) and line[at - 1].isdigit() and line[at + 1].isdigit():
            continue
        head = line[:at].rstrip(_SPACE)
        if not head or len(head) > 48:
            return None
        body_start = at + 1
        while body_start < len(line) and line[body_start] in _SPACE:
            body_start += 1
        return head, len(head), body_start
    return None


def _is_narration(line: str) -> bool:
    """Whether the whole line is bracketed stage matter: ``（播放宣传片）``, ``【现场提问】``."""
    match = _BRACKETED.match(line)
    return match is not None and match.end() == len(line) and not _NUMBERING.match(line)


def _find_label(line_no: int, line: str, names: Sequence[str], text: str) -> _Hit | None:
    """The speaker label at the start of ``line`` (after a bracketed narration prefix), or None."""
    prefix = _BRACKETED.match(line)
    offset = prefix.end() if prefix and not _NUMBERING.match(line[: prefix.end()].rstrip(_SPACE)) else 0
    found = label_head(line[offset:])
    if found is None:
        return None
    head, head_end, body_start = found
    alone = body_start >= len(line) - offset
    read = read_label(head, names, alone=alone, text=text)
    if read is None:
        return None
    label_end, body = offset + head_end, offset + body_start
    if read.kind == "host" and not read.name and not alone:
        rest = line[body:]
        whole = read_label(rest, names, alone=True, text=text) if len(rest) <= 40 else None
        if whole is None and is_person_name(rest):
            whole = LabelRead("person", rest, rest)  # 主持人：李伦
        if whole is not None and whole.kind == "person" and whole.name:
            # 主持人：省政府新闻办副主任张竞怡 — the whole line names the host; the speech follows
            return _Hit(line_no, line[offset:], offset, len(line), len(line), LabelRead("host", whole.name, rest))
        # 主持人：福建省委宣传部对外新闻处处长柯宜达 女士们、先生们… (the host's office inline)
        office = re.match(rf"^([^\s，,。！？!?；;：:“”\"]{{3,40}})[{_SPACE}]+(?=\S)", line[body:])
        if office and looks_like_official_label(office.group(1)):
            name, _ = parse_label(office.group(1), names)
            read = LabelRead("host", name, office.group(1))
            label_end = body + len(office.group(1))
            body += office.end()
    return _Hit(line_no, line[offset:label_end], offset, label_end, body, read)


def _is_preamble_item(line: str) -> bool:
    """Whether ``line`` is a ``时间：…`` / ``嘉宾：…`` / ``地点：…`` item of a preamble."""
    found = label_head(line)
    return found is not None and re.sub(r"\s", "", found[0]) in _PREAMBLE_KEYS


def _is_host_item(hit: _Hit, lines: Sequence[str]) -> bool:
    """Whether a ``主持人：<name>`` line stands among preamble items rather than opening speech."""
    line_no = hit.line_no
    names_host = hit.read.kind == "host" and hit.label_end == len(lines[line_no]) and hit.label != "主持人"
    if not names_host or ":" not in hit.label and "：" not in hit.label:
        return False
    around = [lines[n] for n in (line_no - 1, line_no + 1) if 0 <= n < len(lines)]
    return any(_is_preamble_item(line) for line in around)


_BRACKET_LABEL = re.compile(r"^[【\[［〔](?P<inner>[^【】\[\]［］〔〕]{1,24})[】\]］〕][ \t\u3000]*(?:[：:][ \t\u3000]*)?")


def _bracket_label(line_no: int, line: str, names: Sequence[str], text: str) -> _Hit | None:
    """A label written in brackets without a colon: ``【主持人】各位记者…``, ``[问]…``, ``【许静】``.

    Only the host, 问/答, a journalist with an outlet and a known name are read this way; any
    other bracketed line is narration (``【现场提问】``).
    """
    match = _BRACKET_LABEL.match(line)
    if not match:
        return None
    inner = clean_line(match.group("inner"))
    read = read_label(inner, names, alone=match.end() >= len(line), text=text)
    if read is None or (read.kind == "journalist" and not read.outlet):
        return None
    if read.kind == "person" and read.name not in names:
        return None
    end = len(line[: match.end()].rstrip(_SPACE + "：:")) if match.end() < len(line) else len(line)
    label_end = match.start("inner") + len(match.group("inner")) + 1  # through the closing bracket
    return _Hit(line_no, line[:label_end], 0, label_end, max(match.end(), end), read, inner)


def _lead_line_refused(line: str, title: str | None) -> str | None:
    """The head of a preamble line that opens like a speaker label we cannot read, else None.

    ``根据安排：今天举行新闻发布会。`` reads as ``<someone>：<speech>``; whether it is a lead or a
    speaker we do not know cannot be told, so such a transcript is refused rather than guessed.
    """
    if title and clean_line(line) == clean_line(title):
        return None
    found = label_head(line)
    if found is None:
        return None
    head = found[0]
    body = line[found[2] :]
    if len(head) > 10 or re.search(r"[，,。！？!?；;“”\"\d\s]", head) or head in _PREAMBLE_KEYS:
        return None
    if head.endswith(("电", "讯", "消息", "报道", "稿")) or head.startswith(("【", "[")):
        return None
    return head if _SENTENCE_END.search(body) else None


def _known_names(transcript: str, guests: Sequence[Guest], title: str | None) -> tuple[list[str], str | None]:
    """(names introduced in the title or text: 嘉宾, roster, invitation, ``发言人X``, ``X主持``, ``请X女士介绍``;
    the host's label from ``由…主持``)."""
    guest_names = [g.name for g in guests]
    intro = intro_labels(transcript)
    invited = invitation_labels(transcript)
    host = host_from_text(transcript)
    labels = [label for label, _ in intro] + [label for label, _ in invited] + ([host] if host else [])
    introduced = [p.name for p in introduced_people(f"{title}\n{transcript}" if title else transcript)]
    names = [
        n
        for n in dict.fromkeys([*guest_names, *(parse_label(label, guest_names)[0] for label in labels), *introduced])
        if n
    ]
    return names, host


# Where a sentence ends inside a paragraph: a label may follow (``…并回答记者提问。湖北日报记者：…``).
_SENTENCE_END_CHARS = "。！？!?…”"
_HEAD_STOPS = frozenset(_SENTENCE_END_CHARS + "，,；;“：:\"'‘’「」『』《》\n")
_QUOTES_OPEN, _QUOTES_CLOSE = "“「『", "”」』"


def _inside_quotation(line: str, at: int) -> bool:
    """Whether position ``at`` of ``line`` lies inside a quotation (“…”, 「…」, or "…")."""
    before = line[:at]
    depth = sum(before.count(q) for q in _QUOTES_OPEN) - sum(before.count(q) for q in _QUOTES_CLOSE)
    return depth > 0 or before.count('"') % 2 == 1


def _sentence_heads(line: str, after: int) -> list[int]:
    """Starts of sentences of ``line`` (after ``after``) whose head runs to a colon: label candidates.

    A candidate starts right after a sentence end (``。！？…”``), outside any quotation, and a colon
    (not one between digits, ``14:30``) follows within 48 code points with no other punctuation
    between. Found from the colons, so a line without colons costs one scan.
    """
    starts: list[int] = []
    for colon in re.finditer(r"[：:]", line):
        at = colon.start()
        if at <= after:
            continue
        if line[at - 1].isdigit() and at + 1 < len(line) and line[at + 1].isdigit():
            continue
        back = at - 1
        low = max(after + 1, at - 49)
        while back >= low and line[back] not in _HEAD_STOPS:
            back -= 1
        if back < low or line[back] not in _SENTENCE_END_CHARS:
            continue
        start = back + 1
        while start < at and line[start] in _SPACE:
            start += 1
        if start < at and (not starts or starts[-1] != start) and not _inside_quotation(line, start):
            starts.append(start)
    return starts


def _learn(hit: _Hit, known: list[str]) -> None:
    """Add the name a person's or host's label gives to ``known``: later the name alone is a label."""
    if hit.read.name and hit.read.name not in known and hit.read.kind in ("person", "host"):
        known.append(hit.read.name)


def _rehome(candidate: tuple[int, int], unit: int, bounds: Sequence[int]) -> tuple[int, int]:
    """(unit, start) of a head found at ``candidate[1]`` of a line cut at ``bounds`` into units from ``unit``."""
    at = candidate[1]
    index = max(i for i in range(len(bounds) - 1) if bounds[i] <= at)
    return unit + index, at - bounds[index]


def _reads_inline(hit: _Hit, known: Sequence[str]) -> bool:
    """Whether a label found after a sentence end inside a paragraph opens a turn there.

    Only labels that cannot be prose: 主持人, 问/答, a journalist with an outlet or name, and a known
    person (bare name or ``<office/title><name>``).
    """
    read = hit.read
    if hit.label_start:
        return False
    if read.kind in ("host", "question", "answer"):
        return True
    if read.kind == "journalist":
        return bool(read.outlet or read.name)
    return bool(read.name) and read.name in known


def segment_transcript(
    paragraphs: Sequence[str], guests: Sequence[Guest], *, url: str | None = None, title: str | None = None
) -> Segmentation:
    """Split a briefing's transcript paragraphs into turns, lead, narration and tail, in page order.

    Args:
        paragraphs: the 发布会实录 paragraphs after the 时间/嘉宾/内容 block, as published; a paragraph
            holding ``\\n`` (a ``<br>``) is split into lines; empty lines are dropped.
        guests: people of the 嘉宾 line, or of the host's roster or the lead's invitation, in order
            (may be empty: the roster ``出席…有：…女士；…先生`` then names the speakers).
        url: the page, for errors.
        title: the page title, so that a preamble line repeating it is taken as lead.
    Returns:
        The Segmentation. Lines before the first label are the lead (narration lines among them are
        narration); a whole-line bracketed line (``（播放宣传片）``) is narration and ends the turn
        (text after it without a label continues the same speaker in a new turn); from the first
        site-matter line after which no label follows (``推荐文章``, ``责任编辑：…``) to the end is the
        tail, as is a residue ``|`` at the end of the last line. Consecutive labels of the same
        speaker (the label repeated before every paragraph) make one turn whose text holds the
        repeated labels as written.
    Raises:
        ParseError: no paragraphs (missing ``transcript paragraphs``); no speaker label at all, or a
            preamble line that opens like a label no rule reads (``speaker label before the first
            paragraph``); a single turn whose text holds further label-like lines (``speaker labels``).
    Source: labels are recognised from the label itself (``speakers.read_label``): 主持人, 记者, 问/答,
        a title word before a name, a known name (嘉宾, roster, invitation, and the people the title
        or text introduces: ``发言人X``, ``X主持``, ``请X女士介绍``). At a line start, and inside a line
        right after a sentence end (outside quotations) for the labels that cannot be prose: a known
        person, 主持人, ``<outlet>记者``, 问/答. A head that opens like a label there but is not read
        is a suspect label (``Segmentation.suspect_labels``). ``答`` is the single named answerer
        when there is one. The first label that is not a journalist's or a
        guest's is the host (unless ``主持人`` labels or ``由…主持`` name someone else); a
        ``主持人`` label is always the host.
    """
    lines = [line for paragraph in paragraphs for line in split_lines(paragraph)]
    if not lines:
        raise ParseError("no transcript paragraphs", url=url, missing="transcript paragraphs")
    transcript = "\n".join(lines)
    names, hosted_by = _known_names(transcript, guests, title)
    guest_names = [g.name for g in guests]
    known = list(names)
    # Units: whole lines, or the pieces of a line cut where a label opens after a sentence end.
    # Everything below works on units; ``lines`` is rebound to them and ``offsets`` are absolute.
    units: list[str] = []
    offsets: list[int] = []
    hits: dict[int, _Hit] = {}
    narration: set[int] = set()
    candidates: list[tuple[int, int]] = []  # (unit, start within it) of heads not read as labels
    position = 0
    for line in lines:
        base, position = position, position + len(line) + 1
        unit = len(units)
        hit = _bracket_label(unit, line, known, transcript)
        if hit is None and _is_narration(line):
            units.append(line)
            offsets.append(base)
            narration.add(unit)
            continue
        hit = hit or _find_label(unit, line, known, transcript)
        if hit is not None:
            hits[unit] = hit
            _learn(hit, known)
        elif "：" in line[:60] or ":" in line[:60]:
            candidates.append((unit, 0))
        cuts: list[tuple[int, _Hit]] = []
        after = hit.body_start - 1 if hit is not None else -1
        for at in _sentence_heads(line, after) if "：" in line or ":" in line else ():
            if cuts and at < cuts[-1][1].body_start + cuts[-1][0]:
                continue
            inline = _find_label(0, line[at:], known, transcript)
            if inline is not None and _reads_inline(inline, known):
                cuts.append((at, inline))
                _learn(inline, known)
            else:
                candidates.append((unit, at))
        bounds = [0, *(at for at, _ in cuts), len(line)]
        for index, (piece_start, piece_end) in enumerate(zip(bounds, bounds[1:])):
            units.append(line[piece_start:piece_end])
            offsets.append(base + piece_start)
            if index:
                inline = cuts[index - 1][1]
                hits[unit + index] = replace(inline, line_no=unit + index)
        if cuts:
            # heads found after a cut belong to the unit holding them
            candidates[:] = [_rehome(c, unit, bounds) if c[0] == unit else c for c in candidates]
    lines = units
    first = min(hits, default=None)
    while first is not None and _is_host_item(hits[first], lines):
        # 主持人：张竞怡 among the 时间/嘉宾/地点 items: it names the host, the lead keeps it
        hosted_by = hosted_by or hits.pop(first).read.office_label
        first = min(hits, default=None)
    if first is None:
        raise ParseError(
            f"no speaker label before the first paragraph: {lines[0][:40]!r}",
            url=url,
            missing="speaker label before the first paragraph",
        )
    genders = genders_in_text(transcript, known)
    for line_no in range(first):
        refused = None if line_no in narration else _lead_line_refused(lines[line_no], title)
        if refused is not None:
            raise ParseError(
                f"no speaker label before the first paragraph: {lines[line_no][:40]!r} opens like a label "
                f"({refused!r}) that names no speaker we recognise",
                url=url,
                missing="speaker label before the first paragraph",
            )
    last_label = max(hits)
    strong = next((n for n in range(first + 1, len(lines)) if _STRONG_TAIL.match(lines[n])), len(lines))
    weak = next(
        (n for n in range(last_label + 1, len(lines)) if n not in narration and _TAIL_LINE.match(lines[n])),
        len(lines),
    )
    tail_from = min(strong, weak)

    # who the title and lead introduce: a presider is the host, 发言人 / 请X介绍 answer
    lead_text = "\n".join([title or "", *lines[:first]])
    introduced = introduced_people(lead_text) if lead_text.strip() else []
    presider = next((p for p in introduced if p.presides), None)
    if hosted_by is None and presider is not None:
        hosted_by = presider.label
    identify = _Identifier(hits, first, guests, guest_names, known, hosted_by, genders, introduced)
    extras: list[tuple[ExtraKind, int, int]] = []
    turns_built: list[_Open] = []

    def add_extra(kind: ExtraKind, start: int, end: int) -> None:
        if extras and extras[-1][0] == kind and transcript[extras[-1][2] : start].strip() == "":
            extras[-1] = (kind, extras[-1][1], end)
        else:
            extras.append((kind, start, end))

    for line_no in range(first):
        start = offsets[line_no]
        add_extra("narration" if line_no in narration else "lead", start, start + len(lines[line_no]))

    current: _Open | None = None
    last: _Open | None = None
    content_end = tail_from
    residue = _TRAILING_RESIDUE.search(lines[content_end - 1])
    if residue is not None and residue.start() == 0:
        residue = None
    for line_no in range(first, content_end):
        line = lines[line_no]
        start, end = offsets[line_no], offsets[line_no] + len(line)
        if line_no == content_end - 1 and residue is not None:
            end = start + residue.start()
        if line_no in narration:
            current = None
            add_extra("narration", start, end)
            continue
        hit = hits.get(line_no)
        if hit is not None:
            if hit.label_start:
                add_extra("narration", start, start + len(line[: hit.label_start].rstrip(_SPACE)))
                current = None
            who = identify(hit)
            if current is not None and _same_speaker(current, hit, who):
                # the label repeated before the next paragraph: same turn, the label inside its text
                current.start = start if current.start is None else current.start
                current.end = end
                continue
            current = _Open(hit, who)
            turns_built.append(current)
            last = current
            if hit.body_start < len(line):
                current.start, current.end = start + hit.body_start, end
            continue
        if current is None:
            assert last is not None
            if last.start is None:
                current = last  # label alone, then narration, then its text
            else:
                current = _Open(last.hit, last.who)  # the same speaker goes on after narration
                turns_built.append(current)
        if current.start is None:
            current.start = start
        current.end = end
    if residue is not None:
        pipe = residue.start() + len(residue.group(0)) - len(residue.group(0).lstrip(_SPACE))
        add_extra("tail", offsets[content_end - 1] + pipe, offsets[content_end - 1] + len(lines[content_end - 1]))
    if tail_from < len(lines):
        add_extra("tail", offsets[tail_from], len(transcript))

    turns: list[Turn] = []
    for built in turns_built:
        hit = built.hit
        line_start = offsets[hit.line_no]
        label_span = Span(line_start + hit.label_start, line_start + hit.label_end)
        if built.start is None:
            # a label with no text: an empty turn right after its label
            at = min(line_start + len(lines[hit.line_no]), len(transcript))
            built.start = built.end = at
        assert built.end is not None
        built.end = max(built.end, built.start)  # ``主持人: |``: the residue was the whole body
        who = built.who
        turns.append(
            Turn(
                turn_no=len(turns) + 1,
                label=hit.label,
                speaker=who.speaker,
                role=who.role,
                outlet=who.outlet,
                text=transcript[built.start : built.end],
                span=Span(built.start, built.end),
                positions=who.positions,
                gender=genders.get(who.name) if who.role != "journalist" and who.name else None,
                speaker_id=who.speaker_id,
                label_span=label_span,
            )
        )

    if len(turns) <= 1:
        _refuse_hidden_turns(turns, url)
    answering = ("guest", "host") if identify.host_answers else ("guest",)
    qa_pairs = [
        QAPair(question.turn_no, answer.turn_no)
        for question, answer in zip(turns, turns[1:])
        if question.role == "journalist" and answer.role in answering
    ]
    recorded = [Extra(kind, Span(s, e), transcript[s:e]) for kind, s, e in extras if e > s]
    recorded.sort(key=lambda x: x.span.start)
    suspects = []
    for unit, at in candidates:
        if unit in narration or unit >= tail_from:
            continue
        found = label_head(lines[unit][at:])
        if found is not None and label_like(found[0]):
            start = offsets[unit] + at
            suspects.append(SuspectLabel(Span(start, start + found[1]), found[0]))
    return Segmentation(transcript, turns, qa_pairs, recorded, identify.host_label, suspects)


def _same_speaker(current: _Open, hit: _Hit, who: _Identity) -> bool:
    """Whether ``hit`` repeats the open turn's speaker (one turn, not one per paragraph)."""
    if hit.label == current.hit.label:
        return True
    return who.role != "journalist" and (who.role, who.speaker_id) == (current.who.role, current.who.speaker_id)


def _refuse_hidden_turns(turns: list[Turn], url: str | None) -> None:
    """Raise when a lone turn's text holds two or more lines that open like unread labels."""
    if not turns:
        return
    suspects = []
    for line in turns[0].text.split("\n"):
        found = label_head(line)
        if found and len(found[0]) <= 10 and re.fullmatch(r"[\u3400-\u9fff]{1,10}", found[0]):
            suspects.append(found[0])
    if len(suspects) >= 2:
        raise ParseError(
            f"one turn only, but its text holds lines that open like speaker labels: {', '.join(suspects[:4])}",
            url=url,
            missing="speaker labels",
        )


class _Identifier:
    """Resolves a label to its speaker (role, name, offices, speaker_id), consistently in one briefing."""

    def __init__(
        self,
        hits: dict[int, _Hit],
        first: int,
        guests: Sequence[Guest],
        guest_names: Sequence[str],
        known: Sequence[str],
        hosted_by: str | None,
        genders: dict[str, str],
        introduced: Sequence[Introduced] = (),
    ) -> None:
        self.guest_by_name = {g.name: g for g in guests}
        self.introduced = {p.name: p for p in introduced}
        self.known = list(known)
        self.host_id: str | None = None
        self.host_name: str | None = None
        self.host_label: str | None = None
        self.host_positions: tuple[Position, ...] = ()
        named = next((h for _, h in sorted(hits.items()) if h.read.kind == "host" and h.read.name), None)
        if named is not None:
            self.host_name, self.host_label = named.read.name, named.read.office_label or named.label
        elif hosted_by is not None:
            self.host_name, self.host_label = parse_label(hosted_by, self.known)[0], hosted_by
        opening = hits[first]
        if (
            opening.read.kind == "person"
            and opening.read.name not in guest_names
            and (self.host_name is None or opening.read.name == self.host_name)
        ):
            label = opening.read.office_label or opening.label
            if self.host_label is None or parse_label(label, self.known)[1]:
                self.host_label = label  # else keep the offices the title or lead gave (外交部发言人林剑)
            self.host_name = opening.read.name
        if self.host_label is not None:
            self.host_positions = parse_label(self.host_label, self.known)[1]
        # who answers: the guests and those the lead says answer (发言人, 请X介绍) but do not preside;
        # with none of them, the host (a spokesperson who presides and answers)
        answerers = list(dict.fromkeys([*guest_names, *(p.name for p in introduced if p.answers and not p.presides)]))
        if not answerers and self.host_name:
            answerers = [self.host_name]
        self.answerer = answerers[0] if len(answerers) == 1 else None
        self.host_answers = self.answerer is not None and self.answerer == self.host_name

    def __call__(self, hit: _Hit) -> _Identity:
        read = hit.read
        if read.kind in ("journalist", "question"):
            outlet = read.outlet
            speaker = read.name or hit.words
            sid = f"journalist@{outlet}" if outlet else UNKNOWN_JOURNALIST_ID
            return _Identity("journalist", speaker, read.name, outlet, (), sid)
        if read.kind == "answer":
            if read.name:
                return self._guest(read.name, read.office_label)
            if self.answerer is None:
                return _Identity("guest", hit.words, "", None, (), UNKNOWN_GUEST_ID)
            # 答 in a briefing with exactly one named answerer: that person
            if self.answerer == self.host_name:
                return self(replace(hit, read=LabelRead("person", self.host_name, self.host_label or "")))
            person = self.introduced.get(self.answerer)
            guest = self.guest_by_name.get(self.answerer)
            return self._guest(self.answerer, guest.label if guest else person.label if person else self.answerer)
        is_host = read.kind == "host" or (self.host_name is not None and read.name == self.host_name)
        if is_host:
            name = read.name or self.host_name or ""
            positions = parse_label(read.office_label, self.known)[1] if read.office_label else ()
            positions = positions or (self.host_positions if name == self.host_name else ())
            speaker = name or hit.words
            sid = speaker_id_for(speaker, positions, "host", None)
            self.host_id = self.host_id or sid
            return _Identity("host", speaker, name, None, positions, self.host_id)
        return self._guest(read.name, read.office_label or hit.words)

    def _guest(self, name: str, label: str) -> _Identity:
        _, positions = parse_label(label, self.known)
        guest = self.guest_by_name.get(name)
        if guest is not None:
            positions = positions or guest.positions
            sid = guest.speaker_id or speaker_id_for(name, positions, "guest", None)
        else:
            sid = speaker_id_for(name, positions, "guest", None)
        return _Identity("guest", name, name, None, positions, sid)


def segment_turns(
    paragraphs: Sequence[str], guests: Sequence[Guest], *, url: str | None = None
) -> tuple[str, list[Turn], list[QAPair]]:
    """Split a briefing's transcript paragraphs into speaker turns, in page order.

    Args:
        paragraphs: as ``segment_transcript``.
        guests: people of the 嘉宾 line, in listed order (may be empty).
        url: the page, for errors.
    Returns:
        (transcript, turns, qa_pairs) of ``segment_transcript`` (its lead, narration and tail
        spans are left out; the transcript still holds them).
    Raises:
        ParseError: as ``segment_transcript``.
    """
    result = segment_transcript(paragraphs, guests, url=url)
    return result.transcript, result.turns, result.qa_pairs
