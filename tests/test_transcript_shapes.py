"""Transcript shapes of other press offices (issue 13), on real text: the Sichuan and Fujian openings,
and session 12 rewritten in the shapes other portals use."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.errors import ParseError
from briefings.models import Position
from briefings.parsing import parse_text
from briefings.sites.hubei import parse_html
from tests import shapes
from tests import variants as v


def _turns(parsed, expected):
    """(speaker, role, outlet, the first words as expected) of every turn, for an exact comparison."""
    assert len(parsed.turns) == len(expected), [(t.speaker, t.text[:20]) for t in parsed.turns]
    return [
        (t.speaker, t.role, t.outlet, t.text[: len(e[3])]) for t, e in zip(parsed.turns, expected)
    ]


def test_sichuan_opening_lead_host_with_name_repeated_labels_and_roster():
    parsed = parse_text(shapes.sichuan_text())
    expected = [
        ("李伦", "host", None, "女士们、先生们,记者朋友们"),
        ("许静", "guest", None, "各位媒体朋友们,大家下午好"),
    ]
    assert _turns(parsed, expected) == expected
    host, guest = parsed.turns
    # three paragraphs of 李伦 under three labels: one turn holding its repeated labels as written
    assert host.label == "主持人 李伦"
    assert host.text.count("\n主持人 李伦:\n") == 2 and host.text.endswith("以免中途来电影响发布会正常进行。")
    assert guest.label == "许静" and guest.text.count("\n许静:\n") == 1
    assert guest.text.endswith("这项工作是我们在3")
    assert [(g.guest_no, g.name, g.gender) for g in parsed.guests] == [
        (1, "许静", "female"), (2, "周键", "male"), (3, "吕芙蓉", "female"), (4, "林玉梅", "female"),
    ]  # fmt: skip
    assert parsed.guests[1].label == "省总工会党组成员、副主席周键"
    assert guest.gender == "female" and guest.speaker_id == parsed.guests[0].speaker_id
    b = parsed.briefing
    assert b.lead is not None and b.lead.startswith("今(20)日14:30,四川省人民政府新闻办将采取网络发布会的形式")
    assert b.lead.endswith("四川发布客户端将全程直播,敬请关注!")
    assert (b.title, b.series, b.session_no, b.city) == ("", None, None, None)
    assert (b.event_date, b.publish_date) == (None, None)  # 今(20)日, and no month or year anywhere
    assert [(e.kind, e.span.start) for e in parsed.extras] == [("lead", 0)]
    assert shapes.coverage_problems(parsed) == []


def test_fujian_opening_host_label_inline_with_office_and_table_residue():
    parsed = parse_text(shapes.fujian_text())
    expected = [("柯宜达", "host", None, "女士们、先生们、各位记者朋友")]
    assert _turns(parsed, expected) == expected
    (turn,) = parsed.turns
    assert turn.label == "主持人:福建省委宣传部对外新闻处处长柯宜达"
    assert turn.speaker_id == "柯宜达@福建"
    assert turn.text.endswith("今天的新闻发布会到此结束,谢谢大家!")
    assert [(e.kind, e.text) for e in parsed.extras] == [("tail", "|")]
    # the guest is named in the host's speech: 邀请…新闻发言人郑彧
    assert [(g.name, g.label) for g in parsed.guests] == [("郑彧", "省生态环境厅党组成员、总工程师、新闻发言人郑彧")]
    assert parsed.briefing.lead is None
    assert shapes.coverage_problems(parsed) == []


def test_briefings_parse_command_on_the_other_openings():
    runner = CliRunner()
    result = runner.invoke(app, ["parse", str(shapes.SICHUAN_PATH), "--format", "json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert [(t["speaker"], t["role"]) for t in obj["turns"]] == [("李伦", "host"), ("许静", "guest")]
    assert [(g["name"], g["gender"]) for g in obj["guests"]] == [
        ("许静", "female"), ("周键", "male"), ("吕芙蓉", "female"), ("林玉梅", "female"),
    ]  # fmt: skip
    assert obj["briefing"]["lead"].startswith("今(20)日14:30")
    result = runner.invoke(app, ["parse", str(shapes.FUJIAN_PATH)])
    assert result.exit_code == 0, result.output
    # a text without title or 发布会实录 block says so, instead of printing None
    assert result.output.splitlines()[:2] == ["(no title found)", "(no series, session, city or dates found)"]
    assert "guests: 郑彧" in result.output and "1 柯宜达 (host): 女士们、先生们" in result.output
    assert "1 turns" in result.output


# --- session 12 rewritten in the shapes other portals write ------------------------------------

REAL_EXPECTED = [(e[1], e[2], e[3], e[4]) for e in v.EXPECTED_TURNS]  # (speaker, role, outlet, first words)
GUEST_NAMES = ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
GUEST_GENDERS = ["female", "male", "male", "male", "female", "male"]
HOST_TURNS = (0, 2, 15)
JOURNALIST_TURNS = (3, 5, 7, 9, 11, 13)
ANSWER_TURNS = (4, 6, 8, 10, 12, 14)


def _expected(**changes):
    """REAL_EXPECTED with turns (index -> (speaker, role, outlet, first words)) replaced."""
    rows = list(REAL_EXPECTED)
    for index, row in changes.items():
        rows[int(index.lstrip("t"))] = row
    return rows


def _check(parsed, expected, guests=GUEST_NAMES):
    assert _turns(parsed, expected) == expected
    assert [g.name for g in parsed.guests] == guests
    assert shapes.coverage_problems(parsed) == []


def _groups():
    return v.turn_groups(v.transcript_texts())


def _relabel(groups, labels: dict[int, str]):
    return [(labels.get(i, label), paragraphs) for i, (label, paragraphs) in enumerate(groups)]


def test_host_labelled_only_as_host_named_by_the_lead():
    groups = _relabel(_groups(), {i: "主持人" for i in HOST_TURNS})
    page = v.shaped_page([v.LEAD, *v.from_groups(groups)])
    parsed = parse_html(page, v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    hosts = [parsed.turns[i] for i in HOST_TURNS]
    assert {(t.label, t.speaker_id) for t in hosts} == {("主持人", "黄勤@湖北")}
    assert parsed.briefing.lead == v.LEAD
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)


def test_host_label_with_name_then_name_alone_then_bare_host_label():
    groups = _relabel(_groups(), {0: "主持人 黄勤", 2: "黄勤", 15: "主持人"})
    parsed = parse_html(v.shaped_page(v.from_groups(groups)), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert [parsed.turns[i].label for i in HOST_TURNS] == ["主持人 黄勤", "黄勤", "主持人"]
    assert {parsed.turns[i].speaker_id for i in HOST_TURNS} == {"黄勤"}


def test_host_label_with_office_in_brackets_inline_with_the_first_sentence():
    groups = _relabel(_groups(), {0: "主持人（湖北省委宣传部二级巡视员黄勤）", 2: "主持人", 15: "主持人"})
    parsed = parse_html(v.shaped_page(v.from_groups(groups, inline={0})), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert parsed.turns[0].label == "主持人（湖北省委宣传部二级巡视员黄勤）"
    assert {parsed.turns[i].speaker_id for i in HOST_TURNS} == {"黄勤@湖北"}
    assert parsed.turns[0].positions[0].organisation == "湖北省委宣传部"


def test_officials_inline_and_by_name_alone_after_the_first_time():
    groups = _relabel(_groups(), {8: "肖敏", 14: "陈明敏"})
    inline = {1, 4, 6, 8, 10}
    parsed = parse_html(v.shaped_page(v.from_groups(groups, inline=inline)), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert parsed.turns[8].label == "肖敏" and parsed.turns[8].speaker_id == parsed.turns[1].speaker_id == "肖敏@天门"
    assert parsed.turns[14].speaker_id == "陈明敏@天门"


def test_official_never_introduced_still_speaks_and_guests_come_from_the_roster():
    # no 嘉宾 block, and 周启荣 left out of the host's roster: his label alone says who he is
    paragraphs = [p for p in v.transcript_texts() if not p.startswith("天门市发改委党组书记、主任周启荣先生")]
    parsed = parse_html(v.shaped_page(paragraphs, items=False), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED, guests=["肖敏", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"])
    assert [g.gender for g in parsed.guests] == ["female", "male", "male", "female", "male"]
    assert (parsed.turns[12].role, parsed.turns[12].speaker_id) == ("guest", "周启荣@天门")


def test_journalists_without_outlet_and_with_a_name():
    labels = {3: "记者", 5: "经济日报记者王磊", 7: "湖北发布记者 李娜", 9: "央广网全媒体记者"}
    parsed = parse_html(v.shaped_page(v.from_groups(_relabel(_groups(), labels))), v.PAGE_URL)
    expected = _expected(
        t3=("记者", "journalist", None, "企业是创新的主体"),
        t5=("王磊", "journalist", "经济日报", "近年来，天门市以发展纺织服装"),
        t7=("李娜", "journalist", "湖北发布", "去年以来，天门市围绕稳增长"),
        t9=("央广网全媒体记者", "journalist", "央广网", "工业的高质量发展离不开"),
    )
    _check(parsed, expected)
    assert parsed.turns[3].speaker_id == "journalist@unknown"
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)


def test_question_and_answer_labels():
    labels = {i: "问" for i in JOURNALIST_TURNS} | {i: "答" for i in ANSWER_TURNS}
    parsed = parse_html(v.shaped_page(v.from_groups(_relabel(_groups(), labels))), v.PAGE_URL)
    changes = {f"t{i}": ("问", "journalist", None, REAL_EXPECTED[i][3]) for i in JOURNALIST_TURNS}
    changes |= {f"t{i}": ("答", "guest", None, REAL_EXPECTED[i][3]) for i in ANSWER_TURNS}
    _check(parsed, _expected(**changes))
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)


def test_the_same_label_repeated_before_every_paragraph_is_one_turn():
    groups = _groups()
    paragraphs: list[str] = []
    for label, texts in groups:
        for text in texts:
            paragraphs.extend([f"{label}：", text])
    parsed = parse_html(v.shaped_page(paragraphs), v.PAGE_URL)
    _check(parsed, [(s, r, o, words.split("\n")[0]) for s, r, o, words in REAL_EXPECTED])
    real = parse_html(v.real_page(), v.PAGE_URL)
    for turn, real_turn, (label, _) in zip(parsed.turns, real.turns, groups):
        assert turn.text.replace(f"\n{label}：\n", "\n") == real_turn.text


def test_preamble_without_items_in_html_and_text():
    preamble = [v.TITLE_LINE, "来源：湖北省人民政府新闻办公室 2024-03-26 10:31", "导读", v.LEAD]
    page = v.shaped_page([*preamble, *v.transcript_texts()], items=False)
    parsed = parse_html(page, v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    b = parsed.briefing
    assert b.lead == "\n".join(preamble)
    assert (b.event_date, b.publish_date, b.session_no, b.city) == (date(2024, 3, 25), date(2024, 3, 26), 12, "天门")
    assert [g.gender for g in parsed.guests] == GUEST_GENDERS
    text = parse_text(v.text_page(preamble[1:] + v.transcript_texts(), items=False))
    _check(text, REAL_EXPECTED)
    assert text.briefing.lead == "\n".join(preamble[1:])
    assert (text.briefing.event_date, text.briefing.publish_date) == (date(2024, 3, 25), date(2024, 3, 26))
    assert text.briefing.content_source == "湖北省人民政府新闻办公室"


def test_narration_and_site_tail_are_recorded_not_spoken():
    groups = _groups()
    paragraphs = v.from_groups(groups)
    at_question = paragraphs.index(next(p for p in paragraphs if p.startswith("湖北日报记者：")))
    paragraphs.insert(at_question, v.NARRATION[1])
    paragraphs.insert(paragraphs.index(v.XIAO + "："), v.NARRATION[0])
    parsed = parse_html(v.shaped_page([*paragraphs, *v.TAIL]), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert [(e.kind, e.text) for e in parsed.extras] == [
        ("narration", v.NARRATION[0]), ("narration", v.NARRATION[1]), ("tail", "\n".join(v.TAIL)),
    ]  # fmt: skip
    assert parsed.turns[15].text.endswith("今天的新闻发布会到此结束。")
    assert v.NARRATION[0] not in parsed.turns[0].text and v.NARRATION[1] not in parsed.turns[2].text


def test_narration_inside_a_turn_splits_it_and_the_speaker_goes_on():
    paragraphs = v.transcript_texts()
    at = paragraphs.index("大家好！") + 1
    paragraphs.insert(at, v.NARRATION[0])
    parsed = parse_html(v.shaped_page(paragraphs), v.PAGE_URL)
    rest = paragraphs[at + 1]
    expected = [*REAL_EXPECTED[:2], ("肖敏", "guest", None, rest[:8]), *REAL_EXPECTED[2:]]
    _check(parsed, expected)
    assert parsed.turns[2].label_span == parsed.turns[1].label_span
    assert parsed.turns[1].text == "各位媒体朋友：\n大家好！"


@pytest.mark.parametrize("colon", [" ：", "\u3000：", " :", "："])
def test_space_before_the_colon_and_bold_labels(colon):
    paragraphs = [p.replace("：", colon, 1) if v._is_official_label(p) or v._journalist_split(p) else p
                  for p in v.transcript_texts()]
    bold = [f"<b>{p}</b>" if v._is_official_label(p.replace(colon, "：")) else p for p in paragraphs]
    parsed = parse_html(v.shaped_page(bold), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)


def test_unreadable_labels_are_a_parse_error_not_one_turn():
    groups = _relabel(_groups(), {i: f"发言人{'甲乙丙丁戊己庚辛壬癸子丑寅卯辰'[i]}" for i in range(1, 15)})
    groups = _relabel(groups, {i: "主持人" for i in HOST_TURNS})
    paragraphs = [p.replace("记者：", "发言人：") for p in v.from_groups(groups)]
    with pytest.raises(ParseError) as info:
        parse_html(v.shaped_page(paragraphs, items=False), v.PAGE_URL)
    assert info.value.missing == "speaker labels"


def test_lead_and_extra_spans_are_loaded_and_the_list_date_stands_in_for_publication(fresh_warehouse):
    from warehouse.connect import open_writer
    from warehouse.load import upsert_briefing

    url = "https://www.sc.gov.cn/10462/10464/13298/13299/2020/2/20/example.shtml"
    sichuan, fujian = parse_text(shapes.sichuan_text(), url), parse_text(shapes.fujian_text(), url + "?2")
    con = open_writer(fresh_warehouse)
    try:
        upsert_briefing(con, sichuan, url=url, content_sha256="1" * 64, run_id="r1", list_date=date(2020, 2, 20))
        upsert_briefing(con, fujian, url=url + "?2", content_sha256="2" * 64, run_id="r1")
        rows = con.execute(
            "SELECT series, session_no, city, publish_date, lead, extra_spans::VARCHAR, turn_count FROM briefings "
            "ORDER BY url"
        ).fetchall()
        history = con.execute("SELECT lead FROM briefings_history ORDER BY url").fetchall()
    finally:
        con.close()
    lead_end = len(sichuan.briefing.lead)
    assert rows[0] == (
        None, None, None, date(2020, 2, 20), sichuan.briefing.lead,
        json.dumps([{"kind": "lead", "span_start": 0, "span_end": lead_end}]), 2,
    )  # fmt: skip
    pipe = len(fujian.transcript) - 1
    assert rows[1][3:] == (None, None, json.dumps([{"kind": "tail", "span_start": pipe, "span_end": pipe + 1}]), 1)
    assert history == [(sichuan.briefing.lead,), (None,)]


def test_spaced_names_bracketed_offices_and_bracketed_outlets():
    labels = {
        0: "湖北省委宣传部二级巡视员 黄勤",  # a space before the name
        1: "肖敏（天门市委副书记、市长）",  # the name, then the office in brackets
        3: "记者（湖北日报）",  # the outlet in brackets
        4: "天门市科技局局长 夏齐飞",
        5: "记者(经济日报 王磊)",
    }
    parsed = parse_html(v.shaped_page(v.from_groups(_relabel(_groups(), labels))), v.PAGE_URL)
    expected = _expected(
        t3=("记者（湖北日报）", "journalist", "湖北日报", "企业是创新的主体"),
        t5=("王磊", "journalist", "经济日报", "近年来，天门市以发展纺织服装"),
    )
    _check(parsed, expected)
    ids = [parsed.turns[i].speaker_id for i in (0, 1, 2, 4, 8)]
    assert ids == ["黄勤@湖北", "肖敏@天门", "黄勤@湖北", "夏齐飞@天门", "肖敏@天门"]
    assert parsed.turns[1].label == "肖敏（天门市委副书记、市长）"


def test_without_items_or_roster_genders_come_from_mentions():
    start = v.transcript_texts().index("出席今天发布会的有：")
    paragraphs = [p for i, p in enumerate(v.transcript_texts()) if not start <= i <= start + 6]
    parsed = parse_html(v.shaped_page(paragraphs, items=False), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED, guests=[])
    assert parsed.turns[1].gender == "female"  # 首先，请肖敏女士介绍…
    assert parsed.turns[4].gender is None  # 夏齐飞 is never called 先生 without the roster


def test_items_after_a_title_line_in_the_body_and_the_host_named_among_them():
    when, guest_line, _ = v._int_list_items(v.real_page())
    preamble = [v.TITLE_LINE, f"时间：{when}", "主持人：湖北省委宣传部二级巡视员黄勤", f"嘉宾：{guest_line}"]
    groups = _relabel(_groups(), {i: "主持人" for i in HOST_TURNS})
    parsed = parse_html(v.shaped_page([*preamble, *v.from_groups(groups)], items=False), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert parsed.briefing.lead == "\n".join(preamble)
    assert parsed.briefing.event_date == date(2024, 3, 25)
    assert {parsed.turns[i].speaker_id for i in HOST_TURNS} == {"黄勤@湖北"}


def test_host_label_with_the_name_after_the_colon_then_the_speech():
    groups = _relabel(_groups(), {i: "主持人" for i in HOST_TURNS})
    paragraphs = v.from_groups(groups)
    paragraphs[0] = "主持人：黄勤"
    parsed = parse_html(v.shaped_page(paragraphs), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert parsed.turns[0].label == "主持人：黄勤"
    assert {parsed.turns[i].speaker for i in HOST_TURNS} == {"黄勤"}


def test_session_12_in_every_form_has_no_lead_and_no_extra_spans():
    from briefings.fetching.decode import decode_body
    from tests.loopback import page_in

    gbk, _ = decode_body(page_in("gbk", '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'), None)
    forms = [
        parse_html(v.real_page(), v.PAGE_URL),
        parse_html(v.tianmen_page(), v.TIANMEN_URL),
        parse_html(v.article_template(v.real_page()), v.PAGE_URL),
        parse_html(gbk, v.PAGE_URL),
        parse_text(v.seed_text()),
    ]
    for parsed in forms:
        assert (parsed.briefing.lead, parsed.extras, len(parsed.turns)) == (None, (), 16)
        assert parsed.transcript.startswith(v.HOST_LABEL) and shapes.coverage_problems(parsed) == []


def test_labels_in_brackets_without_a_colon_and_numbered_questions():
    paragraphs: list[str] = []
    for index, (label, texts) in enumerate(_groups()):
        if index in HOST_TURNS:
            paragraphs.extend([f"【主持人】{texts[0]}", *texts[1:]])
        elif index in JOURNALIST_TURNS:
            paragraphs.extend([f"【{label}】{texts[0]}", *texts[1:]])
        elif index == 8:
            paragraphs.extend(["【肖敏】", *texts])
        else:
            paragraphs.extend([f"{label}：", *texts])
    parsed = parse_html(v.shaped_page(paragraphs), v.PAGE_URL)
    _check(parsed, [(("主持人",) + e[1:]) if i in HOST_TURNS else e for i, e in enumerate(REAL_EXPECTED)])
    assert [parsed.turns[i].label for i in (0, 3, 8)] == ["【主持人】", "【湖北日报记者】", "【肖敏】"]
    assert parsed.turns[8].speaker_id == "肖敏@天门"
    numbered = [f"问{n}：{p.split('：', 1)[1]}" if p.startswith(tuple(f"{o}记者：" for o in v.OUTLETS)) else p
                for n, p in enumerate(v.from_groups(_groups()))]
    parsed = parse_html(v.shaped_page(numbered), v.PAGE_URL)
    assert [(t.role, t.outlet) for t in parsed.turns if t.label.startswith("问")] == [("journalist", None)] * 6


# --- people introduced before they speak, labels inside paragraphs (issue 22) ------------------

SPOKESPERSON_LEAD = "3月25日下午，湖北省政府新闻办举行新闻发布会，发言人肖敏介绍天门市经济社会发展情况并答记者问。"
HOST_NAMED_LEAD = (
    "3月25日下午，湖北省人民政府新闻办公室举行“奋战开门红 市长话经济”系列新闻发布会第十二场，介绍天门市培育壮大"
    "新质生产力、加快推进新型工业化相关情况，发布会由湖北省人民政府新闻办公室黄勤主持。"
)
JOINED_LEAD = (
    "3月25日下午，湖北召开“奋战开门红 市长话经济”系列新闻发布会第十二场，发布会由湖北省委宣传部二级巡视员黄勤主持，"
    "介绍天门市培育壮大新质生产力、加快推进新型工业化相关情况，并回答记者提问。"
)
PRESIDED_TITLE = "天门市市长肖敏主持新闻发布会介绍天门市培育壮大新质生产力有关情况"


def _questions_and_answers(answer_label: str, question_label: str | None = None):
    """The six questions of session 12, each answered under ``answer_label`` (the real answer's text)."""
    pairs = [group for i, group in enumerate(_groups()) if i in JOURNALIST_TURNS or i in ANSWER_TURNS]
    return [
        (answer_label if i % 2 else (question_label or label), paragraphs) for i, (label, paragraphs) in enumerate(pairs)
    ]


def _qa_expected(answer: tuple[str, str], *, questions_as: str | None = None):
    """(speaker, role, outlet, first words) of the six questions and their answers by ``answer``."""
    rows = []
    for q, a in zip(JOURNALIST_TURNS, ANSWER_TURNS):
        speaker, role, outlet, words = REAL_EXPECTED[q]
        rows.append((questions_as, role, None, words) if questions_as else (speaker, role, outlet, words))
        rows.append((*answer, None, REAL_EXPECTED[a][3]))
    return rows


def test_spokesperson_by_bare_name_introduced_only_in_the_lead():
    groups = _questions_and_answers("肖敏")
    page = v.shaped_page([SPOKESPERSON_LEAD, *v.from_groups(groups, inline=set(range(12)))], items=False)
    parsed = parse_html(page, v.PAGE_URL)
    _check(parsed, _qa_expected(("肖敏", "guest")), guests=["肖敏"])
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == [(n, n + 1) for n in range(1, 12, 2)]
    assert {t.speaker_id for t in parsed.turns if t.role == "guest"} == {parsed.guests[0].speaker_id}
    assert parsed.briefing.lead == SPOKESPERSON_LEAD and parsed.suspect_labels == ()


def test_answers_labelled_da_go_to_the_single_spokesperson_of_the_lead():
    groups = _questions_and_answers("答", "问")
    parsed = parse_html(v.shaped_page([SPOKESPERSON_LEAD, *v.from_groups(groups)], items=False), v.PAGE_URL)
    _check(parsed, _qa_expected(("肖敏", "guest"), questions_as="问"), guests=["肖敏"])
    assert {t.label for t in parsed.turns if t.role == "guest"} == {"答"}
    assert len(parsed.qa_pairs) == 6


def test_answers_labelled_da_go_to_the_host_named_in_the_title_and_stay_qa_pairs():
    groups = _questions_and_answers("答", "问")
    page = v.shaped_page(v.from_groups(groups), items=False).replace(f"<h2>{v.TITLE_LINE}<", f"<h2>{PRESIDED_TITLE}<")
    parsed = parse_html(page, v.PAGE_URL)
    assert parsed.briefing.title == PRESIDED_TITLE
    _check(parsed, _qa_expected(("肖敏", "host"), questions_as="问"), guests=[])
    assert {t.speaker_id for t in parsed.turns if t.role == "host"} == {"肖敏@天门"}
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == [(n, n + 1) for n in range(1, 12, 2)]


def test_answers_labelled_da_with_six_guests_stay_unknown():
    groups = _questions_and_answers("答", "问")
    parsed = parse_html(v.shaped_page([SPOKESPERSON_LEAD, *v.from_groups(groups)]), v.PAGE_URL)
    assert [(t.speaker, t.speaker_id) for t in parsed.turns if t.label == "答"] == [("答", "guest@unknown")] * 6


@pytest.mark.parametrize("form", ["html", "text"])
def test_labels_inside_one_paragraph_after_a_sentence_end(form):
    joined = JOINED_LEAD + "".join(f"{label}：{''.join(texts)}" for label, texts in _groups())
    parsed = parse_html(v.shaped_page([joined]), v.PAGE_URL) if form == "html" else parse_text(v.text_page([joined]))
    first_words = [(s, r, o, w.replace("\n", "")) for s, r, o, w in REAL_EXPECTED]
    _check(parsed, first_words)
    assert parsed.briefing.lead == JOINED_LEAD and parsed.suspect_labels == ()
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)
    assert parsed.turns[3].text.endswith("天门市培育壮大创新主体有关情况？")  # cut before 天门市科技局局长夏齐飞：
    assert parsed.turns[4].label == v.XIA and parsed.turns[1].text.startswith("各位媒体朋友：大家好！")


