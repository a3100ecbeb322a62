"""briefings.extract(text, date=None) and `briefings extract FILE|-`: mentions of any text, no warehouse."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import briefings
from briefings.cli import app
from briefings.extraction import MENTION_COLUMNS
from briefings.sites.hubei import parse_html
from tests.conftest import SESSION12_PATH, SESSION12_URL

runner = CliRunner()
EVENT = date(2024, 3, 25)
BULLETIN = ("2023年，全市地区生产总值88.6(初步核算)亿元，按可比价格计算，比上年增长6.3%。\n"
            "今年1-2月，社会消费品零售总额同比下降3.5%，增速比上年回落1.2个百分点。\n")


def test_public_api_is_exported() -> None:
    assert briefings.__all__ == ["extract"]
    assert briefings.extract.__module__ == "briefings.extraction"


def test_extract_any_text_with_and_without_a_date() -> None:
    level, rate, fall, points = briefings.extract(BULLETIN, EVENT)
    assert (level.value_text, level.value, level.metric_code) == ("88.6(初步核算)亿元", Decimal("8860000000"), "gdp")
    assert (rate.value, rate.kind, rate.comparison, rate.metric_code) == (
        Decimal("6.3"), "growth_rate", "按可比价格计算，比上年", "gdp")
    assert (fall.value_text, fall.value, fall.metric_code) == ("下降3.5%", Decimal("-3.5"), "retail_sales")
    assert (points.value, points.unit, points.kind) == (Decimal("-1.2"), "percentage_point", "change_pp")
    assert (fall.period_start, fall.period_end) == (date(2024, 1, 1), date(2024, 2, 29))
    undated = briefings.extract(BULLETIN)
    assert (undated[0].period_start, undated[0].period_end) == (date(2023, 1, 1), date(2023, 12, 31))  # absolute
    assert (undated[2].period_start, undated[2].period_end) == (None, None)  # 今年1-2月 needs a date
    for m in undated:
        assert BULLETIN[m.span.start:m.span.end] == m.value_text


def test_extract_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        briefings.extract(BULLETIN.encode())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="date must be"):
        briefings.extract(BULLETIN, "2024-03-25")  # type: ignore[arg-type]


def test_extract_on_a_turn_of_the_session12_page() -> None:
    page = parse_html(SESSION12_PATH.read_text(encoding="utf-8"), SESSION12_URL)
    turn = next(t for t in page.turns if "力争全年固定资产投资同比增长12%以上" in t.text)
    rows = briefings.extract(turn.text, page.briefing.event_date)
    (target,) = [m for m in rows if "力争全年固定资产投资同比增长12%以上" in m.sentence and m.unit == "percent"]
    assert (target.value, target.qualifier, target.kind, target.status, target.comparison, target.metric_code) == (
        Decimal(12), "at_least", "growth_rate", "target", "同比", "fixed_asset_investment")
    assert (target.period_start, target.period_end) == (date(2024, 1, 1), date(2024, 12, 31))


def test_cli_csv_of_a_file_with_a_date(tmp_path: Path) -> None:
    path = tmp_path / "bulletin.txt"
    path.write_text(BULLETIN, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--date", "2024-03-25", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == list(MENTION_COLUMNS)
    assert [(r["value_text"], r["value"], r["kind"], r["metric_code"]) for r in rows] == [
        ("88.6(初步核算)亿元", "8860000000", "level", "gdp"),
        ("6.3%", "6.3", "growth_rate", "gdp"),
        ("下降3.5%", "-3.5", "growth_rate", "retail_sales"),
        ("回落1.2个百分点", "-1.2", "change_pp", "retail_sales"),
    ]
    assert rows[2]["period_start"] == "2024-01-01" and rows[2]["comparison"] == "同比"


def test_cli_json_from_standard_input_and_gb18030_bytes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", "-", "--format", "json"], input=BULLETIN)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["value"] for d in data] == ["8860000000", "6.3", "-3.5", "-1.2"]
    assert data[2]["period_start"] is None  # no --date
    path = tmp_path / "gb.txt"
    path.write_bytes(BULLETIN.encode("gb18030"))
    result = runner.invoke(app, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [d["value_text"] for d in json.loads(result.output)][2] == "下降3.5%"


def test_cli_table_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "bulletin.txt"
    path.write_text(BULLETIN, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0 and "(4 rows)" in result.output
    result = runner.invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "cannot read" in result.output
    result = runner.invoke(app, ["extract", str(path), "--date", "2024-13-01"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["extract", str(path), "--format", "xml"])
    assert result.exit_code == 2
