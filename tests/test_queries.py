"""Named queries over the loaded real page: bound parameters, optional filters, errors."""

from __future__ import annotations

from datetime import date

import pytest

from briefings.errors import QueryError
from tests.warehouse_fixtures import OUTLETS, TURN_SPEAKERS, two_briefings_warehouse
from warehouse.connect import open_reader
from warehouse.queries import list_queries, run_named_query, run_sql


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    con = open_reader(two_briefings_warehouse(tmp_path_factory.mktemp("wh") / "briefings.duckdb"))
    yield con
    con.close()


def _column(result, name):
    cols, rows = result
    return [r[cols.index(name)] for r in rows]


def test_every_query_declares_grain_and_params():
    queries = {q.name: q for q in list_queries()}
    assert {"briefings", "turns", "speaker_turns", "indicators", "qa_pairs", "appearances"} <= set(queries)
    assert queries["turns"].params == {"session": "INTEGER", "city": "VARCHAR"}
    assert queries["turns"].optional == {"city"}
    assert queries["indicators"].optional == {"city", "metric", "status", "period"}
    assert queries["speaker_turns"].grain.startswith("one row per turn")
    for q in queries.values():
        assert q.path.stem == q.name and q.grain
        for p in q.params:
            assert f"${p}" in q.sql  # bound, never interpolated


def test_turns_of_session_12_in_order(reader):
    result = run_named_query(reader, "turns", {"session": "12"})
    assert _column(result, "turn_no") == list(range(1, 17))
    assert _column(result, "speaker") == list(TURN_SPEAKERS)
    roles = _column(result, "role")
    assert roles.count("journalist") == 6 and roles.count("host") == 3
    assert tuple(o for o in _column(result, "outlet") if o) == OUTLETS


def test_optional_param_filters_when_given(reader):
    assert len(run_named_query(reader, "turns", {"session": "12", "city": "天门"})[1]) == 16
    assert run_named_query(reader, "turns", {"session": "12", "city": "襄阳"})[1] == []
    # same event date: higher session first
    assert _column(run_named_query(reader, "briefings", {}), "session_no") == [101, 12]
    assert _column(run_named_query(reader, "briefings", {"city": "天门"}), "session_no") == [12]


def test_speaker_turns_of_the_mayor(reader):
    result = run_named_query(reader, "speaker_turns", {"speaker": "肖敏"})
    rows = list(zip(_column(result, "session_no"), _column(result, "turn_no")))
    # introduction (turn 2) and the answer to 湖北发布 (turn 9), in both briefings
    assert sorted(rows) == [(12, 2), (12, 9), (101, 2), (101, 9)]


def test_qa_pairs_of_session_12(reader):
    result = run_named_query(reader, "qa_pairs", {"session": "12"})
    assert list(zip(_column(result, "outlet"), _column(result, "answered_by"))) == [
        ("湖北日报", "夏齐飞"), ("经济日报", "黄祥斌"), ("湖北发布", "肖敏"), ("央广网", "陈晓敏"),
        ("新华网", "周启荣"), ("极目新闻", "陈明敏")]


def test_appearances_of_session_12(reader):
    result = run_named_query(reader, "appearances", {"session": "12", "speaker": "黄勤"})
    assert _column(result, "turn_count") == [3]
    assert _column(result, "label") == ["湖北省委宣传部二级巡视员黄勤"]
    assert len(run_named_query(reader, "appearances", {"session": "12"})[1]) == 13


def test_indicators_filters(reader):
    everything = run_named_query(reader, "indicators", {})
    tianmen = run_named_query(reader, "indicators", {"city": "天门"})
    assert len(everything[1]) == 2 * len(tianmen[1]) > 0
    gdp = run_named_query(reader, "indicators", {"city": "天门", "metric": "GDP"})
    assert _column(gdp, "value_text") == ["6.2%"]
    achieved = _column(run_named_query(reader, "indicators", {"status": "achieved"}), "status")
    assert achieved and set(achieved) == {"achieved"}
    in_2023 = run_named_query(reader, "indicators", {"period": "2023-06-30"})
    for start, end in zip(_column(in_2023, "period_start"), _column(in_2023, "period_end")):
        assert start <= date(2023, 6, 30) <= end


def test_bad_calls_raise_query_error(reader):
    with pytest.raises(QueryError, match="unknown query 'nope'.*turns"):
        run_named_query(reader, "nope", {})
    with pytest.raises(QueryError, match="needs parameter session"):
        run_named_query(reader, "turns", {})
    with pytest.raises(QueryError, match="not a valid INTEGER"):
        run_named_query(reader, "turns", {"session": "twelve"})
    with pytest.raises(QueryError, match="no parameter"):
        run_named_query(reader, "turns", {"session": "12", "sessio": "12"})
    with pytest.raises(QueryError, match="not a valid DATE"):
        run_named_query(reader, "indicators", {"period": "2024-13-01"})


def test_parameter_values_are_bound_not_interpolated(reader):
    sneaky = "天门' OR '1'='1"
    assert run_named_query(reader, "briefings", {"city": sneaky})[1] == []


def test_run_sql_reads_and_refuses_writes(reader):
    cols, rows = run_sql(reader, "SELECT count(*) AS n FROM turns")
    assert (cols, rows) == (["n"], [(32,)])
    with pytest.raises(QueryError, match="read-only"):
        run_sql(reader, "DELETE FROM turns")
    with pytest.raises(QueryError):
        run_sql(reader, "SELEC 1")


def test_run_sql_cannot_touch_files(reader, tmp_path):
    target = tmp_path / "turns.csv"
    with pytest.raises(QueryError, match="file system operations are disabled"):
        run_sql(reader, f"COPY turns TO '{target}'")
    assert not target.exists()
    with pytest.raises(QueryError, match="file system operations are disabled"):
        run_sql(reader, "SELECT * FROM read_csv('/etc/hostname')")
    with pytest.raises(QueryError, match="no SQL"):
        run_sql(reader, "  ")
