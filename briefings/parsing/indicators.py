"""Economic indicator mentions in a briefing transcript (pure: str in, ``Mention`` rows out).

A regex-driven scanner over sentences: one master pattern finds values with a unit (money, counts,
percentages, percentage points, 亩) and ranks (居全省第2位); the text of the same clause and sentence
gives qualifier, kind, comparison, period, status, subject and metric. Values inside quotes and title
marks (“十亿领航、亿元支撑”, 《…(2023-2025年)》), ordinals (第十二场), years, months, 5G, 500千伏,
list markers (一是) and tiers (第一方阵) are never mentions. See docs/indicators.md for the columns.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from briefings.models import Mention, Span, Turn
from briefings.parsing.numerals import NumeralError, parse_number, parse_ordinal
from briefings.parsing.vocabulary import metric_code_for

__all__ = ["extract_mentions", "M2_PER_MU", "resolve_period"]

# 1 亩 = 2000/3 m² (shown here to 28 significant digits). value_m2 is value * 2000 / 3, rounded
# half-up to 0.01 m² (exact whenever the 亩 value is a multiple of 0.03).
M2_PER_MU = Decimal(2000) / Decimal(3)
_M2_QUANTUM = Decimal("0.01")

_CN = "零〇一二两三四五六七八九十百千"
_ARABIC = r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*(?:[.．][0-9０-９]+)?"
# Arabic may carry 十百千 only before 万/亿/元 (3千万元), so 500千伏 stays a bare 500.
_AR_NUM = rf"(?<![0-9０-９.．A-Za-z第]){_ARABIC}(?:[十百千]?[万亿]+|[十百千](?=元))?"
# Chinese numerals need a magnitude (十百千万亿): 百亿元 yes, 统一元 no.
_CN_NUM = rf"(?<![{_CN}万亿第])(?=[{_CN}]*[十百千万亿])[{_CN}]+[万亿]*"
_COUNT_CLASSIFIERS = r"家|件|项(?!目)|个(?!月|百分点|人)|人次|人(?!民|才|员)|份|名|套|场|次|台|辆|户|座|所"
# Physical measures, read like counts (Arabic digits only) but with a base unit of their own.
_MEASURES = {"千瓦时": "kWh", "千瓦": "kW", "平方公里": "km2", "平方米": "m2", "立方米": "m3", "公里": "km", "吨": "tonne"}
_MEASURE_UNITS = "千瓦时|千瓦(?!时)|平方公里|平方米|立方米|公里|吨"

# A minus sign counts only after a word, never after a digit or % (10%-15% is a range, 2023-2025 years).
_SIGN = r"(?:(?<![0-9０-９%％.．A-Za-z\-－−])[-－−])?"
# A bracketed note may stand between the number and its unit: 88.6(初步核算)亿元.
_UNIT_NOTE = r"(?:(?P<note>[(（][^()（）]{1,12}[)）])(?P<note_mult>[十百千]?[万亿]+)?)?"

_SCAN = re.compile(
    r"(?P<rank>(?P<rverb>排名|位列|位居|居|排)(?P<scope>全省|全国|全市|全区|省内|国内)?"
    r"(?P<rnum>第(?:[0-9０-９]+|[一二三四五六七八九十]+))(?P<runit>位|名)?(?![0-9一二三四五六七八九十]|方阵|梯队|阵营|方队|批|档))"
    rf"|(?P<num>{_SIGN}{_AR_NUM}|{_CN_NUM}){_UNIT_NOTE}(?P<more>多|余)?"
    r"(?P<unit>美元|元|%|％|个百分点|亩|倍)"
    rf"|(?P<cnum>{_AR_NUM})(?P<cmore>多|余)?(?P<classifier>{_MEASURE_UNITS}|{_COUNT_CLASSIFIERS})"
)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|\"[^\"]*\"|「[^」]*」")
_CLAUSE_BREAK = re.compile(r"[，,；;：:、]")

_PERIOD = re.compile(
    r"(?P<since>自(?P<s_y>去年|今年|20\d{2}年)?(?P<s_m>\d{1,2})月(?:(?P<s_d>\d{1,2})日)?[^，,。；;]{0,20}?(?:以来|后|起))"
    r"|(?P<rel_since>(?P<rs_y>去年|今年|年初)以来)"
    r"|(?P<upto>截至(?P<u_y>去年|今年|20\d{2}年)?(?P<u_m>\d{1,2})月(?:底|末|(?P<u_d>\d{1,2})日)?)"
    r"|(?P<months>(?P<m_y>今年|去年|20\d{2}年)?(?P<m_a>\d{1,2}|元)月?[-－—~至到](?P<m_b>\d{1,2})月)"
    r"|(?P<quarter>(?P<q_y>今年|去年|20\d{2}年)?(?P<q>前三季度|第?[一二三四1-4]季度|上半年|下半年))"
    r"|(?P<past_year>过去一年)"
    r"|(?P<year>(?P<y_abs>20\d{2})年(?![0-9-－])|(?P<y_rel>今年|去年|全年|本年|明年))"
)
_QUARTERS = {
    "一季度": (1, 3), "1季度": (1, 3), "二季度": (4, 6), "2季度": (4, 6), "三季度": (7, 9), "3季度": (7, 9),
    "四季度": (10, 12), "4季度": (10, 12), "上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9),
}
# A sentence opening with one of these sets the period of later sentences of the turn.
_FRAME = re.compile(r"^(?:过去一年|去年以来|今年以来|今年年初|今年|去年|20\d{2}年|近年来|下一步)(?=[，,])")

_QUAL_BEFORE = re.compile(r"近(?!年|期|日|来|些)|约|超过|超|突破|逾|不少于|不低于|至少|最高|不超过|不高于|最多")
_QUAL_AFTER = re.compile(r"^(?:以上|以下|以内|左右|多)")
_QUALIFIER = {
    "近": "approx", "约": "approx", "左右": "approx",
    "超过": "at_least", "超": "at_least", "突破": "at_least", "逾": "at_least", "不少于": "at_least",
    "不低于": "at_least", "至少": "at_least", "以上": "at_least", "多": "at_least", "余": "at_least",
    "最高": "at_most", "不超过": "at_most", "不高于": "at_most", "最多": "at_most", "以下": "at_most", "以内": "at_most",
}
# Words of change before a percentage (or percentage points). The last one before the value decides
# the sign: a decline word gives a negative value, unless 至/到 follows it (回落至3.5% is a level reached).
_DECLINE = re.compile(r"负增长|下降|减少|回落|下滑|降低|下跌|减产|放缓")
_RISE = re.compile(r"增长|上升|提高|提升|增加|上涨|增产|加快|回升")
_GROWTH = re.compile(rf"增速|增幅|{_DECLINE.pattern}|{_RISE.pattern}")
_SHARE = re.compile(r"占比|占|比例|比重|率")
# Words of comparison: the base (比上年, 同比 ...) and the price basis (按可比价格计算). They go to
# ``comparison``, never into ``metric``.
_COMPARISON = re.compile(
    r"按可比价格计算|按可比价计算|按可比口径计算|按现价计算"
    r"|比上年同期|较上年同期|比去年同期|较去年同期|与上年同期相比|与上年相比|与去年相比"
    r"|比上年末|较上年末|比去年末|较去年末|比上年底|较上年底"
    r"|[比较](?:上年|去年)?(?:全年|一季度|上半年|前三季度|上季度|(?:\d{1,2}[-－—~])?\d{1,2}月(?:份)?)"
    r"|(?:高于|低于|快于|慢于)(?:全国|全省|全市)(?:平均水平|平均|水平)?|按同口径计算|同口径|可比口径"
    r"|同比|环比|比上年|较上年|比去年|较去年|比上月|较上月|比年初|较年初"
)
# A note in brackets ((下同), (初步核算数), [注1], ①) is no part of a metric.
_NOTE = re.compile(r"[(（\[［【〔][^()（）\[\]［］【】〔〕]{0,20}[)）\]］】〕]|[①-⑳]")
_TARGET = re.compile(r"力争|确保|争创|目标|保持|(?<![已均])将(?!近)|加快")
_WEAK_TARGET = ("将", "加快")
_DONE = re.compile(r"已经|已")  # cues of plans and of narratives alike: no target for a value of a past period
_FORECAST = re.compile(r"预计|有望")
# A sentence with 我们将 (or opening with 下一步) turns the rest of the turn into a work plan: its values are
# targets unless their own sentence says otherwise (a cue, a past period).
_FUTURE = re.compile(r"我们将|^下一步")
_PROJECT_TARGET = re.compile(r"力争|确保|争取|目标")
_CLAUSE_SPLIT = re.compile(r"[，,；;：:]")
_PUNCT_SPLIT = re.compile(r"[，,。；;、！？!?]")
_FRAME_REST = re.compile(r"^(?:年初|年末|年底|近年来|以来)")
_DIGIT = re.compile(r"[0-9０-９]")
_QUOTE_MARKS = re.compile(r"[“”\"「」]")
# A money value that sizes the things a noun counts (10亿元以上项目, 亿元以上企业) is part of that noun.
_THRESHOLD = re.compile(r"(?:以上|以下)的?(?:重大|重点|工业|产业|制造业|招商)?(?:项目|企业)")
_PLAN_PREFIX = re.compile(r"安排|总投资|占地(?!区)|每|单个")
_PLAN_SUBJECT = re.compile(r"^的([^，,。；;、的“”]{2,15}?(?:产业园|园区|园|基地|中心|项目|工程|城|大楼|市场))")
_REGION = re.compile(r"^(?:全市|我市|本市|天门市|全县|我县|全区|我区|全省|全国)")
# 全省 / 全国 lead a term as often as they name a region (全省通办事项): a subject only before a known metric.
_WIDE_REGIONS = ("全省", "全国")
# Per-unit scopes (每台车最高补贴1万元, 单个企业…比例超25%) and the actor of a spending (市财政安排6亿元…).
_SCOPE = re.compile(r"^(?:每[台个家户辆套件名位项座所亩]?(?:车辆|汽车|车|企业|项目|家庭|户|人)|单个(?:企业|项目|主体|园区|家庭))")
_ACTOR = re.compile(r"^((?:市|省|县|区|州|中央|国家)?(?:财政|政府|财政局))(?:安排|投入|拨付|下达|设立|统筹)")
_LEAD_QUALIFIER = re.compile(r"^(?:最高|最多|最低|至少|不少于|不低于|不超过|不高于)")
# Verbs that may lead a clause before what it measures: dropped from the metric (争取省级专项资金 -> 省级专项资金).
# 新增, 认定, 入库, 签约, 新开工 and the like stay: they name a kind of the thing (新增规上工业企业).
_LEAD_VERB = re.compile(
    r"^(?:我们|目前|已经|已|建成|共有|拥有|有(?![限效机色线关])|申报|争取|抓紧|建设|带动|保持|召开|梳理|投入|组织|撬动|兑现|发放|完成|实现|引进|走访|培训|上线|落实|组建|新建"
    r"|打造|培育|加快|推动|支持|用好|安排|拨付|下达|举办|举行|开展|推进|实施|谋划|招引|培养|共|累计|先后)"
)
# Heads that say nothing alone: a count of them keeps its verb as a defining clause (走访企业328家 -> 走访的企业).
_BARE_HEADS = frozenset({"企业", "项目", "事项", "单位", "人", "人次", "户", "家庭", "主体", "商户"})
# Verbs after a count's noun that start its defining clause (29家企业完成智能化改造 -> 完成智能化改造的企业).
_DEFINING_VERB = re.compile(r"完成|获评|实现|通过|召开|纳入|列入|入选|获得|荣获|参与|开展")
_ENTITY_HEAD = "企业"
# Activities counted in a classifier (商品房销售3732套 -> 商品房销售套数).
_ACTIVITY_TAIL = re.compile(r"(?:销售|成交|交易|签约|办理|接待)$")
# Measure nouns a clause may use bare after a sibling that named its topic (服装电商销售量…，交易额…).
_BARE_MEASURES = frozenset({"交易额", "销售额", "销量", "销售量", "上牌量", "产量", "产值", "营收", "成交额", "用电量"})
_MEASURE_END = re.compile(r"(?:交易额|销售额|销量|销售量|上牌量|产量|产值|营收|成交额|用电量)$")
# A share: what is shared (x) and what it is a share of (y): 传统产业在制造业中占比, 占全市规上企业数量, 占GDP的比重.
_SHARE_OF = re.compile(r"^(?P<x>.*?)(?:在(?P<y1>[^在占]+?)中)?占(?!地面积)比?(?P<y2>.*?)(?:的)?(?:比重|比例|份额)?$")
# Words removed from a clause to leave the metric as worded: periods, cues, and (at the ends only)
# verbs and qualifiers, so 签约 keeps its 约 and 超长期 its 超.
_NOISE = re.compile(
    rf"{_NOTE.pattern}|{_COMPARISON.pattern}"
    r"|自[^，,。；;]*?(?:以来|后)|截至\d{1,2}月(?:底|末)?|(?:今年|去年|20\d{2}年)?(?:\d{1,2}|元)月?[-－—~至到]\d{1,2}月"
    r"|20\d{2}年|今年以来|去年以来|今年|去年|全年|年末|年底|力争|确保|预计|有望|将(?!近)|分别|(?<![人平])均(?![衡匀价])|[“”《》()（）]"
)
# 均 = "each" (均超百亿元), not the 均 of 人均, 平均, 均衡, 均价.
_EACH = re.compile(r"(?<![人平])均(?![衡匀价])")
# Nouns of measure that a list of subjects can share at its end (A、B销量均…).
_MEASURE_TAIL = re.compile(r"(?:销量|销售量|销售额|交易额|产值|产量|营收|营业收入|增加值|利润|税收|投资)$")
# A level right after a word of change, with a comparison in its clause, is a change of that level.
_LEVEL_CHANGE = re.compile(rf"(?:{_DECLINE.pattern}|{_RISE.pattern})了?$")
# Words that name no metric of their own: a rank, share or rate worded with them is of the value before.
_GENERIC_METRIC = frozenset({"总量", "增速", "增幅", "降幅", "规模", "速度", "总额", "比重", "占比"})
_TIMES_GROWTH = re.compile(r"(?:增长|提高|增加|上升|上涨|增)了?$")
_NEW_PREFIX = re.compile(r"^(?:新增|新认定|认定|新进|新引进|引进|新)")
_LEAD_WORDS = re.compile(r"^(?:其中|共计|共|累计|先后|总计|实现)+")
_TAIL_WORDS = re.compile(
    r"(?:增长|增速|增幅|负增长|下降|减少|回落|下滑|降低|下跌|减产|放缓|收窄|上升|提高|提升|增加|上涨|增产|加快|回升|扩大|了"
    r"|至|到|达到|达|为|实现|完成|超过|超|突破|近|约|逾|不少于|不低于|最高|以上)+$"
)
_SUFFIX_CUT = re.compile(r"[，,。；;、“”]|完成|获评|实现|通过|召开|纳入|列入|入选|建设|前期|对|在|的")
_LIST_WITH_DENG = re.compile(r"((?:[^、，,；;。]+、)+[^、，,；;。]+?)等")
_VERB_PREFIX = re.compile(r"^.*?(?:引进|包括|培育|打造|建设|推动|支持|其中|加快|对|在)")
_CONTINUATION = re.compile(r"(?:(?:、和|、|和|与|及)[^、，,。；;和与及]{1,12}?(?:元|%|％|家|个|项|件|亩))*")
_CONTINUATION_SEP = re.compile(r"、和|、|和|与|及")
_N_ITEMS = re.compile(r"([两二三四五六七八九十]|\d+)(?:项|个|类)")


@dataclass
class _Row:
    """A mention under construction (sentence-relative offsets)."""

    start: int
    end: int
    value_text: str
    value: Decimal | None
    unit: str
    unit_text: str
    qualifier: str
    kind: str
    comparison: str | None
    rank_scope: str | None
    period: tuple[date | None, date | None]
    status: str
    subject: str
    metric: str
    value_m2: Decimal | None = None
    parse_flag: str | None = None
    pending_subjects: tuple[str, ...] = ()  # 分别: subjects still to pair with the next 、 values
    pending_metrics: tuple[str, ...] = ()  # 分别 over a list of metrics (出口和进口分别…): the metrics still to pair


def extract_mentions(transcript: str, turns: Sequence[Turn], event_date: date | None) -> list[Mention]:
    """Find every economic indicator value said in the turns of a briefing.

    Args:
        transcript: the stored transcript (``ParsedBriefing.transcript``); full- or half-width punctuation.
        turns: the briefing's turns; each ``turn.span`` indexes ``transcript``.
        event_date: the 时间 of the 发布会实录 block; relative periods (今年, 1-2月, 去年以来) resolve
            against it. None leaves relative periods NULL.
    Returns:
        Mentions in text order, ``mention_no`` from 1. ``span`` covers ``value_text`` in ``transcript``.
        One value spread over several subjects (均, 分别) gives one row per subject, sharing the span.
        ``value`` is exact in the base unit (yuan, count, percent, percentage point, rank, 亩); when the
        numeral cannot be read it is None and ``parse_flag`` says why (``numeral:<reason>``).
    Raises:
        Nothing on purpose: text without indicators gives an empty list.
    """
    mentions: list[Mention] = []
    for turn in turns:
        frame: tuple[date | None, date | None] = (None, None)
        future = False
        for match in _SENTENCE.finditer(transcript, turn.span.start, turn.span.end):
            sentence = match.group(0)
            lead = len(sentence) - len(sentence.lstrip())
            sentence = sentence.strip()
            if not sentence:
                continue
            offset = match.start() + lead
            framing = _FRAME.match(sentence)
            if framing:
                frame = resolve_period(framing.group(0), event_date) if framing.group(0) not in ("近年来",) else (None, None)
                if frame[1] is not None and event_date is not None and frame[1] <= event_date:
                    future = False  # 今年以来, 过去一年: the turn reports again
            if _FUTURE.search(sentence):
                future = True
            for row in _scan_sentence(sentence, event_date, frame, future):
                mentions.append(
                    Mention(
                        turn_no=turn.turn_no,
                        mention_no=len(mentions) + 1,
                        sentence=sentence,
                        span=Span(offset + row.start, offset + row.end),
                        value_text=row.value_text,
                        value=row.value,
                        unit=row.unit,
                        unit_text=row.unit_text,
                        qualifier=row.qualifier,
                        kind=row.kind,
                        comparison=row.comparison,
                        rank_scope=row.rank_scope,
                        period_start=row.period[0],
                        period_end=row.period[1],
                        status=row.status,
                        subject=row.subject,
                        metric=row.metric,
                        value_m2=row.value_m2,
                        parse_flag=row.parse_flag,
                        metric_code=metric_code_for(row.metric),
                    )
                )
    return mentions


def resolve_period(expression: str, event_date: date | None) -> tuple[date | None, date | None]:
    """Resolve one period expression against the briefing's event date.

    Args:
        expression: ``2023年``, ``今年``, ``全年``, ``去年``, ``1-2月``, ``今年1-2月``, ``元至2月`` (元月 =
            January), ``去年以来``, ``今年以来``, ``自1月23日以来``, ``截至2月底``, ``过去一年``.
        event_date: the briefing's date; relative expressions need it.
    Returns:
        (period_start, period_end), inclusive dates; ``以来`` periods end on the event date. (None, None)
        when the expression is not a period or needs an event date that is missing; ``截至`` gives no start.
    """
    match = _PERIOD.search(expression)
    if not match:
        return (None, None)
    return _period_of(match, event_date)


def _year_of(word: str | None, event_date: date | None) -> int | None:
    """``2023年`` -> 2023; 今年/全年/本年 -> event year; 去年 -> event year - 1; 明年 -> + 1."""
    if word and word[:4].isdigit():
        return int(word[:4])
    if event_date is None:
        return None
    if word in (None, "", "今年", "全年", "本年", "年初"):
        return event_date.year
    return event_date.year + {"去年": -1, "明年": 1}.get(word, 0)


def _month_end(year: int, month: int) -> date:
    """Last day of ``month`` of ``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_of(match: re.Match[str], event_date: date | None) -> tuple[date | None, date | None]:
    """Dates of one ``_PERIOD`` match; (None, None) for impossible dates (13月, 2月30日)."""
    try:
        return _dates_of(match, event_date)
    except ValueError:
        return (None, None)


