"""``briefings doctor``, the browser mode ``auto`` and the failure message that alerts carry (issue 19)."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.doctor import WORK_POOL, resolve_browser
from briefings.errors import RunFailedError
from briefings.pipeline import PageOutcome, RunSummary
from briefings.settings import SEED_TEXT_PATH, Settings
from flows.artifacts import failure_details, summary_markdown
from tests.site_server import LIST_PATH, SiteServer, column_site
from tests.test_browser import browser_test
from tests.test_prefect_server import _free_port

runner = CliRunner()
SESSION12_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"


@pytest.fixture()
def doctor_env(monkeypatch, tmp_path: Path):
    for name in ("PREFECT_API_URL", "BRIEFINGS_CHROMIUM_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFINGS_WAREHOUSE_PATH", str(tmp_path / "warehouse" / "b.duckdb"))
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _doctor(*args: str) -> tuple[int, list[dict[str, str]]]:
    result = runner.invoke(app, ["doctor", "--format", "json", *args])
    return result.exit_code, json.loads(result.output)


@browser_test
def test_doctor_here_finds_chromium_and_playwright_and_says_deploying_needs_a_server(doctor_env):
    code, checks = _doctor()
    assert code == 0
    assert [(c["name"], c["status"]) for c in checks] == [
        ("chromium", "ok"), ("playwright", "ok"), ("browser", "ok"), ("warehouse", "ok"), ("data", "ok"),
        ("prefect-api", "warn")]
    assert checks[0]["detail"].startswith("/usr/bin/chromium: Chromium ")
    assert checks[3]["detail"].startswith(f"{doctor_env / 'warehouse' / 'b.duckdb'}: not created yet")
    assert "export PREFECT_API_URL=" in checks[5]["fix"]


def test_doctor_names_each_problem_with_its_fix_and_exits_1(doctor_env, monkeypatch):
    missing = doctor_env / "no-chromium"
    monkeypatch.setenv("BRIEFINGS_CHROMIUM_PATH", str(missing))
    not_a_warehouse = doctor_env / "seed.duckdb"
    shutil.copy(SEED_TEXT_PATH, not_a_warehouse)  # the real seed text, not a database
    monkeypatch.setenv("BRIEFINGS_WAREHOUSE_PATH", str(not_a_warehouse))
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(not_a_warehouse / "data"))
    port = _free_port()  # nothing listens there
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")

    code, checks = _doctor()
    assert code == 1
    by_name = {c["name"]: c for c in checks}
    assert "browser" not in by_name  # nothing to launch
    assert (by_name["chromium"]["status"], by_name["chromium"]["detail"]) == ("fail", f"not found at {missing}")
    assert "apt-get install chromium" in by_name["chromium"]["fix"] and "BRIEFINGS_CHROMIUM_PATH" in by_name["chromium"]["fix"]
    assert (by_name["warehouse"]["status"], by_name["warehouse"]["detail"]) == (
        "fail", f"{not_a_warehouse} is not a DuckDB database")
    assert (by_name["data"]["status"], by_name["data"]["detail"]) == (
        "fail", f"{not_a_warehouse} is a file, so {not_a_warehouse / 'data'} cannot be created")
    assert "BRIEFINGS_DATA_DIR" in by_name["data"]["fix"]
    api = by_name["prefect-api"]
    assert api["status"] == "fail" and api["detail"].startswith(f"http://127.0.0.1:{port}/api does not answer: ConnectError")
    assert "prefect server start" in api["fix"]


def test_doctor_recognises_a_duckdb_warehouse(doctor_env, monkeypatch):
    path = doctor_env / "w.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("BRIEFINGS_WAREHOUSE_PATH", str(path))
    code, checks = _doctor("--no-launch")
    (warehouse,) = [c for c in checks if c["name"] == "warehouse"]
    assert warehouse["status"] == "ok" and warehouse["detail"].startswith(f"{path}: a DuckDB file of ")


def test_doctor_checks_the_warehouse_given_by_flag_over_the_environment(doctor_env, monkeypatch):
    """``--warehouse FILE`` checks that file (a deployment's warehouse parameter), not the variable's."""
    given = doctor_env / "deployed.duckdb"
    duckdb.connect(str(given)).close()
    not_a_warehouse = doctor_env / "seed.duckdb"
    shutil.copy(SEED_TEXT_PATH, not_a_warehouse)
    monkeypatch.setenv("BRIEFINGS_WAREHOUSE_PATH", str(not_a_warehouse))
    _, checks = _doctor("--no-launch", "--warehouse", str(given))
    (warehouse,) = [c for c in checks if c["name"] == "warehouse"]
    assert warehouse["status"] == "ok" and warehouse["detail"].startswith(f"{given}: a DuckDB file of ")
    _, checks = _doctor("--no-launch")
    (warehouse,) = [c for c in checks if c["name"] == "warehouse"]
    assert (warehouse["status"], warehouse["detail"]) == ("fail", f"{not_a_warehouse} is not a DuckDB database")


def test_browser_auto_without_chromium_is_off_and_says_why(tmp_path):
    settings = Settings.from_env(chromium_path=str(tmp_path / "chromium"))
    assert resolve_browser(False, settings) == (False, "browser mode: off")
    assert resolve_browser(True, settings) == (True, "browser mode: on")
    used, note = resolve_browser("auto", settings)
    assert not used
    assert note.startswith(f"browser mode: OFF (auto: no Chromium at {tmp_path / 'chromium'} (Debian: apt-get install chromium")
    assert note.endswith("pages behind the portal's JavaScript challenge will end blocked")


@browser_test
def test_browser_auto_with_chromium_is_on():
    assert resolve_browser("auto", Settings.from_env(chromium_path="/usr/bin/chromium")) == (
        True, "browser mode: on (auto: Chromium at /usr/bin/chromium with Playwright)")


def test_the_failure_message_names_every_failed_page_and_check():
    summary = RunSummary(
        run_id="r1",
        pages=[
            PageOutcome(SESSION12_URL, "loaded", "load", "hubei.gov.cn:t20240326_5134107", turns=16),
            PageOutcome("https://www.hubei.gov.cn/hbfb/xwfbh/index_1.shtml", "blocked", "discover", None,
                        error_type="BlockedError", error="HTTP 412 challenge page"),
        ],
        checks=[{"check_name": "turn_no_contiguous", "severity": "error", "status": "fail",
                 "details": "hubei.gov.cn:t20240326_5134107 has turn_no 1..15, 17"},
                {"check_name": "guests_appear", "severity": "warn", "status": "fail", "details": "肖敏"}],
    )
    note = "browser mode: OFF (auto: no Chromium at /x)"
    assert failure_details(summary, notes=[note]).splitlines() == [
        "1 page(s) failed or were blocked; data-quality checks failed: turn_no_contiguous",
        "- blocked at discover: https://www.hubei.gov.cn/hbfb/xwfbh/index_1.shtml: BlockedError: HTTP 412 challenge page",
        "- check turn_no_contiguous (error) failed: hubei.gov.cn:t20240326_5134107 has turn_no 1..15, 17",
        note,
    ]
    assert summary_markdown(summary, [note]).splitlines()[:3] == ["## Run r1", "", f"**{note}**"]


@pytest.mark.slow
def test_a_collect_with_browser_auto_and_no_chromium_ends_blocked_and_says_why(prefect_harness, monkeypatch, tmp_path):
    from flows.collect import collect

    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    monkeypatch.setenv("BRIEFINGS_CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    site = SiteServer(column_site(), guarded=True).start()
    try:
        with pytest.raises(RunFailedError) as info:
            collect(source=site.source, warehouse=str(tmp_path / "w.duckdb"), browser="auto")
    finally:
        site.stop()
    message = str(info.value).splitlines()
    assert message[0] == "1 page(s) failed or were blocked"
    assert message[1].startswith(f"- blocked at discover: {site.source}: BlockedError: ")
    assert message[2].startswith(f"browser mode: OFF (auto: no Chromium at {tmp_path / 'no-chromium'}")
    assert info.value.summary["browser_mode"] == message[2]
    assert (info.value.summary["loaded"], info.value.summary["blocked"]) == (0, 1)
    assert [(h.path, h.status, h.by_httpx) for h in site.log] == [(LIST_PATH, 412, True)]  # no browser started


def test_alerts_setup_says_what_it_needs(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = runner.invoke(app, ["alerts", "setup", "--webhook", "hooks.example.org/briefings"])
    assert (result.exit_code, result.output.strip()) == (
        2, "--webhook is not an absolute http(s) URL: 'hooks.example.org/briefings'")
    # no API URL, though the session's Prefect harness (tests/conftest.py) may be running in this process
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        result = runner.invoke(app, ["alerts", "setup", "--webhook", "http://127.0.0.1:9/hook"])
    assert result.exit_code == 2
    assert result.output.startswith("alerts live on a Prefect server: set PREFECT_API_URL")


class _BusyPrefectApi(http.server.BaseHTTPRequestHandler):
    """A Prefect API on loopback whose SQLite is busy: each path in ``busy`` answers 503 that many
    times, then as a server with the work pool and no automation would."""

    busy: dict[str, int] = {}
    answers = {"/api/health": "true", "/api/admin/version": '"3.9.0"',
               f"/api/work_pools/{WORK_POOL}": '{"name": "briefings", "type": "process"}',
               "/api/automations/filter": "[]"}

    def _answer(self) -> None:
        if self.busy.get(self.path, 0) > 0:
            self.busy[self.path] -= 1
            status, body = 503, '{"exception_message": "Service Unavailable"}'
        else:
            status, body = 200, self.answers[self.path]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def busy_api(doctor_env, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BusyPrefectApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{server.server_address[1]}/api")
    try:
        yield _BusyPrefectApi.busy
    finally:
        server.shutdown()
        server.server_close()


def test_doctor_waits_out_a_busy_prefect_server(busy_api):
    """A 503 (the server's SQLite busy) is retried as Prefect's client does: the work pool is found,
    not reported missing."""
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    busy_api.clear()
    busy_api[f"/api/work_pools/{WORK_POOL}"] = 1
    with temporary_settings({PREFECT_CLIENT_MAX_RETRIES: 1}):
        _, checks = _doctor("--no-launch")
    found = {c["name"]: (c["status"], c["detail"]) for c in checks if c["name"] in ("prefect-api", "work-pool", "alerts")}
    api = os.environ["PREFECT_API_URL"]
    assert found == {"prefect-api": ("ok", f"{api}: Prefect server 3.9.0"),
                     "work-pool": ("ok", "work pool 'briefings' (process)"),
                     "alerts": ("warn", "no alert is configured: a failed day is only seen in the UI")}


def test_doctor_says_a_server_still_busy_is_failing_not_that_the_pool_is_missing(busy_api):
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    busy_api.clear()
    busy_api[f"/api/work_pools/{WORK_POOL}"] = 1
    with temporary_settings({PREFECT_CLIENT_MAX_RETRIES: 0}):
        code, checks = _doctor("--no-launch")
    (pool,) = [c for c in checks if c["name"] == "work-pool"]
    api = os.environ["PREFECT_API_URL"]
    assert code == 1
    assert (pool["status"], pool["detail"]) == ("fail", f"{api}/work_pools/{WORK_POOL} answered HTTP 503")


def _answering(monkeypatch, busy_api, **answers: object) -> None:
    """The stand-in server answers ``answers`` (path -> JSON value) on top of its defaults, never busy."""
    busy_api.clear()
    monkeypatch.setattr(_BusyPrefectApi, "answers",
                        _BusyPrefectApi.answers | {path: json.dumps(value) for path, value in answers.items()})


def test_doctor_warns_of_a_paused_pool_and_of_alerts_that_would_not_fire(busy_api, monkeypatch):
    """A paused pool starts no scheduled run, and a disabled or missing automation sends nothing: neither is ok."""
    _answering(monkeypatch, busy_api, **{
        f"/api/work_pools/{WORK_POOL}": {"name": "briefings", "type": "process", "is_paused": True},
        "/api/automations/filter": [{"name": "briefings-alerts", "enabled": False}],
    })
    code, checks = _doctor("--no-launch")
    found = {c["name"]: (c["status"], c["detail"], c["fix"]) for c in checks}
    assert found["work-pool"] == ("warn", "work pool 'briefings' is paused: no scheduled run starts",
                                  "prefect work-pool resume briefings")
    assert found["alerts"] == (
        "warn", "alerts are incomplete: automation 'briefings-alerts-stuck' is missing, 'briefings-alerts' is disabled",
        "briefings alerts setup --webhook URL (makes both automations again, enabled)")


def test_doctor_says_alerts_are_ok_when_both_automations_are_enabled(busy_api, monkeypatch):
    _answering(monkeypatch, busy_api, **{
        "/api/automations/filter": [{"name": "briefings-alerts", "enabled": True},
                                    {"name": "briefings-alerts-stuck", "enabled": True}],
    })
    code, checks = _doctor("--no-launch")
    found = {c["name"]: (c["status"], c["detail"]) for c in checks}
    assert found["work-pool"] == ("ok", "work pool 'briefings' (process)")
    assert found["alerts"] == ("ok", "automation 'briefings-alerts' notifies on failed, crashed and timed-out runs, "
                                     "'briefings-alerts-stuck' on a run still running too long")


def test_doctor_warns_when_no_worker_polls_the_pool(busy_api, monkeypatch):
    """The server says ``NOT_READY`` for a pool no worker has polled lately: the daily run would wait and
    go Late, so that is a warning with the command that starts a worker; ``READY`` is ok."""
    pool = {"name": "briefings", "type": "process", "status": "NOT_READY"}
    _answering(monkeypatch, busy_api, **{f"/api/work_pools/{WORK_POOL}": pool})
    code, checks = _doctor("--no-launch")
    found = {c["name"]: (c["status"], c["detail"], c["fix"]) for c in checks}
    assert found["work-pool"] == (
        "warn", "no worker polls work pool 'briefings': scheduled runs wait and then show as Late",
        "prefect worker start --pool briefings (README: Operating it with Prefect)")
    _answering(monkeypatch, busy_api, **{f"/api/work_pools/{WORK_POOL}": pool | {"status": "READY"}})
    _, checks = _doctor("--no-launch")
    assert [(c["status"], c["detail"]) for c in checks if c["name"] == "work-pool"] == [
        ("ok", "work pool 'briefings' (process)")]
