"""A self-contained HTML report of the warehouse, and the same facts as Markdown.

The HTML page needs no network: CSS is inline and the charts are SVG drawn by pygal, inlined
without pygal's tooltip script (which would load from a CDN). Sections:

- per briefing (newest first): title, session, city, dates; the guests (嘉宾 line) in order; turns per
  speaker (``turns`` grouped by speaker, in order of first turn);
- the indicators (``indicators``) of each briefing as a table with achieved and target values side
  by side (forecast and plan values in a third column);
- per city, a bar chart of growth rates (``kind = 'growth_rate'``, percent) by metric, one series per
  period and status (``2023 achieved``, ``2024 target``).

:func:`report_markdown` gives the briefings, speakers' turn counts and indicator counts as Markdown,
for a Prefect markdown artifact.
"""

from __future__ import annotations

import html
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
    "period_label",
    "growth_chart_svg",
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


def collect_report(con: duckdb.DuckDBPyConnection, *, city: str | None = None) -> list[BriefingReport]:
    """Read what the report shows, per briefing, newest event first.

    Args:
        con: a warehouse connection (read-only is enough).
        city: keep briefings about this city (``天门`` or ``天门市``); None for all.
    Returns:
        One BriefingReport per briefing (order: event_date desc, unknown last, then session_no, briefing_id).
    Raises:
        BriefingsError: the SQL failed (e.g. not a warehouse).
    """
    city_filter = "" if city is None else "WHERE (b.city = $city OR b.city || '市' = $city OR b.city = $city || '市')"
    params: dict[str, Any] = {} if city is None else {"city": city.strip()}
    try:
        rows = con.execute(
            "SELECT briefing_id, title, session_no, city, event_date, publish_date, url FROM briefings b "
            f"{city_filter} ORDER BY event_date DESC NULLS LAST, session_no, briefing_id", params).fetchall()
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
                "i.value_text, i.value, i.unit, i.period_start, i.period_end, i.comparison FROM indicators i "
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
        return f"{start or '…'}…{end or '…'}"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return str(start.year)
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and next_day.day == 1 and start.year == end.year:
        return f"{start.year}-{start.month:02d}" + ("" if start.month == end.month else f"…{end.month:02d}")
    return f"{start.isoformat()}…{end.isoformat()}"


def growth_chart_svg(city: str, rows: list[IndicatorRow]) -> str:
    """One city's growth rates as an inline SVG bar chart (no script, no XML declaration).

    Args:
        city: the city, for the title.
        rows: its indicator rows; those with ``kind == 'growth_rate'`` and ``unit == 'percent'`` are drawn.
    Returns:
        ``<svg …>…</svg>``: x = metric (as worded), one series per ``period status``, values in percent.
        A chart with no growth rates says so in its body.
    """
    import pygal
    from pygal.style import Style

    growth = [r for r in rows if r.kind == "growth_rate" and r.unit == "percent" and r.value is not None]
    metrics = list(dict.fromkeys((r.metric or r.subject or "?") for r in growth))
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for r in growth:
        key = f"{period_label(r.period_start, r.period_end)} {r.status}"
        series[key].setdefault(r.metric or r.subject or "?", float(r.value))  # first mention wins
    style = Style(font_family="'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif", background="white",
                  plot_background="white")
    chart = pygal.HorizontalBar(
        style=style, js=[], width=900, height=max(300, 60 + 28 * len(metrics) * max(1, min(len(series), 3))),
        title=f"{city}: growth rates (%) by period", legend_at_bottom=True, print_values=True,
        value_formatter=lambda v: f"{v:g}%", no_data_text="no growth rates", truncate_label=30,
        explicit_size=True,
    )
    chart.x_labels = metrics
    for key in sorted(series):
        chart.add(key, [series[key].get(m) for m in metrics])
    return chart.render(is_unicode=True, disable_xml_declaration=True)


