"""Trap variants generated from the REAL session-12 page (and list pages) of the bundled snapshot.

Each generator takes the real page's HTML and returns a page that a parser must read to the same
turns: the traps the live portal is known to set (half-width colons, inline vs alone labels,
``<strong>`` labels, ``<br>`` inside paragraphs, &nbsp; &ensp; \\u3000 padding, script/style in the
content block, the newer article template, the page as text). EXPECTED_TURNS is what the real
page says, written out by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefings.settings import SEED_TEXT_PATH, SNAPSHOT_SITE_DIR

PAGE_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
TIANMEN_URL = "https://www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"
LIST_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml"
LIST_URL_2 = "https://www.hubei.gov.cn/hbfb/xwfbh/index_1.shtml"
SYNTHETIC_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240330_9999999.shtml"

HOST_LABEL = "湖北省委宣传部二级巡视员黄勤"
XIAO = "天门市委副书记、市长肖敏"
ZHOU = "天门市发改委党组书记、主任周启荣"
XIA = "天门市科技局局长夏齐飞"
CHEN_MING = "天门市经信局党组书记陈明敏"
CHEN_XIAO = "天门市政务服务和大数据管理局党组书记、局长陈晓敏"
HUANG = "天门市招商服务中心党组书记、主任黄祥斌"
OFFICIAL_LABELS = (HOST_LABEL, XIAO, ZHOU, XIA, CHEN_MING, CHEN_XIAO, HUANG)
OUTLETS = ("湖北日报", "经济日报", "湖北发布", "央广网", "新华网", "极目新闻")

# (label, speaker, role, outlet, first words, last words) of the 16 turns, from the real page.
EXPECTED_TURNS = (
    (HOST_LABEL, "黄勤", "host", None, "记者朋友们，下午好！", "请肖敏女士介绍天门市经济社会发展情况。"),
    (XIAO, "肖敏", "guest", None, "各位媒体朋友：\n大家好！", "我先简要介绍这些，谢谢大家！"),
    (HOST_LABEL, "黄勤", "host", None, "下面，进入记者提问环节。", "请记者提问前请通报所在的媒体机构名称。"),
    ("湖北日报记者", "湖北日报记者", "journalist", "湖北日报", "企业是创新的主体", "天门市培育壮大创新主体有关情况？"),
    (XIA, "夏齐飞", "guest", None, "谢谢你的提问。近年来", "提供更加坚实的科技支撑。\n谢谢！"),
    ("经济日报记者", "经济日报记者", "journalist", "经济日报", "近年来，天门市以发展纺织服装", "有哪些目标和计划？"),
    (HUANG, "黄祥斌", "guest", None, "谢谢你的提问。2024年", "早建成、早达效。\n谢谢！"),
    ("湖北发布记者", "湖北发布记者", "journalist", "湖北发布", "去年以来，天门市围绕稳增长", "更好发挥政策效应？"),
    (XIAO, "肖敏", "guest", None, "谢谢你的提问。去年以来", "获得感、满意度。\n谢谢！"),
    ("央广网记者", "央广网记者", "journalist", "央广网", "工业的高质量发展离不开", "将采取哪些措施？"),
    (CHEN_XIAO, "陈晓敏", "guest", None, "谢谢你的提问。加快推进新型工业化", "企业发展的“高效益”。\n谢谢！"),
    ("新华网记者", "新华网记者", "journalist", "新华网", "今年天门市政府工作报告提出", "将采取哪些举措？"),
    (ZHOU, "周启荣", "guest", None, "谢谢你的提问。今年年初", "支撑经济社会发展之稳。\n谢谢！"),
    ("极目新闻记者", "极目新闻记者", "journalist", "极目新闻", "今年，全国和全省“两会”", "如何落实这一工作部署？"),
    (CHEN_MING, "陈明敏", "guest", None, "谢谢你的提问。我市传统产业", "占全市规上企业数量65%以上。\n谢谢！"),
    (HOST_LABEL, "黄勤", "host", None, "时间关系，今天的提问环节就到这里", "今天的新闻发布会到此结束。"),
)
EXPECTED_QA = ((4, 5), (6, 7), (8, 9), (10, 11), (12, 13), (14, 15))

_P = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_RECORD = re.compile(r'(<div class="text_record">\s*<div>)(.*?)(</div>\s*</div>)', re.DOTALL)


def real_page() -> str:
    """The real session-12 page from the bundled snapshot, decoded (UTF-8)."""
    path = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
    return path.read_bytes().decode("utf-8")


def tianmen_page() -> str:
    """The same briefing as republished by the Tianmen city portal (real URL)."""
    path = SNAPSHOT_SITE_DIR / "www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"
    return path.read_bytes().decode("utf-8")


def seed_text() -> str:
    """The real page as text (half-width punctuation)."""
    return SEED_TEXT_PATH.read_bytes().decode("utf-8")


def list_page(name: str = "index.shtml") -> str:
    """A real list page of the column from the snapshot."""
    return (SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh" / name).read_bytes().decode("utf-8")


def record_paragraphs(html: str) -> list[str]:
    """Inner HTML of the transcript ``<p>`` elements of the real page, in order."""
    match = _RECORD.search(html)
    assert match, "the real page lost its text_record block"
    return _P.findall(match.group(2))


def _with_record(html: str, paragraphs: list[str]) -> str:
    """``html`` with the transcript block's paragraphs replaced by ``paragraphs`` (inner HTML)."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return _RECORD.sub(lambda m: m.group(1) + "\n" + body + "\n" + m.group(3), html, count=1)


