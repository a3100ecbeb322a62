"""``briefings collect --browser`` end to end against a loopback column behind a JavaScript challenge (issue 6).

Every path of the loopback site answers 412 with an inline script that computes a token, sets it as
a cookie and reloads; with the cookie it serves the page. With --browser, headless Chromium passes the
challenge once and httpx fetches the remaining pages with the cookie; without it, the run ends blocked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefings.cli import app
from tests.loopback import CLEARANCE_COOKIE, CLEARANCE_TOKEN
from tests.site_server import LIST2_PATH, LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site
from tests.test_browser import browser_test
from warehouse.connect import open_reader

runner = CliRunner()


@pytest.fixture(scope="module")
def harness(prefect_harness):
    """The session's Prefect harness (tests/conftest.py)."""
    yield


@pytest.fixture()
def guarded_site(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    server = SiteServer(column_site(), guarded=True).start()
    yield server
    server.stop()


@browser_test
def test_collect_with_browser_passes_the_challenge_once_then_fetches_with_httpx(harness, guarded_site, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["collect", "--browser", "--source", guarded_site.source,
                                 "--warehouse", str(warehouse), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert (summary["loaded"], summary["blocked"], summary["failed"]) == (2, 0, 0)

    con = open_reader(warehouse)
    try:
        rows = con.execute("SELECT session_no, turn_count FROM briefings ORDER BY 1").fetchall()
        roles = con.execute(
            "SELECT list(role ORDER BY turn_no) FROM turns JOIN briefings USING (briefing_id) WHERE session_no = 12"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert rows == [(12, 16), (13, 16)]
    assert roles.count("journalist") == 6 and roles[0] == roles[-1] == "host"

    cleared = f"{CLEARANCE_COOKIE}={CLEARANCE_TOKEN}"
    first = [h for h in guarded_site.log if h.path == LIST_PATH]
    assert first[0].by_httpx and first[0].status == 412 and cleared not in first[0].cookie
    assert any(not h.by_httpx and cleared in h.cookie and h.status == 200 for h in first)  # the browser, reloaded
    # the remaining pages: one request each, by httpx, carrying the cookie the browser earned
    for path in (LIST2_PATH, SESSION12_PATH, SYNTHETIC_PATH):
        (hit,) = [h for h in guarded_site.log if h.path == path]
        assert hit.by_httpx and cleared in hit.cookie and hit.status == 200, path


@pytest.mark.slow
def test_collect_without_browser_ends_blocked_and_names_the_flag(harness, guarded_site, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["collect", "--source", guarded_site.source, "--warehouse", str(warehouse)])
    assert result.exit_code == 3, result.output
    assert "0 loaded" in result.output and "1 blocked" in result.output
    assert "--browser" in result.output
    assert [(h.path, h.status) for h in guarded_site.log] == [(LIST_PATH, 412)]
    con = open_reader(warehouse)
    try:
        assert con.execute("SELECT outcome, status FROM fetches").fetchall() == [("blocked", 412)]
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(0,)]
    finally:
        con.close()
