"""Which line of a page is its headline, and which are the site's words around it (pure).

Portals put breadcrumbs and column words where a headline is expected: a ``详情`` or ``正文`` heading,
``当前位置：首页 > 新闻发布会``, ``您现在的位置：首页 » 新闻中心``. The headline is the first candidate that is
not such a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefings.parsing.text import clean_line

__all__ = ["is_site_words", "pick_headline"]

# Whole-line words a site shows instead of, or above, a headline.
_SITE_WORDS = frozenset(
    "详情 正文 正文内容 内容 详细内容 新闻详情 文章详情 信息详情 发布会详情 新闻发布会 发布会 新闻发布 发布会实录 实录 "
    "图文实录 文字实录 首页 返回 返回首页 返回列表 打印 关闭 分享 新闻中心 政务公开 信息公开 网站首页".split()
)
# A breadcrumb: 当前位置：…, 您的位置：…, 您现在的位置是：…, or a path of links joined by > » ＞ › /.
_BREADCRUMB = re.compile(
    r"^(?:(?:您(?:现在)?的|当前)?(?:所在)?位置(?:是)?\s*[：:]|.*?首页\s*[>»＞›/]|.+?\s[>»＞›]\s.+)"
)


def is_site_words(line: str) -> bool:
    """Whether ``line`` is a breadcrumb or a site word rather than a headline.

    ``详情``, ``正文``, ``当前位置：首页 > 新闻发布会``, ``首页 > 新闻发布会 > 正文`` are; ``“奋战开门红 市长话经济”第十二场
    天门：培育壮大新质生产力`` is not. Spaces and ``【】[]`` around the words are ignored.
    """
    text = clean_line(line)
    if not text:
        return True
    if text.strip("【】[]［］ \u3000") in _SITE_WORDS:
        return True
    return bool(_BREADCRUMB.match(text))


def pick_headline(candidates: Iterable[str | None]) -> str:
    """The page's headline: the first candidate that is not empty, a breadcrumb or a site word.

    Args:
        candidates: title texts in order of preference (``h2``, ``h1``, the ArticleTitle meta, ``<title>``),
            None or '' for a place the page leaves empty.
    Returns:
        The headline, cleaned of outer whitespace; '' when every candidate is empty or site words.
    """
    for candidate in candidates:
        text = clean_line(candidate or "")
        if text and not is_site_words(text):
            return text
    return ""