def _is_official_label(paragraph: str) -> bool:
    return paragraph.rstrip("：:") in OFFICIAL_LABELS and paragraph[-1:] in "：:"


def _journalist_split(paragraph: str) -> tuple[str, str] | None:
    match = re.match(r"^(\S{2,8}记者)：(.+)$", paragraph, re.DOTALL)
    return (match.group(1), match.group(2)) if match else None


# --- trap generators: real page -> variant page -------------------------------------------


def half_width_colons(html: str) -> str:
    """Every full-width colon of the transcript folded to ``:`` (labels and sentences alike)."""
    return _with_record(html, [p.replace("：", ":") for p in record_paragraphs(html)])


def officials_inline(html: str) -> str:
    """Officials' labels moved inline: ``<p>…肖敏：各位媒体朋友：</p>`` (label + first paragraph)."""
    out: list[str] = []
    paragraphs = record_paragraphs(html)
    skip = False
    for index, paragraph in enumerate(paragraphs):
        if skip:
            skip = False
            continue
        if _is_official_label(paragraph) and index + 1 < len(paragraphs):
            out.append(paragraph + paragraphs[index + 1])
            skip = True
        else:
            out.append(paragraph)
    return _with_record(html, out)


def journalists_alone(html: str) -> str:
    """Journalists' labels on their own line: ``<p>湖北日报记者：</p><p>企业是…</p>``."""
    out: list[str] = []
    for paragraph in record_paragraphs(html):
        split = _journalist_split(paragraph)
        out.extend([split[0] + "：", split[1]] if split else [paragraph])
    return _with_record(html, out)


def strong_labels(html: str) -> str:
    """Labels wrapped in ``<strong>`` (colon inside for officials, outside for journalists)."""
    out: list[str] = []
    for paragraph in record_paragraphs(html):
        split = _journalist_split(paragraph)
        if _is_official_label(paragraph):
            out.append(f"<strong>{paragraph}</strong>")
        elif split:
            out.append(f"<strong>{split[0]}</strong>：{split[1]}")
        else:
            out.append(paragraph)
    return _with_record(html, out)


def br_paragraphs(html: str) -> str:
    """Each turn in ONE paragraph, its lines separated by ``<br>`` / ``<br/>`` / ``<BR />``."""
    out: list[list[str]] = []
    for paragraph in record_paragraphs(html):
        if _is_official_label(paragraph) or _journalist_split(paragraph) or not out:
            out.append([paragraph])
        else:
            out[-1].append(paragraph)
    breaks = ("<br>", "<br/>", "<BR />")
    return _with_record(html, [breaks[i % 3].join(group) for i, group in enumerate(out)])


def padded_whitespace(html: str) -> str:
    """Paragraphs padded with &nbsp; &ensp; \\u3000 and tabs, plus empty padding paragraphs."""
    out: list[str] = []
    for index, paragraph in enumerate(record_paragraphs(html)):
        out.append(f"&nbsp;&ensp;\u3000{paragraph}\u3000&nbsp; \t")
        if index % 5 == 0:
            out.append("&nbsp;\u3000&ensp;")
    return _with_record(html, out)


def script_and_style(html: str) -> str:
    """``<script>`` and ``<style>`` inside the content block, holding label-like text."""
    paragraphs = record_paragraphs(html)
    paragraphs.insert(1, '<script>var s = "湖北日报记者：这不是提问";</script>')
    paragraphs.insert(5, '<style>p::before { content: "天门市委副书记、市长肖敏："; }</style>')
    html = _with_record(html, paragraphs)
    return html.replace(
        '<div class="text_record">',
        '<div class="text_record"><script>document.write("湖北省委宣传部二级巡视员黄勤：")</script>',
        1,
    )


