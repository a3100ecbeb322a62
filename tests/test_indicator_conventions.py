"""Issue 26: metric, subject, status and period as an analyst groups by them.

Each case is a sentence of session 12 (天门, 2024-03-25), some rewritten into another shape (another verb,
another frame, a second clause) so that the rule, not the sentence, is tested. Subjects and metrics exact.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from briefings.models import Mention, Span, Turn
from briefings.parsing.indicators import extract_mentions

EVENT = date(2024, 3, 25)
YEAR_2023 = (date(2023, 1, 1), date(2023, 12, 31))
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
NONE = (None, None)


def _extract(text: str) -> list[Mention]:
    turns = [Turn(1, "市长", "市长", "guest", None, text, Span(0, len(text)))]
    return extract_mentions(text, turns, EVENT)


def _one(text: str, value_text: str) -> Mention:
    (found,) = [m for m in _extract(text) if m.value_text == value_text]
    return found


@pytest.mark.parametrize(
    ("text", "value_text", "subject", "metric", "metric_code"),
    [
        # a metric is a noun phrase: the verb before it goes (申报争取, 抓紧建设, 带动, 保持, 召开, 梳理)
        ("申报争取债券资金30亿元以上。", "30亿元", "", "债券资金", "bond_funds"),
        ("抓紧建设占地1710亩的华中服装电商城。", "1710亩", "华中服装电商城", "占地面积", None),
        ("截至2月底，带动商品房销售3732套。", "3732套", "", "商品房销售套数", None),
        ("保持项目储备规模1500亿元以上。", "1500亿元", "", "项目储备规模", None),
        ("召开政策培训会7场、培训企业400余家。", "7场", "", "政策培训会", None),
        ("召开政策培训会7场、培训企业400余家。", "400余家", "", "培训的企业", None),
        ("我们将新建跨境电商大楼3栋，梳理云帮办高频事项达1360项。", "1360项", "", "云帮办高频事项", None),
        # the counted thing with its defining clause; a bare 企业 never stands alone
        ("庄品健米业等29家企业完成智能化改造。", "29家", "庄品健米业等", "完成智能化改造的企业", None),
        ("2023年全市71家企业通过国家高新技术企业认定备案。", "71家", "全市", "通过国家高新技术企业认定备案的企业",
         "new_high_tech_enterprises"),
        ("兑现5家企业“一企一策”政策资金6508万元。", "5家", "", "兑现一企一策政策资金的企业", None),
        ("兑现5家企业“一企一策”政策资金6508万元。", "6508万元", "", "一企一策政策资金", None),
        # 新增 governs a list of counts
        ("新增省级专精特新中小企业15家、国家级专精特新“小巨人”企业1家。", "1家", "", "新增国家级专精特新小巨人企业",
         "new_little_giant_enterprises"),
        # the whole list before 等, the actor of a spending, a per-unit scope
        ("我们先后在红日子食品、华世通医药、益泰药业、振宇科技等9家企业召开现场办公会。", "9家",
         "红日子食品、华世通医药、益泰药业、振宇科技等", "召开现场办公会的企业", None),
        ("市财政安排6亿元产业转型升级专项资金，其中技改资金不少于2亿元。", "6亿元", "市财政", "产业转型升级专项资金", None),
        ("市财政安排6亿元产业转型升级专项资金，其中技改资金不少于2亿元。", "2亿元", "市财政", "技改资金", None),
        ("每台车最高补贴1万元。", "1万元", "每台车", "补贴", None),
        ("单个企业技改综合奖补比例超25%。", "25%", "单个企业", "技改综合奖补比例", None),
        # a rank of a growth rate ranks the growth rate; 总量 ranks the level
        ("1-2月，全市工业投资同比增长41.1%，居全省第1位。", "第1位", "全市", "工业投资增速", "industrial_investment_growth"),
        ("2023年，全市地区生产总值增长6.2%，总量居全省第5位。", "第5位", "全市", "地区生产总值", "gdp"),
        # a share's metric is what it is a share of; its subject the part
        ("元至2月，全市192家规上企业产值实现正增长，占全市规上企业数量65%以上。", "65%", "产值实现正增长的规上企业",
         "规上企业数量", "enterprises_above_scale"),
        ("我市传统产业在制造业中占比超70%。", "70%", "我市传统产业", "制造业", None),
        # a bare measure after a sibling takes its topic; the sentence's region is the subject of its values
        ("2023年全市服装电商销售量5亿件、同比增长71.6%，交易额400亿元。", "400亿元", "全市", "服装电商交易额", None),
        ("自1月23日政策发布以来，全市乘用车销量同比增长192%、上牌量增长131%。", "131%", "全市", "乘用车上牌量", None),
        # 全省 leads a term, not a subject, unless what follows is a known metric
        ("力争今年全省通办事项1000项以上。", "1000项", "", "全省通办事项", None),
        ("目前已将10个项目纳入省级重点项目。", "10个", "", "纳入省级重点项目的项目", None),
        # a money value that sizes the projects it names is no mention
        ("全年新签约亿元以上项目86个，其中10亿元以上项目12个。", "12个", "", "10亿元以上项目", None),
    ],
)
def test_subject_and_metric(text: str, value_text: str, subject: str, metric: str, metric_code: str | None) -> None:
    m = _one(text, value_text)
    assert (m.subject, m.metric.replace("“", "").replace("”", ""), m.metric_code) == (subject, metric, metric_code)


@pytest.mark.parametrize(
    ("text", "value_text", "status", "period"),
    [
        # a work plan's project counts are plan items without a period; its 力争 target keeps its year
        ("重点做好95个储备项目前期工作，抓好154个续建项目建设，力争全年固定资产投资同比增长12%以上。", "154个", "plan", NONE),
        ("重点做好95个储备项目前期工作，抓好154个续建项目建设，力争全年固定资产投资同比增长12%以上。", "12%", "target",
         YEAR_2024),
        # projects counted in a year already over are achieved
        ("2023年，全市新开工项目295个。", "295个", "achieved", YEAR_2023),
        # 加快, 将 and 力争 give targets; with no year in the sentence, no period
        ("加快培育5个百亿产业园区。", "5个", "target", NONE),
        ("我们将争取各类债券资金30亿元以上，全年完成投资225亿元以上。", "30亿元", "target", NONE),
        ("我们将争取各类债券资金30亿元以上，全年完成投资225亿元以上。", "225亿元", "target", YEAR_2024),
        ("预计新增商户1200家。", "1200家", "forecast", NONE),
        # a value said for a year not over yet is not achieved
        ("今年，全市固定资产投资增长12%。", "12%", "target", YEAR_2024),
        # 截至2月底 ends a period and starts none
        ("去年以来，我市出台综合性民生支持政策，截至2月底，带动商品房销售3732套。", "3732套", "achieved",
         (None, date(2024, 2, 29))),
        # since a date: achieved, whatever the turn plans
        ("下一步，我们将持续发力。自去年11月全市新型工业化大会召开后，撬动企业投资10亿元。", "10亿元", "achieved",
         (date(2023, 11, 1), EVENT)),
        # a work plan turn: values without a cue of their own are targets
        ("我们将聚焦改革创新。掌上办上线事项超1320项，事项上线率达51.3%。", "51.3%", "target", NONE),
        # 将 and 加快 tell a plan only for a period not over; 已 says done
        ("2023年，我们加快项目建设，全年完成投资225亿元。", "225亿元", "achieved", YEAR_2023),
        ("下一步，我们将持续发力。目前已将10个项目纳入省级重点项目。", "10个", "achieved", NONE),
        # 全年 after a past frame is that year
        ("2023年，全市服装电商交易额400亿元。全年新签约亿元以上项目86个。", "86个", "achieved", YEAR_2023),
    ],
)
def test_status_and_period(text: str, value_text: str, status: str, period: tuple) -> None:
    m = _one(text, value_text)
    assert (m.status, (m.period_start, m.period_end)) == (status, period)


def test_a_size_class_in_a_name_is_no_mention() -> None:
    rows = _extract("全年新签约亿元以上项目86个，其中10亿元以上项目12个。")
    assert [(m.value_text, m.value) for m in rows] == [("86个", Decimal(86)), ("12个", Decimal(12))]
