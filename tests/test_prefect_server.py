"""Operating briefings with a real local Prefect server (issue 7).

Starts ``prefect server start`` on a free loopback port, creates the process work pool, deploys
from ``prefect.yaml``, starts a worker, runs ``collect`` against a loopback copy of the column whose
synthetic detail page fails on its first attempts, retries the failed flow run exactly as the UI
does (``POST /api/flow_runs/{id}/set_state`` with a SCHEDULED state named AwaitingRetry), and
checks that pages fetched successfully the first time were not fetched again. A second test runs
two collections at once into one warehouse.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from briefings.settings import PROJECT_ROOT
from tests.site_server import LIST2_PATH, LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site
from warehouse.connect import open_reader

pytestmark = pytest.mark.slow

PREFECT = str(Path(sys.executable).with_name("prefect"))
BRIEFINGS = str(Path(sys.executable).with_name("briefings"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout_s: float, what: str, interval_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def server_env(root: Path, **more: str) -> dict[str, str]:
    """The environment of a Prefect server on a free loopback port, and of the workers and commands
    that use it, below ``root``: none of this process's ``PREFECT_`` or ``BRIEFINGS_`` variables,
    politeness off, one attempt per request; ``more`` on top."""
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFINGS_"))
    } | {
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "BRIEFINGS_DATA_DIR": str(root / "data"),
        "BRIEFINGS_MIN_INTERVAL_S": "0",
        "BRIEFINGS_MAX_ATTEMPTS": "1",
        "PWD": str(PROJECT_ROOT),
    } | more
    Path(env["PREFECT_HOME"]).mkdir(parents=True)
    return env


def wait_healthy(api: str) -> None:
    """Wait (up to 180 s) until the Prefect server at ``api`` answers its health check."""

    def healthy() -> bool:
        try:
            return httpx.get(f"{api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    _wait(healthy, 180, "the Prefect server")


def stop_group(proc: subprocess.Popen, timeout_s: float = 30) -> None:
    """Stop a server or worker started in its own session: SIGTERM to its process group, then SIGKILL
    if it has not exited after ``timeout_s`` (seen on Python 3.13 with ``prefect worker``, once a
    long suite had run), so a slow graceful shutdown does not leave it running after the test."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout_s)


@pytest.fixture()
def prefect_env(tmp_path: Path) -> dict[str, str]:
    return server_env(tmp_path)


@pytest.fixture()
def prefect_server(prefect_env: dict[str, str], tmp_path: Path):
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", prefect_env["PREFECT_SERVER_API_PORT"]],
        env=prefect_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    api = prefect_env["PREFECT_API_URL"]
    try:
        wait_healthy(api)
        yield api
    finally:
        stop_group(proc)
        log.close()


def prefect_api(method: str, url: str, **kwargs) -> httpx.Response:
    """One call to a Prefect server's REST API through Prefect's own HTTP client, as the UI and the CLI
    make it: a 503 (the server's SQLite is busy on a loaded machine), 502, 429 or 408 is retried with
    backoff (``PREFECT_CLIENT_MAX_RETRIES`` times).

    Raises:
        prefect.exceptions.PrefectHTTPStatusError: any other answer but 2xx, with the server's body.
    """
    from prefect.client.base import PrefectHttpxSyncClient

    with PrefectHttpxSyncClient(timeout=30) as client:
        return client.request(method, url, **kwargs)


