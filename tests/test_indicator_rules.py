"""Issue 14: indicators mean what was said — sign, percentage points, comparison, notes.

Sentences written in the wording of city statistical bulletins (the issue's examples), with exact values.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.models import Mention, Span, Turn
from briefings.parsing.indicators import extract_mentions

EVENT = date(2024, 3, 25)
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


def _extract(text: str, event: date | None = EVENT) -> list[Mention]:
    turns = [Turn(1, "市长", "市长", "guest", None, text, Span(0, len(text)))]
    return extract_mentions(text, turns, event)


def _row(m: Mention) -> tuple:
    return (m.value_text, m.value, m.unit, m.kind, m.comparison, m.metric)


@pytest.mark.parametrize(
    ("sentence", "value_text", "value"),
    [
        ("社会消费品零售总额同比下降3.5%。", "下降3.5%", "-3.5"),
        ("工业投资比上年减少2.1%。", "减少2.1%", "-2.1"),
        ("房地产开发投资回落4%。", "回落4%", "-4"),
        ("出口额同比下滑12.5%。", "下滑12.5%", "-12.5"),
        ("单位GDP能耗降低3.1%。", "降低3.1%", "-3.1"),
        ("进口额同比负增长6%。", "负增长6%", "-6"),
        ("工业生产者出厂价格增长-3.2%。", "-3.2%", "-3.2"),
        ("利润总额同比下降了8.8%。", "下降了8.8%", "-8.8"),
    ],
)
def test_decline_words_give_a_negative_growth_rate(sentence: str, value_text: str, value: str) -> None:
    (m,) = _extract(sentence)
    assert (m.value_text, m.value, m.unit, m.kind) == (value_text, Decimal(value), "percent", "growth_rate")
    assert m.span.cut(sentence) == m.value_text


@pytest.mark.parametrize(
    ("sentence", "metric"),
    [
        ("规上工业增加值同比增长6.3%。", "规上工业增加值"),
        ("居民消费价格上升1.4%。", "居民消费价格"),
        ("城镇居民人均可支配收入提高5.2%。", "城镇居民人均可支配收入"),
        ("营业收入提升7%。", "营业收入"),
        ("利税总额增加9.1%。", "利税总额"),
    ],
)
def test_rise_words_give_a_positive_growth_rate(sentence: str, metric: str) -> None:
    (m,) = _extract(sentence)
    assert m.kind == "growth_rate" and m.value > 0
    assert m.metric == metric
    assert m.value_text == sentence[sentence.index(m.value_text):].rstrip("。")  # the number only


def test_a_level_reached_after_a_decline_word_is_not_signed() -> None:
    # 回落至3.5%: the growth rate fell TO 3.5 %, it is not a fall of 3.5 %
    (m,) = _extract("全市规上工业增加值增速回落至3.5%。")
    assert (m.value_text, m.value, m.kind, m.metric) == ("3.5%", Decimal("3.5"), "growth_rate", "规上工业增加值")


def test_percentage_points_are_a_change_of_their_own() -> None:
    rate, points, fall = _extract("一般公共预算收入同比增长8%，增速比上年提高1.2个百分点，税收占比回落0.5个百分点。")
    assert _row(rate) == ("8%", Decimal("8"), "percent", "growth_rate", "同比", "一般公共预算收入")
    assert _row(points) == ("1.2个百分点", Decimal("1.2"), "percentage_point", "change_pp", "比上年", "一般公共预算收入")
    assert (fall.value_text, fall.value, fall.unit, fall.kind) == (
        "回落0.5个百分点", Decimal("-0.5"), "percentage_point", "change_pp")


def test_growth_rate_after_a_level_takes_its_metric_and_comparison_words() -> None:
    level, rate = _extract("全市规上工业增加值612.4亿元，按可比价格计算，比上年增长6.3%。")
    assert _row(level) == ("612.4亿元", Decimal("61240000000"), "CNY", "level", None, "规上工业增加值")
    assert _row(rate) == ("6.3%", Decimal("6.3"), "percent", "growth_rate", "按可比价格计算，比上年", "规上工业增加值")
    assert rate.subject == level.subject == "全市"


@pytest.mark.parametrize("word", ["比上年", "同比", "较上年", "比上年同期", "环比"])
def test_comparison_words_go_to_comparison_never_metric(word: str) -> None:
    (m,) = _extract(f"全市固定资产投资{word}增长9%。")
    assert (m.comparison, m.metric, m.value) == (word, "固定资产投资", Decimal("9"))


def test_share_and_rank_after_a_level_take_its_metric() -> None:
    level, rate, rank = _extract("全市社会消费品零售总额320亿元，比上年增长7%，居全省第6位。")
    # what is ranked after a growth rate is the growth rate (issue 26)
    assert [m.metric for m in (level, rate, rank)] == ["社会消费品零售总额"] * 2 + ["社会消费品零售总额增速"]
    assert rank.metric_code == "retail_sales_growth" and rate.metric_code == "retail_sales"
    assert (rank.kind, rank.value, rank.rank_scope, rank.comparison) == ("rank", Decimal(6), "全省", None)
    level, total_rank = _extract("全市地区生产总值1250亿元，总量居全省第3位。")
    assert (total_rank.metric, total_rank.metric_code) == ("地区生产总值", "gdp")  # 总量: the level is ranked
    # a share's metric is what it is a share of; its subject the part (issue 26)
    level, share = _extract("第三产业增加值560亿元，占地区生产总值的比重为45.6%。")
    assert (share.kind, share.value, share.metric, share.metric_code) == ("share", Decimal("45.6"), "地区生产总值", "gdp")
    assert share.subject == "第三产业增加值"


@pytest.mark.parametrize("note", ["(下同)", "（初步核算数）", "[注1]", "①"])
def test_bracketed_notes_are_not_part_of_the_metric(note: str) -> None:
    level, rate = _extract(f"全市地区生产总值{note}1250.6亿元，增长5.8%。")
    assert level.metric == rate.metric == "地区生产总值"
    assert level.value == Decimal("125060000000") and rate.value == Decimal("5.8")


def test_a_note_between_the_number_and_its_unit() -> None:
    (m,) = _extract("全年实现地区生产总值88.6(初步核算)亿元。")
    assert (m.value_text, m.value, m.unit, m.unit_text) == ("88.6(初步核算)亿元", Decimal("8860000000"), "CNY", "亿元")
    (m,) = _extract("全年实现地区生产总值88.6（初步核算）亿元。")
    assert m.value == Decimal("8860000000") and m.metric == "地区生产总值"


def test_per_capita_is_not_each() -> None:
    # 人均 / 平均 are not the 均 that spreads one value over a list
    level, rate = _extract("农村居民人均可支配收入21000元，增长6.1%。")
    assert level.metric == rate.metric == "农村居民人均可支配收入"
    assert (level.value, rate.value) == (Decimal(21000), Decimal("6.1"))


def test_a_list_sharing_a_decline_word_is_all_negative() -> None:
    a, b = _extract("新材料产业园、化纤纺织产业园等产值分别下降3%、5%。")
    assert (a.value, b.value) == (Decimal(-3), Decimal(-5))
    assert (a.value_text, b.value_text) == ("下降3%", "5%")


def test_ranges_and_years_are_not_minus_signs() -> None:
    low, high = _extract("力争全年固定资产投资增长10%-15%。")
    assert (low.value, high.value) == (Decimal(10), Decimal(15))
    assert (high.status, (high.period_start, high.period_end)) == ("target", YEAR_2024)


_DECLINES = ["下降", "减少", "回落", "下滑", "降低", "负增长"]
_FILLER = "全市规上工业增加值固定资产投资同比比上年按可比价格计算，、；1-2月今年以来力争占比率第位居全省亿元家增长上升提高"


@given(
    before=st.text(alphabet=_FILLER, max_size=25),
    decline=st.sampled_from(_DECLINES),
    number=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999.9"), places=1),
    unit=st.sampled_from(["%", "％", "个百分点"]),
    after=st.text(alphabet=_FILLER, max_size=15),
)
@settings(max_examples=300, deadline=None)
def test_property_decline_before_a_percentage_is_negative_and_spans_cut_value_text(
    before: str, decline: str, number: Decimal, unit: str, after: str
) -> None:
    said = f"{decline}{number}{unit}"
    text = f"{before}{said}{after}。"
    rows = _extract(text)
    for m in rows:
        assert m.span.cut(text) == m.value_text
    at = len(before) + len(decline)
    (mine,) = [m for m in rows if m.span.start <= at < m.span.end]
    assert mine.value == -number
    assert mine.value_text == said
    assert mine.kind == ("change_pp" if unit == "个百分点" else "growth_rate")


def test_a_total_after_new_ones_is_the_total_of_the_same_thing() -> None:
    new, total = _extract("2023年认定高新技术企业71家、总数达到149家。")
    assert (new.metric, new.metric_code, new.value) == ("认定高新技术企业", "new_high_tech_enterprises", Decimal(71))
    assert (total.metric, total.metric_code, total.value) == ("高新技术企业总数", "high_tech_enterprises", Decimal(149))


def test_a_list_sharing_its_last_measure_noun() -> None:
    a, b = _extract("其中抖音女装板块、希音跨境电商销量均排名全省第1。")
    assert [(m.subject, m.metric, m.value, m.kind) for m in (a, b)] == [
        ("抖音女装板块", "销量", Decimal(1), "rank"), ("希音跨境电商", "销量", Decimal(1), "rank")]


def test_a_list_of_metrics_sharing_one_growth_rate() -> None:
    a, b = _extract("全市工业投资、技改投资均增长10%以上。")
    assert [(m.subject, m.metric, m.metric_code, m.value, m.qualifier) for m in (a, b)] == [
        ("全市", "工业投资", "industrial_investment", Decimal(10), "at_least"),
        ("全市", "技改投资", "technical_renovation_investment", Decimal(10), "at_least")]


def test_money_in_us_dollars() -> None:
    level, rate = _extract("全年实际使用外资3.5亿美元，增长12%。")
    assert (level.value_text, level.value, level.unit, level.unit_text, level.metric_code) == (
        "3.5亿美元", Decimal("350000000"), "USD", "亿美元", "actual_fdi")
    assert (rate.value, rate.metric_code) == (Decimal(12), "actual_fdi")


def test_a_change_of_a_level_is_signed_and_keeps_the_level_metric() -> None:
    level, change, share, points = _extract(
        "年末全市常住人口156.78万人，比上年末减少0.52万人。常住人口城镇化率为58.9%，比上年末提高0.8个百分点。")
    assert (level.value, level.unit, level.kind, level.metric_code) == (
        Decimal("1567800"), "count", "level", "resident_population")
    assert (change.value_text, change.value, change.kind, change.comparison, change.metric) == (
        "减少0.52万人", Decimal("-5200"), "change", "比上年末", "常住人口")
    assert (share.kind, share.metric_code) == ("share", "urbanisation_rate")
    assert (points.value, points.kind, points.comparison, points.metric_code) == (
        Decimal("0.8"), "change_pp", "比上年末", "urbanisation_rate")
    deposits, added, rate = _extract("年末金融机构本外币各项存款余额3456.7亿元，比年初增加234.5亿元，增长7.3%。")
    assert (added.value, added.kind, added.comparison, added.metric_code) == (
        Decimal("23450000000"), "change", "比年初", "deposits")
    assert (rate.kind, rate.metric_code) == ("growth_rate", "deposits")


def test_physical_measures_and_person_times() -> None:
    power, rate = _extract("全年全社会用电量123.45亿千瓦时，比上年增长6.7%。")
    assert (power.value_text, power.value, power.unit, power.unit_text, power.metric_code) == (
        "123.45亿千瓦时", Decimal("12345000000"), "kWh", "千瓦时", "electricity_consumption")
    assert (rate.value, rate.metric_code) == (Decimal("6.7"), "electricity_consumption")
    grain, more = _extract("全年粮食总产量123.4万吨，比上年增产1.2%。")
    assert (grain.value, grain.unit, more.kind, more.value, more.metric_code) == (
        Decimal("1234000"), "tonne", "growth_rate", Decimal("1.2"), "grain_output")
    visitors, _ = _extract("接待游客5678.9万人次，增长30.1%。")
    assert (visitors.value, visitors.unit, visitors.unit_text, visitors.metric_code) == (
        Decimal("56789000"), "count", "人次", "tourist_arrivals")


def test_generic_words_take_the_metric_before_them() -> None:
    rate, rank = _extract("全市地区生产总值同比增长5.5%，总量居全省第3位。")
    assert (rank.metric, rank.metric_code, rank.value) == ("地区生产总值", "gdp", Decimal(3))
    rate, points = _extract("1-2月，全市规上工业增加值同比增长9.9%，增幅高于全省平均水平1.2个百分点。")
    assert (points.metric_code, points.comparison, points.kind) == (
        "industrial_value_added_above_scale", "高于全省平均水平", "change_pp")


def test_comparison_with_an_earlier_part_of_the_year_is_no_period() -> None:
    rate, faster, slower = _extract("全市GDP增长4.5%，增速比一季度加快0.3个百分点，比上半年放缓0.2个百分点。")
    assert (faster.value, faster.comparison) == (Decimal("0.3"), "比一季度")
    assert (slower.value_text, slower.value, slower.comparison) == ("放缓0.2个百分点", Decimal("-0.2"), "比上半年")
    _, narrower = _extract("工业投资增长-2.1%，降幅比1-11月收窄1.5个百分点。")
    assert (narrower.comparison, narrower.period_start, narrower.period_end) == ("比1-11月", None, None)
    assert narrower.metric_code == "industrial_investment"


def test_growth_in_times_is_a_growth_rate_in_percent() -> None:
    (m,) = _extract("全年新能源汽车产量同比增长1.5倍，出口额是上年的2倍。")  # 是上年的2倍 is a ratio, no mention
    assert (m.value_text, m.value, m.unit, m.unit_text, m.kind) == ("1.5倍", Decimal(150), "percent", "倍", "growth_rate")


def test_realised_after_the_region_is_not_part_of_the_metric() -> None:
    level, rate = _extract("全年全市实现地区生产总值2345.67亿元，按可比价格计算，比上年增长6.5%。")
    assert (level.subject, level.metric, level.metric_code) == ("全市", "地区生产总值", "gdp")
    assert rate.metric_code == "gdp"


@pytest.mark.parametrize(
    ("expression", "period"),
    [
        ("一季度", (date(2024, 1, 1), date(2024, 3, 31))),
        ("2023年上半年", (date(2023, 1, 1), date(2023, 6, 30))),
        ("去年前三季度", (date(2023, 1, 1), date(2023, 9, 30))),
        ("第四季度", (date(2024, 10, 1), date(2024, 12, 31))),
    ],
)
def test_quarters_and_halves_are_periods(expression: str, period: tuple) -> None:
    from briefings.parsing.indicators import resolve_period

    assert resolve_period(expression, EVENT) == period


def test_a_comparison_with_the_whole_year_is_no_period() -> None:
    rate, faster, slower = _extract("一季度，全市GDP同比增长5.2%，增速比上年同期加快0.4个百分点，比全年放缓0.1个百分点。")
    quarter = (date(2024, 1, 1), date(2024, 3, 31))
    assert [(m.period_start, m.period_end) for m in (rate, faster, slower)] == [quarter] * 3
    assert [(m.value, m.comparison, m.metric_code) for m in (rate, faster, slower)] == [
        (Decimal("5.2"), "同比", "gdp"), (Decimal("0.4"), "比上年同期", "gdp"), (Decimal("-0.1"), "比全年", "gdp")]


def test_respectively_over_a_list_of_metrics() -> None:
    urban, rural = _extract("城镇和农村居民人均可支配收入分别增长5.1%和6.2%。")
    assert [(m.metric_code, m.value) for m in (urban, rural)] == [
        ("urban_disposable_income", Decimal("5.1")), ("rural_disposable_income", Decimal("6.2"))]
    exports, imports = _extract("出口和进口分别下降3%和5%。")
    assert [(m.value_text, m.value, m.metric_code) for m in (exports, imports)] == [
        ("下降3%", Decimal(-3), "exports"), ("5%", Decimal(-5), "imports")]
    industry, renovation = _extract("全市工业投资、技改投资分别增长10%、15%。")
    assert [(m.subject, m.metric_code, m.value) for m in (industry, renovation)] == [
        ("全市", "industrial_investment", Decimal(10)), ("全市", "technical_renovation_investment", Decimal(15))]
