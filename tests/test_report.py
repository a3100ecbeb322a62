"""briefings.report and `briefings report`: the real session-12 warehouse as one self-contained page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from briefings.cli_look import register
from briefings.report import collect_report, period_label, render_report_html, report_markdown, write_report
from tests.look_fixtures import SESSION12_ID, SESSION12_URL, build_snapshot_warehouse

CHROMIUM = "/usr/bin/chromium"
GUESTS = ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
# turns per speaker, in order of first turn (host 黄勤 opens, introduces questions, closes; 肖敏 twice)
SPEAKER_TURNS = [("黄勤", "host", 3), ("肖敏", "guest", 2), ("湖北日报记者", "journalist", 1), ("夏齐飞", "guest", 1),
                 ("经济日报记者", "journalist", 1), ("黄祥斌", "guest", 1), ("湖北发布记者", "journalist", 1),
                 ("央广网记者", "journalist", 1), ("陈晓敏", "guest", 1), ("新华网记者", "journalist", 1),
                 ("周启荣", "guest", 1), ("极目新闻记者", "journalist", 1), ("陈明敏", "guest", 1)]
FIXED_NOW = datetime(2024, 3, 26, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("report") / "briefings.duckdb")


@pytest.fixture()
def con(snapshot_path: Path):
    connection = duckdb.connect(str(snapshot_path), read_only=True)
    yield connection
    connection.close()


def test_collect_report_gives_guests_and_turns_per_speaker(con) -> None:
    (b,) = collect_report(con)
    assert (b.briefing_id, b.session_no, b.city, b.event_date, b.url) == (
        SESSION12_ID, 12, "天门", date(2024, 3, 25), SESSION12_URL)
    assert [name for _, name, _ in b.guests] == GUESTS
    assert b.guests[0] == (1, "肖敏", "天门市委副书记、市长肖敏")
    assert [(s.speaker, s.role, s.turns) for s in b.speakers] == SPEAKER_TURNS
    assert sum(s.turns for s in b.speakers) == 16
    assert collect_report(con, city="天门市")[0].briefing_id == SESSION12_ID
    assert collect_report(con, city="襄阳") == []


def test_indicators_table_puts_achieved_and_targets_side_by_side(con) -> None:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(render_report_html(con, now=lambda: FIXED_NOW))
    header = [th.text() for th in tree.css("table.indicators th")]
    assert header == ["#", "turn", "said by", "subject", "metric", "kind", "period", "achieved", "target",
                      "forecast / plan"]
    rows = [[td.text() for td in tr.css("td")] for tr in tree.css("table.indicators tr")[1:]]
    assert len(rows) == con.execute("SELECT count(*) FROM indicators").fetchall()[0][0]
    by_cells = {(r[1], r[2], r[4], r[5], r[6]): (r[7], r[8], r[9]) for r in rows}
    # 肖敏 (turn 2): "GDP同比增长6.2%" in 2023 -> achieved
    assert by_cells[("2", "肖敏", "GDP", "growth_rate", "2023")] == ("6.2% 同比", "", "")
    # 陈明敏 (turn 15): 技改投资 to grow 25% in 2024 -> target
    # the value as said keeps its qualifier (issue 25 item 12): 增速达25%以上
    assert by_cells[("15", "陈明敏", "技改投资", "growth_rate", "2024")] == ("", "25%以上", "")


def _outside_the_plotly_bundle(page: str) -> str:
    """The page without the inlined plotly.js (checked separately: it is the library's own file, unchanged)."""
    from plotly.offline import get_plotlyjs

    start = page.index('<script type="text/javascript" id="plotly-js">')
    end = page.index("</script>", start)
    assert page[start:end].endswith(get_plotlyjs())
    return page[:start] + page[end:]


# session 12's chart families and their bars (metric · period rows, one bar per status), from the real page
# counts get one chart per unit as said, in order of first mention (issue 25 item 12)
FAMILIES_OF_SESSION12 = ["growth_rate/percent", "share/percent", "level/CNY",
                         *[f"level/count/{unit}" for unit in "件家个名次份场套项人"], "level/mu"]


def test_page_is_self_contained_with_one_chart_per_city_and_family(con) -> None:
    page = render_report_html(con, now=lambda: FIXED_NOW)
    assert page.startswith("<!DOCTYPE html>")
    assert "generated 2024-03-26 08:00 UTC" in page
    assert page.count('<script type="text/javascript" id="plotly-js">') == 1
    rest = _outside_the_plotly_bundle(page)
    assert re.findall(r'<figure class="chart" data-city="([^"]+)" data-family="([^"]+)">', rest) == [
        ("天门", family) for family in FAMILIES_OF_SESSION12]
    assert "天门: growth rates (%)" in rest
    assert "<script src" not in rest and "<link" not in rest and "@import" not in rest
    # the only URL is the link to the source page (no fonts, scripts or images to load)
    assert re.findall(r'(?:src|href)="(https?:[^"]+)"', rest) == [SESSION12_URL]
    assert [m for m in re.findall(r"url\(([^)]*)\)", rest) if not m.startswith("#")] == []


def test_chart_bars_put_targets_and_results_of_one_metric_side_by_side(con) -> None:
    from briefings.report import STATUS_ORDER, chart_bars, chart_figure

    (b,) = collect_report(con)
    growth = chart_bars(b.indicators, ("growth_rate", "percent"))
    by_label = {(g.label, g.status): (g.value, g.value_text, g.mentions) for g in growth}
    # 肖敏 (turn 2): GDP grew 6.2% in 2023; 规上工业增加值 7.5% in 2023 and 9.9% in Jan-Feb 2024
    assert by_label[("GDP · 2023", "achieved")][:2] == (6.2, "6.2%")
    assert by_label[("规上工业增加值 · 2023", "achieved")][:2] == (7.5, "7.5%")
    assert by_label[("规上工业增加值 · 2024-01…02", "achieved")][:2] == (9.9, "9.9%")
    # 固定资产投资: 9% achieved in Jan-Feb; the 2024 target of 12% said twice (turn 13) is one bar of two mentions
    assert by_label[("固定资产投资 · 2024-01…02", "achieved")][:2] == (9.0, "9%")
    assert by_label[("固定资产投资 · 2024", "target")][:2] == (12.0, "12%以上")
    assert len(by_label[("固定资产投资 · 2024", "target")][2]) == 2
    assert ("技改投资 · 2024", "target") in by_label and ("四大传统产业总产值 · 2024", "target") in by_label
    growth_mentions = con.execute("SELECT count(*) FROM indicators WHERE kind = 'growth_rate' AND value IS NOT NULL"
                                  ).fetchall()[0][0]
    assert sum(len(g.mentions) for g in growth) == growth_mentions == 19
    figure = chart_figure("天门", ("growth_rate", "percent"), growth)
    assert [t.name for t in figure.data] == ["achieved", "target"]
    assert [t.marker.color for t in figure.data] == ["#0072B2", "#E69F00"]
    # each bar on its own row, labelled by its metric and period; rows of one metric and period are neighbours
    rows = list(figure.layout.yaxis.ticktext)
    assert rows == [g.label for g in sorted(growth, key=lambda g: (rows.index(g.label), STATUS_ORDER.index(g.status)))]
    assert len(rows) == len(growth) == 18


def test_counts_chart_per_unit_with_subjects_and_a_scale_that_shows_every_bar(con) -> None:
    """Issue 25 item 12: no shared axis for 件 and 家, every bar visible, the subject in every label."""
    from briefings.report import chart_bars, chart_groups, chart_scale

    (b,) = collect_report(con)
    groups = chart_groups(b.indicators)
    counts = [unit for family, unit in groups if family == ("level", "count")]
    assert counts == list("件家个名次份场套项人")
    # 5亿件 and 23件 share a chart; the log axis spans both, so neither bar vanishes
    items = chart_bars(b.indicators, ("level", "count"), "件")
    assert [(bar.label, bar.value, bar.value_text) for bar in items] == [
        ("服装电商销售量 · 2023", 500000000.0, "5亿件"), ("一事联办事项 · 2024", 23.0, "23件")]
    scale = chart_scale(("level", "count"), items)
    assert (scale.axis_type, scale.off_scale) == ("log", ())
    assert scale.low < 23 and scale.high > 500000000
    # firms: each count names what it counts and, where the text says, which firms
    firms = chart_bars(b.indicators, ("level", "count"), "家")
    labels = [bar.label for bar in firms]
    assert "红日子食品、华世通医药、益泰药业、振宇科技等 · 召开一企一策现场办公会的企业 · 2023-11-01…2024-03-25" in labels
    assert "庄品健米业等 · 完成智能化改造的企业 · 2023" in labels
    assert len(labels) == len(set(labels)) == 22  # no two rows read alike (was: 企业 · 2023 three times)
    assert all(chart_scale(family, chart_bars(b.indicators, family, unit)).off_scale == ()
               for family, unit in groups)
    # amounts: the subject of each project and company, and the qualifier in the value as said
    amounts = {(bar.label, bar.status): bar.value_text for bar in chart_bars(b.indicators, ("level", "CNY"))}
    assert amounts[("新材料产业园 · 投资 · unknown period", "plan")] == "50亿元"
    assert amounts[("彤辉智能 · 产值 · 2024", "target")] == "突破10亿元"
    assert amounts[("市财政 · 技改资金 · unknown period", "plan")] == "不少于2亿元"
    assert amounts[("每台车 · 补贴 · unknown period", "plan")] == "≤1万元"  # 最高 stands before 补贴, not the value


def test_a_linear_axis_says_which_bars_are_off_the_scale() -> None:
    """Growth rates of session 12 said in one text: 192% and 131% dwarf the rest and are named off the scale."""
    from briefings import extract
    from briefings.report import IndicatorRow, chart_bars, chart_figure, chart_scale

    text = ("2023年，我市GDP同比增长6.2%、规上工业增加值增长7.5%。1-2月，全市固定资产投资同比增长9%。"
            "自1月23日政策发布以来，全市乘用车销量同比增长192%、上牌量增长131%。")
    rows = [IndicatorRow(m.mention_no, m.turn_no, None, m.subject, m.metric, m.kind, m.status, m.value_text, m.value,
                         m.unit, m.period_start, m.period_end, m.comparison, m.qualifier, m.unit_text, m.sentence)
            for m in extract(text, date(2024, 3, 25))]
    bars = chart_bars(rows, ("growth_rate", "percent"))
    scale = chart_scale(("growth_rate", "percent"), bars)
    assert scale.axis_type == "linear"
    assert scale.off_scale == ("乘用车销量 · 2024-01-23…2024-03-25", "乘用车上牌量 · 2024-01-23…2024-03-25")
    assert scale.low == 0 and 9 < scale.high < 131
    figure = chart_figure("天门", ("growth_rate", "percent"), bars)
    drawn = dict(zip(figure.data[0].customdata, zip(figure.data[0].x, figure.data[0].text)))
    assert drawn["乘用车销量 · 2024-01-23…2024-03-25"] == (scale.high, "192% (off the scale)")
    assert drawn["GDP · 2023"] == (6.2, "6.2%")


def test_period_labels() -> None:
    assert period_label(date(2023, 1, 1), date(2023, 12, 31)) == "2023"
    assert period_label(date(2024, 1, 1), date(2024, 2, 29)) == "2024-01…02"
    assert period_label(date(2024, 3, 1), date(2024, 3, 31)) == "2024-03"
    assert period_label(date(2024, 1, 23), date(2024, 3, 25)) == "2024-01-23…2024-03-25"
    assert period_label(None, None) == "unknown period"
    assert period_label(None, date(2024, 2, 29)) == "…2024-02-29"  # 截至2月底: no start is said


def test_report_markdown_for_a_prefect_artifact(con) -> None:
    md = report_markdown(con)
    assert md.startswith("## “奋战开门红 市长话经济”第十二场 天门")
    assert "guests: 肖敏、周启荣、夏齐飞、陈明敏、陈晓敏、黄祥斌" in md
    assert "| 黄勤 | host | 3 |" in md and "| 肖敏 | guest | 2 |" in md
    assert "| GDP | 2023 | 6.2% |  |" in md
    assert report_markdown(con, city="襄阳") == "No briefings in the warehouse."


def _report_command(*args: str):
    """``briefings report ARGS`` through the look commands' Typer app; the CliRunner result."""
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, ["report", *args])