def _run(cmd: list[str], env: dict[str, str]) -> str:
    out = subprocess.run(cmd, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{cmd} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def _state(api: str, flow_run_id: str) -> str | None:
    run = prefect_api("GET", f"{api}/flow_runs/{flow_run_id}").json()
    return (run.get("state") or {}).get("type")


def _run_deployment(api: str, deployment: dict, source: str, warehouse: Path) -> str:
    """Create a flow run of ``deployment`` against the loopback column; its id."""
    response = prefect_api(
        "POST", f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": {"source": source, "warehouse": str(warehouse), "live": True}},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _finished(api: str, flow_run_id: str, what: str) -> str:
    """Wait for the flow run to end; its final state type."""
    return _wait(lambda: _state(api, flow_run_id) in ("FAILED", "COMPLETED", "CRASHED") and _state(api, flow_run_id),
                 300, what)


def _retry_like_the_ui(api: str, flow_run_id: str) -> str:
    """Retry a finished flow run exactly as the UI's Retry button does; the retried run's final state type."""
    response = prefect_api(
        "POST", f"{api}/flow_runs/{flow_run_id}/set_state",
        json={"state": {"type": "SCHEDULED", "name": "AwaitingRetry", "message": "Retry from the UI"}, "force": True},
    )
    assert response.status_code in (200, 201), response.text
    return _wait(
        lambda: (_state(api, flow_run_id) in ("FAILED", "COMPLETED", "CRASHED")
                 and prefect_api("GET", f"{api}/flow_runs/{flow_run_id}").json()["run_count"] >= 2
                 and _state(api, flow_run_id)),
        300, "the retried flow run to finish",
    )


def test_ui_retry_of_a_failed_run_skips_completed_pages(prefect_env, prefect_server, tmp_path: Path):
    api = prefect_server
    site = SiteServer(column_site(), fail_first={SYNTHETIC_PATH: 1}).start()  # BRIEFINGS_MAX_ATTEMPTS=1
    warehouse = tmp_path / "warehouse" / "briefings.duckdb"
    worker = None
    try:
        _run([PREFECT, "work-pool", "create", "briefings", "--type", "process"], prefect_env)
        _run([PREFECT, "--no-prompt", "deploy", "--name", "collect-daily"], prefect_env)
        deployment = prefect_api("GET", f"{api}/deployments/name/collect/collect-daily").json()
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["parameters"]["live"] is True
        schedules = deployment["schedules"]
        assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in schedules] == [("0 7 * * *", "Asia/Shanghai")]

        flow_run_id = _run_deployment(api, deployment, site.source, warehouse)
        worker_log = open(tmp_path / "worker.log", "wb")
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "briefings", "--type", "process"],
            env=prefect_env, cwd=PROJECT_ROOT, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        first = _finished(api, flow_run_id, "the first flow run to finish")
        assert first == "FAILED", (tmp_path / "worker.log").read_text()
        assert site.hits(SYNTHETIC_PATH) == 1 and site.hits(SYNTHETIC_PATH, 200) == 0
        fetched_once = {LIST_PATH: 1, LIST2_PATH: 1, SESSION12_PATH: 1}
        assert {p: site.hits(p) for p in fetched_once} == fetched_once

        final = _retry_like_the_ui(api, flow_run_id)
        assert final == "COMPLETED", (tmp_path / "worker.log").read_text()

        # Pages fetched successfully the first time were not fetched again.
        assert {p: site.hits(p) for p in fetched_once} == fetched_once
        assert (site.hits(SYNTHETIC_PATH), site.hits(SYNTHETIC_PATH, 200)) == (2, 1)

        con = open_reader(warehouse)
        try:
            assert con.execute("SELECT session_no, turn_count FROM briefings ORDER BY 1").fetchall() == [(12, 16), (13, 16)]
        finally:
            con.close()

        artifacts = prefect_api(
            "POST", f"{api}/artifacts/filter",
            json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}, "sort": "CREATED_DESC"},
        ).json()
        pages = [a for a in artifacts if a["key"] == "briefings-pages"]
        summaries = [a for a in artifacts if a["key"] == "briefings-summary"]
        assert len(pages) == 2 and len(summaries) == 2  # one per attempt
        import json as _json

        latest = pages[0]["data"]
        rows = _json.loads(latest) if isinstance(latest, str) else latest
        by_status = sorted((r["status"], r["url"].rsplit("/", 1)[-1]) for r in rows)
        assert by_status == [("loaded", "t20240327_5999013.shtml"), ("unchanged", "t20240326_5134107.shtml")]
        assert "| turns | 32 |" in summaries[0]["data"] and "| briefings | 2 |" in summaries[0]["data"]
        reports = [a for a in artifacts if a["key"] == "briefings-report"]
        assert "guests: 肖敏、周启荣、夏齐飞、陈明敏、陈晓敏、黄祥斌" in reports[0]["data"]
        earlier = _json.loads(pages[1]["data"]) if isinstance(pages[1]["data"], str) else pages[1]["data"]
        assert sorted(r["status"] for r in earlier) == ["failed", "loaded"]

        # the Retry kept the failed attempt: `briefings runs RUN_ID` shows both, latest first
        shown = subprocess.run([BRIEFINGS, "runs", flow_run_id, "--format", "json", "--warehouse", str(warehouse)],
                               capture_output=True, text=True, timeout=120)
        assert shown.returncode == 0, shown.stderr
        attempts = _json.loads(shown.stdout)
        assert [(a["attempt"], a["status"], a["loaded"], a["failed"]) for a in attempts] == [
            (2, "succeeded", 1, 0), (1, "failed", 1, 1)]
        assert [(p["url"].rsplit("/", 1)[-1], p["step"], p["status"], p["error_type"])
                for p in attempts[1]["pages"]] == [
            ("t20240327_5999013.shtml", "fetch", "failed", "FetchError"), ("t20240326_5134107.shtml", "load", "loaded", None)]
    finally:
        if worker is not None:
            stop_group(worker)
        site.stop()


