"""Speaker labels: names, offices, stable speaker ids and genders (pure).

A label as the portal writes it is ``<organisation><title>[、<title>]…<name>``:
``天门市委副书记、市长肖敏``, ``湖北省委宣传部二级巡视员黄勤``. Journalists are ``<outlet>记者``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from briefings.models import Guest, Position, Role
from briefings.parsing.text import clean_line, strip_colon

__all__ = [
    "guests_from_labels",
    "parse_label",
    "journalist_outlet",
    "speaker_id_for",
    "region_of",
    "genders_from_intro",
    "looks_like_official_label",
    "names_known_person",
    "is_host_placeholder",
    "parse_guests",
    "intro_labels",
    "LabelRead",
    "read_label",
    "is_person_name",
    "invitation_labels",
    "host_from_text",
    "journalist_parts",
    "genders_in_text",
    "Introduced",
    "label_like",
    "spokespersons",
    "introduced_people",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Titles, longest forms first where one is the tail of another.
_TITLE_CORE = (
    "新闻发言人|发言人|巡视员|调研员|书记|主任|主席|秘书长|理事长|董事长|总经理|经理|总经济师|总工程师|"
    "总会计师|总监|总裁|委员|会长|院长|校长|行长|社长|台长|馆长|所长|站长|队长|组长|司长|署长|厅长|"
    "局长|处长|科长|部长|省长|市长|州长|县长|区长|镇长|乡长|主委|负责人"
)
_TITLE = re.compile(rf"(?:党组|党委|党工委|党总支)?(?:常务)?(?:副)?(?:一级|二级|三级|四级)?(?:{_TITLE_CORE})$")
# The end of an organisation's name (新闻办公室, 科技局, 发改委, 招商服务中心, 人民政府 …): before a
# known name it makes ``<organisation><name>`` a label even without a title word.
_ORGANISATION_END = re.compile(
    r"(?:办公室|办|室|局|委|厅|部|会|院|中心|处|科|所|站|组|队|团|社|台|馆|府|司|署|行|集团|公司|银行|大学|学校|医院)$"
)
# The head of a level of government: 市长 belongs to 天门市 even when written after 天门市委副书记、.
_HEAD_OF_GOVERNMENT = re.compile(r"^(?:常务)?副?(省|市|州|县|区)长$")
# Place prefix of an organisation: 天门市委 -> 天门, 湖北省委宣传部 -> 湖北, 神农架林区 -> 神农架.
_REGION = re.compile(r"^(.{2,}?)(?:省|自治区|特别行政区|林区|市|自治州|州|县|区)")
# Name after a title: the greedy prefix ends at the last title word that leaves 2–3 CJK characters.
_NAME_AFTER_TITLE = re.compile(rf"^(.*(?:{_TITLE_CORE}))([{_CJK}]{{2,3}})$")
_JOURNALIST = re.compile(r"^(?P<outlet>[^\s，,。！？!?；;：:、“”\"（）()]{1,24}?)(?:全媒体|融媒体)?记者$")
_SENTENCE_MARKS = re.compile(r"[，,。！？!?；;“”\"]")
_INTRO_START = re.compile(r"(?:出席|参加)[^\n：:，,。]{0,20}?(?:有|是)\s*[：:]")
# One person of a roster: offices (which may hold 、) and name, then 女士/先生, then a separator
# (``；`` ``，`` ``、`` ``。`` or the line's end): one a line, or many on one line.
_ROSTER_ITEM = re.compile(
    r"[\s；;，,、。.]*(?P<label>[^\n；;，,。！!？?：:]+?)(?P<honorific>女士|先生)[ \t\u3000]*(?:[；;。.，,、]|(?=\n)|$)"
)


def journalist_outlet(label: str) -> str | None:
    """The outlet of a journalist label: ``湖北日报记者`` -> ``湖北日报``; None if not ``<outlet>记者``."""
    match = _JOURNALIST.match(strip_colon(label))
    return match.group("outlet") if match else None


def _split_name(label: str, names: Sequence[str]) -> tuple[str, str]:
    """Return (office part, name) of ``label``; name is '' when none can be told apart."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if label.endswith(name) and len(label) >= len(name):
            return label[: -len(name)], name
    match = _NAME_AFTER_TITLE.match(label)
    if match:
        return match.group(1), match.group(2)
    # bare name, or an office we do not know: 2–3 CJK characters at the end
    tail = re.search(rf"[{_CJK}]{{2,3}}$", label)
    if tail and tail.start() == 0:
        return "", label
    if tail:
        name = label[-3:] if len(label) > 5 else label[-2:]
        if _ORGANISATION_END.search(label[:-2]) and label[-2] in _SURNAMES:
            name = label[-2:]  # 湖北省人民政府新闻办公室黄勤: 黄勤, not 室黄勤
        return label[: -len(name)], name
    return label, ""