def _dates_of(match: re.Match[str], event_date: date | None) -> tuple[date | None, date | None]:
    """Dates of one ``_PERIOD`` match; raises ValueError for impossible dates."""
    g = match.group
    if g("since"):
        year = _year_of(g("s_y"), event_date)
        if year is None:
            return (None, None)
        return (date(year, int(g("s_m")), int(g("s_d") or 1)), event_date)
    if g("rel_since"):
        year = _year_of(g("rs_y"), event_date)
        return (date(year, 1, 1), event_date) if year else (None, None)
    if g("upto"):
        year = _year_of(g("u_y"), event_date)
        if year is None:
            return (None, None)
        month = int(g("u_m"))
        return (None, date(year, month, int(g("u_d"))) if g("u_d") else _month_end(year, month))
    if g("months"):
        year = _year_of(g("m_y"), event_date)
        if year is None:
            return (None, None)
        first = 1 if g("m_a") == "元" else int(g("m_a"))
        return (date(year, first, 1), _month_end(year, int(g("m_b"))))
    if g("quarter"):
        year = _year_of(g("q_y"), event_date)
        if year is None:
            return (None, None)
        first, last = _QUARTERS[g("q").lstrip("第")]
        return (date(year, first, 1), _month_end(year, last))
    if g("past_year"):
        return (date(event_date.year - 1, 1, 1), date(event_date.year - 1, 12, 31)) if event_date else (None, None)
    year = _year_of(g("y_abs") or g("y_rel"), event_date)
    return (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)


