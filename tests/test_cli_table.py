"""briefings.cli_table and the output formats of `query` and `sql`: tables that fit, records, JSON of every type."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from briefings.cli import app
from briefings.cli_table import iso_duration, jsonable, render_records, render_table
from tests.look_fixtures import build_snapshot_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("table") / "briefings.duckdb")


def _turns(warehouse: Path) -> tuple[list[str], list[tuple]]:
    from warehouse.queries import run_named_query

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return run_named_query(con, "turns", {"session": "12"})


@pytest.mark.parametrize("width", [100, 120, 160])
def test_a_table_shows_every_column_short_ones_in_full(warehouse: Path, width: int) -> None:
    columns, rows = _turns(warehouse)
    lines = render_table(columns, rows, width=width).splitlines()
    assert lines[0].split() == columns
    assert max(cell_len(line) for line in lines) <= width
    assert len(lines) == 2 + 16
    turn4 = lines[2 + 3]
    # session_no, city, turn_no, speaker, role and outlet in full; text cut with …
    for value in ("12", "天门", "4", "湖北日报记者", "journalist", "湖北日报"):
        assert f"  {value}  " in f" {turn4} "
    assert turn4.endswith("…") and "企业是创新" in turn4.rsplit("湖北日报", 1)[1]
    # numbers right-aligned: session_no's 12 ends under the header's last letter
    assert lines[2].startswith(" " * (len("session_no") - 2) + "12  天门  ")


def test_numbers_are_right_aligned_and_text_left() -> None:
    lines = render_table(["n", "name"], [(7, "GDP"), (1024, "规上工业增加值"), (None, None)], width=80).split("\n")
    assert lines == ["   n  name", "────  ──────────────", "   7  GDP", "1024  规上工业增加值", ""]


def test_a_table_too_narrow_for_its_columns_becomes_records(warehouse: Path) -> None:
    columns, rows = _turns(warehouse)
    text = render_table(columns, rows, width=80)
    assert text == render_records(columns, rows, width=80)
    lines = text.splitlines()
    assert lines[0].startswith("-[ row 1 ]") and sum(line.startswith("-[ row ") for line in lines) == 16
    assert [line.split("│")[0].strip() for line in lines[1:10]] == columns
    assert lines[8] == "outlet      │"  # NULL: nothing after the bar
    assert "speaker     │ 黄勤" in lines and max(cell_len(line) for line in lines) <= 80


def test_wide_cuts_nothing(warehouse: Path) -> None:
    columns, rows = _turns(warehouse)
    lines = render_table(columns, rows, width=80, wide=True).splitlines()
    assert lines[0].split() == columns
    assert lines[-1].endswith("今天的新闻发布会到此结束。")
    assert rows[-1][-1].endswith("今天的新闻发布会到此结束。")


def test_iso_durations() -> None:
    assert iso_duration(timedelta(days=33, seconds=18001, microseconds=500000)) == "P33DT5H0M1.5S"
    assert iso_duration(timedelta(seconds=2.25)) == "P0DT0H0M2.25S"
    assert iso_duration(-timedelta(hours=1)) == "-P0DT1H0M0S"


ALL_TYPES_SQL = """
SELECT interval 1 month + interval 3 day + interval 5 hour + interval 1.5 second AS took,
       time '12:30:01.5' AS t, '9e9477c8-3ef9-4ccf-8620-a3973a03a63c'::uuid AS u, '\\xE5\\xA4\\xA9\\xE9\\x97\\xA8'::blob AS b,
       'nan'::double AS n, 'inf'::float AS f, '-inf'::double AS nf, '{"a": [1, 2], "城市": "天门"}'::json AS j,
       1.50::decimal(5,2) AS d, [1, 2] AS l, {'x': 1.5} AS s, map([1], ['a']) AS m,
       timestamptz '2024-03-25 10:00:00+08' AS tz, date '2024-03-25' AS dt, timestamp '2024-03-25 14:00:00' AS ts,
       170141183460469231731687303715884105727::hugeint AS h, true AS bo, NULL AS nothing
