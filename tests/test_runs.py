"""The ``runs`` lifecycle (warehouse.runs), migration 008, and the ``briefings runs`` command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from briefings.settings import MIGRATIONS_DIR
from warehouse.connect import open_writer
from warehouse.migrate import Migrations
from warehouse.runs import finish_run, list_runs, process_alive, process_token, record_pages, start_run

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))
T0 = datetime(2026, 11, 30, 7, 0, 0, tzinfo=timezone.utc)


def _gone_process() -> tuple[int, str | None]:
    """The pid and start token of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    token = process_token(child.pid)
    child.kill()
    child.wait()
    return child.pid, token


def test_a_run_is_running_from_its_start_and_closed_at_its_end(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    try:
        start_run(con, "run-a", "collect", T0)
        row = con.execute("SELECT status, pid, host, finished_at FROM runs WHERE run_id = 'run-a'").fetchall()
        assert row == [("running", os.getpid(), socket.gethostname(), None)]
        assert [(r.run_id, r.status) for r in list_runs(con)] == [("run-a", "running")]  # this process lives
        finish_run(con, "run-a", "succeeded", {"loaded": 2, "unchanged": 0, "skipped": 0, "failed": 0,
                                               "blocked": 0, "requests": 5}, finished_at=T0 + timedelta(seconds=12))
        (shown,) = list_runs(con)
    finally:
        con.close()
    assert (shown.status, shown.duration_s, shown.counts["loaded"], shown.counts["requests"]) == (
        "succeeded", 12.0, 2, 5)


def test_a_running_row_whose_process_is_gone_is_shown_and_then_recorded_as_crashed(fresh_warehouse):
    pid, token = _gone_process()
    assert process_alive(pid, socket.gethostname(), token) is False
    assert process_alive(pid, "another-host.example", token) is None  # cannot tell from here
    con = open_writer(fresh_warehouse)
    try:
        con.execute("INSERT INTO runs (run_id, flow, started_at, status, pid, host, process_started) "
                    "VALUES ('killed', 'collect', ?, 'running', ?, ?, ?)",
                    [T0.replace(tzinfo=None), pid, socket.gethostname(), token])
        assert [(r.run_id, r.status, r.duration_s) for r in list_runs(con)] == [("killed", "crashed", None)]
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]  # shown, not yet written
        start_run(con, "next", "collect", T0 + timedelta(hours=1))  # the next run records it
        rows = con.execute("SELECT run_id, status FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert rows == [("killed", "crashed"), ("next", "running")]


def test_a_run_ends_only_succeeded_failed_or_cancelled(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    try:
        start_run(con, "run-b", "reparse", T0)
        with pytest.raises(ValueError, match="not 'crashed'"):
            finish_run(con, "run-b", "crashed", {})
        finish_run(con, "run-b", "cancelled", {"stopped_in": "load", "loaded": 1})
        (shown,) = list_runs(con)
    finally:
        con.close()
    assert (shown.status, shown.stopped_in, shown.counts["loaded"], shown.counts["failed"]) == (
        "cancelled", "load", 1, None)


def test_migration_007_gives_every_orphan_dq_result_a_crashed_run(tmp_path: Path, fresh_warehouse):
    older = tmp_path / "migrations-006"
    older.mkdir()
    for f in sorted(MIGRATIONS_DIR.glob("00[1-6]_*.sql")):
        shutil.copy(f, older / f.name)
    fresh_warehouse.parent.mkdir(parents=True)
    import duckdb

    con = duckdb.connect(str(fresh_warehouse))
    try:
        Migrations(con, older).apply()
        con.execute("INSERT INTO runs VALUES ('done', 'collect', ?, ?, 'completed', NULL)",
                    [T0.replace(tzinfo=None), (T0 + timedelta(seconds=9)).replace(tzinfo=None)])
        con.execute("INSERT INTO dq_results VALUES ('done', 'turn_no_sequence', 'error', 'pass', NULL, ?), "
                    "('killed', 'turn_no_sequence', 'error', 'pass', NULL, ?), "
                    "('killed', 'speaker_ids_known', 'error', 'pass', NULL, ?)",
                    [T0.replace(tzinfo=None), (T0 + timedelta(hours=1)).replace(tzinfo=None),
                     (T0 + timedelta(hours=1, seconds=1)).replace(tzinfo=None)])
        Migrations(con).apply()
        rows = con.execute("SELECT run_id, flow, status, started_at FROM runs ORDER BY run_id").fetchall()
        orphans = con.execute("SELECT count(*) FROM dq_results WHERE run_id NOT IN (SELECT run_id FROM runs)"
                              ).fetchall()
    finally:
        con.close()
    assert rows == [("done", "collect", "succeeded", T0.replace(tzinfo=None)),
                    ("killed", "unknown", "crashed", (T0 + timedelta(hours=1)).replace(tzinfo=None))]
    assert orphans == [(0,)]


def test_briefings_runs_lists_the_latest_runs_newest_first(fresh_warehouse):
    pid, token = _gone_process()
    con = open_writer(fresh_warehouse)
    try:
        start_run(con, "first", "collect", T0)
        finish_run(con, "first", "succeeded", {"loaded": 1, "unchanged": 0, "skipped": 0, "failed": 0, "blocked": 0,
                                               "requests": 3}, finished_at=T0 + timedelta(seconds=14.26))
        con.execute("INSERT INTO runs (run_id, flow, started_at, status, pid, host, process_started) "
                    "VALUES ('second', 'collect', ?, 'running', ?, ?, ?)",
                    [(T0 + timedelta(hours=1)).replace(tzinfo=None), pid, socket.gethostname(), token])
    finally:
        con.close()
    out = subprocess.run([BRIEFINGS, "runs", "--warehouse", str(fresh_warehouse), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        {"run_id": "second", "flow": "collect", "status": "crashed", "started_at": "2026-11-30T08:00:00",
         "duration_s": None, "loaded": None, "unchanged": None, "skipped": None, "failed": None, "blocked": None,
         "requests": None, "stopped_in": None},
        {"run_id": "first", "flow": "collect", "status": "succeeded", "started_at": "2026-11-30T07:00:00",
         "duration_s": 14.3, "loaded": 1, "unchanged": 0, "skipped": 0, "failed": 0, "blocked": 0, "requests": 3,
         "stopped_in": None},
    ]
    table = subprocess.run([BRIEFINGS, "runs", "--warehouse", str(fresh_warehouse), "--limit", "1"],
                           capture_output=True, text=True, timeout=60)
    assert table.returncode == 0 and table.stdout.rstrip().endswith("(1 runs)")
    assert "crashed" in table.stdout and "succeeded" not in table.stdout


def test_briefings_runs_without_a_warehouse_exits_2(tmp_path: Path):
    out = subprocess.run([BRIEFINGS, "runs", "--warehouse", str(tmp_path / "none.duckdb")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "run `briefings collect` first" in out.stderr
    assert not (tmp_path / "none.duckdb").exists()


def _briefings_env(data_dir: Path) -> dict[str, str]:
    """This process's environment without PREFECT_/BRIEFINGS_ settings; the data folder given, no politeness."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFINGS_"))} | {
        "BRIEFINGS_DATA_DIR": str(data_dir), "BRIEFINGS_MIN_INTERVAL_S": "0", "BRIEFINGS_MAX_ATTEMPTS": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


@pytest.mark.slow
def test_briefings_runs_run_id_prints_the_broken_pages_url_step_error_type_and_message(tmp_path: Path):
    from tests.site_server import LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site

    site = SiteServer(column_site())
    site.pages[SYNTHETIC_PATH] = site.pages[LIST_PATH]  # a real portal page, but no transcript
    site.start()
    warehouse = tmp_path / "warehouse" / "briefings.duckdb"
    env = _briefings_env(tmp_path / "data")
    try:
        run = subprocess.run([BRIEFINGS, "collect", "--source", site.source, "--warehouse", str(warehouse),
                              "--format", "json"], capture_output=True, text=True, timeout=600, env=env)
    finally:
        site.stop()
    assert run.returncode == 1, run.stderr  # a page failed
    run_id = json.loads(run.stdout)["run_id"]
    broken = f"{site.source.split('/hbfb/')[0]}{SYNTHETIC_PATH}"

    shown = subprocess.run([BRIEFINGS, "runs", run_id, "--warehouse", str(warehouse)], capture_output=True,
                           text=True, timeout=60, env=env | {"COLUMNS": "400"})
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(f"run {run_id} (attempt 1): collect, failed, started ")
    assert lines[1] == "  1 loaded, 0 unchanged, 0 skipped, 1 failed, 0 blocked, 4 requests"
    header, rule, first, second = lines[2:6]
    assert header.split() == ["url", "step", "status", "error_type", "message"]
    assert first.split()[:4] == [broken, "parse", "failed", "ParseError"]
    message = json.loads(run.stdout)["pages"]
    (failed,) = [p for p in message if p["status"] == "failed"]
    assert first.endswith(failed["error"]) and failed["error"]
    assert second.split()[:3] == [f"{site.source.split('/hbfb/')[0]}{SESSION12_PATH}", "load", "loaded"]
    assert lines[6:] == ["(2 pages)"]

    listed = subprocess.run([BRIEFINGS, "runs", "--failed", "--format", "json", "--warehouse", str(warehouse)],
                            capture_output=True, text=True, timeout=60, env=env)
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert {k: row[k] for k in ("run_id", "attempt", "url", "step", "status", "error_type", "message")} == {
        "run_id": run_id, "attempt": 1, "url": broken, "step": "parse", "status": "failed",
        "error_type": "ParseError", "message": failed["error"]}
    assert row["started_at"][10] == "T"


def test_a_retried_run_keeps_its_failed_attempt_and_its_pages(fresh_warehouse):
    from briefings.pipeline import PageOutcome

    broken = PageOutcome("https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240327_5999013.shtml", "failed", "fetch",
                         "hubei.gov.cn:t20240327_5999013", "FetchError", "HTTP 503 from www.hubei.gov.cn")
    fixed = PageOutcome(broken.url, "loaded", "load", broken.briefing_id, turns=16, mentions=104)
    con = open_writer(fresh_warehouse)
    try:
        start_run(con, "retried", "collect", T0)
        assert record_pages(con, "retried", [broken]) == 1
        finish_run(con, "retried", "failed", {"loaded": 0, "failed": 1}, finished_at=T0 + timedelta(seconds=5))
        start_run(con, "retried", "collect", T0 + timedelta(minutes=3))  # the UI's Retry: the same run id
        assert record_pages(con, "retried", [fixed]) == 2
        finish_run(con, "retried", "succeeded", {"loaded": 1, "failed": 0},
                   finished_at=T0 + timedelta(minutes=3, seconds=4))
        assert [(r.run_id, r.status, r.counts["loaded"]) for r in list_runs(con)] == [("retried", "succeeded", 1)]
    finally:
        con.close()
    out = subprocess.run([BRIEFINGS, "runs", "retried", "--format", "json", "--warehouse", str(fresh_warehouse)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    attempts = json.loads(out.stdout)
    assert [(a["attempt"], a["status"], a["started_at"], a["finished_at"], a["loaded"], a["failed"])
            for a in attempts] == [(2, "succeeded", "2026-11-30T07:03:00", "2026-11-30T07:03:04", 1, 0),
                                   (1, "failed", "2026-11-30T07:00:00", "2026-11-30T07:00:05", 0, 1)]
    assert attempts[1]["pages"] == [{"url": broken.url, "step": "fetch", "status": "failed",
                                     "error_type": "FetchError", "message": "HTTP 503 from www.hubei.gov.cn",
                                     "briefing_id": broken.briefing_id, "turns": 0, "mentions": 0}]
    assert [p["status"] for p in attempts[0]["pages"]] == ["loaded"]
    failed = subprocess.run([BRIEFINGS, "runs", "--failed", "--format", "csv", "--warehouse", str(fresh_warehouse)],
                            capture_output=True, text=True, timeout=60)
    assert failed.stdout.splitlines() == [
        "run_id,attempt,started_at,url,step,status,error_type,message",
        f"retried,1,2026-11-30T07:00:00,{broken.url},fetch,failed,FetchError,HTTP 503 from www.hubei.gov.cn"]
    unknown = subprocess.run([BRIEFINGS, "runs", "nosuchrun", "--warehouse", str(fresh_warehouse)],
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "no run 'nosuchrun'" in unknown.stderr


def test_briefings_runs_in_an_80_column_terminal_prints_records(fresh_warehouse):
    run_id = "bc156585-59bb-4976-b135-0936b60f37ea"  # a Prefect flow run id
    con = open_writer(fresh_warehouse)
    try:
        start_run(con, run_id, "collect", T0)
        finish_run(con, run_id, "succeeded", {"loaded": 1, "unchanged": 0, "skipped": 0, "failed": 0, "blocked": 0,
                                              "requests": 3}, finished_at=T0 + timedelta(seconds=14.26))
    finally:
        con.close()
    out = subprocess.run([BRIEFINGS, "runs", "--warehouse", str(fresh_warehouse)], capture_output=True, text=True,
                         timeout=60, env=os.environ | {"COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    assert "…" not in out.stdout and max(len(line) for line in out.stdout.splitlines()) <= 80
    assert out.stdout.splitlines()[:6] == [
        "-[ row 1 ]──────────────────────────────",
        f"run_id     │ {run_id}", "flow       │ collect", "status     │ succeeded",
        "started_at │ 2026-11-30T07:00:00", "duration_s │ 14.3"]
    assert out.stdout.splitlines()[-1] == "(1 runs)"