def region_of(organisation: str) -> str | None:
    """Place prefix of an organisation (``天门市委`` -> ``天门``), None when it starts with no place."""
    match = _REGION.match(organisation)
    return match.group(1) if match else None


def _positions(offices: str) -> tuple[Position, ...]:
    """Parse ``天门市委副书记、市长`` into Positions, later titles inheriting the organisation."""
    positions: list[Position] = []
    organisation = ""
    for part in re.split(r"[、，,/／]", offices):
        part = clean_line(part)
        if not part:
            continue
        match = _TITLE.search(part)
        if match:
            org, title = part[: match.start()], match.group(0)
        elif _ORGANISATION_END.search(part) and region_of(part):
            org, title = part, ""  # 湖北省人民政府新闻办公室黄勤: an organisation, no title word
        else:
            org, title = "", part
        if not org and organisation:
            head = _HEAD_OF_GOVERNMENT.match(title)
            region = region_of(organisation)
            # 市长 after 天门市委副书记 -> 天门市; 局长 after 天门市…局党组书记 -> the same 局
            org = f"{region}{head.group(1)}" if head and region else organisation
        if org:
            organisation = org
        positions.append(Position(org, title))
    return tuple(positions)


def parse_label(label: str, names: Sequence[str] = ()) -> tuple[str, tuple[Position, ...]]:
    """Split a speaker label into the person's name and the offices held.

    Args:
        label: the label as written, with or without its colon (``天门市委副书记、市长肖敏``).
        names: known names (嘉宾 line, host's introduction); the name is the label's tail equal to
            one of them, else the 2–3 CJK characters after the last title word.
    Returns:
        (name, positions): ``("肖敏", (Position("天门市委", "副书记"), Position("天门市", "市长")))``.
        A second title without an organisation inherits the previous one (``党组书记、局长``); a head
        of government (市长, 副省长) gets the place of the previous organisation. Journalists'
        labels give (label, ()). Name is '' when the label ends in no CJK name.
    """
    label = strip_colon(label)
    if journalist_outlet(label) is not None:
        return label, ()
    offices, name = _split_name(label, names)
    return name, _positions(offices)


def looks_like_official_label(label: str) -> bool:
    """Whether ``label`` (colon removed) reads as ``<office><2–3 char name>`` with a known title word.

    Used for the first speaker (the host), who is not in the 嘉宾 line.
    """
    label = strip_colon(label)
    if not 3 <= len(label) <= 48 or _SENTENCE_MARKS.search(label):
        return False
    return _NAME_AFTER_TITLE.match(label) is not None


def names_known_person(label: str, names: Sequence[str]) -> bool:
    """Whether ``label`` (colon removed) is one of ``names``, or ``<office with a title word><name>``.

    ``天门市科技局局长夏齐飞`` names 夏齐飞, and so does ``天门市科技局夏齐飞`` (an organisation before the
    name, no title word); ``下面请夏齐飞`` does not (neither a title nor an organisation before the name).
    """
    label = strip_colon(label)
    for name in names:
        if name and label.endswith(name):
            office = label[: -len(name)]
            if not office or _TITLE.search(office) or _ORGANISATION_END.search(office):
                return True
    return False


_HOST_PLACEHOLDERS = ("主持人", "主持")


