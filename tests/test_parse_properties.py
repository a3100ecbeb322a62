"""Property tests: arbitrary and mutilated pages give a ParsedBriefing or a ParseError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.errors import ParseError
from briefings.models import ListPage, ParsedBriefing
from briefings.parsing import parse_html, parse_list_page, parse_text
from tests import shapes
from tests import variants as v

REAL = v.real_page()
SEED = v.seed_text()
LIST = v.list_page()
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces of markup and text the portal uses, to build plausible garbage
TOKENS = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<strong>", "</strong>", "<div class=\"text_record\">", "<div>", "</div>",
        "<div class=\"hbgov-article-content\">", "<script>", "</script>", "<style>", "&nbsp;", "&ensp;",
        "\u3000", "：", ":", "\n", "湖北日报记者：", v.HOST_LABEL + "：", v.XIAO + "：", "出席今天发布会的有：",
        "<li><b>嘉宾：</b>", "<li><b>时间：</b>2024-03-25</li>", "女士；", "谢谢！", "<!--", "-->", "<", ">",
    ]
)  # fmt: skip


def _check(parse, page):
    try:
        result = parse(page)
    except ParseError:
        return
    if isinstance(result, ParsedBriefing):
        assert result.turns, "a briefing with zero turns"
        for turn in result.turns:
            assert turn.text == turn.span.cut(result.transcript)
            assert turn.label_span is not None and turn.label == turn.label_span.cut(result.transcript)
        assert shapes.coverage_problems(result) == []
        lead = [e.text for e in result.extras if e.kind == "lead"]
        assert result.briefing.lead == ("\n".join(lead) if lead else None)
    else:
        assert isinstance(result, ListPage)


@PROFILE
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    _check(lambda t: parse_html(t, v.PAGE_URL), text)
    _check(lambda t: parse_text(t, None), text)
    _check(lambda t: parse_list_page(t, v.LIST_URL), text)


@PROFILE
@given(st.lists(st.one_of(TOKENS, st.text(max_size=12)), max_size=60).map("".join))
def test_markup_soup(page):
    _check(lambda t: parse_html(t, v.PAGE_URL), page)
    _check(lambda t: parse_text(t, None), page)


@PROFILE
@given(st.data())
def test_mutilated_real_page(data):
    page = REAL
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(page)))
        end = data.draw(st.integers(start, min(len(page), start + 3000)))
        insert = data.draw(st.one_of(st.just(""), TOKENS))
        page = page[:start] + insert + page[end:]
    _check(lambda t: parse_html(t, v.PAGE_URL), page)


@PROFILE
@given(st.data())
def test_mutilated_seed_text_and_list_page(data):
    cut = data.draw(st.integers(0, len(SEED)))
    length = data.draw(st.integers(0, 2000))
    _check(lambda t: parse_text(t, None), SEED[:cut] + SEED[cut + length :])
    cut = data.draw(st.integers(0, len(LIST)))
    _check(lambda t: parse_list_page(t, v.LIST_URL), LIST[:cut] + LIST[cut + length :])


# pieces of the transcript shapes of other press offices (issue 13), from the real openings
SHAPE_PIECES = st.sampled_from(
    [
        "主持人：", "主持人 李伦:", "主持人（省生态环境厅宣教处处长杨正国）：", "李伦：", "许静:", "记者：",
        "湖北日报记者：", "四川日报记者张三：", "问：", "答：", v.HOST_LABEL + "：", v.XIAO + "：", "肖敏：",
        "主持人:福建省委宣传部对外新闻处处长柯宜达 女士们、先生们,大家上午好!",
        "（播放宣传片）", "【现场提问】", "推荐文章", "热点文章", "责任编辑：张琳", "扫一扫", "【打印】【关闭】", "|",
        "谢谢大家! |", "来源：四川发布 2024-10-20 14:08", "导读", v.LEAD, v.TITLE_LINE,
        "出席今天发布会的有:团省委副书记许静女士,省总工会党组成员、副主席周键先生。",
        "各位媒体朋友们,大家下午好!", "主要做法如下：", "今(20)日14:30,四川省人民政府新闻办举行新闻发布会。",
        "根据安排：今天举行新闻发布会。", "\u3000", " ", "：", "主持人:李伦", "主持人：省政府新闻办副主任张竞怡",
        "时间：2024-03-25", "嘉宾：天门市委副书记、市长肖敏；天门市科技局局长夏齐飞。", "记者(四川日报):",
        "国务院新闻办公室新闻局副局长、新闻发言人 寿小丽:", "肖敏（天门市委副书记、市长）：",
        "【主持人】", "【主持人】各位记者朋友,上午好!", "【湖北日报记者】请问?", "[问]", "问1：请问?", "答1：谢谢。",
    ]
)  # fmt: skip


@PROFILE
@given(st.lists(st.one_of(SHAPE_PIECES, st.text(max_size=20)), max_size=40))
def test_transcript_shapes_cover_the_text_once(pieces):
    """Any transcript the parser accepts: turns, lead, narration and tail cover it exactly once, in order."""
    _check(lambda t: parse_text(t, None), "\n".join(pieces))
    _check(lambda t: parse_html(t, v.PAGE_URL), '<div class="text_record"><div>'
           + "".join(f"<p>{p}</p>" for p in pieces) + "</div></div>")
