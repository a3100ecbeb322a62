"""The generic reader: detail and list pages of a portal no site profile claims, read by content (pure).

Detail pages. The article body is found by its text, not by a class name (a density rule over the
selectolax tree, in the manner of Readability): every line of text (a paragraph, or a stretch
between ``<br>``) scores by its length and its commas and full stops; a paragraph's score goes to
the block holding it (and half to the block above), a block's own ``<br>``-split lines score the
block itself, and a block's score shrinks with the share of its text inside links. The best block
is the body, widened to its parent when a sibling scores as a body too (an article in several
``<section>`` groups). Before scoring, scripts, forms, ``nav``/``header``/``footer``/``aside`` and
elements whose class or id names a widget (share, print, related news, breadcrumbs, QR code,
footer, copyright …) are dropped; inside the body, link lists (related news, 上一篇/下一篇) and
widget lines (【打印】【关闭】, 分享到, 扫一扫, 字号 大 中 小, 责任编辑) are dropped. Paragraph
boundaries (``p``, ``br``, ``section``, ``div``) become lines and labels in ``strong``/``b`` stay
text, so the shared segmenter reads the turns as on the Hubei pages. The title comes from the
headline (an ``h1`` the page's ``<title>`` or title meta confirms, ``og:title``, ``ArticleTitle``,
else the first ``h1``, else ``<title>`` less the site's suffix); the publication date from the page's
meta (``PubDate``, ``publishdate``, ``article:published_time`` …), else its visible
``发布时间``/``发布日期`` line, else WeChat's ``#publish_time``. Fragments without
``<html>``/``<head>`` parse too.

List pages. Every link with a title-like text is an entry (the caller keeps those matching its
series), dated by the date in the link's own list item or row; the next page is the ``下一页``
link, else the page after the current one of ``createPageHTML(total, current, "index", "html")``,
else a link to ``index_<n+1>.html`` (the page after this one's ``index_<n>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from briefings.errors import ParseError
from briefings.models import ListEntry, ListPage, ParsedBriefing
from briefings.parsing.detail import (
    PageFront,
    briefing_facts_from_title,
    mark_breaks,
    meta_content,
    node_lines,
    read_lines,
)
from briefings.parsing.listing import link_url, next_page_url
from briefings.parsing.text import clean_line, parse_date
from briefings.sites.profile import SiteProfile, document_stem_id

__all__ = ["PROFILE", "read_detail", "read_list", "find_body", "headline", "publish_text"]

NAME = "generic"
_BREAK = "\u2029"  # detail.mark_breaks' line mark

# inline elements: their text belongs to the block around them
_INLINE = frozenset(
    "a abbr b big cite code del em font i img ins kbd label mark q s small span strike strong sub sup time tt u "
    "var wbr br".split()
)
_PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 li dd dt blockquote pre".split())
_CODE_TAGS = "script, style, noscript, template, iframe, select, button, input, textarea, svg, canvas, object, embed, " \
    "audio, video, map"
_FRAME_TAGS = "form, nav, header, footer, aside"  # dropped unless they hold the article (an ASP.NET page's <form>)
# class / id tokens (split at - _ and spaces) that name a page widget, not an article
_NOISE_TOKENS = frozenset(
    """share sharing bdshare bshare jiathis fenxiang print dayin footer foot nav navbar navigation menu
    breadcrumb breadcrumbs crumb crumbs position location related relate xgxw xgwz xglj recommend tuijian tjyd
    comment comments qr qrcode ewm erweima toolbar tool tools pagenav pager pagination prevnext copyright
    banner sidebar aside header topbar login search ad ads advert hot rmtj fontsize""".split()
)
_TOKEN_SPLIT = re.compile(r"[-_\s]+")
# a widget line inside the body: print/close/favourite buttons, share, QR code, font size, editors,
# previous/next links, "related" headings, view counters
_WIDGET_LINE = re.compile(
    r"^(?:"
    r"(?:[【\[［(（]?\s*(?:打印(?:本页|此页|文章|正文)?|关闭(?:窗口|本页|页面)?|收藏(?:本页)?|加入收藏|返回顶部|"
    r"我要纠错|纠错|保存(?:本页)?)\s*[】\]］)）]?\s*)+"
    r"|(?:分享到|分享至|扫一扫|扫描二维码|微信扫一扫|用微信扫|手机扫)[^。]{0,40}"
    r"|[【\[［]?\s*字[号体]\s*[：:]?\s*[【\[［]?\s*[大中小].{0,12}"
    r"|(?:上一篇|下一篇|责任编辑|编辑|审核|校对|监制)\s*[：:].{0,40}"
    r"|[(（]\s*责编\s*[：:][^)）]{0,40}[)）]"
    r"|(?:相关新闻|相关链接|相关阅读|相关文章|推荐阅读|热点文章|推荐文章|延伸阅读)\s*[：:]?"
    r"|(?:浏览次数|阅读次数|点击数|访问量|浏览量)\s*[：:]?\s*\d*"
    r")$"
)
_PUBLISH_META = (
    "PubDate", "publishdate", "pubdate", "publish_date", "publishtime", "publish-date", "article:published_time",
    "og:release_date", "datePublished", "firstpublishedtime",
)  # fmt: skip
_PUBLISH_LINE = re.compile(
    r"(?:发布时间|发布日期|发表时间|发布于|发文日期)\s*[：:]?\s*(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)
_SOURCE_LINE = re.compile(r"(?:文章|信息)?来源\s*[：:]\s*([^\s\d|｜]+)")
_TITLE_SUFFIX = re.compile(r"\s*(?:_|\s[-|｜—–]\s|\|)\s*")


@dataclass
class _Stats:
    """What one pass over the tree learnt: per block (by ``mem_id``) its text, link text and score."""

    nodes: dict[int, LexborNode] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # blocks, children before parents
    text: dict[int, int] = field(default_factory=dict)  # non-blank characters
    links: dict[int, int] = field(default_factory=dict)  # of them inside <a>
    score: dict[int, float] = field(default_factory=dict)

    def density(self, mid: int) -> float:
        """Share of the block's text inside links (0 for a block without text)."""
        return self.links.get(mid, 0) / self.text[mid] if self.text.get(mid) else 0.0

    def final(self, mid: int) -> float:
        """The block's score less its link share."""
        return self.score.get(mid, 0.0) * (1.0 - self.density(mid))