_CSS = """
body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.1em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.num{text-align:right}.muted{color:#777}.chart svg{max-width:100%}
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
        value = _e(r.value_text) + (f" <span class=muted>{_e(r.comparison)}</span>" if r.comparison else "")
        cells[r.status if r.status in ("achieved", "target") else "other"] = (
            value if r.status in ("achieved", "target") else f"{value} <span class=muted>({_e(r.status)})</span>")
        parts.append(
            f"<tr><td class=num>{r.mention_no}</td><td class=num>{r.turn_no}</td><td>{_e(r.speaker)}</td>"
            f"<td>{_e(r.subject)}</td><td>{_e(r.metric)}</td><td>{_e(r.kind)}</td>"
            f"<td>{_e(period_label(r.period_start, r.period_end))}</td><td>{cells['achieved']}</td>"
            f"<td>{cells['target']}</td><td>{cells['other']}</td></tr>")
    parts += ["</table>", "</section>"]
    return "\n".join(parts)


def render_report_html(con: duckdb.DuckDBPyConnection, *, city: str | None = None,
                       now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> str:
    """The whole report as one HTML document (no external resources).

    Args:
        con: a warehouse connection (read-only is enough).
        city: only briefings about this city; None for all.
        now: UTC clock for the "generated at" line.
    Returns:
        ``<!DOCTYPE html>…``: charts section (one inline SVG per city), then one section per briefing.
    Raises:
        BriefingsError: the warehouse could not be read.
    """
    briefings = collect_report(con, city=city)
    by_city: dict[str, list[IndicatorRow]] = defaultdict(list)
    for b in briefings:
        by_city[b.city or "unknown city"].extend(b.indicators)
    scope = f" — {city}" if city else ""
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>Briefings report{_e(scope)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Briefings report{_e(scope)}</h1>",
        f'<p class="muted">{len(briefings)} briefings · generated {now().astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC '
        "· growth rates and targets as said in the briefings (table <code>indicators</code>)</p>",
        "<h2>Growth rates and targets by city and period</h2>",
    ]
    for c in sorted(by_city):
        parts.append(f'<div class="chart" data-city="{_e(c)}">{growth_chart_svg(c, by_city[c])}</div>')
    if not briefings:
        parts.append("<p>No briefings in the warehouse" + (f" for {_e(city)}" if city else "") + ".</p>")
    parts += [_briefing_html(b) for b in briefings]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(con: duckdb.DuckDBPyConnection, out: Path, *, city: str | None = None) -> Path:
    """Write :func:`render_report_html` to ``out`` (UTF-8; folders created); returns ``out``.

    Raises:
        BriefingsError: the warehouse could not be read.
        OutputError: the file or its folder cannot be written.
    """
    text = render_report_html(con, city=city)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = f"{out.parent} is a file, not a folder" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise OutputError(f"cannot write the report to {out}: {reason}", path=str(out)) from exc
    return out


def report_markdown(con: duckdb.DuckDBPyConnection, *, city: str | None = None) -> str:
    """The report's facts as Markdown (for ``prefect.artifacts.create_markdown_artifact``).

    Returns:
        Per briefing: a heading, the guests in order, a table of turns per speaker, and a table of
        growth rates (metric, period, achieved, target). No charts.
    Raises:
        BriefingsError: the warehouse could not be read.
    """
    lines: list[str] = []
    for b in collect_report(con, city=city):
        lines += [f"## {b.title}", "",
                  f"session {b.session_no} · {b.city} · held {b.event_date} · {len(b.indicators)} indicator mentions",
                  "", "guests: " + "、".join(name for _, name, _ in b.guests), "",
                  "| speaker | role | turns |", "|---|---|---|",
                  *[f"| {s.speaker} | {s.role} | {s.turns} |" for s in b.speakers], ""]
        growth = [r for r in b.indicators if r.kind == "growth_rate"]
        if growth:
            lines += ["| metric | period | achieved | target |", "|---|---|---|---|"]
            lines += [f"| {r.metric or r.subject} | {period_label(r.period_start, r.period_end)} | "
                      f"{r.value_text if r.status == 'achieved' else ''} | {r.value_text if r.status == 'target' else ''} |"
                      for r in growth]
            lines.append("")
    return "\n".join(lines) if lines else "No briefings in the warehouse."