def _blank_quotes(sentence: str) -> tuple[str, list[tuple[int, int]]]:
    """The sentence with quoted / title-marked text blanked (same length), and the blanked ranges."""
    ranges = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]
    if not ranges:
        return sentence, ranges
    return _QUOTED.sub(lambda m: m.group(0)[0] + "_" * (len(m.group(0)) - 2) + m.group(0)[-1], sentence), ranges


def _scan_sentence(
    sentence: str, event_date: date | None, frame: tuple[date | None, date | None], future: bool = False
) -> list[_Row]:
    """All rows of one sentence, in text order (均 / 分别 rows expanded).

    ``future``: the turn is a work plan by now (我们将, 下一步): values without a cue of their own are targets.
    """
    plain, quoted = _blank_quotes(sentence)
    rows: list[_Row] = []
    prev_end = 0
    for match in _SCAN.finditer(plain):
        if any(a < match.start() < b for a, b in quoted):
            continue
        found = _row_of(match, sentence, plain, prev_end, rows, event_date, frame, future)
        if found:  # a number that is no mention (10亿元以上项目, 是上年的2倍) leaves the clause to the next value
            prev_end = match.end()
        rows.extend(found)
    topic = _sentence_region(plain) if rows else ""
    for row in rows:
        if not row.subject:  # 2023年，我市经济发展稳中有进，GDP同比增长6.2%: the sentence is about 我市
            row.subject = topic
    return rows