"""


def test_sql_json_serialises_every_duckdb_type(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    result = runner.invoke(app, ["sql", ALL_TYPES_SQL, "--format", "json", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    (row,) = json.loads(result.stdout)
    assert row["took"] == "P33DT5H0M1.5S"
    assert row["t"] == "12:30:01.500000"
    assert row["u"] == "9e9477c8-3ef9-4ccf-8620-a3973a03a63c"
    assert row["b"] == "5aSp6Zeo"  # base64 of the UTF-8 bytes of 天门
    assert (row["n"], row["f"], row["nf"]) == (None, None, None)
    assert row["j"] == {"a": [1, 2], "城市": "天门"}  # a JSON column stays JSON
    assert row["d"] == "1.50"
    assert (row["l"], row["s"], row["m"]) == ([1, 2], {"x": "1.5"}, {"1": "a"})  # 1.5 is a DECIMAL literal
    assert row["tz"].startswith("2024-03-25T02:00:00") and row["tz"].endswith("+00:00")
    assert (row["dt"], row["ts"]) == ("2024-03-25", "2024-03-25T14:00:00")
    assert row["h"] == 170141183460469231731687303715884105727
    assert (row["bo"], row["nothing"]) == (True, None)


def test_the_issue_example_of_run_durations_serialises(tmp_path: Path) -> None:
    """`finished_at - started_at` is an INTERVAL: it crashed `sql --format json` before."""
    path = build_snapshot_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE run_times AS SELECT 'r1' AS run_id, timestamp '2024-03-25 10:00:00' AS started_at, "
                    "timestamp '2024-03-25 10:00:12.5' AS finished_at")
    result = runner.invoke(app, ["sql", "select run_id, finished_at - started_at as took from run_times",
                                 "--format", "json", "--warehouse", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"run_id": "r1", "took": "P0DT0H0M12.5S"}]


def test_csv_and_table_show_the_same_values(warehouse: Path) -> None:
    result = runner.invoke(app, ["sql", "SELECT '\\xE5\\xA4\\xA9\\xE9\\x97\\xA8'::blob AS b, 1.50::decimal(5,2) AS d, [1, 2] AS l, NULL AS n",
                                 "--format", "csv", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [["b", "d", "l", "n"], ["5aSp6Zeo", "1.50", "[1, 2]", ""]]
    table = runner.invoke(app, ["sql", "SELECT 1.50::decimal(5,2) AS d, [1, 2] AS l", "--warehouse", str(warehouse)])
    assert table.stdout.splitlines() == ["   d  l", "────  ──────", "1.50  [1, 2]", "(1 row)"]


def test_records_format_and_empty_results_are_said(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "briefings", "--format", "records", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("-[ row 1 ]") and "city         │ 天门" in lines and lines[-1] == "(1 row)"
    empty = runner.invoke(app, ["query", "briefings", "--param", "city=武汉", "--warehouse", str(warehouse)])
    assert empty.exit_code == 0
    assert empty.stdout.splitlines()[-1] == "(0 rows)"
    assert "no rows for briefings with city=武汉" in empty.output


@pytest.mark.parametrize("city", ["天门", "天门市", " 天门市 "])
def test_every_city_filter_takes_both_forms(warehouse: Path, city: str) -> None:
    for argv, count in ((["query", "briefings"], 1), (["query", "turns", "--param", "session=12"], 16),
                        (["query", "indicators"], None), (["query", "targets_vs_actuals"], None)):
        result = runner.invoke(app, [*argv, "--param", f"city={city}", "--format", "json",
                                     "--warehouse", str(warehouse)])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert {r["city"] for r in rows} == {"天门"}
        assert count is None or len(rows) == count
    search = runner.invoke(app, ["search", "新质生产力", "--city", city, "--format", "json",
                                 "--warehouse", str(warehouse)])
    assert len(json.loads(search.stdout)) == 5


def test_search_and_report_say_when_nothing_matched(warehouse: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "新质生产力", "--city", "武汉", "--warehouse", str(warehouse)])
    assert result.exit_code == 0
    assert "(0 hits)" in result.stdout and "no turn contains all of: 新质生产力 (with --city 武汉)" in result.output
    out = tmp_path / "r.html"
    report = runner.invoke(app, ["report", "--city", "武汉", "--out", str(out), "--warehouse", str(warehouse)])
    assert report.exit_code == 0
    assert f"wrote {out} (0 briefings" in report.stdout
    assert "no briefings about 武汉 in the warehouse (its cities: 天门)" in report.output
    assert "No briefings in the warehouse for 武汉." in out.read_text(encoding="utf-8")


def test_jsonable_keeps_exact_decimals_and_drops_non_finite() -> None:
    from decimal import Decimal

    assert jsonable(Decimal("6.2000")) == "6.2000"
    assert jsonable(Decimal("NaN")) is None and jsonable(float("nan")) is None
    assert jsonable('{"a": 1}', "JSON") == {"a": 1} and jsonable('{"a": 1}', "VARCHAR") == '{"a": 1}'
