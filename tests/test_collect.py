"""The collect and reparse flows end to end: bundled snapshot and a loopback copy of the column.

Runs the real Prefect flows against a temporary Prefect server (one per test session) and checks
the warehouse with exact values from the real session-12 page.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefings.errors import RunFailedError
from tests.conftest import warehouse_checksums as _checksums
from tests.conftest import GUESTS, SESSION12_URL, TURN_SPEAKERS
from tests.site_server import LIST2_PATH, LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site
from warehouse.connect import open_reader

pytestmark = pytest.mark.slow


@pytest.fixture()
def env(monkeypatch, tmp_path: Path):
    """Fresh data folder and warehouse; no politeness delay, fast retries."""
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    monkeypatch.setenv("BRIEFINGS_BACKOFF_BASE_S", "0.01")
    monkeypatch.setenv("BRIEFINGS_MAX_ATTEMPTS", "2")
    return tmp_path / "warehouse" / "briefings.duckdb"


def _rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = open_reader(path)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()




def test_collect_snapshot_loads_session_12_exactly_and_a_rerun_changes_nothing(prefect_harness, env):
    from flows.collect import collect

    summary = collect(warehouse=str(env))
    assert (summary["loaded"], summary["failed"], summary["blocked"]) == (1, 0, 0)
    # two list pages and the one series page; placeholder entries are never fetched
    assert summary["requests"] == 3

    rows = _rows(env, "SELECT briefing_id, session_no, city, event_date, publish_date, url, series FROM briefings")
    assert rows == [
        (
            "hubei.gov.cn:t20240326_5134107", 12, "天门", date(2024, 3, 25), date(2024, 3, 26), SESSION12_URL,
            "奋战开门红 市长话经济",
        )
    ]
    assert [r[0] for r in _rows(env, "SELECT name FROM guests ORDER BY guest_no")] == GUESTS
    turns = _rows(
        env,
        "SELECT t.turn_no, t.role, s.name, t.outlet FROM turns t JOIN speakers s USING (speaker_id) ORDER BY turn_no",
    )
    assert [t[0] for t in turns] == list(range(1, 17))
    expected = [(role, name or f"{outlet}记者", outlet) for role, name, outlet in TURN_SPEAKERS]
    assert [(t[1], t[2], t[3]) for t in turns] == expected

    before = _checksums(env)
    again = collect(warehouse=str(env))
    assert (again["loaded"], again["skipped"], again["requests"]) == (0, 1, 2)
    assert _checksums(env) == before


def test_query_turns_prints_the_sixteen_turns(prefect_harness, env):
    from briefings.cli import app
    from flows.collect import collect

    collect(warehouse=str(env))
    result = CliRunner().invoke(app, ["query", "turns", "--param", "session=12", "--format", "csv", "--warehouse", str(env)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert len(rows) == 17  # header + 16 turns
    assert rows[0][:4] == ["session_no", "city", "briefing_id", "turn_no"]
    assert [r[3] for r in rows[1:]] == [str(n) for n in range(1, 17)]
    assert [r[5] for r in rows[1:]] == [role for role, _, _ in TURN_SPEAKERS]
    assert rows[4][8].startswith("企业是创新的主体") and rows[16][8].endswith("今天的新闻发布会到此结束。")


@pytest.fixture()
def site():
    server = SiteServer(column_site()).start()
    yield server
    server.stop()


def test_a_failing_page_is_reported_and_the_other_page_still_loads(prefect_harness, env, site):
    from flows.collect import collect

    site.pages.pop(SYNTHETIC_PATH)  # now a 404
    with pytest.raises(RunFailedError) as info:
        collect(source=site.source, warehouse=str(env))
    summary = info.value.summary
    failed = [p for p in summary["pages"] if p["status"] == "failed"]
    assert [(p["url"].split(":", 2)[-1].split("/", 1)[-1], p["stage"], p["error_type"]) for p in failed] == [
        (SYNTHETIC_PATH.lstrip("/"), "fetch", "FetchError")
    ]
    assert summary["loaded"] == 1
    assert _rows(env, "SELECT session_no, count(*) FROM turns JOIN briefings USING (briefing_id) GROUP BY 1") == [(12, 16)]
    outcomes = _rows(env, "SELECT url, status, outcome FROM fetches ORDER BY url")
    assert (f"http://127.0.0.1:{site.port}{SYNTHETIC_PATH}", 404, "failed") in outcomes


def test_incremental_rerun_makes_only_conditional_list_requests_and_full_refetches(prefect_harness, env, site):
    from flows.collect import collect

    first = collect(source=site.source, warehouse=str(env))
    assert first["loaded"] == 2
    assert _rows(env, "SELECT session_no, city FROM briefings ORDER BY session_no") == [(12, "天门"), (13, "天门")]
    site.log.clear()

    second = collect(source=site.source, warehouse=str(env))
    assert (second["loaded"], second["skipped"]) == (0, 2)
    assert [(h.path, h.status) for h in site.log] == [(LIST_PATH, 304), (LIST2_PATH, 304)]
    assert all(h.if_none_match for h in site.log)
    site.log.clear()

    full = collect(source=site.source, warehouse=str(env), full=True)
    assert (full["loaded"], full["unchanged"]) == (0, 2)
    assert sorted(h.path for h in site.log) == sorted([LIST_PATH, LIST2_PATH, SESSION12_PATH, SYNTHETIC_PATH])


def test_three_collects_and_a_reparse_leave_identical_tables_and_reparse_needs_no_network(
    prefect_harness, env, site
):
    from flows.collect import collect
    from flows.reparse import reparse

    collect(source=site.source, warehouse=str(env))
    before = _checksums(env)
    collect(source=site.source, warehouse=str(env))
    collect(source=site.source, warehouse=str(env), full=True)
    assert _checksums(env) == before
    site.stop()
    site.log.clear()
    summary = reparse(warehouse=str(env))
    assert (summary["unchanged"], summary["failed"]) == (2, 0)
    assert _checksums(env) == before
    assert site.log == []


def test_blocked_list_page_ends_the_run_blocked(prefect_harness, env, site):
    from flows.collect import collect
    from tests.loopback import challenge_body

    site.pages[LIST_PATH] = b""
    site.status_override = {LIST_PATH: (412, challenge_body())}
    with pytest.raises(RunFailedError) as info:
        collect(source=site.source, warehouse=str(env))
    pages = info.value.summary["pages"]
    assert [(p["status"], p["stage"], p["error_type"]) for p in pages] == [("blocked", "discover", "BlockedError")]
    assert _rows(env, "SELECT count(*) FROM briefings") == [(0,)]
    assert _rows(env, "SELECT status, outcome FROM fetches") == [(412, "blocked")]


def test_a_broken_list_page_keeps_what_the_pages_before_it_listed(prefect_harness, env, site):
    from flows.collect import collect

    site.pages.pop(LIST2_PATH)  # page 2 of the column is a 404
    with pytest.raises(RunFailedError) as info:
        collect(source=site.source, warehouse=str(env))
    summary = info.value.summary
    assert summary["loaded"] == 2
    failed = [(p["url"].rsplit("/", 1)[-1], p["stage"], p["error_type"]) for p in summary["pages"] if p["status"] == "failed"]
    assert failed == [("index_1.shtml", "discover", "FetchError")]
    assert summary["requests"] == 4  # both list pages and both series pages, each once
    assert _rows(env, "SELECT url, status, outcome FROM fetches WHERE url LIKE '%index%' ORDER BY url") == [
        (site.source, 200, "ok"),
        (f"http://127.0.0.1:{site.port}{LIST2_PATH}", 404, "failed"),
    ]


def test_tasks_get_a_batch_manifest_not_the_runs_records(prefect_harness, env, site, monkeypatch):
    """Issue 15: no task input references every fetch/parse result of the run (Prefect refused to
    publish the load task's 3.4 MB of them at 2,000 pages); the load task gets one manifest path per batch."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.collect import collect

    monkeypatch.setenv("BRIEFINGS_LOAD_BATCH_SIZE", "1")
    summary = collect(source=site.source, warehouse=str(env))
    assert summary["loaded"] == 2
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(summary["run_id"])])))
    loads = sorted(r.name for r in runs if r.name.startswith("load "))
    assert [Path(name.split(" ", 1)[1]).name[:11] for name in loads] == ["batch-00001", "batch-00002"]
    fetches = [r for r in runs if r.name.startswith("fetch ")]
    assert len(fetches) == 2
    for run in runs:
        if run.name.startswith(("load ", "check")):
            assert run.task_inputs and all(refs == [] for refs in run.task_inputs.values()), (run.name, run.task_inputs)
