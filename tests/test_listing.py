"""List pages: the two real list pages of the snapshot and the newer template generated from them."""

from __future__ import annotations

from datetime import date

import pytest

from briefings.errors import ParseError
from briefings.sites.hubei import read_list as parse_list_page
from tests import variants as v

BASE = "https://www.hubei.gov.cn/hbfb/xwfbh/"


def test_first_list_page():
    page = parse_list_page(v.list_page("index.shtml"), v.LIST_URL)
    assert page.url == v.LIST_URL
    assert [e.url for e in page.entries] == [
        BASE + "202404/t20240402_5100001.shtml",
        BASE + "202403/t20240329_5100002.shtml",
        BASE + "202403/t20240328_5100003.shtml",
        BASE + "202403/t20240326_5134107.shtml",
        BASE + "202403/t20240322_5100004.shtml",
        BASE + "202403/t20240320_5100005.shtml",
    ]
    session = page.entries[3]
    assert session.title == "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
    assert (session.list_date, session.list_url) == (date(2024, 3, 26), v.LIST_URL)
    assert page.entries[0].list_date == date(2024, 4, 2)
    assert page.next_url == v.LIST_URL_2


def test_last_list_page():
    page = parse_list_page(v.list_page("index_1.shtml"), v.LIST_URL_2)
    assert [e.title for e in page.entries] == [f"（示例条目{n}）湖北省政府新闻办新闻发布会" for n in (6, 7, 8)]
    assert page.entries[2].list_date == date(2024, 3, 8)
    assert page.next_url is None


def test_column_root_url_resolves_relative_links():
    page = parse_list_page(v.list_page("index.shtml"), BASE)
    assert page.entries[3].url == BASE + "202403/t20240326_5134107.shtml"
    assert page.next_url == v.LIST_URL_2


def test_newer_template_with_list1_pagination():
    page = parse_list_page(v.newer_list_template(v.list_page()), BASE + "list1.shtml")
    assert [e.url for e in page.entries] == [e.url for e in parse_list_page(v.list_page(), v.LIST_URL).entries]
    assert page.entries[3].list_date == date(2024, 3, 26)
    assert page.next_url == BASE + "list1_2.shtml"
    middle = parse_list_page(v.newer_list_template(v.list_page(), active=2), BASE + "list1_2.shtml")
    assert middle.next_url == BASE + "list1_3.shtml"
    last = parse_list_page(v.newer_list_template(v.list_page(), active=3), BASE + "list1_3.shtml")
    assert last.next_url is None


def test_disabled_next_link_on_the_last_page():
    html = v.list_page("index_1.shtml").replace("</ul></nav>", '<li class="disabled"><a href="javascript:;">下一页</a></li></ul></nav>')
    assert "下一页" in html
    assert parse_list_page(html, v.LIST_URL_2).next_url is None


def test_truncated_link_text_uses_the_title_attribute():
    html = v.list_page().replace(">“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化</a>", ">“奋战开门红 市长话经济”第十二场…</a>")
    assert "第十二场…</a>" in html
    entry = parse_list_page(html, v.LIST_URL).entries[3]
    assert entry.title == "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"


def test_page_without_a_list_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        parse_list_page(v.real_page(), v.PAGE_URL)
    assert info.value.missing == "list entries block"
