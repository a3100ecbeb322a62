"""A synthetic corpus of N briefing pages derived from the real session-12 page, plus list pages.

Every page uses the real page's template (``h2``, ``ul.int_list``, ``div.text_record``) and text,
with varied facts so that each page is a distinct briefing at a distinct URL:

- title: session number ``第{n}场``, city, and the marker ``（合成样本{n}）`` (every page says it is synthetic);
- dates: event date ``2024-01-02 + (n-1)//4`` days, published the next day (four sessions a day);
- speakers: host and six guests get generated names and genders (女士/先生); six journalists'
  outlets are drawn from a pool;
- order: the six question/answer blocks are shuffled, and so are runs of 一是/二是/… paragraphs;
- numbers: quantities in the transcript are scaled by 0.6–1.6 (years, months, days and ranges kept).

List pages follow the portal's pagination (``index.shtml``, ``index_1.shtml``, …), newest first,
``per_page`` series entries each plus one placeholder entry not of the series (filtered out by
discovery). :func:`write_site` writes them as ``<root>/<host>/<path>``, the layout that
``briefings.fetching.snapshot.SnapshotTransport(root)`` and :mod:`bench.server` serve.

Pure apart from :func:`write_site`; deterministic for a given ``seed``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from briefings.settings import SNAPSHOT_SITE_DIR

__all__ = [
    "HOST",
    "COLUMN_PATH",
    "REAL_PAGE_PATH",
    "SyntheticPage",
    "SyntheticSite",
    "cn_numeral",
    "synth_page",
    "synth_pages",
    "list_pages",
    "write_site",
]

HOST = "www.hubei.gov.cn"
COLUMN_PATH = "/hbfb/xwfbh/"
REAL_PAGE_PATH = SNAPSHOT_SITE_DIR / HOST / "hbfb/xwfbh/202403/t20240326_5134107.shtml"

# Facts of the real page that the generator replaces (shared/corpus/README.md, "Session 12 in facts").
_REAL_TITLE = "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
_REAL_CITY = "天门"
_REAL_HOST = "黄勤"
_REAL_GUESTS = ("肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌")
_REAL_OUTLETS = ("湖北日报", "经济日报", "湖北发布", "央广网", "新华网", "极目新闻")
_BASE_EVENT_DATE = date(2024, 1, 2)
_SESSIONS_PER_DAY = 4
_DOC_NO_BASE = 7_000_000  # the real page is 5134107; synthetic document numbers start above

_CITIES = (
    "武汉", "黄石", "十堰", "宜昌", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁", "随州",
    "仙桃", "潜江", "天门",
)
_OUTLETS = (
    "湖北日报", "经济日报", "湖北发布", "央广网", "新华网", "极目新闻", "人民网", "中新网", "长江日报",
    "湖北广播电视台", "长江云", "中国日报", "光明网", "楚天都市报",
)
# Surnames and given-name characters chosen not to form title words (长, 任, 书, 记 …) with a label.
_SURNAMES = "王李张刘陈杨赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "明华伟静丽强军芳敏涛磊洋勇艳杰娟斌霞平刚桂英辉燕鹏飞彬琳宁婷颖峰浩宇欣雪梅兰松柏清晨阳云凯超波健荣新亮俊红玲晶昊楠瑞琪蕾"

_CN_DIGITS = "零一二三四五六七八九"
_RECORD_OPEN = '<div class="text_record">'
_RECORD_CLOSE = '<div class="hbgov-share-block">'
_PARA = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_JOURNALIST_PARA = re.compile(r"^(?P<outlet>[^：:，。]{1,24})记者[：:]")
_ENUMERATED = re.compile(r"^[一二三四五六七八九十]是")
# A quantity: digits with an optional fraction, not inside a longer number.
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_KEEP_AFTER = set("年月日号时分-－—~～至到/:：") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def cn_numeral(n: int) -> str:
    """Chinese numeral of ``n`` as a session title writes it (12 -> 十二, 105 -> 一百零五).

    Args:
        n: 1..9999; larger numbers are returned as ASCII digits (the parser reads both).
    Returns:
        The numeral, e.g. ``二千零二十四`` for 2024; ``briefings.parsing.text.cn_int`` reads it back.
    """
    if not 1 <= n <= 9999:
        return str(n)
    out = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if not (unit == "十" and digit == 1 and not out):
            out.append(_CN_DIGITS[digit])
        out.append(unit)
    return "".join(out)


@dataclass(frozen=True)
class SyntheticPage:
    """One generated briefing page and the facts a parser should read from it.

    Attributes:
        n: sample number, 1-based (also the session number).
        url: absolute https URL on ``HOST`` (``/hbfb/xwfbh/YYYYMM/tYYYYMMDD_NNNNNNN.shtml``).
        path: the URL's path (``/hbfb/xwfbh/…``), also the file's place below ``<root>/<host>``.
        title: the page title, ending in ``（合成样本{n}）``.
        city: the city of the title.
        event_date: the 时间 item (when it was held); publish_date is the next day.
        publish_date: the heading 时间 and the list date.
        host_name: the host (opens and closes, not in 嘉宾).
        guest_names: the 嘉宾 line's names, in order.
        turns: expected (role, speaker) per turn in page order; speaker is the outlet for journalists.
        html: the page (UTF-8 text, ``<meta charset="utf-8">``).
    """

    n: int
    url: str
    path: str
    title: str
    city: str
    event_date: date
    publish_date: date
    host_name: str
    guest_names: tuple[str, ...]
    turns: tuple[tuple[str, str], ...]
    html: str = field(repr=False)


@dataclass(frozen=True)
class _Template:
    """The real page cut into the header, the transcript paragraphs and the footer."""

    head: str
    paragraphs: tuple[str, ...]
    tail: str
    indent: str


_TEMPLATE: _Template | None = None


def _template() -> _Template:
    """The real page, read once and cut at ``div.text_record`` (one-line docstring: private)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        html = REAL_PAGE_PATH.read_text(encoding="utf-8")
        start = html.index(_RECORD_OPEN)
        end = html.index(_RECORD_CLOSE)
        record = html[start:end]
        paras = tuple(_PARA.findall(record))
        head = html[:start] + _RECORD_OPEN + "\n    <div>\n"
        tail = "    </div>\n  </div>\n  " + html[end:]
        _TEMPLATE = _Template(head=head, paragraphs=paras, tail=tail, indent="        ")
    return _TEMPLATE


