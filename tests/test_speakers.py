"""Speaker labels, ids and genders, on the labels and introduction of the real session-12 page."""

from __future__ import annotations

import pytest

from briefings.models import Position
from briefings.parsing.speakers import (
    genders_from_intro,
    journalist_outlet,
    looks_like_official_label,
    parse_guests,
    parse_label,
    region_of,
    speaker_id_for,
)
from tests import variants as v


def test_parse_label_mayor_two_offices_second_is_head_of_government():
    assert parse_label("天门市委副书记、市长肖敏") == (
        "肖敏",
        (Position("天门市委", "副书记"), Position("天门市", "市长")),
    )


def test_parse_label_host():
    assert parse_label("湖北省委宣传部二级巡视员黄勤：") == ("黄勤", (Position("湖北省委宣传部", "二级巡视员"),))


def test_parse_label_two_titles_in_one_organisation():
    org = "天门市政务服务和大数据管理局"
    assert parse_label(v.CHEN_XIAO) == ("陈晓敏", (Position(org, "党组书记"), Position(org, "局长")))


@pytest.mark.parametrize(
    ("label", "name", "positions"),
    [
        (v.ZHOU, "周启荣", (Position("天门市发改委", "党组书记"), Position("天门市发改委", "主任"))),
        (v.XIA, "夏齐飞", (Position("天门市科技局", "局长"),)),
        (v.CHEN_MING, "陈明敏", (Position("天门市经信局", "党组书记"),)),
        (v.HUANG, "黄祥斌", (Position("天门市招商服务中心", "党组书记"), Position("天门市招商服务中心", "主任"))),
    ],
)
def test_parse_label_other_guests(label, name, positions):
    assert parse_label(label) == (name, positions)


def test_parse_label_prefers_known_name_tail():
    # with the 嘉宾 names known, the name is the tail that equals one of them
    assert parse_label("天门市经信局党组书记陈明敏", ["陈晓敏", "陈明敏"])[0] == "陈明敏"
    assert parse_label("局长欧阳晓明", ["欧阳晓明"]) == ("欧阳晓明", (Position("", "局长"),))


def test_journalist_labels():
    assert [journalist_outlet(f"{o}记者") for o in v.OUTLETS] == list(v.OUTLETS)
    assert parse_label("湖北日报记者：") == ("湖北日报记者", ())
    assert journalist_outlet(v.XIAO) is None
    assert journalist_outlet("据湖北日报记者，") is None


def test_non_labels_are_not_official_labels():
    assert looks_like_official_label(v.HOST_LABEL)
    assert not looks_like_official_label("各位媒体朋友：")
    assert not looks_like_official_label("出席今天发布会的有：")
    assert not looks_like_official_label("今年年初，我市政府工作报告明确提出")


def test_region_of():
    assert region_of("天门市委") == "天门"
    assert region_of("湖北省委宣传部") == "湖北"
    assert region_of("神农架林区政府") == "神农架"
    assert region_of("新闻办") is None


def test_speaker_ids():
    name, positions = parse_label(v.HOST_LABEL)
    assert speaker_id_for(name, positions, "host", None) == "黄勤@湖北"
    name, positions = parse_label(v.XIAO)
    assert speaker_id_for(name, positions, "guest", None) == "肖敏@天门"
    assert speaker_id_for("湖北日报记者", (), "journalist", "湖北日报") == "journalist@湖北日报"
    ming = speaker_id_for(*parse_label(v.CHEN_MING), "guest", None)
    xiao = speaker_id_for(*parse_label(v.CHEN_XIAO), "guest", None)
    assert (ming, xiao) == ("陈明敏@天门", "陈晓敏@天门")


def test_genders_from_the_real_introduction():
    assert genders_from_intro(v.seed_text()) == {
        "肖敏": "female",
        "周启荣": "male",
        "夏齐飞": "male",
        "陈明敏": "male",
        "陈晓敏": "female",
        "黄祥斌": "male",
    }
    assert genders_from_intro("记者朋友们，下午好！") == {}


def test_parse_guests_from_the_real_guest_line():
    line = v._int_list_items(v.real_page())[1]
    guests = parse_guests(line)
    assert [g.name for g in guests] == ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
    assert [g.guest_no for g in guests] == [1, 2, 3, 4, 5, 6]
    assert guests[0].label == v.XIAO
    assert guests[5].label == v.HUANG  # trailing 。 removed
    assert guests[4].speaker_id == "陈晓敏@天门"


def test_people_the_title_or_lead_introduce():
    from briefings.parsing.speakers import Introduced, introduced_people

    assert introduced_people("3月25日下午，湖北省政府新闻办举行新闻发布会，发言人肖敏介绍天门市经济社会发展情况并答记者问。") == [
        Introduced("发言人肖敏", "肖敏", presides=False, answers=True)
    ]
    assert introduced_people("天门市市长肖敏主持新闻发布会") == [Introduced("天门市市长肖敏", "肖敏", presides=True)]
    assert introduced_people("2024年3月25日外交部发言人林剑主持例行记者会") == [
        Introduced("外交部发言人林剑", "林剑", presides=True, answers=True)
    ]
    assert introduced_people("发布会由湖北省人民政府新闻办公室黄勤主持。") == [
        Introduced("湖北省人民政府新闻办公室黄勤", "黄勤", presides=True)
    ]
    assert [p.label for p in introduced_people("请天门市委副书记、市长肖敏和天门市科技局局长夏齐飞介绍有关情况")] == [
        "天门市委副书记、市长肖敏", "天门市科技局局长夏齐飞",
    ]  # fmt: skip
    assert [p.name for p in introduced_people("今天我们邀请肖敏女士出席发布会。首先，请夏齐飞先生介绍。")] == ["肖敏", "夏齐飞"]
    # a bare word after 请 is no one; 由我主持 names no one; 主持人 is a label, not 主持
    assert introduced_people("请简要介绍一下。今天的发布会由我主持。主持人：") == []