def _sentence_region(plain: str) -> str:
    """The region that opens the sentence's first clause with words besides a period (全市, 我市), else ""."""
    for clause in _CLAUSE_SPLIT.split(plain):
        rest = _FRAME_REST.sub("", _PERIOD.sub("", clause).strip())
        if rest:
            region = _REGION.match(rest)
            return region.group(0) if region and region.group(0) not in _WIDE_REGIONS else ""
    return ""


def _all_optional(match: re.Match[str] | None) -> str:
    """The text matched by a pattern whose parts are all optional: it matches everywhere ('' at worst)."""
    assert match is not None, "an all-optional pattern always matches"
    return match.group(0)


def _clause_start(plain: str, pos: int, floor: int) -> int:
    """Start of the clause holding ``pos``: after the last ，；：、 before it, not before ``floor``."""
    start = floor
    for brk in _CLAUSE_BREAK.finditer(plain, floor, pos):
        start = brk.end()
    return start


def _value_of(match: re.Match[str]) -> tuple[int, int, Decimal | None, str, str, str | None, str | None]:
    """(start, end, value, unit, unit_text, parse_flag, more) of a scanner match; start/end bound value_text."""
    g = match.group
    if g("rank"):
        start, end = match.start("rnum"), match.end("runit") if g("runit") else match.end("rnum")
        try:
            value: Decimal | None = Decimal(parse_ordinal(match.string[start:end]))
            flag = None
        except NumeralError as exc:
            value, flag = None, f"numeral:{exc.reason}"
        return start, end, value, "rank", g("runit") or "", flag, None
    if g("num"):
        num, more, unit_text = g("num"), g("more"), g("unit")
        start, end = match.start("num"), match.end("unit")
        if g("note_mult"):  # 88.6(初步核算)亿元: the multiplier stands after the note
            num += g("note_mult")
        arabic = num.lstrip("-－−")[:1] in tuple("0123456789０１２３４５６７８９")
        multiplier = _all_optional(re.search(r"[十百千]?[万亿]*$" if arabic else r"[万亿]*$", num))
        if unit_text == "元":
            unit, unit_text = "CNY", multiplier + "元"
        elif unit_text == "美元":
            unit, unit_text = "USD", multiplier + "美元"
        elif unit_text in ("%", "％", "倍"):
            unit = "percent"
        elif unit_text == "个百分点":
            unit = "percentage_point"
        else:
            unit = "mu"
    else:
        num, more, unit_text = g("cnum"), g("cmore"), g("classifier")
        start, end = match.start("cnum"), match.end("classifier")
        unit = _MEASURES.get(unit_text, "count")
    try:
        value, flag = parse_number(num), None
    except NumeralError as exc:
        value, flag = None, f"numeral:{exc.reason}"
    return start, end, value, unit, unit_text, flag, more


