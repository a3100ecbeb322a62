"""The generic reader on session 12 as six other portal templates publish it (tests/portals.py).

Each page carries the real session-12 text inside a real portal family's layout (container names,
navigation, breadcrumbs, related news, share and print widgets, footer, scripts); each must give
session 12 exactly: 16 turns as on the Hubei page, the six guests in order, the title and the
publication date.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.errors import ParseError
from briefings.sites import parse_page
from briefings.sites.hubei import parse_html
from briefings.sites import generic
from tests import portals
from tests import variants as v
from tests.conftest import GUESTS

NOISE = (
    "分享到", "打印", "关闭", "相关新闻", "相关链接", "推荐阅读", "热点排行", "当前位置", "您当前的位置", "版权",
    "ICP备", "网站标识码", "这不是提问", "扫一扫", "阅读原文", "字号", "字体", "浏览次数", "点击数", "责编", "加入收藏",
    "第十三场 潜江", "hm.baidu.com", "首页", "政务公开",
)  # fmt: skip


def _spoken(parsed):
    return [(t.turn_no, t.label, t.speaker, t.role, t.outlet, t.text, t.speaker_id) for t in parsed.turns]


@pytest.fixture(scope="module")
def real():
    return parse_html(v.real_page(), v.PAGE_URL)


@pytest.mark.parametrize("name", list(portals.TEMPLATES))
def test_each_portal_template_gives_session_12_exactly(name, real):
    family, build, published = portals.TEMPLATES[name]
    parsed = parse_page(build(), None, kind="html")
    b = parsed.briefing
    assert (b.site, b.template) == ("generic", "generic"), family
    assert len(parsed.turns) == 16
    assert _spoken(parsed) == _spoken(real)
    assert [g.name for g in parsed.guests] == GUESTS
    assert [(g.label, g.gender) for g in parsed.guests] == [(g.label, g.gender) for g in real.guests]
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)
    assert (b.title, b.series, b.session_no, b.city) == (portals.TITLE, "奋战开门红 市长话经济", 12, "天门")
    assert b.publish_date == published == date(2024, 3, 26)
    leftovers = [word for word in NOISE if word in parsed.transcript]
    assert leftovers == []


@pytest.mark.parametrize(
    ("name", "event_date", "content_source", "lead"),
    [
        ("trs_provincial", date(2024, 3, 25), "湖北省人民政府新闻办公室", None),  # the 时间 item
        ("hanweb_portal", date(2024, 3, 25), "湖北发布", v.LEAD),  # the lead's 3月25日
        ("news_repost", date(2024, 3, 25), "人民网－湖北频道", "人民网武汉3月26日电 " + v.LEAD),  # not the dateline
        ("table_portal", None, "湖北日报", None),
        ("wechat_article", None, "湖北日报", None),
        ("bare_fragment", None, "湖北省人民政府新闻办公室", None),
    ],
)
def test_event_date_source_and_lead_come_from_what_each_page_says(name, event_date, content_source, lead):
    b = parse_page(portals.TEMPLATES[name][1](), None, kind="html").briefing
    assert (b.event_date, b.content_source, b.lead) == (event_date, content_source, lead)


def test_summary_items_in_the_body_are_read_as_on_the_hubei_page(real):
    b = parse_page(portals.trs_provincial(), None, kind="html").briefing
    assert b.summary == portals.SUMMARY == real.briefing.summary


def test_the_wechat_attribution_after_the_last_turn_is_a_tail_not_speech(real):
    parsed = parse_page(portals.wechat_article(), None, kind="html")
    assert [(x.kind, x.text) for x in parsed.extras] == [("tail", "来源：湖北日报")]
    assert parsed.turns[-1].text == real.turns[-1].text


def test_headline_rules():
    page = portals.hanweb_portal()  # no h1, no title meta: <title> less the site's suffix
    assert "<h1" not in page and "ArticleTitle" not in page
    assert parse_page(page, None, kind="html").briefing.title == portals.TITLE
    logo_h1 = portals.bare_fragment().replace('<div class="article">', '<h1 class="logo">某市人民政府</h1><div class="article">')
    assert parse_page(logo_h1, None, kind="html").briefing.title == portals.TITLE  # a logo is no headline
    og_only = portals.wechat_article().replace('<h1 class="rich_media_title" id="activity-name">', "<h2>").replace("</h1>", "</h2>")
    assert parse_page(og_only, None, kind="html").briefing.title == portals.TITLE


def test_publish_date_from_meta_before_the_visible_line():
    page = portals.table_portal().replace("<title>", '<meta name="PubDate" content="2024-03-27 09:00"><title>')
    assert parse_page(page, None, kind="html").briefing.publish_date == date(2024, 3, 27)
    bare = portals.bare_fragment().replace("发布日期：2024-03-26", "")
    assert parse_page(bare, None, kind="html").briefing.publish_date is None


def test_an_article_in_several_sibling_sections_is_read_whole(real):
    # WeChat editors group paragraphs: the body runs over three sibling <section> blocks
    page = portals.wechat_article()
    head, rest = page.split('id="js_content" style="visibility: visible;">', 1)
    body, tail = rest.split('<section><span leaf="">来源：湖北日报</span></section>', 1)
    parts = body.strip().split("\n")
    thirds = [parts[: len(parts) // 3], parts[len(parts) // 3 : 2 * len(parts) // 3], parts[2 * len(parts) // 3 :]]
    grouped = "".join(f"<section class=\"group\">{''.join(t)}</section>\n" for t in thirds)
    page = f'{head}id="js_content" style="visibility: visible;">{grouped}{tail}'
    assert page.count('class="group"') == 3
    assert _spoken(parse_page(page, None, kind="html")) == _spoken(real)


def test_an_unrendered_php_tag_in_the_body_is_skipped_like_a_comment(real):
    # a template saved before PHP ran: selectolax reads <?php ?> as a processing instruction, a node without a tag
    page = portals.hanweb_portal().replace("</p>\n", "</p>\n<?php echo $visits; ?>\n", 3)
    page = page.replace('16pt;">', '16pt;"><?php if ($zoom): ?>', 2)
    assert page.count("<?php") == 5
    parsed = parse_page(page, None, kind="html")
    assert _spoken(parsed) == _spoken(real)
    assert parsed.briefing.title == portals.TITLE
    assert "php" not in parsed.transcript and "$visits" not in parsed.transcript


def test_a_page_without_an_article_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        generic.read_detail('<html><body><ul class="nav"><li><a href="/">首页</a></li></ul></body></html>', "http://x.cn/a.html")
    assert (info.value.missing, info.value.url) == ("transcript block", "http://x.cn/a.html")
    with pytest.raises(ParseError):  # an article, but no speaker labels
        generic.read_detail("<div><p>" + "今天天气很好，我们去公园散步，看到了很多花。" * 5 + "</p></div>", None)


def test_briefings_parse_reads_a_saved_gbk_page_of_an_unknown_portal(tmp_path):
    path = tmp_path / "tianmen-table.htm"
    path.write_bytes(portals.table_portal().encode("gbk"))
    result = CliRunner().invoke(app, ["parse", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert (obj["briefing"]["site"], obj["briefing"]["title"], obj["briefing"]["publish_date"]) == (
        "generic", portals.TITLE, "2024-03-26",
    )  # fmt: skip
    assert len(obj["turns"]) == 16 and [g["name"] for g in obj["guests"]] == GUESTS
    fragment = tmp_path / "body.html"
    fragment.write_text(portals.bare_fragment(), encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(fragment)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        portals.TITLE, "series 奋战开门红 市长话经济 · session 12 · city 天门 · published 2024-03-26",
    ]  # fmt: skip


# --- the generic list reader ---------------------------------------------------------------------

LOOP = "http://127.0.0.1:8000" + portals.LOOPBACK_COLUMN


def test_list_entries_with_their_dates_and_create_page_html_pagination():
    page = generic.read_list(portals._list_page(0), LOOP + "index.html")
    assert [(e.url, e.title, str(e.list_date)) for e in page.entries] == [
        (LOOP + "202403/t20240329_4410020.html", "某市召开一季度经济运行分析会", "2024-03-29"),
        (LOOP + "202403/t20240326_4410012.html", portals.TITLE, "2024-03-26"),
    ]
    assert page.next_url == LOOP + "index_1.html"  # createPageHTML(3, 0, "index", "html")
    assert generic.read_list(portals._list_page(1), LOOP + "index_1.html").next_url == LOOP + "index_2.html"  # 下一页
    assert generic.read_list(portals._list_page(2), LOOP + "index_2.html").next_url is None  # disabled 下一页
    last = portals._list_page(0).replace("createPageHTML(3, 0,", "createPageHTML(1, 0,")
    assert generic.read_list(last, LOOP + "index.html").next_url is None


def test_list_pagination_by_an_index_n_link_and_the_hubei_list_read_generically():
    numbered = portals._list_page(2).replace(
        '<span class="disabled">下一页</span>', '<a href="index_1.html">1</a> <a href="index_2.html">2</a> <a href="index_3.html">3</a>'
    )
    assert generic.read_list(numbered, LOOP + "index_2.html").next_url == LOOP + "index_3.html"
    assert generic.read_list(numbered, LOOP + "index_3.html").next_url is None
    from briefings.sites.hubei import read_list as parse_list_page

    hubei = parse_list_page(v.list_page(), v.LIST_URL)
    read = generic.read_list(v.list_page(), v.LIST_URL)
    series = [(e.url, e.title, e.list_date) for e in read.entries if "市长话经济" in e.title]
    assert series == [(e.url, e.title, e.list_date) for e in hubei.entries if "市长话经济" in e.title]
    assert read.next_url == hubei.next_url == v.LIST_URL_2


def test_a_page_without_titled_links_is_not_a_list():
    with pytest.raises(ParseError) as info:
        generic.read_list("<html><body><a href='/'>首页</a><a href='2.html'>下一页</a></body></html>", LOOP + "index.html")
    assert info.value.missing == "list entries block"


# --- more layouts around the same text: one paragraph per table row, <br><br> in a fragment under an
# h2, one <section> per turn, a sidebar of prose and a comments block beside the article


def _rows_page():
    rows = "".join(f"<tr><td>{portals._labelled(p)}</td></tr>" for p in portals.paragraphs())
    return (f"<html><head><title>{portals.TITLE}</title></head><body><div class='main'><h1>{portals.TITLE}</h1>"
            f"<p>发布时间：2024-03-26</p><table class='content'>{rows}</table></div></body></html>")  # fmt: skip


def _brbr_fragment():
    text = "<br><br>".join(portals._labelled(p) for p in portals.paragraphs())
    return f"<div id='content'><h2>{portals.TITLE}</h2>发布时间：2024-03-26<br><br>{text}<br><br>【打印本页】 【关闭窗口】</div>"


def _section_per_turn():
    sections = "".join(
        "<section>" + "".join(f"<p>{portals._labelled(x)}</p>" for x in v.from_groups([group])) + "</section>"
        for group in v.turn_groups(portals.paragraphs())
    )
    return (f"<html><head><meta property='og:title' content='{portals.TITLE}'></head><body>"
            f"<h1 id='activity-name'>{portals.TITLE}</h1><em id='publish_time'>2024-03-26 19:30</em>"
            f"<div id='js_content'>{sections}</div></body></html>")  # fmt: skip


def _sidebar_and_comments():
    prose = "市长主持市政府全面工作，负责经济社会发展规划、财政、审计、统计等方面工作，协调各区县和部门开展工作。" * 3
    body = "".join(f"<div>{portals._labelled(p)}</div>" for p in portals.paragraphs())
    return (f"<html><body><div class='wrap'><div class='left'><h1>{portals.TITLE}</h1><div class='info'>发布日期：2024-03-26</div>"
            f"<div class='txt'>{body}</div></div><div class='right'><h3>领导信息</h3><p>{prose}</p></div></div>"
            f"<div class='comment'><p>{'网友留言：支持天门加快发展，期待更多好项目落地。' * 8}</p></div></body></html>")  # fmt: skip


def _aspnet_form():
    # an ASP.NET WebForms portal: the whole page inside one <form>, its header in a <header>
    page = portals.hanweb_portal()
    page = page.replace("<body>", '<body><form method="post" action="./Detail.aspx?id=4410012" id="form1">', 1)
    page = page.replace('<div id="top">', '<header><div id="top">', 1).replace('<div class="wzy_position">', '</header><div class="wzy_position">', 1)
    return page.replace("</body>", "</form></body>", 1)


@pytest.mark.parametrize("build", [_rows_page, _brbr_fragment, _section_per_turn, _sidebar_and_comments, _aspnet_form])
def test_other_layouts_of_the_same_text(build, real):
    parsed = generic.read_detail(build(), None)
    assert _spoken(parsed) == _spoken(real)
    assert (parsed.briefing.title, parsed.briefing.publish_date) == (portals.TITLE, date(2024, 3, 26))
    assert [w for w in ("打印", "关闭", "领导信息", "网友留言") if w in parsed.transcript] == []