def is_host_placeholder(label: str) -> bool:
    """Whether ``label`` is the bare ``主持人`` some transcripts use instead of the host's name."""
    return strip_colon(label) in _HOST_PLACEHOLDERS


def speaker_id_for(name: str, positions: Sequence[Position], role: Role, outlet: str | None) -> str:
    """A readable speaker id, stable across briefings.

    Args:
        name: the person's name (for journalists, ignored).
        positions: offices from the label; the first organisation's place prefix is the region.
        role: ``host``, ``guest`` or ``journalist``.
        outlet: the journalist's outlet.
    Returns:
        ``journalist@<outlet>`` for journalists; ``<name>@<region>`` for persons (``黄勤@湖北``,
        ``肖敏@天门``); ``<name>@<organisation>`` when the organisation names no place; ``<name>``
        when there is no office at all.
    """
    if role == "journalist":
        return f"journalist@{outlet or name}"
    for position in positions:
        if position.organisation:
            region = region_of(position.organisation)
            return f"{name}@{region or position.organisation}"
    return name


def intro_labels(text: str) -> list[tuple[str, str]]:
    """The host's list of attendees: [(label, "女士" | "先生")] in order, empty when there is none.

    Args:
        text: transcript text; the list follows ``出席今天发布会的有：`` one person per line, or several
            on one line separated by ``；`` ``，`` or ``、`` (offices may hold ``、`` themselves:
            ``天门市委副书记、市长肖敏女士、天门市…局党组书记、局长陈晓敏女士``), each ending in 女士 or
            先生; it ends at the first piece that does not.
    """
    items: list[tuple[str, str]] = []
    start = _INTRO_START.search(text)
    if not start:
        return items
    rest = text[start.end() :]
    at = 0
    while True:
        match = _ROSTER_ITEM.match(rest, at)
        if not match:
            break
        label = clean_line(match.group("label"))
        if not label:
            break
        items.append((label, match.group("honorific")))
        at = match.end()
    return items


def genders_from_intro(text: str, names: Sequence[str] = ()) -> dict[str, str]:
    """Genders from the host's introduction ``出席今天发布会的有：…肖敏女士；…周启荣先生。``.

    Args:
        text: transcript text (lines separated by ``\\n``) holding the introduction.
        names: known names, to cut names from labels exactly (see ``parse_label``).
    Returns:
        {name: "female" | "male"} in introduction order (女士 -> female, 先生 -> male); empty when
        the text has no introduction.
    """
    genders: dict[str, str] = {}
    for label, honorific in intro_labels(text):
        name, _ = parse_label(label, names)
        if name:
            genders[name] = "female" if honorific == "女士" else "male"
    return genders


def parse_guests(guest_line: str) -> tuple[Guest, ...]:
    """Guests of a 嘉宾 item: ``天门市委副书记、市长肖敏；天门市发改委党组书记、主任周启荣；…。``.

    Args:
        guest_line: the item's text without its ``嘉宾：`` label; entries separated by ``；`` / ``;``.
    Returns:
        Guests in listed order, guest_no from 1, with name, label and positions (gender unset,
        speaker_id set as for role ``guest``). Entries without a recognisable name are skipped.
    """
    entries = (clean_line(clean_line(e).rstrip("。.，,、")) for e in re.split(r"[；;\n]", guest_line))
    return guests_from_labels(e for e in entries if e)


def guests_from_labels(labels: Iterable[str]) -> tuple[Guest, ...]:
    """Guests from labels as written (``天门市委副书记、市长肖敏``), in order, guest_no from 1.

    Labels without a recognisable name are skipped; speaker_id is set as for role ``guest``.
    """
    guests: list[Guest] = []
    for label in labels:
        name, positions = parse_label(label)
        if name:
            guests.append(
                Guest(
                    guest_no=len(guests) + 1,
                    name=name,
                    label=label,
                    positions=positions,
                    speaker_id=speaker_id_for(name, positions, "guest", None),
                )
            )
    return tuple(guests)


# --- recognising a speaker label from the label itself (issue 13) -----------------------------

