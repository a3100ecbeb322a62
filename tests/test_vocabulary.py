"""briefings.parsing.vocabulary: one metric_code per metric, shipped as package data and loaded by migration."""

from __future__ import annotations

from decimal import Decimal

import pytest

from briefings.sites.hubei import parse_html
from briefings.parsing.indicators import extract_mentions
from briefings.parsing.vocabulary import load_metrics, metric_code_for, parse_vocabulary, vocabulary_version
from tests.conftest import SESSION12_PATH, SESSION12_URL
from warehouse.connect import open_writer

HEADER = "metric_code,name_zh,name_en,base_unit,synonyms,exact_synonyms,vocabulary_version\n"


def test_at_least_forty_metrics_with_names_units_and_versions() -> None:
    metrics = load_metrics()
    assert len(metrics) >= 40
    assert len({m.metric_code for m in metrics}) == len(metrics)
    assert all(m.name_zh and m.name_en and m.base_unit for m in metrics)
    assert vocabulary_version() == 3


@pytest.mark.parametrize(
    ("words", "code"),
    [
        (["地区生产总值", "GDP", "ＧＤＰ", "gdp", "全市地区生产总值"], "gdp"),
        (["规模以上工业增加值", "规上工业增加值"], "industrial_value_added_above_scale"),
        (["社会消费品零售总额", "社零额", "社零", "社会消费品零售额"], "retail_sales"),
        (["固定资产投资", "全社会固定资产投资"], "fixed_asset_investment"),
        (["工业投资"], "industrial_investment"),
        (["技改投资", "工业技改投资", "技术改造投资"], "technical_renovation_investment"),
        (["一般公共预算收入", "地方一般公共预算收入"], "general_budget_revenue"),
        (["进出口总额", "外贸进出口总额", "进出口"], "total_trade"),
        (["实际使用外资", "实际利用外资"], "actual_fdi"),
        (["城镇居民人均可支配收入", "城镇常住居民人均可支配收入"], "urban_disposable_income"),
        (["农村居民人均可支配收入", "农村常住居民人均可支配收入"], "rural_disposable_income"),
        (["营业收入", "主营业务收入", "规上工业企业实现营业收入"], "operating_revenue"),
        (["利润总额", "利润"], "total_profit"),
        (["利税总额", "利税"], "profits_and_taxes"),
        (["居民消费价格", "居民消费价格指数", "CPI", "居民消费价格总水平"], "cpi"),
        (["建筑业增加值"], "construction_value_added"),
        (["农林牧渔业总产值"], "agricultural_output"),
        (["规模以上服务业营业收入", "规上服务业营业收入"], "services_revenue_above_scale"),
        (["实际使用外资金额"], "actual_fdi"),
        (["高企总量", "高新技术企业"], "high_tech_enterprises"),
        (["固定资产投资增速", "全市固定资产投资增幅"], "fixed_asset_investment_growth"),
        (["规上工业增加值增速", "规模以上工业增加值增速"], "industrial_value_added_above_scale_growth"),
        (["认定高新技术企业", "通过国家高新技术企业认定备案的企业"], "new_high_tech_enterprises"),
        (["新增省级专精特新中小企业"], "new_specialised_smes"),
        (["储备项目"], "reserve_projects"),
        (["投资总额", "投资"], "investment_total"),
    ],
)
def test_names_synonyms_and_abbreviations_share_one_code(words: list[str], code: str) -> None:
    assert [metric_code_for(w) for w in words] == [code] * len(words)


@pytest.mark.parametrize("words", ["出口企业", "签约企业总数", "总数", "", "完成规上工业企业数字化诊断", "占比",
                                   "装备制造业增加值", "机电产品出口额", "制造业技改投资"])
def test_unknown_metrics_have_no_code(words: str) -> None:
    assert metric_code_for(words) is None


def test_the_longest_name_wins() -> None:
    # 城镇居民人均可支配收入 also ends with 人均可支配收入 (all residents); 工业增加值 with 增加值
    assert metric_code_for("城镇居民人均可支配收入") == "urban_disposable_income"
    assert metric_code_for("居民人均可支配收入") == "disposable_income"
    assert metric_code_for("全部工业增加值") == "industrial_value_added"
    assert metric_code_for("新增规上工业企业") == "new_enterprises_above_scale"
    assert metric_code_for("规上工业企业") == "enterprises_above_scale"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("gdp,地区生产总值,GDP,CNY,,,1\ngdp,生产总值,GDP,CNY,,,1\n", "duplicate code"),
        ("gdp,地区生产总值,GDP,CNY,,,1\ngdp2,生产总值,GDP,CNY,地区生产总值,,1\n", "already a name of 'gdp'"),
        ("GDP,地区生产总值,GDP,CNY,,,1\n", "snake_case"),
        ("gdp,地区生产总值,GDP,CNY,,,one\n", "version"),
    ],
)
def test_a_malformed_vocabulary_is_refused(body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_vocabulary(HEADER + body)


def test_a_fresh_warehouse_holds_the_vocabulary_and_the_metric_code_column(fresh_warehouse) -> None:
    con = open_writer(fresh_warehouse)
    try:
        rows = con.execute(
            "SELECT metric_code, name_zh, name_en, base_unit, synonyms, exact_synonyms, vocabulary_version "
            "FROM metrics ORDER BY metric_code").fetchall()
        columns = {c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name IN ('indicators', 'indicators_history') "
            "AND column_name = 'metric_code'").fetchall()}
        history = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'indicators_history' "
                              "AND column_name = 'metric_code'").fetchall()
    finally:
        con.close()
    expected = sorted((m.metric_code, m.name_zh, m.name_en, m.base_unit, "|".join(m.synonyms),
                       "|".join(m.exact_synonyms), m.vocabulary_version) for m in load_metrics())
    assert rows == expected  # a changed CSV needs a new migration (scripts/metrics_sql.py)
    assert columns == {"metric_code"} and history == [(1,)]