EXTRA_COLON_LINES = ("主要做法如下：", "天门市科技局的目标是：培育更多企业。", "肖敏强调：要推动项目落地。")


def extra_colon_lines(html: str) -> str:
    """Non-label lines ending in or holding a colon, inserted into 夏齐飞's answer (turn 5)."""
    paragraphs = record_paragraphs(html)
    at = paragraphs.index(XIA + "：") + 2
    paragraphs[at:at] = list(EXTRA_COLON_LINES)
    return _with_record(html, paragraphs)


def _meta(html: str, name: str) -> str:
    match = re.search(rf'<meta name="{name}" content="([^"]*)"', html)
    assert match, name
    return match.group(1)


def _int_list_items(html: str) -> list[str]:
    return re.findall(r"<li><b>(?:时间|嘉宾|内容)：</b>(.*?)</li>", html, re.DOTALL)


def article_template(html: str) -> str:
    """The real page rewritten in the portal's newer article template.

    Title in ``.hbgov-article-title h1``; ``.hbgov-article-meta``; body in
    ``div.hbgov-article-content > div.view.TRS_UEDITOR`` whose first paragraphs are the
    时间/嘉宾/内容 items with ``<strong>`` labels; speaker labels in ``<strong>``; noise blocks
    (share, QR code, page navigation) inside and after the body.
    """
    title = _meta(html, "ArticleTitle")
    when, guests, summary = _int_list_items(html)
    summary = re.sub(r"</?p>", "", summary)
    body = [
        f"<strong>时间：</strong>{when}",
        f"<strong>嘉宾：</strong>{guests}",
        f"<strong>内容：</strong>{summary}",
    ]
    for paragraph in record_paragraphs(html):
        split = _journalist_split(paragraph)
        if _is_official_label(paragraph):
            body.append(f"<strong>{paragraph}</strong>")
        elif split:
            body.append(f"<strong>{split[0]}：</strong>{split[1]}")
        else:
            body.append(paragraph)
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{_meta(html, 'PubDate')}">
<meta name="ContentSource" content="{_meta(html, 'ContentSource')}">
<title>{title}_湖北省人民政府门户网站</title></head>
<body>
<div class="hbgov-article-title"><h1>{title}</h1></div>
<div class="hbgov-article-meta"><span>发布时间：{_meta(html, 'PubDate')}</span><span>来源：{_meta(html, 'ContentSource')}</span></div>
<div class="hbgov-article-content">
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{paragraphs}
</div>
<div class="hbgov-qrcode-content">扫一扫：在手机上查看当前页面</div>
<div class="hbgov-share-block">分享到：微信 微博</div>
<div class="hbgov-pagenav-block">上一篇：示例条目 下一篇：示例条目</div>
</div>
</body></html>
"""


def article_items_split(html: str) -> str:
    """Article template with ``内容：`` alone in its paragraph and the summary in the next one."""
    page = article_template(html)
    return re.sub(r"<p><strong>内容：</strong>\s*(?:&ensp;)?", "<p><strong>内容：</strong></p><p>", page, count=1)


def synthetic_second_briefing(html: str) -> str:
    """A SYNTHETIC second briefing derived from the real page: another city (潜江) and session
    (第十三场), marked （合成测试页） in its title, with the same host 黄勤."""
    page = html.replace("天门", "潜江").replace("第十二场", "第十三场")
    for opening in ("<h2>", 'content="', "<title>"):
        page = page.replace(f"{opening}“奋战开门红", f"{opening}（合成测试页）“奋战开门红")
    return page.replace("2024-03-25", "2024-03-27").replace("2024-03-26", "2024-03-28")


def first_paragraph_not_a_label(html: str) -> str:
    """The transcript opens with a sentence, not a speaker label (a page we must refuse)."""
    paragraphs = record_paragraphs(html)
    return _with_record(html, ["根据安排：今天举行新闻发布会。", *paragraphs])


def no_transcript_block(html: str) -> str:
    """The real page without its transcript block."""
    return _RECORD.sub("", html, count=1).replace('class="text_record"', 'class="other"')


TRAPS: dict[str, Callable[[str], str]] = {
    "half_width_colons": half_width_colons,
    "officials_inline": officials_inline,
    "journalists_alone": journalists_alone,
    "strong_labels": strong_labels,
    "br_paragraphs": br_paragraphs,
    "padded_whitespace": padded_whitespace,
    "script_and_style": script_and_style,
    "extra_colon_lines": extra_colon_lines,
    "article_template": article_template,
    "article_items_split": article_items_split,
}


# --- list page variants ---------------------------------------------------------------------


def newer_list_template(html: str, *, active: int = 1, pages: int = 3) -> str:
    """The real list page's entries in the newer template (``div.hbgov-bfc-block li``) with a
    ``list1.shtml`` / ``list1_N.shtml`` pagination that has no 下一页 link."""
    entries = re.findall(
        r'<h4><a href="([^"]+)"[^>]*title="([^"]+)">[^<]*</a></h4><span class="date">([^<]+)</span>', html
    )
    items = "\n".join(f'<li><a href="{href}" title="{title}">{title}</a><span>{day}</span></li>' for href, title, day in entries)
    pager = ""
    for n in range(1, pages + 1):
        css = ' class="active"' if n == active else ""
        href = "list1.shtml" if n == 1 else f"list1_{n}.shtml"
        pager += f'<li{css}><a href="{href}">{n}</a></li>'

    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div class="hbgov-bfc-block"><ul>
{items}
</ul></div>
<div class="hbgov-pagenav-block"><ul>{pager}</ul></div>
</body></html>"""