# Common single-character surnames (百家姓, the ~400 most frequent today) and compound ones.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公"
    "哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由寿郏凤酆归蓬缑禄桓茆庹"
)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 夏侯 轩辕 端木 独孤 南宫 西门 闻人 澹台 申屠 "
    "太史 司徒 司空 呼延 赫连 拓跋".split()
)
# Words a title may be followed by that are not names (局长指出：, 主任表示：).
_NOT_NAMES = frozenset(
    "指出 表示 强调 介绍 认为 提出 要求 回答 同志 先生 女士 一行 等人 发言 讲话 致辞 主持 答问 回应 解读 补充 作答 "
    "谈到 说明 说道 同时 方面 方法 时间 明确 全面 成效 文件 高度 平台 国家 提问 记者 朋友 大家 各位 我们 你们 他们 "
    "如下 以下 总结 谢谢 首先 其次 最后 另外 此外 总之 一是 二是 三是 助理 医师 成员 干部 代表 领导 同事 表态 宣布 "
    "告诉 透露 称 坦言 直言 建议 希望 注意 提到 谈及 解释 分析 通报 发布 答复 表态说 指出说 介绍说 讲到 说过 "
    "问道 答道 认为说 提醒 呼吁 承诺 证实 预计 估计 测算 统计 监测 调研 调查 部署 安排 批示 作出".split()
)
_TITLE_CORE_IN = re.compile(rf"(?:{_TITLE_CORE})")
_NAME_TEXT = re.compile(rf"^[{_CJK}]{{2,4}}$")
_HOST_LABEL = re.compile(
    rf"^主持人?(?:[\s\u3000]*[(（](?P<paren>[^()（）]{{1,40}})[)）]"
    rf"|[\s\u3000]+(?P<spaced>[^\s\u3000()（）][^()（）]{{1,40}})|(?P<joined>[{_CJK}]{{2,4}}))?$"
)
# ``张三（省发展改革委主任）``: the name, then the office in brackets
_NAME_THEN_OFFICE = re.compile(rf"^(?P<name>[{_CJK}]{{2,4}})[\s\u3000]*[(（](?P<office>[^()（）]{{2,40}})[)）]$")
_QUESTION_LABEL = re.compile(r"^(?:问|提问|记者提问|记者问)[\s\u3000]*[0-9０-９一二三四五六七八九十]*$")
_ANSWER_LABEL = re.compile(
    r"^(?:答|回答)[\s\u3000]*[0-9０-９一二三四五六七八九十]*(?:[\s\u3000]*[(（](?P<inner>[^()（）]{1,40})[)）])?$"
)
_JOURNALIST_PARTS = re.compile(
    rf"^(?P<outlet>[^\s，,。！？!?；;：:、“”\"（）()]{{0,24}}?)(?:全媒体|融媒体|首席|特约|见习)?记者"
    rf"(?:提问)?(?:[\s\u3000]*(?P<name>[{_CJK}]{{2,4}}))?$"
)
_JOURNALIST_BRACKETED = re.compile(r"^记者[\s\u3000]*[(（](?P<inner>[^()（），,。]{2,30})[)）]$")
_NOT_OUTLETS = frozenset({"各位", "在座的", "在座", "广大", "诸位", "亲爱的", "各位媒体", "媒体", "各位亲爱的"})
_INVITATION = re.compile(r"(?:邀请|请)(?:到了|到|来了|来|了)?(?P<clause>[^。！!？?\n]{2,400})")
_INVITEE = re.compile(
    rf"(?P<label>(?:[^，,；;、。]*?、)*?[^，,；;、。]*?(?:{_TITLE_CORE}))(?P<name>[{_CJK}]{{2,3}}?)"
    rf"(?P<honorific>女士|先生|同志)?"
    r"(?=[，,；;、和及与。\s]|出席|介绍|就|回答|发布|解读|通报|参加|作|做|共同|一起|等|$)"
)
_HOSTED_BY = re.compile(r"由(?P<label>[^，,。；;！!？?\n]{2,40}?)(?:同志|女士|先生)?主持")

LabelKind = Literal["host", "journalist", "question", "answer", "person"]