def _names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct personal names of 2–3 characters, none inside another."""
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if all(name not in other and other not in name for other in names):
            names.append(name)
    return names


def _vary_number(match: re.Match[str], text: str, rng: random.Random) -> str:
    """A scaled copy of one quantity; years, dates and ranges are kept as written."""
    token = match.group(0)
    after = text[match.end() : match.end() + 1]
    before = text[match.start() - 1 : match.start()] if match.start() else ""
    if after in _KEEP_AFTER or before in "-－~～" or (len(token) == 4 and token[:2] in ("19", "20")):
        return token
    if before == "第":  # a rank: 居全省第2位
        return str(rng.randint(1, 17))
    value = float(token) * rng.uniform(0.6, 1.6)
    if "." in token:
        decimals = len(token.split(".")[1])
        return f"{max(value, 0.1):.{decimals}f}"
    return str(max(1, round(value)))


def _shuffle_enumerations(paras: list[str], rng: random.Random) -> list[str]:
    """Shuffle each run of consecutive 一是/二是/… paragraphs in place of the run."""
    out: list[str] = []
    run: list[str] = []
    for para in paras + [""]:
        if para and _ENUMERATED.match(para):
            run.append(para)
            continue
        rng.shuffle(run)
        out.extend(run)
        run = []
        if para:
            out.append(para)
    return out


def _blocks(paras: tuple[str, ...]) -> tuple[list[str], list[list[str]], list[str]]:
    """(opening, question/answer blocks, closing) of the real transcript."""
    host_label = next(p for p in paras if p.endswith(_REAL_HOST + "："))
    first_q = next(i for i, p in enumerate(paras) if _JOURNALIST_PARA.match(p))
    last_host = max(i for i, p in enumerate(paras) if p == host_label)
    opening = list(paras[:first_q])
    starts = [i for i in range(first_q, last_host) if _JOURNALIST_PARA.match(paras[i])] + [last_host]
    blocks = [list(paras[a:b]) for a, b in zip(starts, starts[1:])]
    return opening, blocks, list(paras[last_host:])


def _page_path(n: int, publish: date) -> str:
    return f"{COLUMN_PATH}{publish:%Y%m}/t{publish:%Y%m%d}_{_DOC_NO_BASE + n}.shtml"


def synth_page(n: int, *, seed: int = 0, host: str = HOST) -> SyntheticPage:
    """Generate synthetic page number ``n`` (see the module docstring for what varies).

    Args:
        n: sample number, >= 1; session number and URL derive from it, so pages of one seed differ.
        seed: varies names, outlets, order and numbers for a given ``n``.
        host: host of the page URL (the file path does not depend on it).
    Returns:
        The page and its expected facts.
    Raises:
        ValueError: ``n`` < 1.
    Source: ``briefings/snapshot/site/www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml``.
    """
    if n < 1:
        raise ValueError(f"sample number must be >= 1, not {n}")
    rng = random.Random(seed * 1_000_003 + n)
    tpl = _template()
    city = _CITIES[(n - 1) % len(_CITIES)]
    event = _BASE_EVENT_DATE + timedelta(days=(n - 1) // _SESSIONS_PER_DAY)
    publish = event + timedelta(days=1)
    new_names = _names(rng, 1 + len(_REAL_GUESTS))
    rename = dict(zip((_REAL_HOST, *_REAL_GUESTS), new_names))
    honorific = {name: rng.choice(("女士", "先生")) for name in new_names}
    outlets = rng.sample(_OUTLETS, len(_REAL_OUTLETS))
    reoutlet = dict(zip(_REAL_OUTLETS, outlets))
    session = f"第{cn_numeral(n)}场"
    title = f"“奋战开门红 市长话经济”{session} {city}：培育壮大新质生产力 加快推进新型工业化（合成样本{n}）"

    name_re = re.compile("(" + "|".join(sorted(rename, key=len, reverse=True)) + ")(女士|先生)?")

    def facts(text: str) -> str:
        text = name_re.sub(lambda m: rename[m.group(1)] + (honorific[rename[m.group(1)]] if m.group(2) else ""), text)
        return text.replace("第十二场", session).replace(_REAL_CITY, city)

    opening, blocks, closing = _blocks(tpl.paragraphs)
    rng.shuffle(blocks)
    paras: list[str] = []
    turns: list[tuple[str, str]] = [("host", rename[_REAL_HOST]), ("guest", rename[_REAL_GUESTS[0]]), ("host", rename[_REAL_HOST])]
    for para in _shuffle_enumerations(opening, rng):
        paras.append(para)
    for block in blocks:
        question, label, *answer = block
        outlet = _JOURNALIST_PARA.match(question).group("outlet")  # type: ignore[union-attr]
        paras.append(reoutlet[outlet] + question[len(outlet) :])
        paras.append(label)
        paras.extend(_shuffle_enumerations(answer, rng))
        answerer = next(g for g in _REAL_GUESTS if label.endswith(g + "："))
        turns += [("journalist", reoutlet[outlet]), ("guest", rename[answerer])]
    paras.extend(closing)
    turns.append(("host", rename[_REAL_HOST]))
    paras = [facts(_NUMBER.sub(lambda m, p=p: _vary_number(m, p, rng), p)) for p in paras]

    head = tpl.head.replace(_REAL_TITLE, title)
    head = head.replace("2024-03-26 10:31", f"{publish:%Y-%m-%d} 10:31").replace("2024-03-26", f"{publish:%Y-%m-%d}")
    head = head.replace("2024-03-25", f"{event:%Y-%m-%d}").replace("3月25日", f"{event.month}月{event.day}日")
    head = facts(head)
    body = "".join(f"{tpl.indent}<p>{p}</p>\n" for p in paras)
    path = _page_path(n, publish)
    return SyntheticPage(
        n=n,
        url=f"https://{host}{path}",
        path=path,
        title=title,
        city=city,
        event_date=event,
        publish_date=publish,
        host_name=rename[_REAL_HOST],
        guest_names=tuple(rename[g] for g in _REAL_GUESTS),
        turns=tuple(turns),
        html=head + body + facts(tpl.tail),
    )


def synth_pages(count: int, *, seed: int = 0, host: str = HOST) -> Iterator[SyntheticPage]:
    """Pages 1..``count``, generated one at a time (memory stays flat for any count)."""
    for n in range(1, count + 1):
        yield synth_page(n, seed=seed, host=host)


_LIST_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>新闻发布会_湖北省人民政府门户网站</title></head>
<body>
<div class="hbgov-index-bar"><a href="/hbfb/xwfbh/">新闻发布会</a></div>
<div class="container list">
"""
_LIST_ENTRY = (
    '  <div class="row media_block"><div class="col-md-12"><h4><a href=".{rel}" target="_blank" '
    'title="{title}">{title}</a></h4><span class="date">{day}</span></div></div>\n'
)


