"""ParsedBriefing objects from the real session-12 page, for the warehouse tests.

``session12()`` parses the seed text with the project's parser; the constants restate "Session 12 in
facts" (shared corpus README) for the assertions. ``synthetic_briefing(n)`` derives further pages from the real one
(other session, city and URL; the title says it is synthetic) for multi-briefing loads;
``two_briefings_warehouse(path)`` loads session 12 and the first of them, for the query tests.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from briefings.ids import sha256_hex
from briefings.models import ParsedBriefing, Span
from briefings.parsing import parse_text
from briefings.parsing.indicators import extract_mentions
from briefings.settings import SEED_TEXT_PATH

SESSION12_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
SEED_TEXT = SEED_TEXT_PATH.read_text(encoding="utf-8")
SEED_SHA256 = sha256_hex(SEED_TEXT.encode("utf-8"))

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


def session12() -> ParsedBriefing:
    """The real session-12 briefing (天门, 2024-03-25) with the URL of the portal page.

    Parsed by the project's parser (``parse_text`` of the seed text, then ``extract_mentions``).
    """
    parsed = parse_text(SEED_TEXT, url=SESSION12_URL)
    if not parsed.mentions:  # parse_text leaves indicator extraction to the caller
        mentions = extract_mentions(parsed.transcript, parsed.turns, parsed.briefing.event_date)
        parsed = dataclasses.replace(parsed, mentions=tuple(mentions))
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


def two_briefings_warehouse(path: Path) -> Path:
    """A warehouse at ``path`` holding session 12 and ``synthetic_briefing(1)`` (session 101, 襄阳: the
    same numbers, another city), both loaded by run ``run-1``; ``path``."""
    from warehouse.connect import open_writer
    from warehouse.load import upsert_briefing

    parsed = session12()
    con = open_writer(path)
    try:
        upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
        other, url, sha = synthetic_briefing(1, parsed)
        upsert_briefing(con, other, url=url, content_sha256=sha, run_id="run-1")
    finally:
        con.close()
    return path