def _row_of(
    match: re.Match[str],
    sentence: str,
    plain: str,
    prev_end: int,
    rows: list[_Row],
    event_date: date | None,
    frame: tuple[date | None, date | None],
    future: bool = False,
) -> list[_Row]:
    """Rows of one scanner match (more than one when 均 / 分别 spreads it)."""
    start, end, value, unit, unit_text, flag, more = _value_of(match)
    if unit_text == "倍":
        # 增长1.5倍 is a growth of 150 %; 是上年的2倍 (a ratio) is no mention
        if not _TIMES_GROWTH.search(plain[:match.start()]):
            return []
        if value is not None:
            value *= 100
            value = Decimal(int(value)) if value == value.to_integral_value() else value.normalize()
    if unit in ("CNY", "USD") and _THRESHOLD.match(plain, end):
        return []  # 10亿元以上项目: a size class in a name, not a value
    value_text = sentence[start:end]  # as written (plain has quotes blanked, same offsets)
    head = match.start()  # rank: start of the verb (居), else the number
    clause_from = _clause_start(plain, head, prev_end)
    raw_prefix = plain[clause_from:head]
    gap = plain[prev_end:head]
    suffix_full = plain[end:]
    suffix_clause = _QUAL_AFTER.sub("", re.split(r"[，,。；;、！？!?]", sentence[end:], maxsplit=1)[0])
    previous = rows[-1] if rows else None

    # A bare continuation (10亿元、15亿元、20亿元; 5.1%和6.2%) repeats the first value's context.
    if previous is not None and gap.strip() in ("、", "", "和", "与", "及", "、和") and unit == previous.unit \
            and unit != "rank":
        pending = previous.pending_subjects
        if previous.kind in ("growth_rate", "change_pp", "change") and _DECLINE.match(previous.value_text) \
                and value is not None:
            value = -abs(value)  # 分别下降3%、5%: the list shares its decline word
        row = replace(previous, start=start, end=end, value_text=value_text, value=value, unit_text=unit_text,
                      parse_flag=flag, value_m2=_to_m2(value) if unit == "mu" else None,
                      subject=pending[0] if pending else previous.subject, pending_subjects=pending[1:],
                      metric=previous.pending_metrics[0] if previous.pending_metrics else previous.metric,
                      pending_metrics=previous.pending_metrics[1:])
        return [row]

    qualifier = _qualifier(raw_prefix, suffix_full, more)
    kind, comparison = _kind(unit, raw_prefix, gap)
    if kind == "level" and comparison and _LEVEL_CHANGE.search(plain[clause_from:head]):
        kind = "change"  # 比上年末减少0.52万人: a change of the level, in its unit
    if kind in ("growth_rate", "change_pp", "change") and value is not None:
        decline, decline_start = _decline_before(plain, clause_from, head)
        if decline or value < 0:
            value = -abs(value)
        if decline_start is not None:  # value_text keeps the decline word: 下降3.5%
            start, value_text = decline_start, sentence[decline_start:end]
    rank_scope = match.group("scope") if unit == "rank" else None

    # subject, metric
    cleaned = _clean(sentence[clause_from:head])
    subject = ""
    region = _REGION.match(cleaned)
    if region and unit != "rank" and (region.group(0) not in _WIDE_REGIONS
                                      or metric_code_for(cleaned[region.end():])):
        subject, cleaned = region.group(0), _LEAD_WORDS.sub("", cleaned[region.end():])
    scope = _SCOPE.match(cleaned)
    if scope and scope.end() < len(cleaned):  # 每台车最高补贴: per vehicle
        subject, cleaned = scope.group(0), cleaned[scope.end():]
    actor = _ACTOR.match(cleaned)
    if actor:  # 市财政安排6亿元…专项资金: the actor of the spending
        subject, cleaned = actor.group(1), cleaned[actor.end():]
    cleaned = _LEAD_QUALIFIER.sub("", cleaned)
    if not subject and raw_prefix.startswith("其中") and previous is not None:
        subject = previous.subject  # 其中技改资金不少于2亿元: a part of the previous value, of the same subject
    metric = cleaned
    if kind == "share" and "占" in metric:
        share = _SHARE_OF.match(metric)
        if share and (share.group("y1") or share.group("y2")):
            # a share's metric is what it is a share of; its subject is the part (said, or the value before)
            whole = share.group("y1") or share.group("y2")
            whole_region = _REGION.match(whole)
            metric = whole[whole_region.end():] if whole_region and whole_region.end() < len(whole) else whole
            part = share.group("x")
            if part:
                subject = subject + part
            elif previous is not None and previous.unit not in ("rank", "percent", "percentage_point"):
                subject = previous.metric
    plan_subject = _PLAN_SUBJECT.match(suffix_full)
    suffix_noun = _SUFFIX_CUT.split(suffix_clause, maxsplit=1)[0][:16]
    from_words = True  # the metric comes from the words before the value
    if plan_subject:
        subject = plan_subject.group(1)
    elif unit == "count" and suffix_noun:
        if cleaned.endswith("等"):
            subject = _list_subject(sentence, plain, head, prev_end, clause_from)
            cleaned = ""
        metric, from_words = _count_metric(sentence[end:], cleaned), False
    elif unit == "CNY" and suffix_noun and re.search(r"(?:资金|经费|款)$", suffix_noun):
        metric = cleaned + suffix_noun
    if from_words and metric and unit != "rank":
        if previous is not None and previous.unit == "count" and clause_from <= prev_end:
            # 5家企业…政策资金6508万元 after a count: the count's noun is not this value's
            metric = re.sub(r"^(?:企业|项目|家|个)", "", metric)
        metric = _noun_phrase(metric, unit, unit_text)
        if not _spreads(raw_prefix):
            metric = _with_list_head(plain, clause_from, prev_end, metric)
    if unit == "count" and previous is not None and previous.unit == "count" and metric \
            and clause_from == prev_end + 1 and plain[prev_end:prev_end + 1] == "、" \
            and previous.metric.startswith("新增") and not metric.startswith("新增"):
        metric = "新增" + metric  # 新增省级专精特新中小企业15家、国家级…企业1家: 新增 governs the list
    if metric in _BARE_MEASURES and previous is not None and previous.unit != "rank" \
            and metric_code_for(previous.metric) is None:
        topic = _MEASURE_END.search(previous.metric)
        if topic and topic.start() > 0:  # 服装电商销售量5亿件…，交易额400亿元: 服装电商交易额
            metric, subject = previous.metric[:topic.start()] + metric, subject or previous.subject
    own_word = metric
    if metric in ("总数", "总量") and previous is not None and previous.unit == unit and previous.metric:
        # 认定高新技术企业71家、总数达到149家: the total of what the previous value counted the new ones of
        metric = _NEW_PREFIX.sub("", previous.metric) + metric
    elif metric in _GENERIC_METRIC and unit in ("rank", "percent", "percentage_point") and previous is not None:
        metric = ""  # 地区生产总值增长5.5%，总量居全省第3位: the rank of the GDP, taken below

    # period and status come from text before the value (quotes blanked)
    before = plain[:head]
    # the 1-11月 of 比1-11月 and the 去年 of 比去年 are what the value is compared with, not its period
    periods = list(_PERIOD.finditer(_COMPARISON.sub(lambda m: "_" * len(m.group(0)), before)))
    own: tuple[date | None, date | None] | None = _period_of(periods[-1], event_date) if periods else None
    if own is not None and periods[-1].group(0) == "全年" and frame[0] is not None and frame[1] is not None \
            and (frame[0].month, frame[0].day, frame[1].month, frame[1].day) == (1, 1, 12, 31):
        own = frame  # 2023年，…。全年新签约…: the whole of the year the turn speaks of
    period = own if own is not None else frame
    is_past = period[1] is not None and event_date is not None and period[1] <= event_date
    own_past = own is not None and own[1] is not None and event_date is not None and own[1] <= event_date
    status = _status(before, raw_prefix, suffix_full, previous, bool(plan_subject), is_past, future, own_past)
    if status == "achieved" and period[1] is not None and event_date is not None and period[1] > event_date \
            and own is not None:
        status = "target"  # 今年，地区生产总值增长6.5%左右: a year not over yet cannot have been achieved
    if status in ("achieved", "target") and unit == "count" and metric.endswith("项目") and not is_past \
            and not _PROJECT_TARGET.search(raw_prefix) and not _DONE.search(raw_prefix):
        status = "plan"  # 抓好154个续建项目、295个新开工项目建设: the projects a work plan works on
    if status == "plan":
        period = (None, None)
    elif status != "achieved":
        period = own or (None, None)  # a target has the period its sentence says, or none

    row = _Row(start, end, value_text, value, unit, unit_text, qualifier, kind, comparison, rank_scope, period,
               status, subject, metric, _to_m2(value) if unit == "mu" else None, flag)

    each = _EACH.search(raw_prefix)
    if not metric and previous is not None and not each:
        row.metric, row.subject = previous.metric, row.subject or previous.subject
        if unit == "rank" and previous.kind == "growth_rate" and own_word not in ("总量", "规模", "总额"):
            row.metric = previous.metric + "增速"  # 增长9%，居全省第2位: what is ranked is the growth rate
        if unit == "rank" and previous.unit != "rank":
            row.period = previous.period
    if each:
        wide_from = max(prev_end, max((m.end() for m in re.finditer(r"[，,；;：:]", plain[:head])), default=0))
        verb = match.group("rverb") if unit == "rank" else ""
        return _spread_each(row, sentence[wide_from:head], rows, verb)
    if "分别" in raw_prefix:
        return _spread_respectively(row, plain, head, suffix_full)
    if unit == "rank" and not row.metric:
        row.metric = match.group("rverb")
    return [row]


