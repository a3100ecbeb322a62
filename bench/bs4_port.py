"""The briefing extraction of ``briefings.sites.parse_page`` written with BeautifulSoup + lxml.

A faithful port for the parse benchmark: the same pre-processing (block boundaries and ``<br>``
marked before parsing), the same selectors, the same noise removal, and the same pure text steps
of ``briefings.parsing.detail`` (front matter, segmentation into turns, speakers) and
``briefings.parsing.indicators`` (mentions). Only the HTML tree differs: ``BeautifulSoup(html,
"lxml")`` with ``select`` / ``get_text`` instead of selectolax's Lexbor ``css`` / ``text``.
For the same page it returns a ParsedBriefing equal to ``parse_page(html, url, kind="html")``
(tests/test_bench_smoke.py checks this on the real page and on synthetic pages).

Benchmark code, not product code: it imports private helpers of ``briefings.parsing.detail`` so
that the port cannot drift from the parser it is compared with.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from briefings.errors import ParseError
from briefings.models import ParsedBriefing, Template
from briefings.parsing import detail as _d
from briefings.parsing.text import clean_line, parse_date, split_lines

__all__ = ["parse_html_bs4", "parse_page_bs4"]


def _node_lines(node: Tag) -> list[str]:
    """Visible lines of ``node``, as ``detail._node_lines`` (block marks, wrapped lines joined)."""
    text = node.get_text() or ""
    return [line for piece in text.split(_d._BREAK) for line in split_lines(_d._join_wrapped(piece))]


def _node_text(node: Tag | None) -> str:
    """One-line text of ``node``; '' for None (as ``detail._node_text``)."""
    if node is None:
        return ""
    return clean_line("".join(_node_lines(node)))


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    """Content of ``<meta name=…>`` compared case-insensitively; None if absent or empty."""
    for node in soup.find_all("meta"):
        if (node.get("name") or "").lower() == name.lower():
            content = clean_line(node.get("content") or "")
            return content or None
    return None


def _title_of(soup: BeautifulSoup, *selectors: str) -> str:
    """First non-empty title among ``selectors``, ArticleTitle meta and ``<title>``."""
    for selector in selectors:
        text = _node_text(soup.select_one(selector))
        if text:
            return text
    meta = _meta(soup, "ArticleTitle")
    if meta:
        return meta
    return clean_line(_node_text(soup.select_one("title")).split("_")[0])


def parse_html_bs4(html: str, url: str | None) -> ParsedBriefing:
    """``briefings.sites.hubei.parse_html`` on a BeautifulSoup + lxml tree.

    Args:
        html: the decoded page.
        url: the page's URL, None if unknown.
    Returns:
        As ``parse_html``: template ``classic`` or ``article``, turns, guests; mentions empty.
    Raises:
        ParseError: no transcript block, or no turns (as ``parse_html``).
    """
    marked = _d._BLOCK_TAG.sub(lambda m: _d._BREAK + m.group(0) + _d._BREAK, _d._BR.sub(_d._BREAK, html))
    soup = BeautifulSoup(marked, "lxml")
    from briefings.sites.hubei import DETAIL_LAYOUT  # the portal's noise blocks

    for selector in DETAIL_LAYOUT.noise:
        for node in soup.select(selector):
            node.decompose()

    front = _d._Front(content_source=_meta(soup, "ContentSource"))
    record = soup.select_one("div.text_record")
    article = soup.select_one("div.hbgov-article-content")
    template: Template
    if record is not None:
        template = "classic"
        container = record
        front.title = _title_of(soup, "h2", ".hbgov-article-title h1")
    elif article is not None:
        template = "article"
        container = article.select_one("div.view.TRS_UEDITOR") or article
        front.title = _title_of(soup, ".hbgov-article-title h1", "h1", "h2")
    else:
        raise ParseError("no transcript block", url=url, missing="transcript block")

    for item in soup.select("ul.int_list li"):
        _d._read_item(_node_text(item), front)
    heading_time = _node_text(soup.select_one(".fbh-time"))
    article_meta = _node_text(soup.select_one(".hbgov-article-meta"))
    front.publish_text = next(
        (t for t in (heading_time, _meta(soup, "PubDate"), article_meta) if parse_date(t)), None
    )
    if front.content_source is None and article_meta:
        source = re.search(r"来源\s*[：:]\s*(\S+)", article_meta)
        front.content_source = source.group(1) if source else None

    lines = _node_lines(container)
    transcript_lines = _d._split_front_matter(lines, front, allow_title=False)
    if not transcript_lines:
        raise ParseError("empty transcript block", url=url, missing="transcript paragraphs")
    return _d._assemble(front, transcript_lines, url, template, site="hubei")


def parse_page_bs4(html: str, url: str | None) -> ParsedBriefing:
    """``parse_page(html, url, kind="html")`` with the BeautifulSoup tree: turns plus mentions.

    Raises:
        ParseError: as :func:`parse_html_bs4`.
    """
    from briefings.parsing.indicators import extract_mentions

    parsed = parse_html_bs4(html, url)
    mentions = extract_mentions(parsed.transcript, parsed.turns, parsed.briefing.event_date)
    return replace(parsed, parser_version=_d.PARSER_VERSION, mentions=tuple(mentions))
