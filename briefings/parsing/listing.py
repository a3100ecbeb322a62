"""Parse a column's list page into entries and the next page's URL (pure): the shared machinery.

A portal's site module (``briefings.sites``) describes its list template as a :class:`ListLayout`;
:func:`read_list_page` reads a page by it; the Hubei portal's reader is ``briefings.sites.hubei.read_list``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from briefings.errors import ParseError
from briefings.models import ListEntry, ListPage
from briefings.parsing.text import clean_line, parse_date

__all__ = ["ListLayout", "read_list_page", "next_page_url", "link_url"]

_NEXT_TEXTS = ("下一页", "下页", "后一页", "next")


def _href(node: LexborNode | None, base: str) -> str | None:
    """Absolute http(s) URL of a link node's href, None for none, ``#`` or ``javascript:``."""
    if node is None:
        return None
    href = clean_line(node.attributes.get("href") or "")
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:")):
        return None
    absolute = urljoin(base, href)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _entry(link: LexborNode | None, date_node: LexborNode | None, list_url: str) -> ListEntry | None:
    """A ListEntry from a link and its date node; None when the link has no usable href."""
    url = _href(link, list_url)
    if link is None or url is None:
        return None
    text = clean_line(link.text(deep=True) or "")
    title_attr = clean_line(link.attributes.get("title") or "")
    # the list truncates long titles with an ellipsis; the title attribute holds the full one
    title = title_attr if title_attr and (not text or text.endswith(("...", "…"))) else text or title_attr
    date_text = clean_line(date_node.text(deep=True) or "") if date_node is not None else ""
    return ListEntry(url=url, title=title, list_date=parse_date(date_text), list_url=list_url)


def _next_url(tree: LexborHTMLParser, url: str) -> str | None:
    """The next list page: a 下一页 link, else the link in the ``li`` after the active one."""
    for link in tree.css("a"):
        text = clean_line(link.text(deep=True) or "").lower()
        if any(t in text for t in _NEXT_TEXTS):
            target = _href(link, url)
            classes = (link.attributes.get("class") or "") + (link.parent.attributes.get("class") or "" if link.parent else "")
            if target and target != url and "disabled" not in classes:
                return target
            return None
    for active in tree.css("li.active, li.current, li.on"):
        sibling = active.next
        while sibling is not None and sibling.tag != "li":
            sibling = sibling.next
        if sibling is not None:
            target = _href(sibling.css_first("a"), url)
            if target and target != url:
                return target
    return None


@dataclass(frozen=True)
class ListLayout:
    """Where a portal's list template keeps its entries.

    Attributes:
        entries: ``(item, link, date)`` CSS selectors: every ``item`` on the page is one entry whose
            link is its first ``link`` and whose date is the text of its first ``date`` element.
    """

    entries: tuple[tuple[str, str, str], ...]


def link_url(node: LexborNode | None, base: str) -> str | None:
    """Absolute http(s) URL of a link node's href, None for none, ``#``, ``javascript:`` or ``mailto:``."""
    return _href(node, base)


def next_page_url(tree: LexborHTMLParser, url: str) -> str | None:
    """The next list page: a 下一页 link, else the link in the ``li`` after the active one."""
    return _next_url(tree, url)


def read_list_page(html: str, url: str, layout: ListLayout) -> ListPage:
    """Parse a list page by a portal's ``layout``.

    Args:
        html: the decoded list page.
        url: its absolute URL; relative links are resolved against it.
        layout: the portal's entry selectors.
    Returns:
        ListPage with entries in the layout's order (absolute url, title, list_date) and next_url
        (see :func:`next_page_url`), None on the last page.
    Raises:
        ParseError: no item of the layout is on the page (``missing`` = ``list entries block``).
    """
    tree = LexborHTMLParser(html)
    found = [(tree.css(item), link, day) for item, link, day in layout.entries]
    if not any(nodes for nodes, _, _ in found):
        raise ParseError("no list entries block", url=url, missing="list entries block")
    entries: list[ListEntry] = []
    for nodes, link, day in found:
        for node in nodes:
            entry = _entry(node.css_first(link), node.css_first(day), url)
            if entry is not None:
                entries.append(entry)
    return ListPage(url=url, entries=tuple(entries), next_url=_next_url(tree, url))
