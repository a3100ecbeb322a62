"""Segmentation of the real session-12 transcript into turns, and every trap variant of issue 3."""

from __future__ import annotations

import pytest

from briefings.errors import ParseError
from briefings.models import QAPair
from briefings.parsing import parse_text, segment_turns
from briefings.sites.hubei import parse_html
from briefings.parsing.speakers import parse_guests
from briefings.parsing.text import nfkc
from tests import variants as v

GUEST_LINE = v._int_list_items(v.real_page())[1]


@pytest.fixture(scope="module")
def real():
    return parse_html(v.real_page(), v.PAGE_URL)


def _paragraph_texts() -> list[str]:
    """The real transcript paragraphs as text (tags removed), as published."""
    import re

    return [re.sub(r"<[^>]+>", "", p) for p in v.record_paragraphs(v.real_page())]


def _assert_expected(turns, transcript):
    assert [(t.label, t.speaker, t.role, t.outlet) for t in turns] == [e[:4] for e in v.EXPECTED_TURNS]
    for turn, expected in zip(turns, v.EXPECTED_TURNS):
        first, last = nfkc(expected[4]), nfkc(expected[5])
        assert nfkc(turn.text).startswith(first), (turn.turn_no, turn.text[:30])
        assert nfkc(turn.text).endswith(last), (turn.turn_no, turn.text[-30:])
        assert turn.text == turn.span.cut(transcript)
        assert turn.label == turn.label_span.cut(transcript)
    assert [t.turn_no for t in turns] == list(range(1, 17))


def test_segment_real_paragraphs():
    transcript, turns, qa = segment_turns(_paragraph_texts(), parse_guests(GUEST_LINE))
    _assert_expected(turns, transcript)
    assert qa == [QAPair(q, a) for q, a in v.EXPECTED_QA]
    assert transcript.splitlines()[0] == v.HOST_LABEL + "："
    assert transcript.endswith("今天的新闻发布会到此结束。")
    assert len(transcript.splitlines()) == len(_paragraph_texts())


def test_exact_turn_texts_and_spans():
    transcript, turns, _ = segment_turns(_paragraph_texts(), parse_guests(GUEST_LINE))
    assert turns[2].text == "下面，进入记者提问环节。请记者提问前请通报所在的媒体机构名称。"
    assert turns[3].text.startswith("企业是创新的主体，是持续推动新质生产力发展的主力军。")
    # journalist label inline: the text starts right after the colon on the same line
    assert transcript[turns[3].label_span.end] == "："
    assert turns[3].span.start == turns[3].label_span.end + 1
    assert turns[15].text == "时间关系，今天的提问环节就到这里，谢谢各位发布人！再次感谢各位记者朋友。\n今天的新闻发布会到此结束。"
    # the host's introduction (出席…有： and 各位媒体朋友： end in colons) stays inside turns 1 and 2
    assert "出席今天发布会的有：\n天门市委副书记、市长肖敏女士；" in turns[0].text
    assert turns[1].text.startswith("各位媒体朋友：\n大家好！")
    # a colon inside a sentence is not a label
    assert "明确提出：要推动项目建设提速提质提效" in turns[12].text


def test_roles_genders_ids(real):
    turns = real.turns
    assert [t.turn_no for t in turns if t.role == "host"] == [1, 3, 16]
    assert {t.speaker_id for t in turns if t.role == "host"} == {"黄勤@湖北"}
    assert [t.outlet for t in turns if t.role == "journalist"] == list(v.OUTLETS)
    assert [t.speaker_id for t in turns if t.role == "journalist"][0] == "journalist@湖北日报"
    genders = {t.speaker: t.gender for t in turns if t.role == "guest"}
    assert genders == {"肖敏": "female", "夏齐飞": "male", "黄祥斌": "male", "陈晓敏": "female", "周启荣": "male", "陈明敏": "male"}
    assert turns[10].speaker_id != turns[14].speaker_id  # 陈晓敏 / 陈明敏 stay two people
    assert turns[1].speaker_id == turns[8].speaker_id == "肖敏@天门"


def test_whitespace_entities_are_stripped():
    paragraphs = [f"\xa0\u2002\u3000{p}\u3000\xa0 " for p in _paragraph_texts()] + ["\u3000\xa0"]
    transcript, turns, _ = segment_turns(paragraphs, parse_guests(GUEST_LINE))
    _assert_expected(turns, transcript)
    assert "\u3000" not in transcript and "\xa0" not in transcript