def test_report_command_writes_the_file(snapshot_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = _report_command("--city", "天门", "--out", str(out), "--warehouse", str(snapshot_path))
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (1 briefing," in result.stdout
    assert "<h1>Briefings report — 天门</h1>" in out.read_text(encoding="utf-8")


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _expected_bars(con) -> dict[str, list[tuple[str, str]]]:
    """Per family of session 12's charts, its bars (label, value as said) in row order, top down."""
    from briefings.report import STATUS_ORDER, chart_bars, chart_groups, chart_scale

    (b,) = collect_report(con)
    out = {}
    for family, unit_text in chart_groups(b.indicators):
        bars = chart_bars(b.indicators, family, unit_text)
        labels = list(dict.fromkeys(bar.label for bar in bars))
        ordered = sorted(bars, key=lambda bar: (labels.index(bar.label), STATUS_ORDER.index(bar.status)))
        off = set(chart_scale(family, bars).off_scale)
        key = "/".join(family) + (f"/{unit_text}" if unit_text else "")
        out[key] = [(bar.label, bar.value_text + (" (off the scale)" if bar.label in off else "")) for bar in ordered]
    return out


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("viewport_width", [1200, 800])
def test_charts_render_in_headless_chromium_with_a_cjk_font_and_nothing_clipped(con, tmp_path: Path,
                                                                                 viewport_width: int) -> None:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    cjk = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if "CJK" not in cjk:
        pytest.skip("no CJK font installed (Debian's fonts-noto-cjk; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    out = write_report(con, tmp_path / "report.html")
    blocked: list[str] = []
    with sync_playwright() as p:
        # a fresh profile folder (--user-data-dir) is given as Playwright requires, to the persistent launcher
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
            viewport={"width": viewport_width, "height": 900},
            timeout=60_000,
        )
        try:
            page = browser.new_page()

            def deny(route) -> None:  # type: ignore[no-untyped-def]
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", deny)
            page.goto(out.as_uri(), wait_until="load")
            page.wait_for_function(f"document.querySelectorAll('figure.chart .main-svg').length >= {len(FAMILIES_OF_SESSION12)}")
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"report-session12-{viewport_width}px.png"
            page.screenshot(path=str(shot), full_page=True)
            charts = page.evaluate(CHART_FACTS_JS)
            page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            guests = page.eval_on_selector_all("table.guests tr td:nth-child(2)", "els => els.map(e => e.textContent)")
            fonts = page.evaluate("document.fonts.check('12px \"Noto Sans CJK SC\"', '天门')")
        finally:
            browser.close()
    assert blocked == []
    assert shot.stat().st_size > 50_000
    assert fonts is True
    assert page_width[0] <= page_width[1]  # no sideways scrolling
    expected = _expected_bars(con)
    assert [c["family"] for c in charts] == list(expected) == FAMILIES_OF_SESSION12
    for chart in charts:
        bars = expected[chart["family"]]
        # every metric label is a tick, every bar is drawn and labelled with the value as said
        assert chart["ticks"] == [label for label, _ in bars], chart["family"]
        assert chart["bars"] == len(bars) and sorted(chart["values"]) == sorted(v for _, v in bars)
        assert all(b["height"] > 0 for b in chart["bar_boxes"])
        # nothing clipped: title, legend, tick labels and value labels lie inside the chart's own box
        box = chart["box"]
        for name, r in chart["texts"]:
            assert box["left"] - 0.5 <= r["left"] and r["right"] <= box["right"] + 0.5, (chart["family"], name, r)
            assert box["top"] - 0.5 <= r["top"] and r["bottom"] <= box["bottom"] + 0.5, (chart["family"], name, r)
    assert charts[0]["title"] == "天门: growth rates (%)"
    assert guests == GUESTS


CHART_FACTS_JS = """() => [...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('.main-svg'); const b = svg.getBoundingClientRect();
  const rect = e => { const r = e.getBoundingClientRect();
                      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height}; };
  const texts = [...f.querySelectorAll('.gtitle, .legendtext, .ytick text, .xtick text, .barlayer text')]
                .filter(e => e.textContent).map(e => [e.textContent, rect(e)]);
  return {family: f.dataset.family, title: (f.querySelector('.gtitle') || {}).textContent,
          ticks: [...f.querySelectorAll('.ytick text')].map(t => t.textContent),
          bars: f.querySelectorAll('.barlayer .point path').length,
          bar_boxes: [...f.querySelectorAll('.barlayer .point path')].map(rect),
          values: [...f.querySelectorAll('.barlayer .point text')].map(t => t.textContent),
          box: {left: b.left, right: b.right, top: b.top, bottom: b.bottom}, texts: texts};
})"""


def test_one_chart_per_city_and_the_city_filter(tmp_path: Path) -> None:
    from tests.look_fixtures import build_two_city_warehouse

    path = build_two_city_warehouse(tmp_path / "two.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        page = render_report_html(con, now=lambda: FIXED_NOW)
        assert re.findall(r'<section class="city" data-city="([^"]+)">', page) == ["天门", "襄阳"]
        assert re.findall(r'<figure class="chart" data-city="([^"]+)" data-family="growth_rate/percent">',
                          page) == ["天门", "襄阳"]
        assert page.count('<section class="briefing"') == 2
        only = render_report_html(con, city="襄阳", now=lambda: FIXED_NOW)
        assert re.findall(r'<section class="city" data-city="([^"]+)">', only) == ["襄阳"]
        assert set(re.findall(r'<figure class="chart" data-city="([^"]+)"', only)) == {"襄阳"}
        assert "[synthetic 1]" in only and SESSION12_ID not in only


def test_the_report_artifact_shows_the_newest_briefings_and_counts_the_others(tmp_path: Path) -> None:
    """The flow's artifact reads ``limit`` briefings, not the whole warehouse, and says what it left out."""
    from tests.look_fixtures import build_two_city_warehouse

    path = build_two_city_warehouse(tmp_path / "two.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        every = report_markdown(con)
        assert [line for line in every.splitlines() if line.startswith("## ")] == [
            "## “奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化",
            "## [synthetic 1] “奋战开门红 市长话经济”第101场 襄阳"]
        newest = report_markdown(con, limit=1)
        assert newest.startswith("## “奋战开门红 市长话经济”第十二场 天门")
        assert "[synthetic 1]" not in newest
        assert newest.endswith("… and 1 older briefings: `briefings report` shows every one.\n")
        assert report_markdown(con, limit=2) == every
        assert report_markdown(con, city="襄阳", limit=1) == report_markdown(con, city="襄阳")
        assert [b.session_no for b in collect_report(con, limit=1)] == [12]


def test_report_limit_keeps_the_newest_briefings_and_says_how_many_it_left_out(tmp_path: Path) -> None:
    """``briefings report --limit N`` reads N briefings, not the whole warehouse: its charts cover those
    N only, and both the page and the command say how many briefings were left out."""
    from tests.look_fixtures import build_two_city_warehouse

    path = build_two_city_warehouse(tmp_path / "two.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        newest = render_report_html(con, limit=1, now=lambda: FIXED_NOW)
        assert newest.count('<section class="briefing"') == 1
        assert SESSION12_ID in newest and "[synthetic 1]" not in newest
        assert re.findall(r'<section class="city" data-city="([^"]+)">', newest) == ["天门"]
        assert '<p class="muted">the newest 1 of 2 briefings · generated 2024-03-26 08:00 UTC' in newest
        assert render_report_html(con, limit=2, now=lambda: FIXED_NOW) == render_report_html(con, now=lambda: FIXED_NOW)
        assert '<p class="muted">2 briefings · generated' in render_report_html(con, limit=2, now=lambda: FIXED_NOW)
    out = tmp_path / "report.html"
    result = _report_command("--limit", "1", "--out", str(out), "--warehouse", str(path))
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (the newest 1 of 2 briefings, {out.stat().st_size} bytes)" in result.stdout
    result = _report_command("--limit", "5", "--city", "襄阳", "--out", str(out), "--warehouse", str(path))
    assert f"wrote {out} (1 briefing, {out.stat().st_size} bytes)" in result.stdout
    assert "[synthetic 1]" in out.read_text(encoding="utf-8")