def test_colons_inside_quotations_after_speech_verbs_and_in_times_cut_nothing():
    paragraphs = v.transcript_texts()
    at = paragraphs.index("谢谢！")
    traps = [
        "他说：“我们要坚持。问：怎么办？答：干就是了。”湖北日报记者曾报道过。",
        "这件事很重要。局长指出：要抓落实。主任表示：好。会议14:30召开。肖敏强调：要推动项目落地。",
    ]
    paragraphs[at:at] = traps
    parsed = parse_html(v.shaped_page(paragraphs), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert "\n".join(traps) in parsed.turns[4].text
    assert parsed.suspect_labels == ()


def test_host_labelled_office_and_name_without_title_word_named_as_host_in_the_lead():
    groups = _relabel(_groups(), {i: "湖北省人民政府新闻办公室黄勤" for i in HOST_TURNS})
    parsed = parse_html(v.shaped_page([HOST_NAMED_LEAD, *v.from_groups(groups)]), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert [parsed.turns[i].label for i in HOST_TURNS] == ["湖北省人民政府新闻办公室黄勤"] * 3
    assert {parsed.turns[i].speaker_id for i in HOST_TURNS} == {"黄勤@湖北"}
    assert parsed.turns[0].positions == (Position("湖北省人民政府新闻办公室", ""),)
    assert parsed.suspect_labels == ()


def test_unread_host_label_is_a_suspect_label_not_silence():
    # the same labels with nothing that introduces 黄勤: never read, so recorded where they stand
    groups = _relabel(_groups(), {i: "湖北省人民政府新闻办公室黄勤" for i in HOST_TURNS})
    parsed = parse_html(v.shaped_page(v.from_groups(groups)), v.PAGE_URL)
    assert len(parsed.turns) == 13
    assert [s.text for s in parsed.suspect_labels] == ["湖北省人民政府新闻办公室黄勤"] * 3
    assert [s.span.cut(parsed.transcript) for s in parsed.suspect_labels] == ["湖北省人民政府新闻办公室黄勤"] * 3
    host_label_at = [s.span.start for s in parsed.suspect_labels]
    assert host_label_at[0] == 0 and parsed.turns[2].text.startswith("谢谢你的提问。近年来")
    assert all(parsed.transcript[start - 1] == "\n" for start in host_label_at[1:])


def test_roster_on_one_line_with_offices_holding_commas():
    paragraphs = v.transcript_texts()
    at = paragraphs.index("出席今天发布会的有：")
    roster = "出席今天发布会的有：" + "、".join(p.rstrip("；。") for p in paragraphs[at + 1 : at + 7]) + "。"
    assert roster.count("、") == 9 and "局长陈晓敏女士、天门市招商" in roster
    parsed = parse_html(v.shaped_page([*paragraphs[:at], roster, *paragraphs[at + 7 :]], items=False), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED)
    assert [(g.name, g.gender) for g in parsed.guests] == list(zip(GUEST_NAMES, GUEST_GENDERS))
    assert parsed.guests[4].label == "天门市政务服务和大数据管理局党组书记、局长陈晓敏"


def test_presiding_spokesperson_by_bare_name_is_the_host_with_the_title_offices():
    # a routine-briefing shape: the title names who presides, every label is the bare name
    intro = _groups()[1][1]
    groups = [("肖敏", intro), *_questions_and_answers("肖敏")]
    page = v.shaped_page(v.from_groups(groups, inline=set(range(13))), items=False)
    parsed = parse_html(page.replace(f"<h2>{v.TITLE_LINE}<", f"<h2>{PRESIDED_TITLE}<"), v.PAGE_URL)
    expected = [("肖敏", "host", None, REAL_EXPECTED[1][3].split("\n")[0]), *_qa_expected(("肖敏", "host"))]
    _check(parsed, expected, guests=[])
    assert {t.speaker_id for t in parsed.turns if t.role == "host"} == {"肖敏@天门"}
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == [(n, n + 1) for n in range(2, 13, 2)]


def test_invitation_of_two_joined_by_he_names_both_without_the_conjunction():
    lead = "3月25日下午，湖北省政府新闻办举行新闻发布会，请天门市委副书记、市长肖敏和天门市科技局局长夏齐飞介绍有关情况。"
    start = v.transcript_texts().index("出席今天发布会的有：")
    paragraphs = [p for i, p in enumerate(v.transcript_texts()) if not start <= i <= start + 6]
    parsed = parse_html(v.shaped_page([lead, *paragraphs], items=False), v.PAGE_URL)
    _check(parsed, REAL_EXPECTED, guests=["肖敏", "夏齐飞"])
    assert [g.label for g in parsed.guests] == ["天门市委副书记、市长肖敏", "天门市科技局局长夏齐飞"]
