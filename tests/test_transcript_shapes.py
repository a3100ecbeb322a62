"""Transcript shapes of other press offices (issue 13), on real text: the Sichuan and Fujian openings,
and session 12 rewritten in the shapes other portals use."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from briefings.cli import app
from briefings.parsing import parse_text
from tests import shapes


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
    assert "guests: 郑彧" in result.output and "1 柯宜达 (host): 女士们、先生们" in result.output
    assert "1 turns" in result.output