def test_session12_mentions_carry_their_metric_code() -> None:
    page = parse_html(SESSION12_PATH.read_text(encoding="utf-8"), SESSION12_URL)
    mentions = extract_mentions(page.transcript, page.turns, page.briefing.event_date)
    by_code: dict[str, list[str]] = {}
    for m in mentions:
        if m.metric_code:
            by_code.setdefault(m.metric_code, []).append(m.value_text)
    assert by_code["fixed_asset_investment"] == ["9%", "12%", "12%"]
    # a rank of a growth rate ranks the growth rate (issue 26): a code of its own
    assert by_code["fixed_asset_investment_growth"] == ["第2位"]
    assert by_code["gdp"] == ["6.2%"]
    assert by_code["industrial_value_added_above_scale"] == ["7.5%", "9.9%"]
    assert by_code["industrial_value_added_above_scale_growth"] == ["第6位"]
    assert by_code["retail_sales"] == ["7%"]
    assert by_code["retail_sales_growth"] == ["第6位"]
    assert by_code["industrial_investment"] == ["41.1%"]
    assert by_code["industrial_investment_growth"] == ["第一"]
    assert by_code["technical_renovation_investment"] == ["25%"]
    assert by_code["high_tech_enterprises"] == ["149家", "149家", "55.2%"]  # 总数达到149家, 高企总量达到149家
    # counts of new and certified firms and of projects, investment totals
    assert by_code["new_high_tech_enterprises"] == ["71家", "71家"]  # 认定高新技术企业71家, 71家企业通过…认定备案
    assert by_code["new_specialised_smes"] == ["15家"]
    assert by_code["new_enterprises_above_scale"] == ["50家"]
    assert by_code["continuing_projects"] == ["154个"] and by_code["new_construction_projects"] == ["295个"]
    assert by_code["investment_total"] == ["50亿元", "80亿元", "225亿元", "500亿元"]
    # a metric the vocabulary does not know keeps its words and no code
    (trade,) = [m for m in mentions if m.value_text == "400亿元"]
    assert (trade.metric, trade.metric_code, trade.value) == ("服装电商交易额", None, Decimal("40000000000"))


def test_a_warehouse_of_migration_004_upgrades_and_a_reparse_fills_metric_code(tmp_path) -> None:
    import shutil
    from dataclasses import replace

    import duckdb

    from briefings.parsing import PARSER_VERSION
    from briefings.settings import MIGRATIONS_DIR
    from tests.warehouse_fixtures import session12
    from warehouse.load import upsert_briefing
    from warehouse.migrate import Migrations

    old_dir = tmp_path / "migrations_004"
    old_dir.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("00[1-4]_*.sql")):
        shutil.copy(path, old_dir)
    path = tmp_path / "briefings.duckdb"
    con = duckdb.connect(str(path))
    assert Migrations(con, old_dir).apply() == [1, 2, 3, 4]
    con.execute("INSERT INTO indicators (briefing_id, turn_no, mention_no, span_start, span_end, value_text, value, "
                "unit, kind, metric, parser_version, loaded_at) VALUES ('b', 1, 1, 0, 2, '9%', 9, 'percent', "
                "'growth_rate', '固定资产投资', '2024.1', TIMESTAMP '2024-03-27 09:00:00')")
    con.close()

    con = open_writer(path)  # applies 005 and later
    try:
        assert con.execute("SELECT value_text, metric, metric_code FROM indicators").fetchall() == [
            ("9%", "固定资产投资", None)]
        assert con.execute("SELECT name_zh FROM metrics WHERE metric_code = 'fixed_asset_investment'").fetchall() == [
            ("固定资产投资",)]
        con.execute("DELETE FROM indicators")
        parsed = session12()
        old = replace(parsed, parser_version="2024.1",
                      mentions=tuple(replace(m, metric_code=None) for m in parsed.mentions))
        upsert_briefing(con, old, url=SESSION12_URL, content_sha256="a" * 64, run_id="old")
        assert con.execute("SELECT count(metric_code) FROM indicators").fetchall() == [(0,)]
        # what `briefings reparse` does with a new parser version: the same page, parsed again
        result = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256="a" * 64, run_id="reparse")
        assert result.action == "updated" and parsed.parser_version == PARSER_VERSION
        codes = con.execute("SELECT metric_code, count(*) FROM indicators WHERE metric_code IS NOT NULL "
                            "AND parser_version = $pv GROUP BY 1 ORDER BY 1", {"pv": PARSER_VERSION}).fetchall()
        assert ("fixed_asset_investment", 3) in codes and ("gdp", 1) in codes
    finally:
        con.close()