# --- session 12 rewritten in other portals' transcript shapes (issue 13) --------------------

TITLE_LINE = "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
_INT_LIST = re.compile(r'\s*<ul class="list-unstyled int_list">.*?</ul>', re.DOTALL)
LEAD = (
    "3月25日下午，湖北省人民政府新闻办公室举行“奋战开门红 市长话经济”系列新闻发布会第十二场，"
    "介绍天门市培育壮大新质生产力、加快推进新型工业化相关情况，发布会由湖北省委宣传部二级巡视员黄勤主持。"
)
NARRATION = ("（播放宣传片）", "【现场提问】")
TAIL = ("推荐文章", "湖北召开“奋战开门红 市长话经济”系列新闻发布会第十三场", "热点文章", "责任编辑：张琳",
        "扫一扫在手机打开当前页", "【打印】【关闭】")  # fmt: skip


def transcript_texts(html: str | None = None) -> list[str]:
    """The real transcript paragraphs as text (tags removed), as published (full-width)."""
    return [re.sub(r"<[^>]+>", "", p) for p in record_paragraphs(html or real_page())]


def turn_groups(paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    """The real paragraphs grouped by turn: [(label as written, [paragraphs of the turn])].

    A journalist's inline label is split off its first paragraph.
    """
    groups: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        split = _journalist_split(paragraph)
        if _is_official_label(paragraph):
            groups.append((paragraph.rstrip("：:"), []))
        elif split:
            groups.append((split[0], [split[1]]))
        else:
            groups[-1][1].append(paragraph)
    return groups


def from_groups(groups: list[tuple[str, list[str]]], *, inline: set[int] = frozenset()) -> list[str]:
    """Paragraphs from turn groups: official labels alone on their line, journalists' inline, or
    inline for the turn indices in ``inline``. A label '' writes the paragraphs without one."""
    out: list[str] = []
    for index, (label, paragraphs) in enumerate(groups):
        is_journalist = label.endswith("记者") or label in ("问",)
        if not label:
            out.extend(paragraphs)
        elif (is_journalist or index in inline) and paragraphs:
            out.append(f"{label}：{paragraphs[0]}")
            out.extend(paragraphs[1:])
        else:
            out.append(f"{label}：")
            out.extend(paragraphs)
    return out


def shaped_page(paragraphs: list[str], *, items: bool = True, html: str | None = None) -> str:
    """The real page with its transcript paragraphs replaced (text, escaped as needed) and, with
    ``items=False``, without its 时间/嘉宾/内容 block."""
    page = _with_record(html or real_page(), paragraphs)
    return page if items else _INT_LIST.sub("", page, count=1)


def text_page(paragraphs: list[str], *, items: bool = True) -> str:
    """The seed text's heading and (with ``items``) its 发布会实录 items, then ``paragraphs``."""
    seed = seed_text().split("\n")
    head = seed[: next(i for i, line in enumerate(seed) if line.startswith("湖北省委宣传部二级巡视员黄勤"))]
    if not items:
        head = [line for line in head if not re.match(r"^\s*(•\s*)?(时间|嘉宾|内容|摘要|发布会实录)", line)]
    return "\n".join([*head, *paragraphs]) + "\n"
