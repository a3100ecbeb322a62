"""A self-contained HTML report of the warehouse, and the same facts as Markdown.

The HTML page needs no network: CSS is inline and the charts are Plotly figures (declarative specs)
drawn by plotly.js, whose bundle is inlined once in the page (``plotly.offline.get_plotlyjs()``).
Sections:

- per city, one small horizontal bar chart per metric family (:data:`FAMILIES`: growth rates, changes in
  percentage points, shares, amounts in 亿元, counts, areas), counts split by their unit (家, 个, 项 …: one
  axis per unit). One bar row per subject, metric and period, one bar per status (achieved / target /
  forecast / plan) side by side in fixed colours, each bar labelled with the value as said (qualifier
  included: 12%以上); the axis shows every bar (:func:`chart_scale`: a log axis for levels that span
  orders of magnitude, else a linear one that names the bars beyond it); under each chart, a table of every
  number it draws;
- per briefing (newest first): title, session, city, dates; the guests (嘉宾 line) in order; turns per
  speaker (``turns`` grouped by speaker, in order of first turn);
- the indicators (``indicators``) of each briefing as a table with achieved and target values side
  by side (forecast and plan values in a third column).

:func:`report_markdown` gives the briefings, speakers' turn counts and indicator counts as Markdown,
for a Prefect markdown artifact.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import duckdb

from briefings.errors import BriefingsError, OutputError

__all__ = [
    "SpeakerTurns",
    "IndicatorRow",
    "BriefingReport",
    "collect_report",
    "briefing_count",
    "briefings_shown",
    "period_label",
    "ChartBar",
    "ChartScale",
    "FAMILIES",
    "chart_groups",
    "chart_bars",
    "chart_scale",
    "said_value",
    "chart_figure",
    "render_report_html",
    "write_report",
    "report_markdown",
]


@dataclass(frozen=True)
class SpeakerTurns:
    """How often one speaker spoke in a briefing: name (label for journalists), role, turns, first turn_no."""

    speaker: str
    role: str
    turns: int
    first_turn_no: int


@dataclass(frozen=True)
class IndicatorRow:
    """One mention from ``indicators``, with who said it (``speakers.name``)."""

    mention_no: int
    turn_no: int
    speaker: str | None
    subject: str | None
    metric: str | None
    kind: str | None
    status: str | None
    value_text: str
    value: Decimal | None
    unit: str | None
    period_start: date | None
    period_end: date | None
    comparison: str | None
    qualifier: str | None = None
    unit_text: str | None = None
    sentence: str | None = None


@dataclass(frozen=True)
class BriefingReport:
    """Everything the report shows about one briefing (from ``briefings``, ``guests``, ``turns``, ``indicators``)."""

    briefing_id: str
    title: str
    session_no: int | None
    city: str | None
    event_date: date | None
    publish_date: date | None
    url: str
    guests: list[tuple[int, str, str]] = field(default_factory=list)  # (guest_no, name, label)
    speakers: list[SpeakerTurns] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)


def collect_report(con: duckdb.DuckDBPyConnection, *, city: str | None = None,
                   limit: int | None = None) -> list[BriefingReport]:
    """Read what the report shows, per briefing, newest event first.

    Args:
        con: a warehouse connection (read-only is enough).
        city: keep briefings about this city (``天门`` or ``天门市``); None for all.
        limit: read the first ``limit`` briefings of that order only; None for all.
    Returns:
        One BriefingReport per briefing (order: event_date desc, unknown last, then session_no, briefing_id).
    Raises:
        BriefingsError: the SQL failed (e.g. not a warehouse).
    """
    city_filter, params = _city_filter(city)
    if limit is not None:
        params["limit"] = max(0, limit)
    try:
        rows = con.execute(
            "SELECT briefing_id, title, session_no, city, event_date, publish_date, url FROM briefings b "
            f"{city_filter} ORDER BY event_date DESC NULLS LAST, session_no, briefing_id"
            + ("" if limit is None else " LIMIT $limit"), params).fetchall()
        reports = {r[0]: BriefingReport(*r) for r in rows}
        ids = list(reports)
        if not ids:
            return []
        for bid, no, name, label in con.execute(
                "SELECT briefing_id, guest_no, name, label FROM guests WHERE list_contains($ids, briefing_id) "
                "ORDER BY briefing_id, guest_no", {"ids": ids}).fetchall():
            reports[bid].guests.append((no, name, label))
        for bid, who, role, n, first in con.execute(
                "SELECT t.briefing_id, coalesce(s.name, t.speaker, t.label) AS who, any_value(t.role), count(*), "
                "min(t.turn_no) AS first FROM turns t LEFT JOIN speakers s USING (speaker_id) "
                "WHERE list_contains($ids, t.briefing_id) GROUP BY t.briefing_id, who "
                "ORDER BY t.briefing_id, first", {"ids": ids}).fetchall():
            reports[bid].speakers.append(SpeakerTurns(who, role, n, first))
        for bid, *values in con.execute(
                "SELECT i.briefing_id, i.mention_no, i.turn_no, s.name, i.subject, i.metric, i.kind, i.status, "
                "i.value_text, i.value, i.unit, i.period_start, i.period_end, i.comparison, i.qualifier, i.unit_text, "
                "i.sentence FROM indicators i "
                "LEFT JOIN speakers s USING (speaker_id) WHERE list_contains($ids, i.briefing_id) "
                "ORDER BY i.briefing_id, i.mention_no", {"ids": ids}).fetchall():
            reports[bid].indicators.append(IndicatorRow(*values))
    except duckdb.Error as exc:
        raise BriefingsError(f"reading the report's data failed: {exc}") from exc
    return list(reports.values())


def period_label(start: date | None, end: date | None) -> str:
    """A short name for a period: ``2023`` (a calendar year), ``2024-01…02`` (whole months), else ISO dates.

    ``(None, None)`` -> ``unknown period``.
    """
    if start is None and end is None:
        return "unknown period"
    if start is None or end is None:
        return f"{start}…" if end is None else f"…{end}"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return str(start.year)
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and next_day.day == 1 and start.year == end.year:
        return f"{start.year}-{start.month:02d}" + ("" if start.month == end.month else f"…{end.month:02d}")
    return f"{start.isoformat()}…{end.isoformat()}"


# metric families: (kind, unit) -> (title, suffix of the axis' numbers, divisor from the base unit to the drawn one)
FAMILIES: dict[tuple[str, str], tuple[str, str, Decimal]] = {
    ("growth_rate", "percent"): ("growth rates (%)", "%", Decimal(1)),
    ("change_pp", "percentage_point"): ("changes (percentage points)", "", Decimal(1)),
    ("share", "percent"): ("shares (%)", "%", Decimal(1)),
    ("level", "CNY"): ("amounts (亿元)", "", Decimal(10) ** 8),
    ("level", "count"): ("counts", "", Decimal(1)),
    ("level", "mu"): ("areas (亩)", "", Decimal(1)),
}
STATUS_ORDER = ("achieved", "target", "forecast", "plan")
# Okabe-Ito colours: told apart with every common colour-vision deficiency
STATUS_COLOURS = {"achieved": "#0072B2", "target": "#E69F00", "forecast": "#009E73", "plan": "#CC79A7"}
FONT_STACK = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'PingFang SC', "
              "'Microsoft YaHei', sans-serif")
_BAR_PX = 26  # height of one bar row, pixels


@dataclass(frozen=True)
class ChartBar:
    """One bar of a chart: a subject's metric in a period with one status, and the mentions that said it.

    Attributes:
        label: the bar row's label, ``subject · metric · period`` (``我市 · GDP · 2023``; ``metric · period``
            when the text names no subject); a second value said for the same row and status gets its
            mention number (``GDP · 2023 (#7)``).
        status: achieved, target, forecast or plan.
        value: the number drawn, in the family's display unit (亿元 for amounts, else the base unit).
        value_text: the value as said, with its qualifier (``6.2%``, ``12%以上``, ``近5000万元``; see
            :func:`said_value`).
        mentions: ``indicators.mention_no`` of every mention with this value, in order.
        rows: those mentions.
    """

    label: str
    status: str
    value: float
    value_text: str
    mentions: tuple[int, ...]
    rows: tuple[IndicatorRow, ...]


_QUALIFIER_BEFORE = ("不少于", "不低于", "不超过", "不高于", "超过", "突破", "至少", "最高", "最多", "超", "逾", "近", "约")
_QUALIFIER_AFTER = ("以上", "以下", "以内", "左右")
_QUALIFIER_SIGN = {"at_least": "≥", "at_most": "≤", "approx": "≈"}


def said_value(row: IndicatorRow) -> str:
    """The value as said, with the words that qualify it: ``12%以上``, ``超1320项``, ``近5000万元``.

    The words come from the mention's sentence (the qualifier word right before or after ``value_text``);
    a qualified value whose word cannot be found there gets a sign (``≥12%``). ``value_text`` alone when exact.
    """
    text = row.value_text
    if row.qualifier in (None, "exact") or "多" in text or "余" in text:  # 100多名, 500余份 say it already
        return text
    sentence = row.sentence or ""
    at = sentence.find(text)
    while at >= 0:
        before = next((w for w in _QUALIFIER_BEFORE if sentence.endswith(w, 0, at)), "")
        after = next((w for w in _QUALIFIER_AFTER if sentence.startswith(w, at + len(text))), "")
        if before or after:
            return before + text + after
        at = sentence.find(text, at + 1)
    return _QUALIFIER_SIGN.get(row.qualifier, "") + text


def chart_groups(rows: list[IndicatorRow]) -> list[tuple[tuple[str, str], str | None]]:
    """The charts of one city: (family, unit_text) pairs in :data:`FAMILIES` order.

    Counts get one chart per unit as said (家, 个, 项, 件 …): 5亿件 and 3家 share no axis. Other families
    have one chart (unit_text None).
    """
    groups: list[tuple[tuple[str, str], str | None]] = []
    for family in FAMILIES:
        mine = [r for r in rows if (r.kind, r.unit) == family and r.value is not None and r.status in STATUS_COLOURS]
        if not mine:
            continue
        if family == ("level", "count"):
            groups += [(family, unit) for unit in dict.fromkeys(r.unit_text or "" for r in
                                                                  sorted(mine, key=lambda r: r.mention_no))]
        else:
            groups.append((family, None))
    return groups


# Subjects that name the briefing's own city: a chart is of one city already, so its labels leave them out.
_CITY_SUBJECTS = frozenset({"全市", "我市", "本市", "全县", "我县", "本县", "全区", "我区", "本区"})


def _own_subject(row: IndicatorRow) -> str:
    """The row's subject unless it is the city itself (全市, 我市) or none: "" then."""
    return "" if not row.subject or row.subject in _CITY_SUBJECTS else row.subject


def bar_label(row: IndicatorRow) -> str:
    """A bar row's label: ``subject · metric · period``; the subject is left out when the text names none or
    names the city itself (全市, 我市: the chart is the city's), so 新材料产业园 · 产值 · 2024 but GDP · 2023."""
    parts = [_own_subject(row), row.metric or "?", period_label(row.period_start, row.period_end)]
    return " · ".join(p for p in parts if p)


def chart_bars(rows: list[IndicatorRow], family: tuple[str, str], unit_text: str | None = None) -> list[ChartBar]:
    """The bars of one chart: one per (subject, metric, period, status, value), first mention first.

    Args:
        rows: one city's indicator rows (any order; mention order is kept).
        family: a key of :data:`FAMILIES`; rows of other kinds or units, without a value, or of an
            unknown status are not drawn.
        unit_text: for counts, only the rows of this unit as said (家); None for every row of the family.
    Returns:
        Bars in order of first mention. Mentions that repeat a value (same row, status and value) share a bar.
    """
    _title, _suffix, divisor = FAMILIES[family]
    bars: dict[tuple[str, str, Decimal], list[IndicatorRow]] = {}
    values_by_row: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    labels: dict[tuple[str, str, Decimal], str] = {}
    for r in sorted(rows, key=lambda r: r.mention_no):
        if (r.kind, r.unit) != family or r.value is None or r.status not in STATUS_COLOURS:
            continue
        if unit_text is not None and (r.unit_text or "") != unit_text:
            continue
        base = bar_label(r)
        key = (base, r.status, r.value)
        if key not in bars:
            values_by_row[(base, r.status)].append(r.value)
            labels[key] = base if len(values_by_row[(base, r.status)]) == 1 else f"{base} (#{r.mention_no})"
            bars[key] = []
        bars[key].append(r)
    return [ChartBar(labels[key], key[1], float(key[2] / divisor), said_value(said[0]),
                     tuple(m.mention_no for m in said), tuple(said)) for key, said in bars.items()]


@dataclass(frozen=True)
class ChartScale:
    """The value axis of one chart.

    Attributes:
        axis_type: ``log`` or ``linear``.
        low, high: the axis range in drawn units (for a log axis: the values, not their logarithms).
        off_scale: labels of the bars whose values lie beyond ``high`` (drawn to the edge, said as
            ``… (off the scale)``); empty on a log axis, which shows every bar.
    """

    axis_type: str
    low: float
    high: float
    off_scale: tuple[str, ...]


_LOG_SPAN = 20.0  # levels whose largest is over 20 times the smallest get a log axis
_OFF_SCALE = 10.0  # on a linear axis, a bar over 10 times the median magnitude is off the scale


def chart_scale(family: tuple[str, str], bars: list[ChartBar]) -> ChartScale:
    """An axis on which every bar can be seen, or that says which bars it leaves off.

    Levels (amounts, counts, areas) that are all positive and span more than :data:`_LOG_SPAN` times get a
    log axis: every bar is visible (5亿件 next to 3件). Otherwise the axis is linear from 0 (or the lowest
    negative value); bars over :data:`_OFF_SCALE` times the median magnitude (at least 3 bars) are off the
    scale: the axis ends at the largest other bar and those bars are named in ``off_scale``.

    Args:
        family: a key of :data:`FAMILIES`.
        bars: from :func:`chart_bars` (not empty).
    Returns:
        The axis as a :class:`ChartScale` (the range leaves room for the value labels).
    """
    values = [b.value for b in bars]
    positive = all(v > 0 for v in values)
    if family[0] == "level" and positive and max(values) / min(values) > _LOG_SPAN:
        decades = math.log10(max(values) / min(values)) + math.log10(2)
        # room for the value label beyond the longest bar: a share of the axis, as the linear pad is
        return ChartScale("log", min(values) / 2, max(values) * 10 ** max(0.9, 0.3 * decades), ())
    magnitudes = sorted(abs(v) for v in values)
    median = magnitudes[len(magnitudes) // 2]
    off = [b for b in bars if len(bars) >= 3 and median > 0 and abs(b.value) > _OFF_SCALE * median]
    shown = [b.value for b in bars if b not in off] or values
    low, high = min(0.0, *shown), max(0.0, *shown)
    pad = (high - low or 1.0) * 0.22  # room for the value labels beyond the longest bar
    return ChartScale("linear", low - (pad if low < 0 else 0), high + pad, tuple(b.label for b in off))


def chart_figure(city: str, family: tuple[str, str], bars: list[ChartBar], unit_text: str | None = None) -> Any:
    """One city's chart of one metric family as a Plotly figure (a declarative spec; no I/O).

    Args:
        city: for the title.
        family: a key of :data:`FAMILIES`.
        bars: from :func:`chart_bars` (not empty).
        unit_text: the unit of a counts chart (家), shown in its title.
    Returns:
        ``plotly.graph_objects.Figure``: horizontal bars, one row per bar (top down: metric · period in
        order of first mention, then status in :data:`STATUS_ORDER`, so a target and a result for the same
        metric and period are neighbours), coloured by status (one trace each), each bar labelled with the
        value as said. Every row's label is a tick (none skipped); margins grow to fit labels and legend.
        The value axis is :func:`chart_scale`'s: a bar off the scale ends at the axis' edge and its label says
        ``(off the scale)``.
    """

    import plotly.graph_objects as go

    title, suffix, _divisor = FAMILIES[family]
    scale = chart_scale(family, bars)
    labels = list(dict.fromkeys(b.label for b in bars))
    # one bar row per (label, status): each bar sits on its own tick, and the statuses of one metric
    # and period are neighbours (grouped bars would shift a lone bar off its label)
    ordered = sorted(bars, key=lambda b: (labels.index(b.label), STATUS_ORDER.index(b.status)))
    row_keys = [f"{b.label}\u2002[{b.status}]" for b in ordered]
    statuses = [s for s in STATUS_ORDER if any(b.status == s for b in bars)]
    fig = go.Figure()
    off = set(scale.off_scale)
    for status in statuses:
        mine = [(k, b) for k, b in zip(row_keys, ordered) if b.status == status]
        fig.add_trace(go.Bar(
            name=status, orientation="h", y=[k for k, _ in mine],
            x=[min(b.value, scale.high) if b.label in off else b.value for _, b in mine],
            text=[f"{b.value_text} (off the scale)" if b.label in off else b.value_text for _, b in mine],
            customdata=[b.label for _, b in mine],
            textposition="outside", cliponaxis=False, marker_color=STATUS_COLOURS[status],
            hovertemplate="%{customdata}<br>" + status + ": %{text}<extra></extra>",
        ))
    if scale.axis_type == "log":
        x_range = [math.log10(scale.low), math.log10(scale.high)]
    else:
        x_range = [scale.low, scale.high]
    fig.update_layout(
        title={"text": f"{city}: {title}" + (f" ({unit_text})" if unit_text else ""), "x": 0, "xanchor": "left", "font": {"size": 15}},
        barmode="overlay", bargap=0.3, height=max(160, 110 + len(ordered) * _BAR_PX), autosize=True,
        margin={"l": 10, "r": 20, "t": 70, "b": 40}, paper_bgcolor="white", plot_bgcolor="white",
        font={"family": FONT_STACK, "size": 12, "color": "#222"},
        legend={"orientation": "h", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom", "traceorder": "normal"},
        xaxis={"type": scale.axis_type, "range": x_range, "ticksuffix": suffix,
               "gridcolor": "#e5e5e5", "zerolinecolor": "#888", "automargin": True},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": row_keys[::-1], "tickmode": "array",
               "tickvals": row_keys, "ticktext": [b.label for b in ordered], "automargin": True, "ticks": "",
               "ticklabelstandoff": 6},
    )
    return fig


def _charts_html(city: str, rows: list[IndicatorRow], counter: list[int]) -> list[str]:
    """One city's charts, each followed by the table of the numbers it draws."""
    parts: list[str] = []
    for family, unit_text in chart_groups(rows):
        bars = chart_bars(rows, family, unit_text)
        title = FAMILIES[family][0] + (f" ({unit_text})" if unit_text else "")
        counter[0] += 1
        div_id = f"chart-{counter[0]}"
        figure = chart_figure(city, family, bars, unit_text)
        chart = figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                               config={"displayModeBar": False, "responsive": True})
        scale = chart_scale(family, bars)
        note = (f" — {scale.axis_type} axis" + (f"; off the scale: {'、'.join(scale.off_scale)}" if scale.off_scale
                                                else ""))
        family_key = f"{family[0]}/{family[1]}" + (f"/{unit_text}" if unit_text else "")
        parts += [
            f'<figure class="chart" data-city="{_e(city)}" data-family="{_e(family_key)}">',
            chart,
            f'<figcaption>{_e(city)}: {_e(title)} — {len(bars)} bars{_e(note)}</figcaption>',
            '<table class="chart-data"><tr><th>subject · metric · period</th><th>status</th><th>value as said</th>'
            "<th>drawn</th><th>said by</th><th>turn</th><th>mention</th></tr>",
            *[f'<tr><td>{_e(b.label)}</td><td>{_e(b.status)}</td><td>{_e(b.value_text)}</td>'
              f'<td class=num>{b.value:g}</td><td>{_e("、".join(dict.fromkeys(r.speaker or "" for r in b.rows)))}</td>'
              f'<td class=num>{_e(", ".join(str(r.turn_no) for r in b.rows))}</td>'
              f'<td class=num>{_e(", ".join(f"#{m}" for m in b.mentions))}</td></tr>' for b in bars],
            "</table></figure>",
        ]
    return parts


_CSS = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.1em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.num{text-align:right}.muted{color:#777}
figure.chart{margin:1em 0 2em;max-width:1000px}figure.chart figcaption{color:#777;font-size:.9em}
table.chart-data{font-size:.9em}
"""


def _e(value: Any) -> str:
    """HTML-escaped text of ``value`` ('' for None)."""
    return "" if value is None else html.escape(str(value))


def _briefing_html(b: BriefingReport) -> str:
    """One briefing's section: facts, guests, turns per speaker, indicators."""
    parts = [
        f'<section class="briefing" id="{_e(b.briefing_id)}">',
        f"<h2>{_e(b.title)}</h2>",
        f'<p class="muted">session {_e(b.session_no)} · {_e(b.city)} · held {_e(b.event_date)} · '
        f'published {_e(b.publish_date)} · <a href="{_e(b.url)}">{_e(b.url)}</a></p>',
        "<h3>Guests</h3><table class=\"guests\"><tr><th>#</th><th>name</th><th>as introduced</th></tr>",
        *[f"<tr><td class=num>{no}</td><td>{_e(name)}</td><td>{_e(label)}</td></tr>" for no, name, label in b.guests],
        "</table>",
        "<h3>Turns per speaker</h3><table class=\"speakers\"><tr><th>speaker</th><th>role</th><th>turns</th>"
        "<th>first turn</th></tr>",
        *[f"<tr><td>{_e(s.speaker)}</td><td>{_e(s.role)}</td><td class=num>{s.turns}</td>"
          f"<td class=num>{s.first_turn_no}</td></tr>" for s in b.speakers],
        "</table>",
        f"<h3>Indicators ({len(b.indicators)} mentions)</h3>",
        "<table class=\"indicators\"><tr><th>#</th><th>turn</th><th>said by</th><th>subject</th><th>metric</th>"
        "<th>kind</th><th>period</th><th>achieved</th><th>target</th><th>forecast / plan</th></tr>",
    ]
    for r in b.indicators:
        cells = {"achieved": "", "target": "", "other": ""}
        value = _e(said_value(r)) + (f" <span class=muted>{_e(r.comparison)}</span>" if r.comparison else "")
        cells[r.status if r.status in ("achieved", "target") else "other"] = (
            value if r.status in ("achieved", "target") else f"{value} <span class=muted>({_e(r.status)})</span>")
        parts.append(
            f"<tr><td class=num>{r.mention_no}</td><td class=num>{r.turn_no}</td><td>{_e(r.speaker)}</td>"
            f"<td>{_e(r.subject)}</td><td>{_e(r.metric)}</td><td>{_e(r.kind)}</td>"
            f"<td>{_e(period_label(r.period_start, r.period_end))}</td><td>{cells['achieved']}</td>"
            f"<td>{cells['target']}</td><td>{cells['other']}</td></tr>")
    parts += ["</table>", "</section>"]
    return "\n".join(parts)


def render_report_html(con: duckdb.DuckDBPyConnection, *, city: str | None = None, limit: int | None = None,
                       now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> str:
    """The whole report as one HTML document (no external resources).

    Args:
        con: a warehouse connection (read-only is enough).
        city: only briefings about this city; None for all.
        limit: only the newest ``limit`` briefings (the order of :func:`collect_report`), charts
            included, and the page says how many it left out; None for all. What the report reads
            is held in memory at once, so a large warehouse wants a limit or a city.
        now: UTC clock for the "generated at" line.
    Returns:
        ``<!DOCTYPE html>…``: plotly.js inlined in the head, the charts section (per city, one chart
        and its table per metric family), then one section per briefing.
    Raises:
        BriefingsError: the warehouse could not be read.
    """
    from plotly.offline import get_plotlyjs

    briefings = collect_report(con, city=city, limit=limit)
    total = len(briefings) + _left_out(con, city, limit, len(briefings))
    by_city: dict[str, list[IndicatorRow]] = defaultdict(list)
    for b in briefings:
        by_city[b.city or "unknown city"].extend(b.indicators)
    scope = f" — {city}" if city else ""
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Briefings report{_e(scope)}</title><style>{_CSS}</style>",
        f'<script type="text/javascript" id="plotly-js">{get_plotlyjs()}</script></head><body>',
        f"<h1>Briefings report{_e(scope)}</h1>",
        f'<p class="muted">{briefings_shown(len(briefings), total)} · generated {now().astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC '
        "· numbers as said in the briefings (table <code>indicators</code>)</p>",
        "<h2>Indicators by city and metric family</h2>",
    ]
    counter = [0]
    for c in sorted(by_city):
        parts.append(f'<section class="city" data-city="{_e(c)}"><h3>{_e(c)}</h3>')
        charts = _charts_html(c, by_city[c], counter)
        parts += charts or ["<p>No numbers to chart.</p>"]
        parts.append("</section>")
    if not briefings:
        parts.append("<p>No briefings in the warehouse" + (f" for {_e(city)}" if city else "") + ".</p>")
    parts += [_briefing_html(b) for b in briefings]
    parts.append("</body></html>")
    return "\n".join(parts)


def briefings_shown(shown: int, total: int) -> str:
    """What a report holds, as the page and ``briefings report`` say it: ``1 briefing``, ``2 briefings``,
    or ``the newest 50 of 10,000 briefings`` when ``shown`` < ``total``."""
    if shown < total:
        return f"the newest {shown:,} of {total:,} briefings"
    return f"{shown} briefing{'' if shown == 1 else 's'}"


def _left_out(con: duckdb.DuckDBPyConnection, city: str | None, limit: int | None, shown: int) -> int:
    """The briefings a ``limit`` left out of a report that shows ``shown`` (counted only when it was reached)."""
    return briefing_count(con, city) - shown if limit is not None and shown == limit else 0


def write_report(con: duckdb.DuckDBPyConnection, out: Path, *, city: str | None = None,
                 limit: int | None = None) -> Path:
    """Write :func:`render_report_html` (``city``, ``limit`` as there) to ``out`` (UTF-8; folders created);
    returns ``out``.

    Raises:
        BriefingsError: the warehouse could not be read.
        OutputError: the file or its folder cannot be written.
    """
    text = render_report_html(con, city=city, limit=limit)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = f"{out.parent} is a file, not a folder" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise OutputError(f"cannot write the report to {out}: {reason}", path=str(out)) from exc
    return out


def report_markdown(con: duckdb.DuckDBPyConnection, *, city: str | None = None, limit: int | None = None) -> str:
    """The report's facts as Markdown (for ``prefect.artifacts.create_markdown_artifact``).

    Args:
        con: a warehouse connection (read-only is enough).
        city: as :func:`collect_report`.
        limit: show the newest ``limit`` briefings only, and end with a line that counts the others
            and names ``briefings report``; None for all.
    Returns:
        Per briefing: a heading, the guests in order, a table of turns per speaker, and a table of
        growth rates (metric, period, achieved, target). No charts.
    Raises:
        BriefingsError: the warehouse could not be read.
    """
    lines: list[str] = []
    shown = collect_report(con, city=city, limit=limit)
    for b in shown:
        lines += [f"## {b.title}", "",
                  f"session {b.session_no} · {b.city} · held {b.event_date} · {len(b.indicators)} indicator mentions",
                  "", "guests: " + "、".join(name for _, name, _ in b.guests), "",
                  "| speaker | role | turns |", "|---|---|---|",
                  *[f"| {s.speaker} | {s.role} | {s.turns} |" for s in b.speakers], ""]
        growth = [r for r in b.indicators if r.kind == "growth_rate"]
        if growth:
            lines += ["| subject · metric | period | achieved | target |", "|---|---|---|---|"]
            lines += [f"| {' · '.join(p for p in (_own_subject(r), r.metric) if p) or '?'} | "
                      f"{period_label(r.period_start, r.period_end)} | "
                      f"{said_value(r) if r.status == 'achieved' else ''} | {said_value(r) if r.status == 'target' else ''} |"
                      for r in growth]
            lines.append("")
    others = _left_out(con, city, limit, len(shown))
    if others > 0:
        lines += [f"… and {others:,} older briefings: `briefings report` shows every one.", ""]
    return "\n".join(lines) if lines else "No briefings in the warehouse."


def _city_filter(city: str | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (on ``briefings b``) and parameters that keep the briefings about ``city``."""
    if city is None:
        return "", {}
    return "WHERE (b.city = $city OR b.city || '市' = $city OR b.city = $city || '市')", {"city": city.strip()}


def briefing_count(con: duckdb.DuckDBPyConnection, city: str | None = None) -> int:
    """How many briefings the report covers without a limit (all, or those about ``city``).

    Raises:
        BriefingsError: the SQL failed (e.g. not a warehouse).
    """
    city_filter, params = _city_filter(city)
    try:
        return int(con.execute(f"SELECT count(*) FROM briefings b {city_filter}", params).fetchall()[0][0])
    except duckdb.Error as exc:
        raise BriefingsError(f"reading the report's data failed: {exc}") from exc
