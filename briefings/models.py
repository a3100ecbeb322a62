"""Plain, frozen value objects passed between the layers.

Parsing produces them from ``str``; the warehouse loads them; nothing here does I/O.
Offsets are code points of ``ParsedBriefing.transcript``, spans are half-open [start, end).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

Role = Literal["host", "guest", "journalist"]
Outcome = Literal["ok", "not_modified", "blocked", "failed", "retried"]
Template = Literal["classic", "article", "text", "generic"]
ExtraKind = Literal["lead", "narration", "tail"]

__all__ = [
    "Role",
    "Outcome",
    "Template",
    "ExtraKind",
    "Extra",
    "SuspectLabel",
    "ListEntry",
    "ListPage",
    "Position",
    "Span",
    "Guest",
    "Turn",
    "QAPair",
    "Mention",
    "Briefing",
    "ParsedBriefing",
    "FetchRecord",
    "to_jsonable",
]


@dataclass(frozen=True)
class ListEntry:
    """One link of a column's list page.

    Attributes:
        url: absolute URL of the detail page (list links are relative on the portal).
        title: link text (or its ``title`` attribute), as published.
        list_date: the date shown beside the link, None where the list shows none.
        list_url: the list page the entry was found on.
    """

    url: str
    title: str
    list_date: date | None
    list_url: str


@dataclass(frozen=True)
class ListPage:
    """A parsed list page.

    Attributes:
        url: the list page's URL.
        entries: links in page order.
        next_url: absolute URL of the next list page, None on the last one.
    """

    url: str
    entries: tuple[ListEntry, ...]
    next_url: str | None


@dataclass(frozen=True)
class Position:
    """One office held, read from a speaker label: ``天门市委副书记`` -> (天门市委, 副书记)."""

    organisation: str
    title: str


@dataclass(frozen=True)
class Span:
    """Half-open [start, end) offsets in code points of a briefing's stored transcript."""

    start: int
    end: int

    def cut(self, text: str) -> str:
        """Return ``text[start:end]``."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class Extra:
    """A stretch of the transcript that is no one's speech, recorded rather than dropped.

    Attributes:
        kind: ``lead`` (the preamble before the first speaker label: a title line, a ``来源：…``
            line, ``导读``, the lead paragraph), ``narration`` (a line such as ``（播放宣传片）`` or
            ``【现场提问】``) or ``tail`` (the site's matter after the last turn: ``推荐文章``,
            ``责任编辑：…``, ``扫一扫``, ``【打印】【关闭】``, a table residue ``|``).
        span: where it stands in the briefing's transcript.
        text: ``span.cut(transcript)``.
    """

    kind: ExtraKind
    span: Span
    text: str


@dataclass(frozen=True)
class SuspectLabel:
    """A line or sentence that opens like a speaker label but was not read as one (issue 22).

    ``湖北省人民政府新闻办公室黄勤：`` when nothing introduced 黄勤: the words may be a speaker's whose
    turn was merged into the one before, so the page says it could not tell.

    Attributes:
        span: the head before the colon, in code points of ``ParsedBriefing.transcript``.
        text: the head as written (``span.cut(transcript)``).
    """

    span: Span
    text: str


@dataclass(frozen=True)
class Guest:
    """A person named in the 嘉宾 line.

    Attributes:
        guest_no: 1-based position in the 嘉宾 line.
        name: personal name (``肖敏``).
        label: the entry as written (``天门市委副书记、市长肖敏``).
        positions: offices parsed from the label, in written order.
        gender: ``female`` / ``male`` from the host's 女士 / 先生, None where not given.
        speaker_id: stable identity across briefings (see ``briefings.parsing.speakers``).
    """

    guest_no: int
    name: str
    label: str
    positions: tuple[Position, ...] = ()
    gender: str | None = None
    speaker_id: str = ""


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted contribution.

    Attributes:
        turn_no: 1-based, in page order.
        label: the speaker label as written, without its colon (``湖北日报记者``).
        speaker: the person's name for host and guests, the label for journalists.
        role: ``host`` (opens and closes; not in 嘉宾), ``guest`` (in 嘉宾) or ``journalist``.
        outlet: the journalist's outlet (``湖北日报``), None for other roles.
        text: the turn's paragraphs joined by ``\\n``; equals ``span.cut(transcript)``.
        span: where ``text`` stands in the briefing's transcript.
        positions: offices parsed from the label (empty for journalists).
        gender: ``female`` / ``male`` where the host's introduction gives it.
        speaker_id: stable identity across briefings (see ``briefings.parsing.speakers``).
        label_span: where the label stands in the transcript.
    """

    turn_no: int
    label: str
    speaker: str
    role: Role
    outlet: str | None
    text: str
    span: Span
    positions: tuple[Position, ...] = ()
    gender: str | None = None
    speaker_id: str = ""
    label_span: Span | None = None


@dataclass(frozen=True)
class QAPair:
    """A journalist's question and the turn that answers it (both 1-based turn numbers)."""

    question_turn_no: int
    answer_turn_no: int