def _clean(text: str) -> str:
    """The metric as worded: ``text`` without period words, status cues, and verbs/qualifiers at its ends."""
    text = _NOISE.sub("", text).strip()
    return _TAIL_WORDS.sub("", _LEAD_WORDS.sub("", text)).strip()


def _qualifier(raw_prefix: str, suffix: str, more: str | None) -> str:
    """exact / approx / at_least / at_most from 以上-style words after, 多/余 inside, 近/超-style words before."""
    after = _QUAL_AFTER.match(suffix)
    if after:
        return _QUALIFIER[after.group(0)]
    if more:
        return _QUALIFIER[more]
    words = _QUAL_BEFORE.findall(raw_prefix)
    return _QUALIFIER[words[-1]] if words else "exact"


def _kind(unit: str, raw_prefix: str, gap: str) -> tuple[str, str | None]:
    """(kind, comparison).

    Percentage points are always a change (``change_pp``); a percentage is a growth_rate after a word of
    change (增长, 下降, 上升 ...) and a share after 占/率-words or when bare. Changes take the comparison
    words of the whole clause chain since the previous value (``gap``: 按可比价格计算，比上年增长6.3%);
    levels those of their own clause (比上年增加5家); shares and ranks none.
    """
    if unit == "rank":
        return "rank", None
    if unit == "percentage_point":
        return "change_pp", _comparison(gap)
    if unit != "percent":
        return "level", _comparison(raw_prefix)
    growth = [m.end() for m in _GROWTH.finditer(raw_prefix)]
    share = [m.end() for m in _SHARE.finditer(raw_prefix)]
    if growth and (not share or growth[-1] > share[-1]):
        return "growth_rate", _comparison(gap)
    return "share", None


