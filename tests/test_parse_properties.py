"""Property tests: arbitrary and mutilated pages give a ParsedBriefing or a ParseError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.errors import ParseError
from briefings.models import ListPage, ParsedBriefing
from briefings.parsing import parse_text
from briefings.sites.hubei import parse_html, read_list as parse_list_page
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


# --- every label-like line or sentence is a turn's start or a suspect_label (issue 22) -----------

_SENTENCE_END = "。！？!?…”"
_STOPS = set(_SENTENCE_END + "，,；;“：:\"'‘’「」『』《》\n")


def _label_like_heads(transcript: str) -> list[tuple[int, str]]:
    """(offset, head) of every line start and every sentence start outside quotations whose head
    before a colon (not ``14:30``) opens like a label (``speakers.label_like``)."""
    from briefings.parsing.speakers import label_like

    found: list[tuple[int, str]] = []
    position = 0
    for line in transcript.split("\n"):
        starts = [0]
        depth = 0
        for i, ch in enumerate(line[:-1]):
            depth += (ch in "“「『") - (ch in "”」』")
            if ch in _SENTENCE_END and depth <= 0 and line[: i + 1].count('"') % 2 == 0:
                starts.append(i + 1)
        for start in starts:
            rest = line[start:].lstrip(" \t\u3000\xa0\u2002\u2003")
            start += len(line[start:]) - len(rest)
            for colon in re_colon.finditer(rest[:49]):
                at = colon.start()
                if at and at + 1 < len(rest) and rest[at - 1].isdigit() and rest[at + 1].isdigit():
                    continue
                head = rest[:at].rstrip(" \t\u3000\xa0\u2002\u2003")
                if start and any(ch in _STOPS for ch in head):
                    break
                if head and label_like(head):
                    found.append((position + start, head))
                break
        position += len(line) + 1
    return found


import re as _re  # noqa: E402

re_colon = _re.compile(r"[：:]")


def _check_labels_accounted(parsed: ParsedBriefing) -> None:
    """Every label-like head is a turn's label (starting or repeated), a suspect_label, or site matter."""
    suspects = {s.span.start for s in parsed.suspect_labels}
    for s in parsed.suspect_labels:
        assert s.text == s.span.cut(parsed.transcript)
    for offset, head in _label_like_heads(parsed.transcript):
        if offset in suspects or head.startswith(("主持", "【主持")):
            continue  # recorded, or 主持人：<name> among preamble items (it names the host)
        if any(e.span.start <= offset < e.span.end for e in parsed.extras if e.kind in ("tail", "narration")):
            continue
        turn = next((t for t in parsed.turns if t.label_span and offset <= t.label_span.start < offset + len(head)
                     + 1), None)
        if turn is not None:
            continue
        # else a label repeated before the next paragraph of the same speaker, inside that speaker's turn
        holder = next((t for t in parsed.turns if t.span.start <= offset < t.span.end), None)
        same = holder is not None and (
            head.endswith(holder.label.split("】")[-1].split(":")[-1].split("：")[-1]) or holder.speaker in head
        )
        assert same, (
            f"label-like {head!r} at {offset} is neither a turn nor a suspect_label"
        )


@PROFILE
@given(st.lists(st.tuples(SHAPE_PIECES, st.sampled_from(["\n", "", "。"])), max_size=40))
def test_label_like_heads_are_turns_or_suspect_labels(pieces):
    """Lines and sentences (pieces joined by line breaks, by nothing, or after a 。) that open like a
    label start a turn or are recorded as suspect_labels; the spans still cover the text once."""
    text = "".join(piece + sep for piece, sep in pieces)
    try:
        parsed = parse_text(text, None)
    except ParseError:
        return
    assert shapes.coverage_problems(parsed) == []
    _check_labels_accounted(parsed)


def test_label_like_heads_on_session_12_joined_into_one_paragraph():
    groups = v.turn_groups(v.transcript_texts())
    joined = "".join(f"{label}：{''.join(texts)}" for label, texts in groups)
    joined = joined.replace("湖北省委宣传部二级巡视员黄勤：", "湖北省人民政府新闻办公室黄勤：")
    parsed = parse_text(v.text_page([joined]))
    # the host is never introduced: the first of their labels opens the text, the others are suspects
    assert [s.text for s in parsed.suspect_labels] == ["湖北省人民政府新闻办公室黄勤"] * 3
    _check_labels_accounted(parsed)
    assert shapes.coverage_problems(parsed) == []
