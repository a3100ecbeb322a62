"""briefings.search and the `briefings search` command, on the real session-12 page (天门, 2024-03-25).

The expected hits were found in the page itself (briefings/snapshot/site/.../t20240326_5134107.shtml):
新质生产力 occurs once each in the host's opening (turn 1), 肖敏's introduction (turn 2), the 湖北日报
question (turn 4), 黄祥斌's answer to 经济日报 (turn 7) and 陈晓敏's answer to 央广网 (turn 11).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from briefings.cli_look import register
from briefings.errors import QueryError
from briefings.search import (bm25_score, literal_runs, make_snippet, normalise_text, search_terms, search_turns,
                              term_pattern)
from tests.look_fixtures import SESSION12_ID, build_snapshot_warehouse

# (turn_no, speaker) in ranking order: one occurrence each, so shorter turns first.
XINZHI_HITS = [(4, "湖北日报记者"), (1, "黄勤"), (7, "黄祥斌"), (11, "陈晓敏"), (2, "肖敏")]


@pytest.fixture(scope="module")
def snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("search") / "briefings.duckdb")


@pytest.fixture()
def con(snapshot_path: Path):
    connection = duckdb.connect(str(snapshot_path), read_only=True)
    yield connection
    connection.close()


def test_xinzhi_shengchanli_hits_are_the_five_turns_of_session_12_in_rank_order(con) -> None:
    hits = search_turns(con, "新质生产力")
    assert [(h.turn_no, h.speaker) for h in hits] == XINZHI_HITS
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert {h.briefing_id for h in hits} == {SESSION12_ID}
    assert {(h.session_no, h.city, h.event_date.isoformat()) for h in hits} == {(12, "天门", "2024-03-25")}
    assert [h.role for h in hits] == ["journalist", "host", "guest", "guest", "guest"]
    assert [h.occurrences for h in hits] == [1, 1, 1, 1, 1]
    assert hits[0].outlet == "湖北日报"
    assert all("**新质生产力**" in h.snippet for h in hits)
    assert hits[0].snippet.startswith("企业是创新的主体，是持续推动**新质生产力**发展的主力军。")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_speaker_filter_keeps_only_xiao_min(con) -> None:
    hits = search_turns(con, "新质生产力", speaker="肖敏")
    assert [(h.turn_no, h.speaker, h.label) for h in hits] == [(2, "肖敏", "天门市委副书记、市长肖敏")]
    # journalists by outlet
    assert [h.turn_no for h in search_turns(con, "新质生产力", speaker="湖北日报")] == [4]


def test_every_word_must_occur(con) -> None:
    # 新型工业化 is also in turns 9, 14, 15, but those lack 新质生产力
    hits = search_turns(con, "新质生产力 新型工业化")
    assert [(h.turn_no, h.speaker) for h in hits] == [(1, "黄勤"), (11, "陈晓敏"), (2, "肖敏")]
    assert hits[2].occurrences == 1 + 4  # 肖敏: 新质生产力 once, 新型工业化 four times
    assert search_turns(con, "新质生产力 量子计算") == []


def test_full_width_query_matches_half_width_text_after_nfkc(con) -> None:
    # the page says "GDP同比增长6.2%"; typed with full-width letters, digits and signs
    for query in ("ＧＤＰ同比增长６．２％", "gdp同比增长6.2%", "GDP同比增长6.2%"):
        assert [(h.turn_no, h.speaker) for h in search_turns(con, query)] == [(2, "肖敏")]


def test_full_width_text_matches_half_width_query(con) -> None:
    # the page's punctuation is full-width: "新质生产力，加快推进新型工业化" (host, turn 1)
    assert [h.turn_no for h in search_turns(con, "新质生产力,加快推进")] == [1]


def test_city_session_and_limit_filters(con) -> None:
    assert [h.turn_no for h in search_turns(con, "新质生产力", city="天门市")] == [4, 1, 7, 11, 2]
    assert [h.turn_no for h in search_turns(con, "新质生产力", city="天门", session_no=12, limit=2)] == [4, 1]
    assert search_turns(con, "新质生产力", city="襄阳") == []
    assert search_turns(con, "新质生产力", session_no=3) == []


def test_bad_searches_raise_query_error(con) -> None:
    with pytest.raises(QueryError):
        search_turns(con, "  \u3000 ")
    with pytest.raises(QueryError):
        search_turns(con, "新质生产力", limit=0)


def test_expanding_characters_are_matched_through_exact_nfkc(tmp_path: Path) -> None:
    # 陈明敏 (turn 15) says "自去年11月全市新型工业化大会召开后"; store 11 as the single character ⑪
    path = build_snapshot_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(path)) as edit:
        edit.execute("UPDATE turns SET text = replace(text, '去年11月', '去年⑪月') WHERE turn_no = 15")
    with duckdb.connect(str(path), read_only=True) as con:
        hits = search_turns(con, "去年11月全市")
        assert [(h.turn_no, h.speaker) for h in hits] == [(15, "陈明敏")]
        assert "**去年11月全市**" in hits[0].snippet


def test_normalise_and_terms() -> None:
    assert normalise_text("ＧＤＰ同比增长６．２％") == "gdp同比增长6.2%"
    assert search_terms("新质生产力\u3000新型工业化 新质生产力") == ("新质生产力", "新型工业化")
    # 新 may also be stored as U+1F21F SQUARED CJK UNIFIED IDEOGRAPH-65B0
    assert term_pattern("新质") == "[\\x{65B0}\\x{1F21F}]质"
    # 生 and 力 have Kangxi-radical twins (⽣ U+2F63, ⼒ U+2F12); 质 and 产 have none
    assert literal_runs("新质生产力") == ["质", "产"] and literal_runs("gdp") == []
    assert term_pattern("新质生产力") == "[\\x{65B0}\\x{1F21F}]质[\\x{751F}\\x{2F63}\\x{1F222}]产[\\x{529B}\\x{2F12}\\x{F98A}]"
    assert term_pattern("g").startswith("[\\x{67}\\x{47}") and "\\x{FF27}" in term_pattern("g")


def test_snippet_marks_every_match_in_the_window() -> None:
    text = "谢谢你的提问。加快推进新型工业化，是提升工业现代化水平、建设现代化产业体系的根本途径。"
    snippet = make_snippet(normalise_text(text), ["工业"], context=8)
    assert snippet == "…问。加快推进新型**工业**化,是提升**工业**现代化水平、建设现代…"
    assert make_snippet(normalise_text(text), ["工业"], context=5) == "…快推进新型**工业**化,是提升…"
    # with the published text beside it, the snippet shows the text as published
    assert make_snippet(normalise_text(text), ["工业"], context=5, original=text) == "…快推进新型**工业**化，是提升…"


def test_snippet_keeps_the_published_case_and_width(tmp_path: Path) -> None:
    path = build_snapshot_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        hits = search_turns(con, "gdp同比增长")
    assert [(h.turn_no, h.speaker) for h in hits] == [(2, "肖敏")]
    assert "我市经济发展稳中有进，**GDP同比增长**6.2%、规上工业增加值增长7.5%" in hits[0].snippet


def test_bm25_prefers_more_occurrences_then_shorter_turns() -> None:
    assert bm25_score([2], 500, 500) > bm25_score([1], 500, 500)
    assert bm25_score([1], 76, 500) > bm25_score([1], 2376, 500)


def test_search_command_table_and_json(snapshot_path: Path) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["search", "新质生产力", "--warehouse", str(snapshot_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["turn_no"], d["speaker"]) for d in data] == XINZHI_HITS
    result = runner.invoke(app, ["search", "新质生产力", "--speaker", "肖敏", "--warehouse", str(snapshot_path)])
    assert result.exit_code == 0, result.output
    assert "肖敏" in result.stdout and "(guest)" in result.stdout and "(1 hit)" in result.stdout
    result = runner.invoke(app, ["search", "新质生产力", "--warehouse", str(snapshot_path.parent / "missing.duckdb")])
    assert result.exit_code == 2


def test_equal_scores_in_two_briefings_are_ordered_by_briefing_id(tmp_path: Path) -> None:
    from tests.look_fixtures import build_two_city_warehouse

    path = build_two_city_warehouse(tmp_path / "two.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        hits = search_turns(con, "新质生产力")
        synthetic = "hubei.gov.cn:t20240301_9000001"
        # same text, same date: each turn of the copy (lower id) just before the same turn of session 12
        assert [(h.briefing_id, h.turn_no) for h in hits] == [
            (bid, no) for no, _ in XINZHI_HITS for bid in (synthetic, SESSION12_ID)]
        assert [(h.turn_no, h.city) for h in search_turns(con, "新质生产力", city="襄阳")] == [
            (no, "襄阳") for no, _ in XINZHI_HITS]
        assert [h.briefing_id for h in search_turns(con, "新质生产力", session_no=12)] == [SESSION12_ID] * 5