@dataclass(frozen=True)
class LabelRead:
    """What a speaker label says about its speaker, read from the label alone.

    Attributes:
        kind: ``host`` (主持人…), ``journalist`` (…记者…), ``question`` (问), ``answer`` (答) or
            ``person`` (an official or other named speaker).
        name: the person's name ('' when the label names no one, as ``主持人`` or ``答``).
        office_label: the part of the label that holds offices and name (``湖北省委宣传部二级巡视员黄勤``;
            the inside of ``主持人(…)``), for ``parse_label``; '' when there is none.
        outlet: the journalist's outlet, None when not given or not a journalist.
    """

    kind: LabelKind
    name: str = ""
    office_label: str = ""
    outlet: str | None = None


def is_person_name(candidate: str) -> bool:
    """Whether ``candidate`` reads as a Chinese personal name.

    2–3 CJK characters led by a common surname, or 3–4 led by a compound one (欧阳晓明); common
    words a title may be followed by (指出, 表示, 同志) are not names.
    """
    if candidate in _NOT_NAMES or not _NAME_TEXT.match(candidate):
        return False
    if candidate[:2] in _COMPOUND_SURNAMES and len(candidate) >= 3:
        return True
    return candidate[0] in _SURNAMES and len(candidate) <= 3


def journalist_parts(label: str) -> tuple[str | None, str | None] | None:
    """(outlet, name) of a journalist label, None when ``label`` is no journalist's.

    ``湖北日报记者`` -> ("湖北日报", None); ``记者`` -> (None, None); ``四川日报记者张三`` ->
    ("四川日报", "张三"); ``各位记者`` -> None (an address, not a label).
    """
    label = strip_colon(label)
    bracketed = _JOURNALIST_BRACKETED.match(label)
    if bracketed:
        # 记者(四川日报), 记者（四川日报 张三）
        inner = re.split(r"[\s\u3000]+", clean_line(bracketed.group("inner")))
        name = inner[-1] if len(inner) > 1 and is_person_name(inner[-1]) else None
        inner_outlet = "".join(inner[:-1]) if name else "".join(inner)
        return (inner_outlet or None), name
    match = _JOURNALIST_PARTS.match(label)
    if not match:
        return None
    outlet, name = match.group("outlet") or None, match.group("name")
    if outlet in _NOT_OUTLETS or (outlet and outlet.endswith(("各位", "的"))):
        return None
    if name is not None and not is_person_name(name):
        return None
    return outlet, name


def _mentioned_as_person(name: str, text: str) -> bool:
    """Whether ``text`` introduces ``name``: ``请许静…``, ``许静女士``, ``许静先生``, ``许静同志``."""
    return bool(re.search(rf"请{re.escape(name)}|{re.escape(name)}(?:女士|先生|同志)", text))