def test_ui_retry_on_a_dask_cluster_reruns_only_the_failed_chunk(prefect_env, prefect_server, tmp_path: Path):
    """The README's multi-machine setup on loopback: a Prefect server, a Dask scheduler with two
    worker processes, ``collect-dask`` deployed against the scheduler, a process worker. A page
    that fails its first fetch fails the run; the UI's Retry fetches only that page again (the
    completed chunk is not rerun) and ends with the tables a plain 1-worker collect makes."""
    from warehouse.load import table_checksums

    api = prefect_server
    site = SiteServer(column_site(), fail_first={SYNTHETIC_PATH: 1}).start()  # BRIEFINGS_MAX_ATTEMPTS=1
    warehouse = tmp_path / "warehouse" / "briefings.duckdb"
    scheduler_port = _free_port()
    address = f"tcp://127.0.0.1:{scheduler_port}"
    dask_bin = str(Path(sys.executable).with_name("dask"))
    procs: list[subprocess.Popen] = []

    def start(cmd: list[str], log_name: str, env: dict[str, str] = prefect_env) -> None:
        log = open(tmp_path / log_name, "wb")
        procs.append(subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    try:
        start([dask_bin, "scheduler", "--host", "127.0.0.1", "--port", str(scheduler_port),
               "--dashboard-address", ":0"], "scheduler.log")
        start([dask_bin, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"], "dask-worker.log")
        _run([PREFECT, "work-pool", "create", "briefings", "--type", "process"], prefect_env)
        _run([PREFECT, "--no-prompt", "deploy", "--name", "collect-dask"],
             prefect_env | {"BRIEFINGS_DASK_ADDRESS": address})
        deployment = prefect_api("GET", f"{api}/deployments/name/collect/collect-dask").json()
        assert deployment["parameters"]["dask_address"] == address
        flow_run_id = _run_deployment(api, deployment, site.source, warehouse)
        start([PREFECT, "worker", "start", "--pool", "briefings", "--type", "process"], "worker.log")
        first = _finished(api, flow_run_id, "the first flow run to finish")
        assert first == "FAILED", (tmp_path / "worker.log").read_text()
        fetched_once = {LIST_PATH: 1, LIST2_PATH: 1, SESSION12_PATH: 1}
        assert {p: site.hits(p) for p in fetched_once} == fetched_once
        assert (site.hits(SYNTHETIC_PATH), site.hits(SYNTHETIC_PATH, 200)) == (1, 0)
        chunks = prefect_api("POST", f"{api}/task_runs/filter",
                             json={"flow_runs": {"id": {"any_": [flow_run_id]}}}).json()
        assert sorted(t["name"] for t in chunks if t["name"].startswith("fetch ")) == [
            f"fetch 1 pages from {site.source.rsplit('/hbfb', 1)[0]}/hbfb/xwfbh/202403/t20240326_5134107.shtml",
            f"fetch 1 pages from {site.source.rsplit('/hbfb', 1)[0]}/hbfb/xwfbh/202403/t20240327_5999013.shtml",
        ]

        final = _retry_like_the_ui(api, flow_run_id)
        assert final == "COMPLETED", (tmp_path / "worker.log").read_text()
        assert {p: site.hits(p) for p in fetched_once} == fetched_once
        assert (site.hits(SYNTHETIC_PATH), site.hits(SYNTHETIC_PATH, 200)) == (2, 1)

        reference = tmp_path / "reference" / "briefings.duckdb"  # the same column, one worker, no Prefect server
        env = {k: v for k, v in prefect_env.items() if not k.startswith("PREFECT_API")} | {
            "BRIEFINGS_DATA_DIR": str(tmp_path / "reference-data"), "PREFECT_HOME": str(tmp_path / "reference-home")}
        _run([BRIEFINGS, "collect", "--source", site.source, "--warehouse", str(reference)], env)
    finally:
        for proc in reversed(procs):
            stop_group(proc)
        site.stop()
    checksums = {}
    for path in (warehouse, reference):
        con = open_reader(path)
        try:
            checksums[path] = table_checksums(con)
        finally:
            con.close()
    assert checksums[warehouse] == checksums[reference]


def test_two_collections_at_once_leave_one_copy_of_every_row(tmp_path: Path):
    site = SiteServer(column_site()).start()
    warehouse = tmp_path / "warehouse" / "briefings.duckdb"
    procs = []
    try:
        for n in (1, 2):
            env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFINGS_"))} | {
                "BRIEFINGS_DATA_DIR": str(tmp_path / f"data{n}"),
                "BRIEFINGS_MIN_INTERVAL_S": "0",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            procs.append(subprocess.Popen(
                [BRIEFINGS, "collect", "--source", site.source, "--warehouse", str(warehouse), "--format", "json"],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            ))
        outputs = [p.communicate(timeout=600) for p in procs]
    finally:
        site.stop()
    assert [p.returncode for p in procs] == [0, 0], "\n\n".join(
        f"exit {p.returncode}\nstdout:\n{out[-4000:]}\nstderr:\n{err[-8000:]}" for p, (out, err) in zip(procs, outputs)
    )
    import json as _json

    summaries = [_json.loads(out) for out, _ in outputs]
    # one run loaded both pages; the other found them current (it loaded after the first) or,
    # if it started after the first had finished, skipped them by their watermark
    assert sorted((s["loaded"], s["unchanged"] + s["skipped"], s["failed"]) for s in summaries) == [(0, 2, 0), (2, 0, 0)]
    con = open_reader(warehouse)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("briefings", "guests", "turns", "qa_pairs", "briefing_versions")}
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT briefing_id, turn_no FROM turns GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert counts == {"briefings": 2, "guests": 12, "turns": 32, "qa_pairs": 12, "briefing_versions": 2}
    assert dupes == 0