def _list_name(page_no: int) -> str:
    return "index.shtml" if page_no == 0 else f"index_{page_no}.shtml"


def list_pages(entries: list[tuple[str, str, date]], *, per_page: int = 20) -> list[tuple[str, str]]:
    """The column's list pages for ``entries``, newest first, in the portal's pagination.

    Args:
        entries: (path, title, publish_date) of each detail page, any order.
        per_page: series entries per list page (the placeholder entry comes on top).
    Returns:
        (path, html) per list page: ``/hbfb/xwfbh/index.shtml``, ``index_1.shtml``, …; each
        page links the next with 下一页 except the last; at least one page (empty list: no entries).
    """
    ordered = sorted(entries, key=lambda e: (e[2], e[0]), reverse=True)
    chunks = [ordered[i : i + per_page] for i in range(0, len(ordered), per_page)] or [[]]
    out: list[tuple[str, str]] = []
    for page_no, chunk in enumerate(chunks):
        rows = []
        for i, (path, title, day) in enumerate(chunk):
            rel = path[len(COLUMN_PATH) - 1 :]
            rows.append(_LIST_ENTRY.format(rel=rel, title=title, day=f"{day:%Y-%m-%d}"))
            if i == min(2, len(chunk) - 1):
                # one entry per page that is not of the series (its page is not served)
                rows.append(
                    _LIST_ENTRY.format(
                        rel=f"/{day:%Y%m}/t{day:%Y%m%d}_{5_100_000 + page_no}.shtml",
                        title=f"（示例条目{page_no + 1}）湖北省政府新闻办新闻发布会",
                        day=f"{day:%Y-%m-%d}",
                    )
                )
        nav = [f'<li class="active"><a href="{_list_name(page_no)}">{page_no + 1}</a></li>']
        if page_no + 1 < len(chunks):
            nav.append(f'<li><a href="{_list_name(page_no + 1)}">{page_no + 2}</a></li>')
            nav.append(f'<li><a href="{_list_name(page_no + 1)}">下一页</a></li>')
        html = (
            _LIST_HEAD
            + "".join(rows)
            + '</div>\n<nav><ul class="pagination">'
            + "".join(nav)
            + "</ul></nav>\n</body></html>\n"
        )
        out.append((f"{COLUMN_PATH}{_list_name(page_no)}", html))
    return out


