"""briefings.parsing.indicators: indicator mentions of the real session-12 page (天门, 2024-03-25)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.models import Mention, Span, Turn
from briefings.parsing import parse_text
from briefings.sites.hubei import parse_html
from briefings.parsing.indicators import M2_PER_MU, extract_mentions, resolve_period
from briefings.settings import SEED_TEXT_PATH, SNAPSHOT_SITE_DIR

URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
PAGE = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
EVENT = date(2024, 3, 25)
YEAR_2023 = (date(2023, 1, 1), date(2023, 12, 31))
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
JAN_FEB_2024 = (date(2024, 1, 1), date(2024, 2, 29))
NO_PERIOD = (None, None)


@pytest.fixture(scope="module")
def page():
    return parse_html(PAGE.read_text(encoding="utf-8"), URL)


@pytest.fixture(scope="module")
def mentions(page) -> list[Mention]:
    return extract_mentions(page.transcript, page.turns, page.briefing.event_date)


def _find(mentions: list[Mention], transcript: str, context: str, value_text: str) -> list[Mention]:
    """Mentions whose value_text sits inside the first occurrence of ``context`` in the transcript."""
    at = transcript.find(context)
    assert at >= 0, context
    start = at + context.index(value_text)
    return [m for m in mentions if m.span == Span(start, start + len(value_text))]


# The issue's table (issue 26 conventions): context, value_text, subjects, metric, value, unit, qualifier, kind,
# period, status; subject and metric exact.
EXPECTED = [
    ("投资50亿元的新材料产业园", "50亿元", ["新材料产业园"], "投资", "5000000000", "CNY", "exact", "level", NO_PERIOD, "plan"),
    ("产值均超百亿元", "百亿元", ["新材料产业园", "化纤纺织产业园"], "产值", "10000000000", "CNY", "at_least", "level", YEAR_2024, "target"),
    ("2023年全市服装电商销售量5亿件", "5亿件", ["全市"], "服装电商销售量", "500000000", "count", "exact", "level", YEAR_2023, "achieved"),
    ("交易额400亿元", "400亿元", ["全市"], "服装电商交易额", "40000000000", "CNY", "exact", "level", YEAR_2023, "achieved"),
    ("分别突破10亿元、15亿元、20亿元", "10亿元", ["彤辉智能"], "产值", "1000000000", "CNY", "at_least", "level", YEAR_2024, "target"),
    ("分别突破10亿元、15亿元、20亿元", "15亿元", ["宝昂科技"], "产值", "1500000000", "CNY", "at_least", "level", YEAR_2024, "target"),
    ("分别突破10亿元、15亿元、20亿元", "20亿元", ["通格微电路"], "产值", "2000000000", "CNY", "at_least", "level", YEAR_2024, "target"),
    ("争取省级专项资金5260万元", "5260万元", [""], "省级专项资金", "52600000", "CNY", "exact", "level", YEAR_2023, "achieved"),
    ("配套市级资金近5000万元", "5000万元", [""], "配套市级资金", "50000000", "CNY", "approx", "level", YEAR_2023, "achieved"),
    ("庄品健米业等29家企业", "29家", ["庄品健米业等"], "完成智能化改造的企业", "29", "count", "exact", "level", YEAR_2023, "achieved"),
    ("加快培育5个百亿产业园区", "5个", [""], "百亿产业园区", "5", "count", "exact", "level", NO_PERIOD, "target"),
    ("今年1-2月，全市工业投资同比增长41.1%", "41.1%", ["全市"], "工业投资", "41.1", "percent", "exact", "growth_rate", JAN_FEB_2024, "achieved"),
    ("GDP同比增长6.2%", "6.2%", ["我市"], "GDP", "6.2", "percent", "exact", "growth_rate", YEAR_2023, "achieved"),
    ("全市固定资产投资同比增长9%", "9%", ["全市"], "固定资产投资", "9", "percent", "exact", "growth_rate", JAN_FEB_2024, "achieved"),
    ("居全省第2位", "第2位", ["全市"], "固定资产投资增速", "2", "rank", "exact", "rank", JAN_FEB_2024, "achieved"),
    ("力争全年签约项目总金额500亿元以上", "500亿元", [""], "签约项目总金额", "50000000000", "CNY", "at_least", "level", YEAR_2024, "target"),
    ("争取各类债券资金30亿元以上", "30亿元", [""], "各类债券资金", "3000000000", "CNY", "at_least", "level", NO_PERIOD, "target"),
    ("抓紧建设占地1710亩", "1710亩", ["华中服装电商城"], "占地面积", "1710", "mu", "exact", "level", NO_PERIOD, "plan"),
    ("2023年全市71家企业通过", "71家", ["全市"], "通过国家高新技术企业认定备案的企业", "71", "count", "exact", "level", YEAR_2023, "achieved"),
    ("高企总量达到149家", "149家", ["全市"], "高企总量", "149", "count", "exact", "level", YEAR_2023, "achieved"),
    ("高企总量达到149家，同比增长55.2%", "55.2%", ["全市"], "高企总量", "55.2", "percent", "exact", "growth_rate", YEAR_2023, "achieved"),
    ("召开政策培训会7场", "7场", [""], "政策培训会", "7", "count", "exact", "level", NO_PERIOD, "achieved"),
    ("带动商品房销售3732套", "3732套", [""], "商品房销售套数", "3732", "count", "exact", "level", (None, date(2024, 2, 29)), "achieved"),
    ("每台车最高补贴1万元", "1万元", ["每台车"], "补贴", "10000", "CNY", "at_most", "level", NO_PERIOD, "plan"),
    ("上牌量增长131%", "131%", ["全市"], "乘用车上牌量", "131", "percent", "exact", "growth_rate", (date(2024, 1, 23), EVENT), "achieved"),
    ("梳理云帮办高频事项达1360项", "1360项", [""], "云帮办高频事项", "1360", "count", "exact", "level", NO_PERIOD, "target"),
    ("确保全年固定资产投资增长12%以上", "12%", ["我市"], "固定资产投资", "12", "percent", "at_least", "growth_rate", YEAR_2024, "target"),
    ("保持项目储备规模1500亿元以上", "1500亿元", [""], "项目储备规模", "150000000000", "CNY", "at_least", "level", NO_PERIOD, "target"),
    ("重点做好95个储备项目", "95个", [""], "储备项目", "95", "count", "exact", "level", NO_PERIOD, "plan"),
    ("抓好154个续建项目", "154个", [""], "续建项目", "154", "count", "exact", "level", NO_PERIOD, "plan"),
    ("完成规上工业企业数字化诊断100家", "100家", [""], "完成数字化诊断的规上工业企业", "100", "count", "exact", "level", NO_PERIOD, "target"),
    ("市财政安排6亿元", "6亿元", ["市财政"], "产业转型升级专项资金", "600000000", "CNY", "exact", "level", NO_PERIOD, "plan"),
    ("单个企业技改综合奖补比例超25%", "25%", ["单个企业"], "技改综合奖补比例", "25", "percent", "at_least", "share", NO_PERIOD, "plan"),
    ("振宇科技等9家企业", "9家", ["红日子食品、华世通医药、益泰药业、振宇科技等"], "召开一企一策现场办公会的企业", "9", "count", "exact", "level", (date(2023, 11, 1), EVENT), "achieved"),
    ("全市192家规上企业", "192家", ["全市"], "产值实现正增长的规上企业", "192", "count", "exact", "level", (date(2024, 1, 1), date(2024, 2, 29)), "achieved"),
    ("占全市规上企业数量65%以上", "65%", ["产值实现正增长的规上企业"], "规上企业数量", "65", "percent", "at_least", "share", (date(2024, 1, 1), date(2024, 2, 29)), "achieved"),
]


@pytest.mark.parametrize(
    ("context", "value_text", "subjects", "metric", "value", "unit", "qualifier", "kind", "period", "status"),
    EXPECTED,
    ids=[f"{row[1]}@{row[0][:8]}" for row in EXPECTED],
)
def test_issue_table_rows(page, mentions, context, value_text, subjects, metric, value, unit, qualifier, kind,
                          period, status) -> None:
    found = _find(mentions, page.transcript, context, value_text)
    assert len(found) == len(subjects)
    for mention, subject in zip(found, subjects):
        assert mention.value_text == value_text
        assert mention.value == Decimal(value)
        assert (mention.unit, mention.qualifier, mention.kind, mention.status) == (unit, qualifier, kind, status)
        assert (mention.period_start, mention.period_end) == period
        assert mention.subject == subject
        assert mention.metric.replace("“", "").replace("”", "") == metric
        assert mention.parse_flag is None


def test_comparison_scope_and_classifier(page, mentions) -> None:
    (growth,) = _find(mentions, page.transcript, "全市固定资产投资同比增长9%", "9%")
    (rank,) = _find(mentions, page.transcript, "居全省第2位", "第2位")
    (sales,) = _find(mentions, page.transcript, "销售量5亿件", "5亿件")
    (gdp,) = _find(mentions, page.transcript, "GDP同比增长6.2%", "6.2%")
    assert growth.comparison == "同比" and gdp.comparison == "同比"
    assert rank.rank_scope == "全省" and rank.unit_text == "位"
    assert sales.unit_text == "件"
    (money,) = _find(mentions, page.transcript, "投资50亿元的", "50亿元")
    assert money.unit_text == "亿元"


def test_both_rank_one_indicators_spread_by_jun(page, mentions) -> None:
    # 今年1-2月，全市工业投资同比增长41.1%，工业增值税同比增长64.5%，两项指标均位列全省第一
    found = _find(mentions, page.transcript, "均位列全省第一", "第一")
    assert [m.metric for m in found] == ["工业投资增速", "工业增值税增速"]  # what is ranked: the growth rates
    assert [m.metric_code for m in found] == ["industrial_investment_growth", "industrial_vat_growth"]
    assert all(m.value == 1 and m.kind == "rank" and m.rank_scope == "全省" for m in found)


def test_area_in_mu_with_square_metres(page, mentions) -> None:
    (area,) = _find(mentions, page.transcript, "占地1710亩的华中服装电商城", "1710亩")
    assert (area.value, area.unit, area.unit_text) == (Decimal(1710), "mu", "亩")
    assert area.value_m2 == Decimal("1140000.00")  # 1710 * 2000/3, exact
    assert area.subject == "华中服装电商城" and area.status == "plan"


def test_non_indicators_are_not_mentions(page, mentions) -> None:
    text = page.transcript
    for phrase in ["十亿领航、亿元支撑", "居全省第一方阵", "500千伏变电站", "《天门市数字经济三年工作方案", "5G全连接工厂",
                   "第十二场", "一是", "1个月签约", "“131”"]:
        at = text.find(phrase)
        assert at >= 0, phrase
        hit = [m for m in mentions if m.span.start < at + len(phrase) and m.span.end > at]
        if phrase == "5G全连接工厂":
            # the 5 of 5G is a name; 5G全连接工厂10家 gives 10, which starts after the phrase
            assert hit == []
            assert _find(mentions, text, "5G全连接工厂10家", "10家")[0].value == 10
        else:
            assert hit == [], (phrase, hit)


def test_spans_cut_value_text_and_numbers_run_in_text_order(page, mentions) -> None:
    assert len(mentions) == 104
    assert [m.mention_no for m in mentions] == list(range(1, len(mentions) + 1))
    starts = [m.span.start for m in mentions]
    assert starts == sorted(starts)
    for m in mentions:
        assert m.span.cut(page.transcript) == m.value_text
        assert m.sentence in page.transcript
        turn = page.turns[m.turn_no - 1]
        assert turn.span.start <= m.span.start < m.span.end <= turn.span.end


def test_half_width_seed_text_gives_the_same_rows(mentions) -> None:
    seed = parse_text(SEED_TEXT_PATH.read_text(encoding="utf-8"))
    from_seed = extract_mentions(seed.transcript, seed.turns, seed.briefing.event_date)
    key = lambda m: (m.turn_no, m.value_text, m.value, m.unit, m.qualifier, m.kind, m.status, m.period_start,  # noqa: E731
                     m.period_end, m.subject, m.metric)
    assert [key(m) for m in from_seed] == [key(m) for m in mentions]


def _one_turn(text: str) -> tuple[str, list[Turn]]:
    return text, [Turn(1, "天门市委副书记、市长肖敏", "肖敏", "guest", None, text, Span(0, len(text)))]


def test_full_width_digits_and_percentage_points() -> None:
    # the page's sentence with its growth rate written full-width, and a change in percentage points
    transcript, turns = _one_turn("1-2月，全市固定资产投资同比增长１２．５％，增速提高3.2个百分点。")
    rate, points = extract_mentions(transcript, turns, EVENT)
    assert (rate.value_text, rate.value, rate.unit) == ("１２．５％", Decimal("12.5"), "percent")
    assert (points.value, points.unit, points.unit_text, points.kind) == (
        Decimal("3.2"), "percentage_point", "个百分点", "change_pp")
    assert (points.period_start, points.period_end) == JAN_FEB_2024


def test_chinese_numerals_in_money() -> None:
    transcript, turns = _one_turn("市财政安排一千零十万元产业转型升级专项资金，撬动企业投资1.2万亿元。")
    budget, leverage = extract_mentions(transcript, turns, EVENT)
    assert budget.value == Decimal("10100000") and budget.status == "plan"
    assert leverage.value == Decimal("1200000000000") and leverage.unit_text == "万亿元"


def test_unreadable_value_is_null_with_flag() -> None:
    transcript, turns = _one_turn("撬动企业投资十百亿元。")
    (mention,) = extract_mentions(transcript, turns, EVENT)
    assert mention.value is None
    assert mention.parse_flag == "numeral:bad_order"
    assert mention.value_text == "十百亿元"


def test_without_event_date_relative_periods_stay_null() -> None:
    transcript, turns = _one_turn("今年1-2月，全市工业投资同比增长41.1%。2023年，我市GDP同比增长6.2%。")
    first, second = extract_mentions(transcript, turns, None)
    assert (first.period_start, first.period_end) == NO_PERIOD
    assert (second.period_start, second.period_end) == YEAR_2023


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2023年", YEAR_2023),
        ("今年", YEAR_2024),
        ("全年", YEAR_2024),
        ("去年", YEAR_2023),
        ("1-2月", JAN_FEB_2024),
        ("今年1-2月", JAN_FEB_2024),
        ("元至2月", JAN_FEB_2024),
        ("去年以来", (date(2023, 1, 1), EVENT)),
        ("今年以来", (date(2024, 1, 1), EVENT)),
        ("自1月23日政策发布以来", (date(2024, 1, 23), EVENT)),
        ("自去年11月全市新型工业化大会召开后", (date(2023, 11, 1), EVENT)),
        ("截至2月底", (None, date(2024, 2, 29))),
        ("过去一年", YEAR_2023),
        ("下午好", NO_PERIOD),
    ],
)
def test_resolve_period(expression: str, expected: tuple) -> None:
    assert resolve_period(expression, EVENT) == expected


def test_square_metres_round_half_up_to_centimetre_squares() -> None:
    # 1 亩 = 2000/3 m² = 666.666… -> 666.67; 1.5 亩 = 1000 m² exactly
    transcript, turns = _one_turn("抓紧建设占地1亩的华中服装电商城，新建占地1.5亩的物流中心。")
    one, one_and_half = extract_mentions(transcript, turns, EVENT)
    assert one.value_m2 == Decimal("666.67")
    assert one_and_half.value_m2 == Decimal("1000")
    assert one.value * M2_PER_MU == Decimal("666.6666666666666666666666667")


def test_labelled_fixture_matches_the_page_and_the_issue_rows(page, mentions) -> None:
    # every hand label sits once in the real transcript; the table rows above are among the labels
    import json
    import unicodedata

    from briefings.settings import PROJECT_ROOT

    def fold(text: str) -> str:
        return "".join(c2 if len(c2 := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)

    lines = (PROJECT_ROOT / "tests/fixtures/indicators_labelled.jsonl").read_text(encoding="utf-8").splitlines()
    labels = [json.loads(line) for line in lines if line.strip()]
    folded = fold(page.transcript)
    for label in labels:
        assert folded.count(fold(label["context"])) == 1, label["context"]
        assert fold(label["value_text"]) in fold(label["context"])
    labelled = {(fold(label["value_text"]), label["value"], label["status"]) for label in labels}
    for _, value_text, _, _, value, _, _, _, _, status in EXPECTED:
        assert (value_text, value, status) in labelled


def test_eval_scores_every_field_exactly_and_every_mention_is_labelled(page, mentions) -> None:
    # issue 26: the eval compares a metric by its normal form, never by substring; the gold covers every mention
    import importlib.util
    import json
    from dataclasses import replace

    from briefings.settings import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location("eval_indicators", PROJECT_ROOT / "scripts/eval_indicators.py")
    evaluation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluation)
    lines = (PROJECT_ROOT / "tests/fixtures/indicators_labelled.jsonl").read_text(encoding="utf-8").splitlines()
    labels = [json.loads(line) for line in lines if line.strip()]
    assert len(labels) == len(mentions) == 104
    (firms,) = _find(mentions, page.transcript, "全市192家规上企业", "192家")
    (gold,) = [g for g in labels if g["context"] == "月,全市192家"]
    assert evaluation.disagreements(firms, gold) == []
    # the old mistake: 规上企业产值 contains 规上企业 but is not it
    assert evaluation.disagreements(replace(firms, metric="规上企业产值"), dict(gold, metric="规上企业")) == ["metric"]
    assert evaluation.disagreements(replace(firms, subject="全市规上"), gold) == ["subject"]
    # quote marks and full-width forms are the normal form's only leniency
    assert evaluation.normal_form("国家级专精特新“小巨人”企业") == "国家级专精特新小巨人企业"
    assert evaluation.normal_form("ＧＤＰ") == "GDP"


_ALPHABET = "0123456789０１２３４５６７８９.．,，、；。%％一二两三五十百千万亿元家件个项亩第位居全省同比增长力争将近超以上均分别今年去年1-2月元至月日自以来截至底“”《》的投资产值"


@given(st.text(alphabet=_ALPHABET, max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_consistent_rows_and_never_raises(text: str) -> None:
    transcript, turns = _one_turn(text)
    rows = extract_mentions(transcript, turns, EVENT)
    assert [m.mention_no for m in rows] == list(range(1, len(rows) + 1))
    for m in rows:
        assert m.span.cut(transcript) == m.value_text
        assert (m.value is None) == (m.parse_flag is not None)
        assert m.qualifier in {"exact", "approx", "at_least", "at_most"}
        assert m.kind in {"level", "change", "growth_rate", "change_pp", "rank", "share"}
        assert m.status in {"achieved", "target", "forecast", "plan"}


def test_impossible_dates_give_no_period() -> None:
    assert resolve_period("截至2月30日", EVENT) == NO_PERIOD
    assert resolve_period("13-14月", EVENT) == NO_PERIOD
