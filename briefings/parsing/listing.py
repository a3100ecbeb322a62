"""Parse a column's list page into entries and the next page's URL (pure)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from briefings.errors import ParseError
from briefings.models import ListEntry, ListPage
from briefings.parsing.text import clean_line, parse_date

__all__ = ["parse_list_page"]

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


def parse_list_page(html: str, url: str) -> ListPage:
    """Parse a list page of the press-conference column (old or newer template).

    Args:
        html: the decoded list page.
        url: its absolute URL; relative links (``./202403/t….shtml``) are resolved against it.
    Returns:
        ListPage with entries in page order (absolute url, title, list_date) and next_url, the
        absolute URL of the next list page or None on the last page.
    Raises:
        ParseError: neither the old (``div.row.media_block``) nor the newer
            (``div.hbgov-bfc-block li``) list is on the page.
    Source: old template ``div.row.media_block h4 a`` + ``span.date``; newer ``div.hbgov-bfc-block li``
        with an ``a`` and a ``span`` date. Pagination schemes differ between columns (index_N,
        list1_N), so the next page is read from the 下一页 link or the ``li`` after the active one.
    """
    tree = LexborHTMLParser(html)
    old_blocks = tree.css("div.row.media_block")
    new_items = tree.css("div.hbgov-bfc-block li")
    if not old_blocks and not new_items:
        raise ParseError("no list entries block", url=url, missing="list entries block")
    entries: list[ListEntry] = []
    for block in old_blocks:
        entry = _entry(block.css_first("h4 a"), block.css_first("span.date"), url)
        if entry is not None:
            entries.append(entry)
    for item in new_items:
        entry = _entry(item.css_first("a"), item.css_first("span"), url)
        if entry is not None:
            entries.append(entry)
    return ListPage(url=url, entries=tuple(entries), next_url=_next_url(tree, url))