def read_label(head: str, names: Sequence[str] = (), *, alone: bool = False, text: str = "") -> LabelRead | None:
    """Read a speaker label (the text before a line's colon) from the label itself.

    Args:
        head: the text before the colon, with or without the colon.
        names: names already known (嘉宾 line, the host's roster, the lead's invitation, earlier labels).
        alone: the label stands alone on its line (nothing after the colon).
        text: the whole transcript, to check that an unknown bare name was introduced in it.
    Returns:
        The LabelRead, or None when ``head`` is no label. Recognised, in this order:
        ``主持人`` / ``主持`` (also ``主持人 李伦``, ``主持人李伦``, ``主持人(…杨正国)``); ``问``,
        ``提问``; ``答`` (also ``答(…)``); ``<outlet>记者``, ``记者``, ``<outlet>记者<name>``;
        a known name, alone or after an office with a title word (``肖敏``, ``天门市科技局局长夏齐飞``);
        ``<organisation><title><name>`` for someone never introduced (the name led by a common
        surname); a bare unknown name alone on its line that the text introduces (``请许静女士…``).
    """
    head = strip_colon(head)
    if not head or len(head) > 48 or _SENTENCE_MARKS.search(head):
        return None
    host = _HOST_LABEL.match(head)
    if host:
        inner = host.group("paren") or host.group("spaced")
        if inner:
            inner = re.sub(r"[\s\u3000]+", "", inner)  # 主持人 省政府新闻办副主任 张三, 主持人 李  伦
            spaced_name = bool(host.group("spaced")) and len(inner) <= 3 and inner not in _NOT_NAMES
            if _NAME_TEXT.match(inner) and (inner in names or spaced_name or is_person_name(inner)):
                return LabelRead("host", inner)
            if names_known_person(inner, names) or looks_like_official_label(inner):
                name, _ = parse_label(inner, names)
                return LabelRead("host", name, inner) if name else None
            return None
        joined = host.group("joined")
        if joined is not None:
            return LabelRead("host", joined) if (joined in names or is_person_name(joined)) else None
        return LabelRead("host")
    if _QUESTION_LABEL.match(head):
        return LabelRead("question")
    answer = _ANSWER_LABEL.match(head)
    if answer:
        inner = clean_line(answer.group("inner") or "")
        name = parse_label(inner, names)[0] if inner else ""
        return LabelRead("answer", name, inner if name else "")
    journalist = journalist_parts(head)
    if journalist is not None:
        outlet, reporter = journalist
        return LabelRead("journalist", reporter or "", "", outlet)
    name_first = _NAME_THEN_OFFICE.match(head)
    if name_first:
        name, office = name_first.group("name"), clean_line(name_first.group("office"))
        if (name in names or is_person_name(name)) and (_TITLE.search(office) or _TITLE_CORE_IN.search(office)):
            return LabelRead("person", name, office + name)
        return None
    if re.search(r"[\s\u3000]", head):
        # 省发展改革委副主任 张三, 李  伦: spaces that align names are not part of them
        compact = re.sub(r"[\s\u3000]+", "", head)
        found = read_label(compact, names, alone=alone, text=text)
        return found if found is not None and found.kind == "person" else None
    if names_known_person(head, names):
        return LabelRead("person", parse_label(head, names)[0], head)
    if looks_like_official_label(head):
        name = parse_label(head, names)[0]
        # alone on its line, a title word and a name suffice; inline, the name must look like one
        if name in names or is_person_name(name) or (alone and name not in _NOT_NAMES):
            return LabelRead("person", name, head)
    if alone and is_person_name(head) and _mentioned_as_person(head, text):
        return LabelRead("person", head, head)
    return None


def invitation_labels(text: str) -> list[tuple[str, str | None]]:
    """People invited in ``邀请…出席/介绍…`` (a lead or the host's opening), in order.

    Args:
        text: a lead paragraph or transcript, e.g. ``届时，将邀请共青团四川省委副书记许静，省总工会
            党组成员、副主席周键…介绍…`` or ``邀请…新闻发言人郑彧，请他就…``.
    Returns:
        [(label, honorific)] for the first 邀请 clause naming anyone: label = offices + name as
        written (``共青团四川省委副书记许静``), honorific ``女士`` / ``先生`` where written, else None.
    """
    return list(_invitation_labels(text))


@lru_cache(maxsize=8)
def _invitation_labels(text: str) -> tuple[tuple[str, str | None], ...]:
    """``invitation_labels`` cached: a page asks for its transcript's invitation three times."""
    for clause in _INVITATION.finditer(text):
        items: list[tuple[str, str | None]] = []
        compact = re.sub(r"[\s\u3000]+", "", clause.group("clause"))  # 副主任 张三先生
        for match in _INVITEE.finditer(compact):
            name = match.group("name")
            if not is_person_name(name):
                continue
            label = clean_line(match.group("label").lstrip("、，,；; 和及与")) + name  # …李春临和国家能源局…
            items.append((label, match.group("honorific")))
        if items:
            return tuple(items)
    return ()


def host_from_text(text: str) -> str | None:
    """The host's label from ``发布会由省政府新闻办副主任张竞怡主持`` (offices + name), None if not said."""
    match = _HOSTED_BY.search(text)
    if not match:
        return None
    label = re.sub(r"[\s\u3000]+", "", match.group("label"))
    name, _ = parse_label(label)
    return label if name and is_person_name(name) else None


