"""The Hubei Provincial People's Government portal (www.hubei.gov.cn): its press-conference column.

Everything specific to the portal is here: hosts, the column and its default series, the two list
templates, the two detail templates with their noise blocks, the title rule and the id rule. The
reading itself is the shared machinery of ``briefings.parsing.detail`` and ``.listing``.
"""

from __future__ import annotations

import re

from briefings.models import ListPage, ParsedBriefing
from briefings.parsing.detail import DetailLayout, briefing_facts_from_title, read_detail_page
from briefings.parsing.listing import ListLayout, read_list_page
from briefings.settings import COLUMN_URL, SERIES_PATTERN
from briefings.sites.profile import SiteProfile, document_stem_id

__all__ = ["PROFILE", "DETAIL_LAYOUT", "LIST_LAYOUT", "parse_html", "read_detail", "read_list"]

NAME = "hubei"
HOSTS = ("www.hubei.gov.cn", "hubei.gov.cn")

# classic: title h2, items ul.int_list, transcript div.text_record; article: title
# .hbgov-article-title h1, body div.hbgov-article-content > div.view.TRS_UEDITOR (older article
# pages carry the editor's div without the hbgov wrapper).
DETAIL_LAYOUT = DetailLayout(
    blocks=(
        ("classic", "div.text_record", None, ("h2", ".hbgov-article-title h1")),
        ("article", "div.hbgov-article-content", "div.TRS_UEDITOR", (".hbgov-article-title h1", "h1", "h2")),
        ("article", "div.TRS_UEDITOR", None, (".hbgov-article-title h1", "h1", "h2")),
    ),
    noise=(
        "script",
        "style",
        "noscript",
        "template",
        ".hbgov-share-block",
        ".hbgov-qrcode-content",
        ".hbgov-pagenav-block",
    ),
    items="ul.int_list li",
    publish=(".fbh-time", "meta:PubDate", ".hbgov-article-meta"),
    meta_block=".hbgov-article-meta",
)

# old template: div.row.media_block with h4 a + span.date; newer: div.hbgov-bfc-block li (a + span)
LIST_LAYOUT = ListLayout(
    entries=(
        ("div.row.media_block", "h4 a", "span.date"),
        ("div.hbgov-bfc-block li", "a", "span"),
    )
)

# a copy of the portal's template served elsewhere (a mirror, a loopback server): its own class names
_TEMPLATE_MARK = re.compile(r"""class\s*=\s*["'][^"']*\b(?:text_record|hbgov-article-content|hbgov-bfc-block|media_block)\b""")


def parse_html(html: str, url: str | None) -> ParsedBriefing:
    """Parse a detail page of the Hubei portal, either template (the Hubei profile's reader).

    Args:
        html: the decoded page.
        url: the page's URL (kept in ``Briefing.url`` and errors), None if unknown.
    Returns:
        ParsedBriefing with template ``classic`` or ``article``, site ``hubei``, at least one turn,
        and parser_version set; mentions empty (see ``briefings.sites.parse_page``).
    Raises:
        ParseError: no transcript block (``div.text_record`` / ``div.hbgov-article-content`` /
            ``div.TRS_UEDITOR``), no recognisable speaker label before the first paragraph, or
            no turns.
    Source: :data:`DETAIL_LAYOUT`: title from ``h2`` / ``.hbgov-article-title h1`` /
        ArticleTitle; publish_date from the heading 时间 (``.fbh-time``), else PubDate, else
        ``.hbgov-article-meta``; event_date, guests and summary from the 时间/嘉宾/内容 items (list
        items or first body paragraphs).
    """
    return read_detail_page(html, url, DETAIL_LAYOUT, site="hubei")


def read_detail(html: str, url: str | None, site: str = NAME) -> ParsedBriefing:
    """A detail page of the portal, either template (see :func:`parse_html`), recorded as ``site``'s
    (a portal that republishes the province's pages as they are, ``tianmen``, passes its own name)."""
    return read_detail_page(html, url, DETAIL_LAYOUT, site=site, title_facts=briefing_facts_from_title)


def read_list(html: str, url: str) -> ListPage:
    """Parse a list page of the Hubei portal's press-conference column (old or newer template).

    Args:
        html: the decoded list page.
        url: its absolute URL; relative links (``./202403/t….shtml``) are resolved against it.
    Returns:
        ListPage with entries in page order (absolute url, title, list_date) and next_url, the
        absolute URL of the next list page or None on the last page.
    Raises:
        ParseError: neither the old (``div.row.media_block``) nor the newer
            (``div.hbgov-bfc-block li``) list is on the page.
    Source: :data:`LIST_LAYOUT`: old template ``div.row.media_block h4 a`` +
        ``span.date``; newer ``div.hbgov-bfc-block li`` with an ``a`` and a ``span`` date.
        Pagination schemes differ between columns (index_N, list1_N), so the next page is read
        from the 下一页 link or the ``li`` after the active one.
    """
    return read_list_page(html, url, LIST_LAYOUT)


def claims_page(html: str) -> bool:
    """Whether the page carries the portal's own template class names (``text_record``, ``hbgov-…``)."""
    return _TEMPLATE_MARK.search(html) is not None


PROFILE = SiteProfile(
    name=NAME,
    hosts=HOSTS,
    column_url=COLUMN_URL,
    series_pattern=SERIES_PATTERN,
    read_list=read_list,
    read_detail=read_detail,
    title_facts=briefing_facts_from_title,
    briefing_id=document_stem_id,
    claims_page=claims_page,
    description="湖北省人民政府门户网站 新闻发布会 (classic and article templates)",
)