def test_newline_inside_a_paragraph_splits_lines():
    paragraphs = _paragraph_texts()
    merged = ["\n".join(paragraphs[:12]), *paragraphs[12:]]
    transcript, turns, _ = segment_turns(merged, parse_guests(GUEST_LINE))
    _assert_expected(turns, transcript)


def test_without_guest_line_the_introduction_names_the_speakers():
    transcript, turns, qa = segment_turns(_paragraph_texts(), ())
    assert [(t.label, t.speaker, t.role, t.outlet) for t in turns] == [e[:4] for e in v.EXPECTED_TURNS]
    assert len(qa) == 6


def test_first_paragraph_must_be_a_label():
    with pytest.raises(ParseError) as info:
        segment_turns(["根据安排：今天举行新闻发布会。", *_paragraph_texts()], parse_guests(GUEST_LINE), url="u")
    assert info.value.missing == "speaker label before the first paragraph"
    assert info.value.url == "u"
    with pytest.raises(ParseError):
        segment_turns(["\u3000", ""], ())


@pytest.mark.parametrize("trap", sorted(v.TRAPS))
def test_trap_variant_gives_the_real_turns(trap, real):
    parsed = parse_html(v.TRAPS[trap](v.real_page()), v.PAGE_URL)
    _assert_expected(parsed.turns, parsed.transcript)
    assert [(q.question_turn_no, q.answer_turn_no) for q in parsed.qa_pairs] == list(v.EXPECTED_QA)
    assert [g.name for g in parsed.guests] == ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
    if trap != "extra_colon_lines":
        assert [nfkc(t.text) for t in parsed.turns] == [nfkc(t.text) for t in real.turns]


@pytest.mark.parametrize("trap", ["br_paragraphs", "padded_whitespace", "script_and_style", "strong_labels"])
def test_markup_traps_leave_the_transcript_unchanged(trap, real):
    page = v.TRAPS[trap](v.real_page())
    assert page != v.real_page()
    assert parse_html(page, v.PAGE_URL).transcript == real.transcript


def test_script_and_style_text_is_dropped():
    parsed = parse_html(v.script_and_style(v.real_page()), v.PAGE_URL)
    assert "这不是提问" not in parsed.transcript
    assert "content:" not in parsed.transcript
    assert "document.write" not in parsed.transcript


def test_non_label_colon_lines_stay_in_the_answer(real):
    parsed = parse_html(v.extra_colon_lines(v.real_page()), v.PAGE_URL)
    answer = parsed.turns[4]
    assert answer.speaker == "夏齐飞"
    assert "\n".join(v.EXTRA_COLON_LINES) in answer.text
    assert parsed.turns[4].text.replace("\n".join(v.EXTRA_COLON_LINES) + "\n", "") == real.turns[4].text


def test_seed_text_gives_the_same_turns(real):
    text = parse_text(v.seed_text())
    _assert_expected(text.turns, text.transcript)
    for page_turn, text_turn in zip(real.turns, text.turns):
        assert (text_turn.label, text_turn.speaker, text_turn.role, text_turn.outlet, text_turn.speaker_id) == (
            page_turn.label,
            page_turn.speaker,
            page_turn.role,
            page_turn.outlet,
            page_turn.speaker_id,
        )
        assert nfkc(text_turn.text) == nfkc(page_turn.text)


def test_a_prefix_ending_in_a_guest_name_without_a_title_is_not_a_label():
    paragraphs = _paragraph_texts()
    at = paragraphs.index(v.XIA + "：") + 1
    paragraphs.insert(at + 1, "下面请肖敏：")
    transcript, turns, _ = segment_turns(paragraphs, parse_guests(GUEST_LINE))
    assert len(turns) == 16
    assert "\n下面请肖敏：\n" in turns[4].text


def test_bare_host_placeholder_opens_the_briefing():
    paragraphs = ["主持人：" if p == v.HOST_LABEL + "：" else p for p in _paragraph_texts()]
    transcript, turns, qa = segment_turns(paragraphs, parse_guests(GUEST_LINE))
    assert [t.turn_no for t in turns if t.role == "host"] == [1, 3, 16]
    assert {t.speaker for t in turns if t.role == "host"} == {"主持人"}
    assert len(qa) == 6


def test_host_later_labelled_by_name_only():
    paragraphs = _paragraph_texts()
    last = len(paragraphs) - 1 - paragraphs[::-1].index(v.HOST_LABEL + "：")
    paragraphs[last] = "黄勤："
    _, turns, _ = segment_turns(paragraphs, parse_guests(GUEST_LINE))
    assert (turns[15].label, turns[15].role, turns[15].speaker_id) == ("黄勤", "host", "黄勤@湖北")
