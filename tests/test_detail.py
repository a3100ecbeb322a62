"""Detail pages: the real session-12 page (both portals), its text, the article template, bad pages."""

from __future__ import annotations

import importlib.util
from datetime import date

import pytest

from briefings.errors import ParseError
from briefings.models import Position
from briefings.parsing import PARSER_VERSION, parse_text
from briefings.sites import parse_page
from briefings.sites.hubei import parse_html
from briefings.parsing.detail import briefing_facts_from_title
from tests import variants as v

TITLE = "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
SUMMARY = "3月25日下午，湖北召开“奋战开门红 市长话经济”系列新闻发布会第十二场，介绍天门市培育壮大新质生产力，加快推进新型工业化相关情况，并回答记者提问。"


@pytest.fixture(scope="module")
def real():
    return parse_html(v.real_page(), v.PAGE_URL)


def test_briefing_fields_of_the_real_page(real):
    b = real.briefing
    assert (b.url, b.title, b.series, b.session_no, b.city) == (v.PAGE_URL, TITLE, "奋战开门红 市长话经济", 12, "天门")
    assert (b.event_date, b.publish_date) == (date(2024, 3, 25), date(2024, 3, 26))
    assert b.summary == SUMMARY
    assert (b.content_source, b.template) == ("湖北省人民政府新闻办公室", "classic")
    assert real.parser_version == PARSER_VERSION


def test_guests_of_the_real_page(real):
    assert [(g.guest_no, g.name, g.gender) for g in real.guests] == [
        (1, "肖敏", "female"),
        (2, "周启荣", "male"),
        (3, "夏齐飞", "male"),
        (4, "陈明敏", "male"),
        (5, "陈晓敏", "female"),
        (6, "黄祥斌", "male"),
    ]
    assert real.guests[0].positions == (Position("天门市委", "副书记"), Position("天门市", "市长"))
    assert [g.speaker_id for g in real.guests][3:5] == ["陈明敏@天门", "陈晓敏@天门"]


def test_turns_of_the_real_page(real):
    assert len(real.turns) == 16
    assert [(t.speaker if t.role != "journalist" else t.outlet) for t in real.turns] == [
        "黄勤", "肖敏", "黄勤", "湖北日报", "夏齐飞", "经济日报", "黄祥斌", "湖北发布",
        "肖敏", "央广网", "陈晓敏", "新华网", "周启荣", "极目新闻", "陈明敏", "黄勤",
    ]  # fmt: skip
    assert real.turns[0].text.startswith("记者朋友们，下午好！欢迎参加省政府新闻办新闻发布会。")
    assert real.turns[8].text.endswith("不断增强群众和经营主体获得感、满意度。\n谢谢！")
    assert real.turns[13].text.endswith("请问天门市将如何落实这一工作部署？")


def test_tianmen_portal_republication_gives_the_same_turns(real):
    other = parse_html(v.tianmen_page(), v.TIANMEN_URL)
    assert other.briefing.publish_date == date(2024, 4, 7)
    assert other.briefing.event_date == date(2024, 3, 25)
    assert other.turns == real.turns
    assert other.transcript == real.transcript


def test_seed_text(real):
    text = parse_text(v.seed_text())
    b = text.briefing
    assert (b.url, b.template, b.series, b.session_no, b.city) == (None, "text", "奋战开门红 市长话经济", 12, "天门")
    assert b.title == TITLE.replace("：", ":")
    assert (b.event_date, b.publish_date) == (date(2024, 3, 25), date(2024, 3, 26))
    assert b.summary == SUMMARY.replace("，", ",")
    assert [g.name for g in text.guests] == [g.name for g in real.guests]
    assert [(q.question_turn_no, q.answer_turn_no) for q in text.qa_pairs] == list(v.EXPECTED_QA)


def test_article_template(real):
    parsed = parse_html(v.article_template(v.real_page()), v.PAGE_URL)
    b = parsed.briefing
    assert (b.template, b.title, b.session_no, b.city) == ("article", TITLE, 12, "天门")
    assert (b.event_date, b.publish_date, b.summary) == (date(2024, 3, 25), date(2024, 3, 26), SUMMARY)
    assert b.content_source == "湖北省人民政府新闻办公室"
    assert parsed.turns == real.turns
    assert "分享到" not in parsed.transcript and "扫一扫" not in parsed.transcript
    assert "上一篇" not in parsed.transcript
    bare = v.article_template(v.real_page()).replace('<div class="hbgov-article-content">', "<div>")
    assert parse_html(bare, v.PAGE_URL).turns == real.turns  # editor div without the hbgov wrapper
    split = parse_html(v.article_items_split(v.real_page()), v.PAGE_URL)
    assert split.briefing.summary == SUMMARY
    assert split.turns == real.turns


def test_synthetic_second_briefing_shares_the_host(real):
    other = parse_html(v.synthetic_second_briefing(v.real_page()), v.SYNTHETIC_URL)
    assert other.briefing.title.startswith("（合成测试页）")
    assert (other.briefing.session_no, other.briefing.city) == (13, "潜江")
    hosts = {t.speaker_id for p in (real, other) for t in p.turns if t.role == "host"}
    assert hosts == {"黄勤@湖北"}
    assert other.turns[1].speaker_id == "肖敏@潜江" != real.turns[1].speaker_id


@pytest.mark.parametrize(
    ("title", "facts"),
    [
        (TITLE, ("奋战开门红 市长话经济", 12, "天门")),
        ("“奋战开门红 市长话经济”第三场 襄阳：…", ("奋战开门红 市长话经济", 3, "襄阳")),
        ("“奋战开门红 市长话经济”第二十一场 神农架 …", ("奋战开门红 市长话经济", 21, "神农架")),
        ("湖北省政府新闻办新闻发布会", (None, None, None)),
        ("四川省新冠肺炎疫情防控工作第17场新闻发布会", (None, 17, None)),  # Sichuan's lead: no city
    ],
)
def test_briefing_facts_from_title(title, facts):
    assert briefing_facts_from_title(title) == facts


def test_no_transcript_block_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        parse_html(v.no_transcript_block(v.real_page()), v.PAGE_URL)
    assert (info.value.missing, info.value.url) == ("transcript block", v.PAGE_URL)


def test_challenge_page_is_a_parse_error_not_an_empty_briefing():
    challenge = "<html><head><script r='m'>$_ss.nsd=1;$_ss.cd='x';</script></head><body></body></html>"
    with pytest.raises(ParseError):
        parse_html(challenge, v.PAGE_URL)


def test_no_label_before_the_first_paragraph_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        parse_html(v.first_paragraph_not_a_label(v.real_page()), v.PAGE_URL)
    assert info.value.missing == "speaker label before the first paragraph"
    with pytest.raises(ParseError):
        parse_text("发布会详情\n标题\n时间:2024-03-26\n")


def test_parse_page_sets_version_and_uses_indicators_when_present(real):
    page = parse_page(v.real_page(), v.PAGE_URL, kind="html")
    text = parse_page(v.seed_text(), None, kind="text")
    assert page.turns == real.turns and page.parser_version == text.parser_version == PARSER_VERSION
    if importlib.util.find_spec("briefings.parsing.indicators") is None:
        assert page.mentions == ()
    else:
        from briefings.parsing.indicators import extract_mentions

        assert page.mentions == tuple(extract_mentions(real.transcript, real.turns, date(2024, 3, 25)))
    with pytest.raises(ValueError):
        parse_page(v.real_page(), v.PAGE_URL, kind="pdf")  # type: ignore[arg-type]