def _comparison(text: str) -> str | None:
    """The comparison words of ``text`` in text order, joined by ``，`` (``按可比价格计算，比上年``); None if none."""
    words = list(dict.fromkeys(_COMPARISON.findall(text)))
    return "，".join(words) if words else None


def _decline_before(plain: str, clause_from: int, head: int) -> tuple[bool, int | None]:
    """(is a decline, start of value_text) for the value at ``head``.

    A decline is a decline word that is the last word of change before ``head`` in its clause and is not
    followed by 至/到 (下降至3.5% is a level reached). When the word stands right before the number
    (下降3.5%, 下降了3.5个百分点), value_text starts at it; else (下降幅度为3.5%) the start is None.
    """
    changes = list(_GROWTH.finditer(plain, clause_from, head))
    if not changes or not _DECLINE.fullmatch(changes[-1].group(0)):
        return False, None
    after = plain[changes[-1].end():head]
    if after.startswith(("至", "到")):
        return False, None
    return True, changes[-1].start() if after in ("", "了") else None


def _status(
    before: str, raw_prefix: str, suffix: str, previous: _Row | None, has_plan_subject: bool, is_past: bool,
    future: bool = False, own_past: bool = False,
) -> str:
    """plan (project sizes, budgets, per-unit standards); else the nearest cue before the value in its
    sentence (力争/确保/将/加快/保持 -> target, 预计/有望 -> forecast; 将 and 加快 only when the value's own
    period has not ended: 2023年，我们加快项目建设，完成投资420亿元 is achieved); else a target cue later in the
    sentence unless the value's period ended before the event; else target when the turn is a work plan by now
    (``future``) and the period is not past; else achieved."""
    if has_plan_subject or _PLAN_PREFIX.search(raw_prefix):
        return "plan"
    if raw_prefix.startswith("其中") and previous is not None and previous.status == "plan":
        return "plan"
    target = [m.end() for m in _TARGET.finditer(before) if not (own_past and m.group(0) in _WEAK_TARGET)]
    forecast = [m.end() for m in _FORECAST.finditer(before)]
    if target or forecast:
        return "target" if (target[-1] if target else -1) > (forecast[-1] if forecast else -1) else "forecast"
    if _DONE.search(raw_prefix):
        return "achieved"  # 已将32个项目纳入…: said as done
    if not is_past and (_TARGET.search(suffix) or future):
        return "target"
    return "achieved"


def _to_m2(value: Decimal | None) -> Decimal | None:
    """亩 -> m², exact 2000/3 factor, rounded half-up to 0.01 m²."""
    if value is None:
        return None
    return (value * Decimal(2000) / Decimal(3)).quantize(_M2_QUANTUM, rounding=ROUND_HALF_UP)


def _spread_each(row: _Row, prefix: str, rows: list[_Row], verb: str) -> list[_Row]:
    """均: one row per subject — a 、 list right before 均, else the earlier mentions of the sentence."""
    parts = _EACH.split(prefix)
    before_jun, metric_here = parts[0], _clean(parts[-1])
    if "、" in before_jun:
        items = [_VERB_PREFIX.sub("", item).strip() for item in before_jun.split("、")]
        if not metric_here and all(metric_code_for(_clean(item)) for item in items if item):
            # 工业投资、技改投资均增长10%: the items are metrics, not subjects
            subject = _REGION.match(items[0])
            return [replace(row, subject=subject.group(0) if subject else row.subject,
                            metric=_clean(_REGION.sub("", item))) for item in items if item]
        head = _MEASURE_TAIL.search(items[-1]) if not metric_here and len(items) > 1 else None
        if head and head.start() > 0 and not any(_MEASURE_TAIL.search(item) for item in items[:-1]):
            # 抖音女装板块、希音跨境电商销量均排名全省第1: the last item's 销量 is the head of every item
            items[-1] = items[-1][:head.start()]
            metric_here = head.group(0)
        return [replace(row, subject=item, metric=metric_here or verb) for item in items if item]
    count = _N_ITEMS.search(before_jun)
    earlier = [r for r in rows if r.unit != "rank"]
    if count:
        n = int(parse_number(count.group(1)))
        earlier = earlier[-n:]
    metric_mine = _clean(_N_ITEMS.sub("", before_jun)).replace("指标", "") or metric_here
    out = []
    for r in earlier:
        if row.unit == "rank" or not metric_mine:
            ranked = r.metric + "增速" if row.unit == "rank" and r.kind == "growth_rate" else r.metric
            out.append(replace(row, subject=r.subject, metric=ranked))
        else:
            out.append(replace(row, subject=r.subject, metric=metric_mine))
    return out or [row]


def _spread_respectively(row: _Row, plain: str, head: int, suffix: str) -> list[_Row]:
    """分别: the first of n values joined by 、 takes the first item of the nearest 等-list before it.

    The remaining items wait in ``pending_subjects``; each continuation value (、15亿元) takes the next
    one in ``_row_of``.
    """
    n = 1 + len(_CONTINUATION_SEP.findall(_all_optional(_CONTINUATION.match(suffix))))
    lists = [m for m in _LIST_WITH_DENG.finditer(plain[:head]) if m.group(1).count("、") + 1 >= n]
    subjects: list[str] = []
    if lists:
        items = lists[-1].group(1).split("、")[-n:]
        subjects = [_VERB_PREFIX.sub("", item).strip() for item in items]
    elif n > 1:
        wide_from = max((m.end() for m in re.finditer(r"[，,；;：:]", plain[:head])), default=0)
        region = _REGION.match(_clean(plain[wide_from:head]))
        wide = _clean(_REGION.sub("", _clean(plain[wide_from:head])))
        metrics = _metric_list(wide, n)
        if metrics:
            row.metric, row.pending_metrics = metrics[0], tuple(metrics[1:])
            row.subject = row.subject or (region.group(0) if region else "")
    row.subject = subjects[0] if subjects else row.subject
    row.pending_subjects = tuple(subjects[1:])
    return [row]


