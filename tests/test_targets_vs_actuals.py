"""The named query targets_vs_actuals on the loaded real page (session 12, 天门) and a second city."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.warehouse_fixtures import two_briefings_warehouse
from warehouse.connect import open_reader
from warehouse.queries import get_query, run_named_query

BID = "hubei.gov.cn:t20240326_5134107"
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
JAN_FEB_2024 = (date(2024, 1, 1), date(2024, 2, 29))


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    con = open_reader(two_briefings_warehouse(tmp_path_factory.mktemp("wh") / "briefings.duckdb"))
    yield con
    con.close()


def _rows(result):
    cols, rows = result
    return [dict(zip(cols, row)) for row in rows]


def test_header_declares_grain_and_optional_params() -> None:
    query = get_query("targets_vs_actuals")
    assert query.params == {"city": "VARCHAR", "metric_code": "VARCHAR"}
    assert query.optional == {"city", "metric_code"}
    assert query.grain.startswith("one row per (target mention, achieved mention)")


def test_session12_fixed_asset_investment_target_against_jan_feb(reader) -> None:
    rows = _rows(run_named_query(reader, "targets_vs_actuals",
                                 {"city": "天门", "metric_code": "fixed_asset_investment"}))
    # two sentences say the 2024 target (力争全年固定资产投资同比增长12%以上; 确保全年固定资产投资增长12%以上);
    # the rank 居全省第2位 ranks the growth rate (fixed_asset_investment_growth, issue 26), so it is not here
    assert len(rows) == 2
    # the subject labels both sides: 我市 (确保…, after 我市政府工作报告) / none (力争…) against 全市
    assert [(r["target_subject"], r["achieved_subject"]) for r in rows] == [("我市", "全市"), ("", "全市")]
    for row in rows:
        assert (row["city"], row["metric_name"], row["target_briefing_id"]) == ("天门", "固定资产投资", BID)
        assert (row["target_value"], row["target_qualifier"], row["target_kind"], row["target_unit"]) == (
            Decimal(12), "at_least", "growth_rate", "percent")
        assert (row["target_period_start"], row["target_period_end"]) == YEAR_2024
        assert (row["achieved_period_start"], row["achieved_period_end"]) == JAN_FEB_2024
    assert [(r["achieved_value_text"], r["achieved_kind"], r["achieved_value"], r["gap"]) for r in rows] == [
        ("9%", "growth_rate", Decimal(9), Decimal(-3))] * 2


def test_cities_stay_apart_and_targets_without_results_are_listed(reader) -> None:
    rows = _rows(run_named_query(reader, "targets_vs_actuals", {}))
    assert {r["city"] for r in rows} == {"天门", "襄阳"}
    for row in rows:
        if row["achieved_briefing_id"] is not None:
            achieved_city = reader.execute("SELECT city FROM briefings WHERE briefing_id = $b",
                                           {"b": row["achieved_briefing_id"]}).fetchall()
            assert achieved_city == [(row["city"],)]
    tianmen = [r for r in rows if r["city"] == "天门"]
    # 技改投资 增长25% (2024 target) has no achieved value in session 12: one row, achieved columns NULL
    (renovation,) = [r for r in tianmen if r["metric_code"] == "technical_renovation_investment"]
    assert (renovation["target_value"], renovation["achieved_value"], renovation["gap"]) == (Decimal(25), None, None)
    # 新增规上工业企业50家 (target) has no result either, nor the targets of the codes issue 26 added
    assert {r["metric_code"] for r in tianmen} == {
        "fixed_asset_investment", "technical_renovation_investment", "new_enterprises_above_scale",
        "signed_project_value", "bond_funds", "investment_total", "projects_above_100m_cny"}
    # the two bond-fund targets (30亿元以上, turns 2 and 13) have no period and no result
    bonds = [r for r in tianmen if r["metric_code"] == "bond_funds"]
    assert [(r["target_value_text"], r["target_period_end"], r["achieved_value"]) for r in bonds] == [
        ("30亿元", None, None)] * 2