def genders_in_text(text: str, names: Sequence[str]) -> dict[str, str]:
    """Genders of ``names`` as the text gives them, {name: "female" | "male"}.

    From the host's roster (``…肖敏女士；``) first, then the invitation (``邀请…张育奎先生出席``), then
    any mention of the name followed by 女士 / 先生 (``谢谢康义先生的介绍``); names never so
    mentioned are left out.
    """
    genders = genders_from_intro(text, names)
    for label, honorific in invitation_labels(text):
        name = parse_label(label, names)[0]
        if name and honorific and name not in genders:
            genders[name] = "female" if honorific == "女士" else "male"
    for name in names:
        if name and name not in genders:
            mention = re.search(rf"{re.escape(name)}(女士|先生)", text)
            if mention:
                genders[name] = "female" if mention.group(1) == "女士" else "male"
    return genders


# --- people a title or lead introduces before they speak (issue 22) ---------------------------

_NAME_END = r"(?=[，,、。；;！!？?\s（(：:0-9０-９]|主持|介绍|出席|答|回答|就|发布|通报|解读|作|做|今天|今日|上午|下午|$)"
# ``发言人肖敏``, ``国务院新闻办公室新闻局副局长、新闻发言人寿小丽``
# What may stand in an office before 发言人 / in a label before 主持: no punctuation, no space.
_CLAUSE_TAIL = re.compile(r"[^，,。；;！!？?\s“”\"：:]{0,40}$")
# After 发言人: ``肖敏``, ``寿小丽``, `` 寿小丽女士`` up to where the name must end
_SPOKESPERSON_NAME = re.compile(rf"[\s\u3000]*(?P<name>[{_CJK}]{{2,3}}?)(?:女士|先生|同志)?{_NAME_END}")
# After 请: ``肖敏女士介绍…``, ``天门市科技局局长夏齐飞回答``
_ASKED_TO_SPEAK = re.compile(
    rf"(?P<label>[^，,。；;！!？?\s“”\"：:]{{0,40}}?[{_CJK}]{{2,3}}?)(?P<honorific>女士|先生|同志)?"
    rf"(?=介绍|发布|通报|解读|回答|答|作|做|出席|参加)"
)


@dataclass(frozen=True)
class Introduced:
    """A person a title or lead introduces before they speak.

    Attributes:
        label: offices and name as written (``发言人肖敏``, ``湖北省人民政府新闻办公室黄勤``).
        name: the person's name (2–3 CJK characters, led by a common surname).
        presides: the text says they 主持 the briefing (the host).
        answers: the text says they answer: a 发言人, or asked to speak (``请X介绍``).
    """

    label: str
    name: str
    presides: bool = False
    answers: bool = False


def _introduced(label: str, *, presides: bool = False, answers: bool = False) -> Introduced | None:
    label = re.sub(r"[\s\u3000]+", "", label)
    label = re.sub(r"^.*[0-9０-９][日号]?(?:[(（][^)）]*[)）])?", "", label)  # 2024年3月25日外交部发言人毛宁
    if "由" in label[:-1]:
        label = label[label.rindex("由", 0, len(label) - 1) + 1 :]  # 发布会由…黄勤主持; 由我主持: 我
    name, _ = parse_label(label)
    if not name or not is_person_name(name):
        return None
    return Introduced(label, name, presides, answers)


def _occurrences(text: str, word: str) -> list[int]:
    """Start offsets of ``word`` in ``text`` (str.find: far cheaper than a regex scan of every position)."""
    found, at = [], text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + len(word))
    return found