def _metric_list(metric: str, n: int) -> list[str] | None:
    """The n metrics of a coordinated metric (出口和进口; 城镇和农村居民人均可支配收入 -> 城镇居民…, 农村居民…), else None.

    An item shorter than the last one that the vocabulary does not know takes the last item's head:
    城镇 + (农村)居民人均可支配收入, the modifier being as long as the item.
    """
    parts = [p for p in re.split(r"和|与|及|、", metric) if p]
    if len(parts) != n:
        return None
    last = parts[-1]
    out = []
    for part in parts[:-1]:
        if metric_code_for(part) is None and len(part) < len(last) and metric_code_for(part + last[len(part):]):
            part = part + last[len(part):]
        out.append(part)
    return out + [last]


def _spreads(raw_prefix: str) -> bool:
    """True when the clause spreads its value (均, 分别): the spreading code words the metric itself."""
    return bool(_EACH.search(raw_prefix)) or "分别" in raw_prefix


def _noun_phrase(metric: str, unit: str, unit_text: str) -> str:
    """The metric as a noun phrase: leading verbs dropped (申报争取债券资金 -> 债券资金), a bare head keeping its
    verb as a defining clause (走访企业 -> 走访的企业), the head after a 等-list (…等各类资金 -> 各类资金), an
    activity counted in a classifier named as that count (商品房销售 + 套 -> 商品房销售套数), 占地 + 亩 -> 占地面积."""
    verbs: list[str] = []
    while True:
        verb = _LEAD_VERB.match(metric)
        if not verb or len(metric) - verb.end() < 2 or metric[verb.end()] in "率量额数比值":
            break  # 上线率, 完成额: the verb is part of the noun
        verbs.append(verb.group(0))
        metric = _LEAD_WORDS.sub("", metric[verb.end():])
    if verbs and metric in _BARE_HEADS:
        metric = verbs[-1] + "的" + metric
    at = metric.rfind(_ENTITY_HEAD)
    if verbs and unit_text == "家" and 0 < at < len(metric) - len(_ENTITY_HEAD):
        # 完成规上工业企业数字化诊断100家 counts firms: 完成数字化诊断的规上工业企业
        cut = at + len(_ENTITY_HEAD)
        metric = verbs[-1] + metric[cut:] + "的" + metric[:cut]
    if "等" in metric and not metric.endswith("等"):
        metric = metric[metric.rindex("等") + 1:]
    if unit == "count" and _ACTIVITY_TAIL.search(metric):
        metric += unit_text + "数"
    if unit == "mu" and metric == "占地":
        metric = "占地面积"
    return metric


def _with_list_head(plain: str, clause_from: int, prev_end: int, metric: str) -> str:
    """A short item before 、 that shares this clause's head (承诺、容缺事项达80项) belongs to the metric."""
    if clause_from < 2 or plain[clause_from - 1] != "、":
        return metric
    item_from = _clause_start(plain, clause_from - 1, prev_end)
    item = plain[item_from:clause_from - 1]
    if item_from < prev_end or not 1 <= len(item) <= 4 or re.search(r"[0-9０-９_]", item):
        return metric
    return item + "、" + metric


def _list_subject(sentence: str, plain: str, head: int, prev_end: int, clause_from: int) -> str:
    """The whole 、-list ending in 等 right before a count (红日子食品、华世通医药…、振宇科技等9家企业).

    ``plain`` (quotes blanked) finds the clause; the words come from ``sentence`` (same offsets).
    """
    wide_from = max(prev_end, max((m.end() for m in _CLAUSE_SPLIT.finditer(plain, 0, head)), default=0))
    span = (wide_from, head) if "、" in plain[wide_from:head] else (clause_from, head)
    text = _clean(sentence[span[0]:span[1]])
    text = _VERB_PREFIX.sub("", text).strip() if _VERB_PREFIX.match(text) else text
    first = text.split("、", 1)[0]
    lead = max(first.rfind("有"), first.rfind("是"), first.rfind("的"))
    return text[lead + 1:] if "、" in text and lead >= 0 else text  # 参加…的还有中央媒体、…等: the list only


def _count_metric(after: str, before_words: str) -> str:
    """The counted thing of a count written before its noun (29家企业完成智能化改造 -> 完成智能化改造的企业).

    Args:
        after: the sentence after the value; its clause holds the noun and perhaps a defining clause.
        before_words: the metric words before the value (a verb such as 兑现, or "").
    Returns:
        The noun (百亿产业园区, 高层次人才), or the noun with its defining clause: ``<clause>的<noun>``.
    """
    clause = _PUNCT_SPLIT.split(after, maxsplit=1)[0]
    next_value = _DIGIT.search(clause)
    cut = _SUFFIX_CUT.search(clause)
    noun = clause[:cut.start()] if cut else clause
    defining = ""
    if cut and _DEFINING_VERB.fullmatch(cut.group(0)):
        defining = clause[cut.start():]
    at = noun.rfind(_ENTITY_HEAD)
    if defining and 0 <= at < len(noun) - len(_ENTITY_HEAD):
        noun, defining = noun[:at + len(_ENTITY_HEAD)], noun[at + len(_ENTITY_HEAD):] + defining
    if not defining and noun in _BARE_HEADS and next_value and cut and cut.group(0) in "“”":
        defining = clause[len(noun):next_value.start()]  # 兑现5家企业“一企一策”政策资金6508万元
    defining = _QUOTE_MARKS.sub("", defining)
    verb = _LEAD_VERB.match(before_words)
    if defining and verb and not _DEFINING_VERB.match(defining):
        defining = verb.group(0) + defining
    digit = _DIGIT.search(noun)
    if digit:  # 23家新闻媒体共47名记者: the noun ends before the next value
        noun = re.sub(r"(?:共计|合计|累计|共|计|约|近|超过|超|达)$", "", noun[:digit.start()])
    noun = noun[:16]
    if defining:
        return defining + "的" + noun
    if verb and noun in _BARE_HEADS:
        return verb.group(0) + "的" + noun
    return noun