@dataclass(frozen=True)
class Mention:
    """One economic indicator value said in a turn.

    Attributes:
        turn_no: the turn it was said in.
        mention_no: 1-based within the briefing, in text order.
        sentence: the sentence containing it, as published.
        span: the value's span in the transcript (``value_text == span.cut(transcript)``).
        value_text: the number and unit as written (``50亿元``).
        value: exact value in the base unit (yuan, count, percent, percentage point, rank position, mu);
            signed for changes (下降3.5% -> -3.5); None when the text could not be parsed, with
            ``parse_flag`` saying why.
        unit: base unit: ``CNY``, ``USD``, ``count``, ``percent``, ``percentage_point``, ``rank``, ``mu``.
        unit_text: the unit or classifier as written (``亿元``, ``家``).
        qualifier: ``exact``, ``approx``, ``at_least`` or ``at_most``.
        kind: ``level``, ``growth_rate``, ``change_pp`` (percentage points), ``rank`` or ``share``.
        comparison: the comparison words (``同比``, ``按可比价格计算，比上年`` ...) or None.
        rank_scope: ``全省``, ``全国`` ... for ranks, else None.
        period_start, period_end: the period the value is for, resolved against the event date.
        status: ``achieved``, ``target``, ``forecast`` or ``plan``.
        subject: who or what the value is about, as worded (may be empty).
        metric: what is measured, as worded.
        value_m2: for areas in 亩, the value in square metres.
        parse_flag: why ``value`` is None, else None.
        metric_code: the metric's code in the shipped vocabulary (``fixed_asset_investment``), None
            when the vocabulary has no such metric (see ``briefings.parsing.vocabulary``).
    """

    turn_no: int
    mention_no: int
    sentence: str
    span: Span
    value_text: str
    value: Decimal | None
    unit: str
    unit_text: str
    qualifier: str
    kind: str
    comparison: str | None
    rank_scope: str | None
    period_start: date | None
    period_end: date | None
    status: str
    subject: str
    metric: str
    value_m2: Decimal | None = None
    parse_flag: str | None = None
    metric_code: str | None = None


@dataclass(frozen=True)
class Briefing:
    """A briefing's page-level facts.

    Attributes:
        url: the page's URL (the natural key); None for a bare text file.
        title: the page title (``h2`` / ``ArticleTitle``), as published.
        series: the series name from the title's quotes (``奋战开门红 市长话经济``), None if none.
        session_no: the session number as an integer (第十二场 -> 12), None if absent.
        city: the city the session is about (``天门``), from the title.
        event_date: the 时间 item of the 发布会实录 block (when it was held).
        publish_date: the page's publication date (heading 时间 / ``PubDate``).
        summary: the 内容 item, as published.
        content_source: ``ContentSource`` meta, where present.
        template: which page layout was parsed: ``classic``, ``article`` (the Hubei portal's two),
            ``generic`` (a page no site profile claims, read by content) or ``text``.
        lead: the preamble before the first speaker label (title line, ``来源`` line, ``导读``,
            lead paragraph), its lines joined by ``\\n``; None when the transcript opens with a label.
        site: the site profile that read the page (``hubei``, ``tianmen``, ``generic``; see
            ``briefings.sites``), None for a text file or a page read before sites were recorded.
    """

    url: str | None
    title: str
    series: str | None
    session_no: int | None
    city: str | None
    event_date: date | None
    publish_date: date | None
    summary: str | None
    content_source: str | None = None
    template: Template = "classic"
    lead: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class ParsedBriefing:
    """Everything parsed from one page.

    Attributes:
        briefing: page-level facts.
        transcript: the stored text: transcript paragraphs as published, joined by ``\\n``;
            every span in turns and mentions indexes into it.
        guests: the 嘉宾 line, in order.
        turns: in page order, turn_no from 1.
        qa_pairs: each journalist question with its answering turn.
        mentions: indicator mentions, in text order (empty until extraction ran).
        parser_version: version of the parsing code that made these rows.
        extras: the lead, narration and tail spans, in transcript order; with the turns (their
            label_span and span) they cover every non-blank character of the transcript once.
        suspect_labels: heads that open like a speaker label but were not read as one, in
            transcript order (they lie inside a turn's text or the lead).
    """

    briefing: Briefing
    transcript: str
    guests: tuple[Guest, ...]
    turns: tuple[Turn, ...]
    qa_pairs: tuple[QAPair, ...] = ()
    mentions: tuple[Mention, ...] = ()
    parser_version: str = ""
    extras: tuple[Extra, ...] = ()
    suspect_labels: tuple[SuspectLabel, ...] = ()


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP exchange, as recorded in the raw layer (``fetches``); the body lives in the archive.

    Attributes:
        url: requested URL.
        final_url: URL after allowed redirects.
        status: HTTP status, None when no response arrived.
        fetched_at: UTC time the response completed (or the attempt failed).
        sha256: hex digest of the body bytes, None when there is no body.
        encoding: codec used to decode the body (``utf-8``, ``gb18030`` ...), None if not decoded.
        outcome: ``ok``, ``not_modified``, ``blocked`` or ``failed``; ``retried`` for a try that failed
            and was followed by another try of the same request.
        error: message of the error, None on success.
        error_type: class name of the error (``BlockedError``), None on success.
        etag, last_modified: validators from the response, for conditional GET.
        body_bytes: body size in bytes.
        attempts: how many requests were made (retries included).
        attempt_no: which try of the request this response answered, from 1 (= ``attempts`` for the
            request's last response).
        retried: the responses (or connection failures) of the earlier tries of this request, oldest
            first, each with outcome ``retried``; ``fetches`` stores them as rows of their own.
    """

    url: str
    final_url: str
    status: int | None
    fetched_at: datetime
    sha256: str | None
    encoding: str | None
    outcome: Outcome
    error: str | None = None
    error_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_bytes: int = 0
    attempts: int = 1
    headers: tuple[tuple[str, str], ...] = field(default=())
    attempt_no: int | None = None
    retried: tuple["FetchRecord", ...] = ()

    def responses(self) -> list["FetchRecord"]:
        """Every try of this request, oldest first: the retried ones, then this one."""
        return [*self.retried, self]


def to_jsonable(obj: Any) -> Any:
    """Turn nested dataclasses, dates and Decimals into JSON-ready values (Decimal -> str)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    return obj