def introduced_people(text: str) -> list[Introduced]:
    """People a title or lead introduces, in text order, one entry per name (flags merged).

    Args:
        text: a title and/or lead, or a whole transcript (``发言人X``, ``X主持新闻发布会``,
            ``发布会由…X主持``, ``请X介绍``).
    Returns:
        [Introduced]: ``…发言人肖敏介绍…`` -> Introduced("发言人肖敏", "肖敏", answers=True);
        ``天门市市长肖敏主持新闻发布会`` -> Introduced("天门市市长肖敏", "肖敏", presides=True).
        Names must read as personal names (``is_person_name``); ``由我主持`` names no one.
    """
    found: list[tuple[int, Introduced]] = []
    # each rule is anchored on its keyword (发言人, 主持, 请): a text without them costs three finds
    for at in _occurrences(text, "发言人"):
        named = _SPOKESPERSON_NAME.match(text, at + 3)
        if named is None:
            continue
        office = _CLAUSE_TAIL.search(text, max(0, at - 40), at)
        person = _introduced((office.group(0) if office else "") + "发言人" + named.group("name"), answers=True)
        if person is not None:
            # 发言人陈斌华主持…, 发言人陈斌华3月27日上午主持…: the same clause says they preside
            presides = bool(re.match(r"[^，,。；;！!？?\n]{0,16}?主持(?!人)", text[named.end("name") : named.end("name") + 20]))
            found.append((at, replace(person, presides=presides)))
    for at in _occurrences(text, "主持"):
        if text.startswith("人", at + 2):
            continue
        tail = _CLAUSE_TAIL.search(text, max(0, at - 40), at)
        label = re.sub(r"(?:同志|女士|先生)$", "", tail.group(0)) if tail else ""
        person = _introduced(label, presides=True) if len(label) >= 2 else None
        if person is not None:
            found.append((at - len(label), person))
    for at in _occurrences(text, "请"):
        match = _ASKED_TO_SPEAK.match(text, at + 1)
        if match is None:
            continue
        if not match.group("honorific") and not looks_like_official_label(match.group("label")):
            continue  # 请简要介绍: a person is asked with 女士/先生 or an office, never by a bare word
        several = [
            m.group("label").lstrip("和及与") + m.group("name")
            for m in _INVITEE.finditer(match.group("label") + "介绍")
            if m.group("label").lstrip("和及与")
        ]  # 请国家发展改革委副主任李春临和国家能源局副局长张三介绍
        for label in several or [match.group("label")]:
            person = _introduced(label, answers=True)
            if person is not None:
                found.append((at, person))
    people: dict[str, Introduced] = {}
    for _, person in sorted(found, key=lambda pair: pair[0]):
        seen = people.get(person.name)
        if seen is None:
            people[person.name] = person
        else:
            label = seen.label if len(seen.label) >= len(person.label) else person.label
            people[person.name] = Introduced(
                label, person.name, seen.presides or person.presides, seen.answers or person.answers
            )
    return list(people.values())


_LABEL_LIKE_SKIP = frozenset(
    "来源 文章来源 信息来源 发布时间 发布日期 时间 日期 地点 导读 编者按 主题 摘要 作者 编辑 责任编辑 责编 嘉宾 出席 内容 "
    "关键词 核心提示 提要 标题 栏目 背景 主持人 主持".split()
)


def label_like(head: str) -> bool:
    """Whether ``head`` (the text before a colon) opens like a speaker label.

    A short head (at most 48 code points, no sentence punctuation, no digits) that ends in a
    personal name (``…黄勤``), a title word (``…局长``) or 记者. Preamble keys (``来源``, ``时间``)
    are not. Used for the safety net: a label-like head that no rule reads is a ``suspect_label``.
    """
    head = re.sub(r"[\s\u3000]+", "", strip_colon(head)).strip("【】[]〔〕［］")
    if not head or len(head) > 48 or _SENTENCE_MARKS.search(head) or re.search(r"\d", head):
        return False
    if head in _LABEL_LIKE_SKIP:
        return False
    if head.endswith("记者") or _TITLE.search(head):
        return True
    if head[-2:] in _NOT_NAMES:
        return False  # 主任表示, 局长指出: a verb, not a name
    return is_person_name(head[-2:]) or (len(head) >= 3 and is_person_name(head[-3:]))


def spokespersons(text: str) -> tuple[Guest, ...]:
    """Guests from the spokespersons a title or text names (``发言人肖敏介绍…并答记者问``), in order.

    A spokesperson who presides (``发言人X主持``) is the host, not a guest. Used when a page has no
    嘉宾 item, roster or invitation.
    """
    people = [
        p.label for p in introduced_people(text) if p.answers and not p.presides and "发言人" in p.label
    ]
    return guests_from_labels(people)
