"""briefings.report and `briefings report`: the real session-12 warehouse as one self-contained page."""

from __future__ import annotations

import re
import shutil
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
    assert by_cells[("15", "陈明敏", "技改投资", "growth_rate", "2024")] == ("", "25%", "")


def test_page_is_self_contained_with_one_chart_per_city(con) -> None:
    page = render_report_html(con, now=lambda: FIXED_NOW)
    assert page.startswith("<!DOCTYPE html>")
    assert "generated 2024-03-26 08:00 UTC" in page
    assert page.count("<svg") == 1 and 'data-city="天门"' in page
    assert "天门: growth rates (%) by period" in page
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    # the only URL is the link to the source page (no fonts, scripts or images to load)
    assert re.findall(r'(?:src|href)="(https?:[^"]+)"', page) == [SESSION12_URL]
    assert [m for m in re.findall(r"url\(([^)]*)\)", page) if not m.startswith("#")] == []


def test_period_labels() -> None:
    assert period_label(date(2023, 1, 1), date(2023, 12, 31)) == "2023"
    assert period_label(date(2024, 1, 1), date(2024, 2, 29)) == "2024-01…02"
    assert period_label(date(2024, 3, 1), date(2024, 3, 31)) == "2024-03"
    assert period_label(date(2024, 1, 23), date(2024, 3, 25)) == "2024-01-23…2024-03-25"
    assert period_label(None, None) == "unknown period"


def test_report_markdown_for_a_prefect_artifact(con) -> None:
    md = report_markdown(con)
    assert md.startswith("## “奋战开门红 市长话经济”第十二场 天门")
    assert "guests: 肖敏、周启荣、夏齐飞、陈明敏、陈晓敏、黄祥斌" in md
    assert "| 黄勤 | host | 3 |" in md and "| 肖敏 | guest | 2 |" in md
    assert "| GDP | 2023 | 6.2% |  |" in md
    assert report_markdown(con, city="襄阳") == "No briefings in the warehouse."


def test_report_command_writes_the_file(snapshot_path: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--city", "天门", "--out", str(out), "--warehouse", str(snapshot_path)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (1 briefing," in result.stdout
    assert "<h1>Briefings report — 天门</h1>" in out.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_charts_render_in_headless_chromium_with_the_network_off(con, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
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
            viewport={"width": 1200, "height": 900},
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
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            charts = page.eval_on_selector_all(
                "div.chart svg", "els => els.map(e => { const r = e.getBoundingClientRect(); "
                "return {w: r.width, h: r.height, bars: e.querySelectorAll('.bar rect, rect.rect').length, "
                "title: (e.querySelector('.title') || {}).textContent}; })")
            guests = page.eval_on_selector_all("table.guests tr td:nth-child(2)", "els => els.map(e => e.textContent)")
        finally:
            browser.close()
    assert blocked == []
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert len(charts) == 1
    assert charts[0]["w"] > 0 and charts[0]["h"] > 0
    assert charts[0]["bars"] >= 15  # 15 achieved growth rates and 4 targets said in session 12
    assert charts[0]["title"] == "天门: growth rates (%) by period"
    assert guests == GUESTS


def test_one_chart_per_city_and_the_city_filter(tmp_path: Path) -> None:
    from tests.look_fixtures import build_two_city_warehouse

    path = build_two_city_warehouse(tmp_path / "two.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        page = render_report_html(con, now=lambda: FIXED_NOW)
        assert re.findall(r'<div class="chart" data-city="([^"]+)">', page) == ["天门", "襄阳"]
        assert page.count("<svg") == 2 and page.count('<section class="briefing"') == 2
        only = render_report_html(con, city="襄阳", now=lambda: FIXED_NOW)
        assert re.findall(r'<div class="chart" data-city="([^"]+)">', only) == ["襄阳"]
        assert "[synthetic 1]" in only and SESSION12_ID not in only
