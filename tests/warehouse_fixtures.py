"""ParsedBriefing objects from the real session-12 page, for the warehouse tests.

``session12()`` uses the project's parser (``briefings.parsing.parse_text``) when it is available and
otherwise splits the seed text itself at the 16 known speaker labels ("Session 12 in facts"), with
exact spans into the transcript. ``synthetic_briefing(n)`` derives further pages from the real one
(other session, city and URL; the title says it is synthetic) for multi-briefing loads.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal

from briefings.ids import sha256_hex
from briefings.models import Briefing, Guest, Mention, ParsedBriefing, Position, QAPair, Span, Turn
from briefings.settings import SEED_TEXT_PATH

SESSION12_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
SEED_TEXT = SEED_TEXT_PATH.read_text(encoding="utf-8")
SEED_SHA256 = sha256_hex(SEED_TEXT.encode("utf-8"))
FIXTURE_PARSER_VERSION = "fixture-1"

HOST = "黄勤"
HOST_LABEL = "湖北省委宣传部二级巡视员黄勤"
GUEST_NAMES = ("肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌")
OUTLETS = ("湖北日报", "经济日报", "湖北发布", "央广网", "新华网", "极目新闻")
# speaker of each of the 16 turns, in page order (journalists by outlet label)
TURN_SPEAKERS = (
    HOST, "肖敏", HOST,
    "湖北日报记者", "夏齐飞", "经济日报记者", "黄祥斌", "湖北发布记者", "肖敏",
    "央广网记者", "陈晓敏", "新华网记者", "周启荣", "极目新闻记者", "陈明敏",
    HOST,
)
GENDERS = {"肖敏": "female", "周启荣": "male", "夏齐飞": "male", "陈明敏": "male", "陈晓敏": "female",
           "黄祥斌": "male"}

_JOURNALIST = re.compile(r"^(" + "|".join(OUTLETS) + r")记者[:：]")
_MONEY_OR_PERCENT = re.compile(r"(\d+(?:\.\d+)?)(亿元|%)")


def _speaker_id(name: str, role: str) -> str:
    return f"journalist:{name}" if role == "journalist" else f"person:{name}"


def _positions(label: str, name: str) -> tuple[Position, ...]:
    """``天门市委副书记、市长肖敏`` -> (天门市委, 副书记), (天门市委, 市长): enough for fixtures."""
    body = label.removesuffix(name)
    org_match = re.match(r"(.+?(?:委|局|中心|部|发改委))", body)
    org = org_match.group(1) if org_match else ""
    titles = [part.removeprefix(org) for part in body.split("、")]
    return tuple(Position(org, t or body) for t in titles)


def fixture_mentions(turns: tuple[Turn, ...] | list[Turn]) -> tuple[Mention, ...]:
    """Money (亿元) and percent values of the turns, as Mentions with exact spans (a stand-in extractor)."""
    mentions: list[Mention] = []
    for t in turns:
        for m in _MONEY_OR_PERCENT.finditer(t.text):
            s0 = t.span.start + m.start()
            number = Decimal(m.group(1))
            is_money = m.group(2) == "亿元"
            sent_start = max(t.text.rfind("。", 0, m.start()), t.text.rfind("\n", 0, m.start())) + 1
            sent_end = t.text.find("。", m.end())
            clause_start = max(t.text.rfind(c, 0, m.start()) for c in ",、。;\n") + 1
            mentions.append(Mention(
                turn_no=t.turn_no, mention_no=len(mentions) + 1,
                sentence=t.text[sent_start: sent_end + 1 if sent_end >= 0 else len(t.text)],
                span=Span(s0, t.span.start + m.end()), value_text=m.group(0),
                value=number * Decimal(100_000_000) if is_money else number,
                unit="CNY" if is_money else "percent", unit_text=m.group(2),
                qualifier="exact", kind="level" if is_money else "growth_rate", comparison=None,
                rank_scope=None, period_start=None, period_end=None, status="achieved",
                subject="天门市", metric=t.text[clause_start: m.start()],
            ))
    return tuple(mentions)


def _build_from_seed() -> ParsedBriefing:
    lines = SEED_TEXT.splitlines()
    guests_line = next(l for l in lines if l.strip().startswith("• 嘉宾"))
    guest_labels = guests_line.split(":", 1)[1].rstrip("。").split(";")
    guests = tuple(
        Guest(guest_no=i, name=name, label=label, positions=_positions(label, name),
              gender=GENDERS[name], speaker_id=_speaker_id(name, "guest"))
        for i, (name, label) in enumerate(zip(GUEST_NAMES, guest_labels), start=1)
    )
    label_by_name = {g.name: g.label for g in guests} | {HOST: HOST_LABEL}
    start = next(i for i, l in enumerate(lines) if l.strip().startswith("• 内容")) + 1
    paragraphs = [l for l in lines[start:] if l.strip()]
    transcript = "\n".join(paragraphs)

    # paragraph offsets in the transcript
    offsets, pos = [], 0
    for p in paragraphs:
        offsets.append(pos)
        pos += len(p) + 1
    official_labels = {f"{label}:" for label in label_by_name.values()}

    # (label, role, speaker, outlet, text_start, label_span) for each turn start
    starts: list[tuple[str, str, str, str | None, int, Span, int]] = []
    for idx, p in enumerate(paragraphs):
        if p in official_labels:
            label = p[:-1]
            name = next(n for n, l in label_by_name.items() if l == label)
            role = "host" if name == HOST else "guest"
            text_start = offsets[idx + 1]
            starts.append((label, role, name, None, text_start, Span(offsets[idx], offsets[idx] + len(label)), idx))
        elif m := _JOURNALIST.match(p):
            label = p[: m.end() - 1]
            text_start = offsets[idx] + m.end()
            starts.append((label, "journalist", label, m.group(1), text_start,
                           Span(offsets[idx], offsets[idx] + len(label)), idx))
    turns = []
    for n, (label, role, speaker, outlet, text_start, label_span, idx) in enumerate(starts, start=1):
        if n < len(starts):
            nxt = starts[n]
            end = nxt[5].start - 1  # the newline before the next label
        else:
            end = len(transcript)
        text = transcript[text_start:end]
        turns.append(Turn(
            turn_no=n, label=label, speaker=speaker, role=role, outlet=outlet, text=text,
            span=Span(text_start, end),
            positions=() if role == "journalist" else _positions(label, speaker),
            gender=GENDERS.get(speaker), speaker_id=_speaker_id(speaker, role), label_span=label_span,
        ))
    qa = tuple(QAPair(t.turn_no, t.turn_no + 1) for t in turns if t.role == "journalist")
    mentions = fixture_mentions(turns)
    briefing = Briefing(
        url=SESSION12_URL,
        title="“奋战开门红 市长话经济”第十二场 天门:培育壮大新质生产力 加快推进新型工业化",
        series="奋战开门红 市长话经济", session_no=12, city="天门",
        event_date=date(2024, 3, 25), publish_date=date(2024, 3, 26),
        summary=lines[start - 1].split(":", 1)[1].strip(), template="text",
    )
    return ParsedBriefing(briefing=briefing, transcript=transcript, guests=guests, turns=tuple(turns),
                          qa_pairs=qa, mentions=tuple(mentions), parser_version=FIXTURE_PARSER_VERSION)


def session12() -> ParsedBriefing:
    """The real session-12 briefing (天门, 2024-03-25) with the URL of the portal page.

    Parsed by ``briefings.parsing.parse_text`` where available (else split here); when the parse has no
    mentions, ``briefings.parsing.indicators.extract_mentions`` (else ``fixture_mentions``) supplies them.
    """
    try:
        from briefings.parsing import parse_text  # type: ignore[attr-defined]
    except ImportError:
        return _build_from_seed()
    parsed = parse_text(SEED_TEXT, url=SESSION12_URL)
    if not parsed.mentions:  # parse_text does not run indicator extraction itself
        try:
            from briefings.parsing.indicators import extract_mentions
        except ImportError:
            mentions = fixture_mentions(parsed.turns)
        else:
            mentions = tuple(extract_mentions(parsed.transcript, parsed.turns, parsed.briefing.event_date))
        parsed = dataclasses.replace(parsed, mentions=mentions)
    return parsed


SYNTHETIC_CITIES = ("襄阳", "神农架", "黄冈", "宜昌", "荆州", "十堰", "孝感", "鄂州", "荆门", "咸宁")


def synthetic_url(n: int) -> str:
    """URL of synthetic page ``n`` (1-based), in the portal's detail-page form."""
    return f"https://www.hubei.gov.cn/hbfb/xwfbh/202403/t202403{n:02d}_9{n:06d}.shtml"