_BLANK = re.compile(r"\s+")  # U+2029 (the line mark) is whitespace too


def _visible_len(text: str) -> int:
    return len(text) - sum(len(run) for run in _BLANK.findall(text)) if text else 0


def _line_weight(line: str) -> float:
    """A line's content weight: 1 + its commas and stops + 1 per 100 characters (at most 3); 0 under 10."""
    length = _visible_len(line)
    if length < 10:
        return 0.0
    return 1.0 + sum(line.count(mark) for mark in "，,。；;！？") + min(length / 100.0, 3.0)


def _block_parent(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag in _INLINE:
        parent = parent.parent
    return parent if parent is not None and parent.tag not in ("html", "-document") else None


def _scan(root: LexborNode) -> _Stats:
    """Measure every block under ``root`` and score the blocks by the lines they hold."""
    stats = _Stats()

    def visit(node: LexborNode, in_link: bool) -> tuple[int, int, list[tuple[str, bool]], bool]:
        """(text, link text, own pieces passed up by an inline element, has block descendants)."""
        if node.tag == "-text":
            content = node.text_content or ""
            length = _visible_len(content)
            return length, length if in_link else 0, [(content, in_link)], False
        link = in_link or node.tag == "a"
        total = links = 0
        own: list[tuple[str, bool]] = []
        has_block = False
        for child in node.iter(include_text=True):
            if child.tag is None or (child.tag.startswith("-") and child.tag != "-text"):
                continue  # a comment, or a processing instruction (an unrendered <?php ?>: no tag)
            c_total, c_links, c_own, c_block = visit(child, link)
            total += c_total
            links += c_links
            if child.tag == "-text" or child.tag in _INLINE:
                own.extend(c_own)
                has_block = has_block or c_block
            else:
                own.append((_BREAK, False))
                has_block = True
        if node.tag in _INLINE:
            return total, links, own, has_block
        mid = node.mem_id
        stats.nodes[mid] = node
        stats.order.append(mid)
        stats.text[mid], stats.links[mid] = total, links
        lines = "".join(text if not is_link else "\u0000" * len(text) for text, is_link in own).split(_BREAK)
        weight = sum(_line_weight(line.replace("\u0000", "")) for line in lines)
        if weight:
            own_lines = sum(1 for line in lines if line.replace("\u0000", "").strip())
            parent = _block_parent(node)
            paragraph = node.tag in _PARAGRAPH_TAGS or (own_lines == 1 and not has_block)
            if paragraph and parent is not None:
                _credit(stats, parent, weight)
                grand = _block_parent(parent)
                if grand is not None:
                    _credit(stats, grand, weight / 2)
            else:
                _credit(stats, node, weight)
                if parent is not None:
                    _credit(stats, parent, weight / 2)
        return total, links, [], True

    visit(root, False)
    return stats


def _credit(stats: _Stats, node: LexborNode, weight: float) -> None:
    stats.score[node.mem_id] = stats.score.get(node.mem_id, 0.0) + weight


def _drop_widgets(tree: LexborHTMLParser) -> None:
    """Remove scripts and form controls, and forms, nav/header/footer/aside and elements whose class or
    id names a widget unless they hold more than a third of the page's text (an ASP.NET page wraps
    everything in one ``<form>``; a page may call its article wrapper ``main-nav-content``).
    """
    for node in tree.css(_CODE_TAGS):
        node.remove()
    body = tree.body
    if body is None:
        return
    page_text = _visible_len(body.text(deep=True) or "")

    def holds_the_article(node: LexborNode) -> bool:
        return _visible_len(node.text(deep=True) or "") * 3 > page_text

    for node in tree.css(_FRAME_TAGS):
        if not holds_the_article(node):
            node.remove()
    for node in tree.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
        if not any(token in _NOISE_TOKENS for token in _TOKEN_SPLIT.split(names) if token):
            continue
        if node.tag in ("body", "html") or holds_the_article(node):
            continue
        node.remove()


def find_body(tree: LexborHTMLParser) -> LexborNode:
    """The element holding the article body of a :func:`~briefings.parsing.detail.mark_breaks` tree
    whose widgets were dropped, with the link lists inside it removed.

    Raises:
        ParseError: the page has no text (``missing`` = ``transcript block``).
    """
    root = tree.body or tree.root
    if root is None:
        raise ParseError("no text on the page", missing="transcript block")
    stats = _scan(root)
    candidates = [mid for mid in stats.order if stats.score.get(mid)]
    if not candidates:
        raise ParseError("no article body: the page has no paragraph of text", missing="transcript block")
    best = max(candidates, key=stats.final)  # first of equals = the deepest (children come first)
    body = stats.nodes[best]
    parent = _block_parent(body)
    if parent is not None:
        peers = [c for c in _element_children(parent) if c.mem_id != best and c.mem_id in stats.nodes]
        bar = 0.2 * stats.final(best)
        if any(stats.final(p.mem_id) >= bar and stats.density(p.mem_id) < 0.3 for p in peers):
            body = parent  # the article runs over several sibling blocks
    for mid in stats.order:
        node = stats.nodes[mid]
        if mid != body.mem_id and stats.text[mid] and stats.density(mid) >= 0.5 and _inside(node, body):
            node.remove()  # a link list: related news, previous/next, tags
    return body


def _element_children(node: LexborNode) -> Iterator[LexborNode]:
    for child in node.iter():
        if child.tag in _INLINE:
            yield from _element_children(child)
        else:
            yield child


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def _in_widget(node: LexborNode | None) -> bool:
    """Whether ``node`` or an ancestor is a header, nav, footer or logo, or has a widget's name."""
    while node is not None and node.tag not in ("body", "html"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
        tokens = set(_TOKEN_SPLIT.split(names)) - {""}
        if node.tag in ("header", "nav", "footer", "aside") or "logo" in tokens or tokens & _NOISE_TOKENS:
            return True
        node = node.parent
    return False


def _meta_any(tree: LexborHTMLParser, *names: str) -> str | None:
    """Content of the first ``<meta>`` whose name or property is one of ``names`` (case-insensitive)."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for node in tree.css("meta"):
        key = (node.attributes.get("name") or node.attributes.get("property") or "").lower()
        content = clean_line(node.attributes.get("content") or "")
        if key in wanted and content and key not in found:
            found[key] = content
    return next((found[n] for n in wanted if n in found), None)


def headline(tree: LexborHTMLParser) -> str:
    """The page's headline (read before widgets are dropped).

    An ``h1``, an element whose class or id names a title (``wzy_title``, ``bt_title``) or an ``h2``
    that the ``<title>``, ``og:title`` or ``ArticleTitle`` confirms (contains), in that order; else
    ``og:title``, else ``ArticleTitle``, else the first ``h1``, else the first ``h2``, else
    ``<title>`` less the site's suffix (after ``_``, `` - ``, ``|``), else ''. One in a header, a nav
    or a logo (by tag, class or id, its own or an ancestor's) is the site's name, never the headline.
    """
    from briefings.parsing.detail import node_text

    page_title = node_text(tree.css_first("title"))
    metas = [m for m in (_meta_any(tree, "og:title"), meta_content(tree, "ArticleTitle")) if m]

    def texts(nodes: list[LexborNode]) -> list[str]:
        return [text for text in (node_text(n) for n in nodes if not _in_widget(n)) if text and len(text) <= 200]

    h1s, h2s = texts(tree.css("h1")), texts(tree.css("h2"))
    titled = texts([n for n in tree.css("[class*=title], [id*=title]") if n.tag not in ("title", "meta")])
    for text in (*h1s, *titled, *h2s):
        if any(text in other for other in (page_title, *metas) if other):
            return text
    unconfirmed = next(iter((*metas, *h1s[:1], *h2s[:1])), None)
    if unconfirmed:
        return unconfirmed
    return clean_line(_TITLE_SUFFIX.split(page_title, maxsplit=1)[0]) if page_title else ""


def publish_text(tree: LexborHTMLParser) -> str | None:
    """Where the publication date is read (read before widgets are dropped): a date meta, else the
    visible ``发布时间：…`` / ``发布日期：…`` line, else WeChat's ``#publish_time``; None if none."""
    meta = _meta_any(tree, *_PUBLISH_META)
    if meta and parse_date(meta):
        return meta
    root = tree.body or tree.root
    text = (root.text(deep=True) or "") if root is not None else ""
    line = _PUBLISH_LINE.search(text.replace(_BREAK, "\n"))
    if line:
        return line.group(1)
    wechat = tree.css_first("#publish_time")
    if wechat is not None and parse_date(wechat.text(deep=True)):
        return wechat.text(deep=True)
    return None


# table cells and definition lists end lines too (detail.mark_breaks marks rows, not cells: a mark
# between cells would be moved out of the table by the HTML parser)
_CELL_TAG = re.compile(r"</?(?:td|th|dd|dt|dl|main|figure|figcaption|address|pre)\b[^>]*>", re.IGNORECASE)


def _marked(html: str) -> str:
    return mark_breaks(_CELL_TAG.sub(lambda m: _BREAK + m.group(0) + _BREAK, html))


def read_detail(html: str, url: str | None) -> ParsedBriefing:
    """Read a briefing page of any portal (or a fragment of one) by its content.

    Args:
        html: the decoded page or fragment.
        url: its URL, None if unknown.
    Returns:
        ParsedBriefing with template ``generic``, site ``generic``, at least one turn; mentions empty.
    Raises:
        ParseError: no article body (``missing`` = ``transcript block``), no speaker label before
            the first paragraph, or no turns.
    """
    tree = LexborHTMLParser(_marked(html))
    for node in tree.css("script, style, noscript, template"):
        node.remove()
    title = headline(tree)
    front = PageFront(title=title, publish_text=publish_text(tree), content_source=meta_content(tree, "ContentSource"))
    if front.content_source is None:
        root = tree.body or tree.root
        source = _SOURCE_LINE.search((root.text(deep=True) or "") if root is not None else "")
        front.content_source = source.group(1) if source else None
    _drop_widgets(tree)
    try:
        body = find_body(tree)
    except ParseError as exc:
        raise ParseError(str(exc), url=url, missing=exc.missing) from None
    lines = [line for line in node_lines(body) if not _WIDGET_LINE.match(line)]
    while lines and lines[0] == title:
        lines.pop(0)  # the headline inside the body
    return read_lines(lines, front, url, "generic", site=NAME, title_facts=briefing_facts_from_title)


# --- list pages ---------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_PAGER_TEXT = re.compile(r"^(?:下一页|下页|上一页|上页|首页|尾页|末页|后一页|前一页|\d+|next|prev|previous|last|first|>+|<+|»|«)$", re.I)
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]")
_INDEX_N = re.compile(r"(?P<stem>[^/]+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")


def _entry_date(link: LexborNode) -> str:
    """The date text nearest the link: in the link, else in its list item or table row (up to 3 levels)."""
    own = link.text(deep=True) or ""
    if _DATE_TEXT.search(own):
        return own
    node = link.parent
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            break
        if len(node.css("a")) > 1 and node.tag not in ("li", "tr"):
            break  # a block holding several entries: its dates are not this link's
        text = node.text(deep=True) or ""
        if _DATE_TEXT.search(text):
            return text
        node = node.parent
    return ""


def _create_page_next(html: str, url: str) -> str | None:
    """The page after this one from TRS's ``createPageHTML(total, current, prefix, ext)`` (current from 0)."""
    match = _CREATE_PAGE.search(html)
    if not match:
        return None
    total, current, prefix, ext = int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)
    if current + 1 >= total:
        return None
    return urljoin(url, f"{prefix}_{current + 1}.{ext}")


def _index_next(tree: LexborHTMLParser, url: str) -> str | None:
    """A link to ``<stem>_<n+1>.<ext>`` where this page is ``<stem>.<ext>`` (n = 0) or ``<stem>_<n>.<ext>``."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1] or "index.html"
    match = _INDEX_N.match(name)
    if not match:
        return None
    current = int(match.group("n") or 0)
    wanted = f"{match.group('stem')}_{current + 1}."
    for node in tree.css("a"):
        target = link_url(node, url)
        if target and urlsplit(target).path.rsplit("/", 1)[-1].startswith(wanted):
            return target
    return None


def read_list(html: str, url: str) -> ListPage:
    """Read a list page of any portal: its title-like links, their dates, and the next page.

    Args:
        html: the decoded list page.
        url: its absolute URL (relative links are resolved against it).
    Returns:
        ListPage with one entry per distinct link whose text (or ``title`` attribute) is at least 6
        characters and not a pager word, in page order, each dated from its item or row; next_url
        from ``下一页``, ``createPageHTML(…)`` or ``index_<n+1>``, else None.
    Raises:
        ParseError: the page has no such link (``missing`` = ``list entries block``).
    """
    tree = LexborHTMLParser(html)
    next_url = next_page_url(tree, url) or _create_page_next(html, url) or _index_next(tree, url)  # pagers sit in <nav>
    for node in tree.css("nav, header, footer"):
        node.remove()
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for link in tree.css("a"):
        target = link_url(link, url)
        if target is None or target in seen:
            continue
        text = clean_line(link.text(deep=True) or "")
        title_attr = clean_line(link.attributes.get("title") or "")
        title = title_attr if title_attr and (not text or text.endswith(("...", "…"))) else text or title_attr
        if len(title) < 6 or _PAGER_TEXT.match(title):
            continue
        seen.add(target)
        entries.append(ListEntry(url=target, title=title, list_date=parse_date(_entry_date(link)), list_url=url))
    if not entries:
        raise ParseError("no list entries: the page has no titled links", url=url, missing="list entries block")
    return ListPage(url=url, entries=tuple(entries), next_url=next_url if next_url != url else None)


PROFILE = SiteProfile(
    name=NAME,
    hosts=(),
    column_url=None,
    series_pattern=None,
    read_list=read_list,
    read_detail=read_detail,
    title_facts=briefing_facts_from_title,
    briefing_id=document_stem_id,
    description="any other portal: the article body found by its content (pages no profile claims)",
)