@dataclass(frozen=True)
class SyntheticSite:
    """A written site tree.

    Attributes:
        root: the folder holding ``<host>/``; pass it to ``SnapshotTransport(root)``.
        host: the host folder's name.
        count: detail pages written.
        list_paths: list page paths in pagination order (``/hbfb/xwfbh/index.shtml`` first).
        detail_paths: detail page paths, in sample order.
        bytes_written: total size of the files, bytes.
    """

    root: Path
    host: str
    count: int
    list_paths: tuple[str, ...]
    detail_paths: tuple[str, ...]
    bytes_written: int

    @property
    def first_list_url(self) -> str:
        """``https://<host>/hbfb/xwfbh/index.shtml``."""
        return f"https://{self.host}{self.list_paths[0]}"


def write_site(root: Path, count: int, *, seed: int = 0, per_page: int = 20, host: str = HOST) -> SyntheticSite:
    """Write ``count`` synthetic pages and their list pages below ``root/<host>/``.

    Args:
        root: target folder (created); existing files of the same names are overwritten.
        count: number of detail pages.
        seed, host: as :func:`synth_page`.
        per_page: as :func:`list_pages`.
    Returns:
        What was written. The pages are UTF-8 (``<meta charset="utf-8">``), as the real page.
    Raises:
        OSError: a file could not be written.
    """
    base = Path(root) / host
    entries: list[tuple[str, str, date]] = []
    total = 0
    for page in synth_pages(count, seed=seed, host=host):
        target = base / page.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = page.html.encode("utf-8")
        target.write_bytes(data)
        total += len(data)
        entries.append((page.path, page.title, page.publish_date))
    lists = list_pages(entries, per_page=per_page)
    for path, html in lists:
        target = base / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        target.write_bytes(data)
        total += len(data)
    return SyntheticSite(
        root=Path(root),
        host=host,
        count=count,
        list_paths=tuple(p for p, _ in lists),
        detail_paths=tuple(e[0] for e in entries),
        bytes_written=total,
    )