def synthetic_briefing(n: int, base: ParsedBriefing | None = None) -> tuple[ParsedBriefing, str, str]:
    """Page ``n`` derived from session 12: other session, city and URL, title marked synthetic.

    Returns:
        (parsed, url, content_sha256) ready for ``upsert_briefing``.
    """
    base = base or session12()
    city = SYNTHETIC_CITIES[(n - 1) % len(SYNTHETIC_CITIES)]
    url = synthetic_url(n)
    b = dataclasses.replace(
        base.briefing, url=url, session_no=100 + n, city=city,
        title=f"[synthetic {n}] “奋战开门红 市长话经济”第{100 + n}场 {city}",
    )
    parsed = dataclasses.replace(base, briefing=b)
    return parsed, url, sha256_hex(f"{SEED_SHA256}:{url}".encode())


def with_edited_turn(parsed: ParsedBriefing, turn_no: int, new_text: str) -> ParsedBriefing:
    """A copy whose turn ``turn_no`` says ``new_text``; transcript and later spans shift to match."""
    target = parsed.turns[turn_no - 1]
    delta = len(new_text) - len(target.text)
    transcript = parsed.transcript[: target.span.start] + new_text + parsed.transcript[target.span.end:]

    def shift(span: Span | None) -> Span | None:
        if span is None or span.start < target.span.end:
            return span
        return Span(span.start + delta, span.end + delta)

    turns = []
    for t in parsed.turns:
        if t.turn_no == turn_no:
            turns.append(dataclasses.replace(t, text=new_text, span=Span(t.span.start, t.span.start + len(new_text))))
        else:
            turns.append(dataclasses.replace(t, span=shift(t.span), label_span=shift(t.label_span)))
    mentions = tuple(
        dataclasses.replace(m, span=shift(m.span)) for m in parsed.mentions if m.turn_no != turn_no
    )
    mentions = tuple(dataclasses.replace(m, mention_no=i) for i, m in enumerate(mentions, start=1))
    return dataclasses.replace(parsed, transcript=transcript, turns=tuple(turns), mentions=mentions)


def with_duplicated_turn_no(parsed: ParsedBriefing) -> ParsedBriefing:
    """A copy whose fourth turn carries turn_no 3 (turn numbers 1, 2, 3, 3, 5, ...)."""
    turns = list(parsed.turns)
    turns[3] = dataclasses.replace(turns[3], turn_no=3)
    return dataclasses.replace(parsed, turns=tuple(turns))
