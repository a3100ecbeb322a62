"""Titles (issue 22): the page's headline over breadcrumbs and site words, on the real session-12 page and text."""

from __future__ import annotations

import pytest

from briefings.parsing import parse_text

from briefings.sites.hubei import parse_html
from briefings.parsing.titles import is_site_words, pick_headline
from tests import variants as v

REAL_TITLE = v.TITLE_LINE
BREADCRUMBS = ["详情", "正文", "当前位置：首页 > 新闻发布会", "首页 > 新闻发布会 > 正文", "您现在的位置：首页 » 新闻中心"]


@pytest.mark.parametrize("words", BREADCRUMBS)
def test_html_heading_with_site_words_gives_the_headline(words):
    page = v.real_page().replace(f"<h2>{REAL_TITLE}</h2>", f"<h2>{words}</h2>", 1)
    assert f"<h2>{words}</h2>" in page
    parsed = parse_html(page, v.PAGE_URL)
    b = parsed.briefing
    assert (b.title, b.series, b.session_no, b.city) == (REAL_TITLE, "奋战开门红 市长话经济", 12, "天门")
    assert len(parsed.turns) == 16


def test_text_breadcrumb_lines_before_the_headline_are_not_the_title():
    seed = v.seed_text()
    lines = seed.split("\n")
    at = lines.index(REAL_TITLE.replace("：", ":"))
    text = "\n".join([*lines[:at], "当前位置:首页 > 新闻发布会", "", "正文", "", *lines[at:]])
    parsed, real = parse_text(text), parse_text(seed)
    assert parsed.briefing == real.briefing
    assert parsed.briefing.title == REAL_TITLE.replace("：", ":")
    assert (parsed.transcript, parsed.turns) == (real.transcript, real.turns)


def test_pick_headline_takes_the_first_candidate_that_is_not_site_words():
    assert pick_headline(["详情", None, "", "当前位置：首页 > 新闻发布会", REAL_TITLE, "正文"]) == REAL_TITLE
    assert pick_headline(["详情", "正文", None]) == ""
    assert [is_site_words(w) for w in BREADCRUMBS] == [True] * len(BREADCRUMBS)
    assert not is_site_words(REAL_TITLE) and not is_site_words("2024年3月25日外交部发言人林剑主持例行记者会")
