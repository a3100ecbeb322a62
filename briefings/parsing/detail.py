"""Read a briefing detail page (HTML) or its text into a ParsedBriefing (pure): the shared machinery.

A portal's site module (``briefings.sites``) describes its detail template as a :class:`DetailLayout`
(where the transcript block, title, items and dates are, and the noise to drop);
:func:`read_detail_page` reads any page by such a layout, :func:`read_container` reads a transcript
block however it was found (the generic reader finds it by content). The Hubei portal's reader
(``briefings.sites.hubei.parse_html``) reads its templates by its layout:
    classic: title ``h2``; ``ul.list-unstyled.int_list`` items 时间/嘉宾/内容; transcript in
        ``div.text_record`` paragraphs (``div > p``, sometimes ``p > span``).
    article: title ``.hbgov-article-title h1``; body ``div.hbgov-article-content`` (inside it
        ``div.view.TRS_UEDITOR``) whose first paragraphs may be the 时间/嘉宾/内容 items; meta
        ``.hbgov-article-meta`` and ``<meta name=ArticleTitle/PubDate/ContentSource>``.
    text: the page as text (the seed file): heading block, 发布会实录, bulleted items, transcript.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from briefings.errors import ParseError
from briefings.models import Briefing, Guest, ParsedBriefing, Template
from briefings.parsing.segment import label_head, segment_transcript
from briefings.parsing.speakers import (
    genders_in_text,
    guests_from_labels,
    intro_labels,
    invitation_labels,
    parse_guests,
    read_label,
    spokespersons,
)
from briefings.parsing.text import clean_line, cn_int, parse_date, split_lines
from briefings.parsing.titles import is_site_words

__all__ = [
    "PARSER_VERSION",
    "DetailLayout",
    "parse_text",
    "read_detail_page",
    "read_container",
    "read_lines",
    "node_lines",
    "node_text",
    "meta_content",
    "title_of",
    "PageFront",
    "mark_breaks",
    "briefing_facts_from_title",
    "date_in_text",
]

PARSER_VERSION = "2024.5"

# Marks a line break in the HTML before parsing: block boundaries and <br>.
_BREAK = "\u2029"
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|section|article|blockquote|tr|table|center)\b[^>]*>", re.IGNORECASE
)
_ITEM = re.compile(r"^[\s•·●◆▪\-*]*(?P<key>时\s*间|嘉\s*宾|内\s*容)\s*[：:]\s*(?P<value>.*)$", re.DOTALL)
_HEADINGS = {"发布会详情", "发布会实录", "实录", "图文实录", "文字实录"}
_SERIES = re.compile(r"[“\"「『]([^”\"」』]+)[”\"」』]")
_SESSION = re.compile(r"第([零〇一二两三四五六七八九十百千\d０-９]+)场")
_CITY = re.compile(r"^[\s\u3000]*([^\s\u3000：:，,、（(“\"]+)")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# a portal's title rule: title -> (series, session_no, city); None means briefing_facts_from_title
TitleFacts = Callable[[str], tuple[str | None, int | None, str | None]] | None


@dataclass
class _Front:
    """Page-level facts collected before the transcript."""

    title: str = ""
    times: list[str] = field(default_factory=list)  # 时间 values in order: heading, then 实录 item
    guest_line: str | None = None
    summary: str | None = None
    publish_text: str | None = None
    content_source: str | None = None


def briefing_facts_from_title(title: str) -> tuple[str | None, int | None, str | None]:
    """Series, session number and city from a title.

    ``“奋战开门红 市长话经济”第十二场 天门：培育壮大…`` -> ("奋战开门红 市长话经济", 12, "天门").

    Returns:
        series: text inside the first pair of quotes, else None. session_no: the number of
        ``第…场`` (Chinese numerals or digits), else None. city: the word after ``第…场`` up to
        the colon or space, when a space separates it from ``第…场`` or a colon follows it; else None
        (``第18场新闻发布会`` names no city).
    """
    series_match = _SERIES.search(title)
    series = clean_line(series_match.group(1)) if series_match else None
    session_match = _SESSION.search(title)
    session_no = cn_int(session_match.group(1)) if session_match else None
    city = None
    if session_match:
        after = title[session_match.end() :]
        city_match = _CITY.match(after)
        # a city stands apart from 第…场 (第十二场 天门：…), never 第18场新闻发布会
        if city_match and (after[:1].isspace() or after[city_match.end() : city_match.end() + 1] in ("：", ":")):
            city = city_match.group(1)
        if city is not None and city.endswith(("发布会", "会议", "新闻")):
            city = None
    return series, session_no, city


def _join_wrapped(text: str) -> str:
    """Undo source line wrapping inside one HTML line: nothing between CJK, a space elsewhere."""

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        both_cjk = bool(_CJK_CHAR.match(before or " ")) and bool(_CJK_CHAR.match(after or " "))
        return "" if both_cjk or not before or not after else " "

    return re.sub(r"[ \t]*[\r\n]+[ \t]*", join, text)


def _node_lines(node: LexborNode) -> list[str]:
    """Visible lines of ``node``: split at block boundaries and <br>, cleaned, empty ones dropped."""
    text = node.text(deep=True) or ""
    return [line for piece in text.split(_BREAK) for line in split_lines(_join_wrapped(piece))]


def _node_text(node: LexborNode | None) -> str:
    """One-line text of ``node`` (block breaks removed), cleaned; '' for None."""
    if node is None:
        return ""
    return clean_line("".join(_node_lines(node)))


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    """Content of ``<meta name=…>``, the name compared case-insensitively; None if absent or empty."""
    for node in tree.css("meta"):
        if (node.attributes.get("name") or "").lower() == name.lower():
            content = clean_line(node.attributes.get("content") or "")
            return content or None
    return None


def _read_item(line: str, front: _Front) -> bool:
    """Record a 时间/嘉宾/内容 item line in ``front``; False when ``line`` is not one."""
    match = _ITEM.match(line)
    if not match:
        return False
    key = re.sub(r"\s", "", match.group("key"))
    value = clean_line(match.group("value"))
    if key == "时间":
        front.times.append(value)
    elif key == "嘉宾":
        front.guest_line = value
    else:
        front.summary = value
    return True


def _starts_with_label(line: str, names: Sequence[str]) -> bool:
    """Whether ``line`` opens with something that reads as a speaker label (for front matter ends)."""
    found = label_head(line)
    if found is None:
        return False
    head, _, body_start = found
    return read_label(head, names, alone=body_start >= len(line)) is not None


def _is_title_like(line: str) -> bool:
    """Whether ``line`` can be a page title: short, no sentence inside, no sentence-final mark."""
    return len(line) <= 100 and not re.search(r"[。！？!?]", line)


def _split_front_matter(lines: list[str], front: _Front, *, allow_title: bool) -> list[str]:
    """Consume headings, the title and the 时间/嘉宾/内容 items at the start of ``lines``.

    Returns:
        The remaining lines: the transcript.
    """
    index = 0
    expect_summary = False
    while index < len(lines):
        line = lines[index]
        names = [g.name for g in parse_guests(front.guest_line)] if front.guest_line else []
        if line in _HEADINGS:
            index += 1
        elif _read_item(line, front):
            expect_summary = re.sub(r"\s", "", line).lstrip("•·●◆▪-*").startswith("内容") and not front.summary
            index += 1
        elif expect_summary and not _starts_with_label(line, names):
            # 内容： alone in its paragraph, the summary in the next one
            front.summary = line
            expect_summary = False
            index += 1
        elif re.match(r"^摘\s*要\s*[：:]", line):
            index += 1
        elif allow_title and is_site_words(line):
            index += 1  # a breadcrumb or site word (当前位置：首页 > 新闻发布会, 正文) is not the title
        elif (
            allow_title
            and not front.title
            and not front.times
            and front.guest_line is None
            and not _starts_with_label(line, names)
            and _is_title_like(line)
        ):
            front.title = line
            index += 1
        else:
            break
    return lines[index:]


def _guests_from_text(front: _Front, transcript: str) -> tuple[Guest, ...]:
    """Guests of the 嘉宾 item; else of the host's roster (出席…有：); else of the invitation (邀请…);
    else the spokespersons the title or text names who do not preside (``发言人肖敏介绍…``)."""
    if front.guest_line:
        guests = parse_guests(front.guest_line)
        if guests:
            return guests
    guests = guests_from_labels(label for label, _ in intro_labels(transcript))
    if guests:
        return guests
    guests = guests_from_labels(label for label, _ in invitation_labels(transcript))
    return guests or spokespersons(f"{front.title}\n{transcript}")


_DAY_OF_TODAY = re.compile(r"今\s*[(（]\s*(\d{1,2})\s*[)）]\s*日")
_MONTH_DAY = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?!电)")  # not a dateline (武汉3月26日电)


def date_in_text(text: str | None, publish_date: date | None) -> date | None:
    """The first date a lead or title gives for the briefing, the year (and month) from ``publish_date``.

    Args:
        text: a lead (``今(20)日14:30，…``, ``3月20日10时，…``, ``2024年3月20日上午…``) or a title.
        publish_date: the page's publication date; supplies the year of ``3月20日`` (the year before
            when that date would fall after publication) and the month and year of ``今(20)日``.
    Returns:
        The date, None when the text gives none or the missing parts are unknown.
    """
    if not text:
        return None
    full = parse_date(text)
    month_day = _MONTH_DAY.search(text)
    today = _DAY_OF_TODAY.search(text)
    candidates: list[tuple[int, date]] = []
    if full is not None:
        at = re.search(r"\d{4}\s*[-年/.]", text)
        candidates.append((at.start() if at else 0, full))
    if month_day is not None:
        year = int(month_day.group(1)) if month_day.group(1) else (publish_date.year if publish_date else None)
        if year is not None:
            try:
                found = date(year, int(month_day.group(2)), int(month_day.group(3)))
            except ValueError:
                found = None
            if found is not None and not month_day.group(1) and publish_date and found > publish_date:
                found = found.replace(year=found.year - 1) if (found.month, found.day) != (2, 29) else None
            if found is not None:
                candidates.append((month_day.start(), found))
    if today is not None and publish_date is not None:
        try:
            day = int(today.group(1))
            found = publish_date.replace(day=day)
            if found > publish_date:  # 今(30)日 published on the 1st of the next month
                month = publish_date.month - 1 or 12
                found = date(publish_date.year - (month == 12), month, day)
            candidates.append((today.start(), found))
        except ValueError:
            pass
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


_PAGE_META_LINE = re.compile(r"^(?:发布时间|发布日期|日期|时间|浏览|点击|字号|作者|编辑)\s*[：:]")
_SOURCE_LINE = re.compile(r"^(?:文章|信息)?来源\s*[：:]\s*(?P<source>[^\s\d][^\s]*)?")


def _read_items_in_preamble(front: _Front, transcript_lines: list[str]) -> None:
    """Read 时间/嘉宾/内容 items that follow a title or lead line before the first label.

    They stay in the transcript (the lead holds them); only facts still missing are taken.
    """
    if front.guest_line is not None and front.times:
        return
    for line in (line for paragraph in transcript_lines for line in split_lines(paragraph)):
        match = _ITEM.match(line)
        if not match and _starts_with_label(line, []):
            if len(line) <= 40 and re.match(r"^主持人?\s*[：:]\s*\S", line):
                continue  # 主持人：张竞怡 among the items
            return
        if not match:
            continue
        key = re.sub(r"\s", "", match.group("key"))
        value = clean_line(match.group("value"))
        if key == "时间" and not front.times:
            front.times.append(value)
        elif key == "嘉宾" and front.guest_line is None:
            front.guest_line = value
        elif key == "内容" and not front.summary:
            front.summary = value


def _assemble(
    front: _Front,
    transcript_lines: list[str],
    url: str | None,
    template: Template,
    *,
    site: str | None = None,
    title_facts: TitleFacts = None,
) -> ParsedBriefing:
    """Segment the transcript and build the ParsedBriefing from the collected facts."""
    _read_items_in_preamble(front, transcript_lines)
    guests = _guests_from_text(front, "\n".join(split_lines("\n".join(transcript_lines))))
    segmented = segment_transcript(transcript_lines, guests, url=url, title=front.title or None)
    transcript, turns, qa_pairs = segmented.transcript, segmented.turns, segmented.qa_pairs
    if not turns:
        raise ParseError("no speaker turns", url=url, missing="turns")
    genders = genders_in_text(transcript, [g.name for g in guests])
    guests = tuple(replace(g, gender=genders.get(g.name, g.gender)) for g in guests)
    lead = segmented.lead
    series, session_no, city = (title_facts or briefing_facts_from_title)(front.title)
    publish_date = parse_date(front.publish_text)
    if publish_date is None and len(front.times) > 1:
        publish_date = parse_date(front.times[0])
    content_source = front.content_source
    story: list[str] = []  # lead lines that tell of the briefing, not of the page
    for line in (lead or "").split("\n"):
        source = _SOURCE_LINE.match(line)
        if source:
            publish_date = publish_date or parse_date(line)
            content_source = content_source or source.group("source")
        elif not _PAGE_META_LINE.match(line):
            story.append(line)
    event_date: date | None = parse_date(front.times[-1]) if front.times else None
    if event_date is None:
        event_date = date_in_text("\n".join(story), publish_date) or date_in_text(front.title, publish_date)
    briefing = Briefing(
        url=url,
        title=front.title,
        series=series,
        session_no=session_no,
        city=city,
        event_date=event_date,
        publish_date=publish_date,
        summary=front.summary or None,
        content_source=content_source,
        template=template,
        lead=lead,
        site=site,
    )
    return ParsedBriefing(
        briefing=briefing,
        transcript=transcript,
        guests=guests,
        turns=tuple(turns),
        qa_pairs=tuple(qa_pairs),
        parser_version=PARSER_VERSION,
        extras=tuple(segmented.extras),
        suspect_labels=tuple(segmented.suspect_labels),
    )


def _title_of(tree: LexborHTMLParser, *selectors: str) -> str:
    """First non-empty title among ``selectors``, ArticleTitle meta and ``<title>`` (site suffix cut)."""
    for selector in selectors:
        text = _node_text(tree.css_first(selector))
        if text and not is_site_words(text):  # 详情, 当前位置：首页 > … are not the headline
            return text
    meta = _meta(tree, "ArticleTitle")
    if meta and not is_site_words(meta):
        return meta
    return clean_line(_node_text(tree.css_first("title")).split("_")[0])


@dataclass(frozen=True)
class DetailLayout:
    """Where a portal's detail template keeps each part of the page (CSS selectors, in order of trust).

    Attributes:
        blocks: ``(template, container, inner, title selectors)`` tried in order: the first
            ``container`` found holds the transcript (or its ``inner`` element, when it has one);
            the title is the first non-empty of the title selectors, else ArticleTitle, else
            ``<title>`` less the site suffix.
        noise: elements removed before reading (scripts, share and QR-code blocks, page navigation).
        items: the 时间/嘉宾/内容 items outside the transcript block (``ul.int_list li``), or None.
        publish: where the publication date is read, first parseable wins: a CSS selector, or
            ``meta:<name>`` for ``<meta name=…>``.
        meta_block: the visible meta line (``发布时间：… 来源：…``) that may name the content source.
    """

    blocks: tuple[tuple[Template, str, str | None, tuple[str, ...]], ...]
    noise: tuple[str, ...] = ("script", "style", "noscript", "template")
    items: str | None = None
    publish: tuple[str, ...] = ()
    meta_block: str | None = None


def mark_breaks(html: str) -> str:
    """``html`` with a paragraph mark (U+2029) at every block boundary and ``<br>``, so text keeps them."""
    return _BLOCK_TAG.sub(lambda m: _BREAK + m.group(0) + _BREAK, _BR.sub(_BREAK, html))


def read_container(
    container: LexborNode,
    front: _Front,
    url: str | None,
    template: Template,
    *,
    site: str | None = None,
    title_facts: TitleFacts = None,
) -> ParsedBriefing:
    """Read the transcript block ``container`` of a page parsed from :func:`mark_breaks` output.

    Args:
        container: the element holding the transcript paragraphs (and perhaps the items before them).
        front: the page facts read so far (title, publish_text, content_source, items).
        url: the page's URL, None if unknown.
        template: which layout was read (``classic``, ``article``, ``generic``).
        site: the site profile that read the page (``Briefing.site``).
        title_facts: the portal's title rule ``title -> (series, session_no, city)``; None for
            :func:`briefing_facts_from_title`.
    Returns:
        The ParsedBriefing (mentions empty).
    Raises:
        ParseError: the block has no paragraphs, or no speaker turns.
    """
    return read_lines(_node_lines(container), front, url, template, site=site, title_facts=title_facts)


def read_lines(
    lines: list[str],
    front: _Front,
    url: str | None,
    template: Template,
    *,
    site: str | None = None,
    title_facts: TitleFacts = None,
) -> ParsedBriefing:
    """Read the visible lines of a transcript block (as :func:`node_lines` gives them).

    Args and Returns: as :func:`read_container`.
    Raises:
        ParseError: no lines after the headings and items, or no speaker turns.
    """
    transcript_lines = _split_front_matter(lines, front, allow_title=False)
    if not transcript_lines:
        raise ParseError("empty transcript block", url=url, missing="transcript paragraphs")
    return _assemble(front, transcript_lines, url, template, site=site, title_facts=title_facts)


def node_lines(node: LexborNode) -> list[str]:
    """Visible lines of ``node`` of a :func:`mark_breaks` tree: split at block boundaries and
    ``<br>``, source line wrapping undone, cleaned, empty ones dropped."""
    return _node_lines(node)


def node_text(node: LexborNode | None) -> str:
    """One-line text of ``node`` (block breaks removed), cleaned; '' for None."""
    return _node_text(node)


def meta_content(tree: LexborHTMLParser, name: str) -> str | None:
    """Content of ``<meta name=…>``, the name compared case-insensitively; None if absent or empty."""
    return _meta(tree, name)


def title_of(tree: LexborHTMLParser, *selectors: str) -> str:
    """First non-empty title among ``selectors``, ArticleTitle meta and ``<title>`` (site suffix cut)."""
    return _title_of(tree, *selectors)


PageFront = _Front  # the page-level facts a reader collects before the transcript


def read_detail_page(
    html: str, url: str | None, layout: DetailLayout, *, site: str | None = None, title_facts: TitleFacts = None
) -> ParsedBriefing:
    """Parse a detail page of a portal whose template ``layout`` describes.

    Args:
        html: the decoded page.
        url: the page's URL (kept in ``Briefing.url`` and errors), None if unknown.
        layout: the portal's selectors (see :class:`DetailLayout`).
        site: the site profile's name, recorded in ``Briefing.site``.
        title_facts: as :func:`read_container`.
    Returns:
        ParsedBriefing with the template of the block found, at least one turn, parser_version
        set; mentions empty.
    Raises:
        ParseError: none of the layout's transcript blocks is on the page (``missing`` =
            ``transcript block``), the block is empty, or it gives no turns.
    """
    tree = LexborHTMLParser(mark_breaks(html))
    for selector in layout.noise:
        for node in tree.css(selector):
            node.decompose()

    front = _Front(content_source=_meta(tree, "ContentSource"))
    for template, selector, inner, title_selectors in layout.blocks:  # noqa: B007 (used after the loop)
        found = tree.css_first(selector)
        if found is not None:
            container = (found.css_first(inner) if inner else None) or found
            front.title = _title_of(tree, *title_selectors)
            break
    else:
        raise ParseError("no transcript block", url=url, missing="transcript block")

    if layout.items:
        for item in tree.css(layout.items):
            _read_item(_node_text(item), front)
    candidates = [
        _meta(tree, where.removeprefix("meta:")) if where.startswith("meta:") else _node_text(tree.css_first(where))
        for where in layout.publish
    ]
    front.publish_text = next((t for t in candidates if parse_date(t)), None)
    block_meta = _node_text(tree.css_first(layout.meta_block)) if layout.meta_block else ""
    if front.content_source is None and block_meta:
        source = re.search(r"来源\s*[：:]\s*(\S+)", block_meta)
        front.content_source = source.group(1) if source else None
    return read_container(container, front, url, template, site=site, title_facts=title_facts)


def parse_text(text: str, url: str | None = None) -> ParsedBriefing:
    """Parse the text of a briefing page (like the seed file): heading, items, transcript.

    Args:
        text: one paragraph per line; full- or half-width punctuation; items may be bulleted
            (``  • 时间:2024-03-25``).
        url: the page's URL, None for a bare text file.
    Returns:
        ParsedBriefing with template ``text``; its turns equal those of the page's HTML (labels,
        speakers, roles, outlets; text equal after NFKC).
    Raises:
        ParseError: no transcript, no recognisable speaker label before the first paragraph,
            or no turns.
    Source: title = first line after the 发布会详情 heading; the first 时间 is the publication
        date when a second (the 实录 item, the event date) follows; 摘要 is skipped (truncated).
    """
    front = _Front()
    transcript_lines = _split_front_matter(split_lines(text), front, allow_title=True)
    if not transcript_lines:
        raise ParseError("no transcript in the text", url=url, missing="transcript paragraphs")
    return _assemble(front, transcript_lines, url, "text")
