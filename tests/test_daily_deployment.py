"""The daily deployment for real (issue 19), on one real local Prefect server shared by the module.

The module starts ``prefect server start`` on a free loopback port, creates the process work pool,
deploys ``collect-daily`` from ``prefect.yaml`` unchanged and starts one worker. Then:

1. a run pointed at a loopback column behind a JavaScript challenge passes it with ``browser: auto``
   (the deployment's default) and loads both pages;
2. with ``briefings alerts setup --webhook`` and a site whose every page answers 503, a loopback
   webhook receives exactly one alert naming the run, its failed page and its link in the UI;
3. a flow-run process killed mid-run (SIGKILL) ends Crashed and sends one alert;
4. a run still running after ``--stuck-after-s`` sends one alert saying so, and none when it completes;
5. two scheduled runs due at the same moment run one after the other: the second waits in
   AwaitingConcurrencySlot, and neither its writes nor anything else overlaps the first run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefings.settings import PROJECT_ROOT
from tests.loopback import CLEARANCE_COOKIE, CLEARANCE_TOKEN
from tests.site_server import LIST2_PATH, LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site
from tests.test_browser import browser_test
from tests.test_prefect_server import (
    BRIEFINGS,
    PREFECT,
    _run,
    _state,
    _wait,
    prefect_api,
    server_env,
    stop_group,
    wait_healthy,
)
from warehouse.connect import open_reader

pytestmark = pytest.mark.slow

FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


@dataclass
class Stack:
    """The running server, its worker and the deployment ``collect/collect-daily``."""

    api: str
    env: dict[str, str]
    root: Path
    deployment: dict = field(default_factory=dict)

    def run_deployment(self, parameters: dict, state: dict | None = None) -> str:
        """Create a flow run of the deployment (as the scheduler or `prefect deployment run` does); its id."""
        body: dict = {"parameters": parameters}
        if state is not None:
            body["state"] = state
        response = prefect_api("POST", f"{self.api}/deployments/{self.deployment['id']}/create_flow_run", json=body)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def wait_final(self, flow_run_id: str, timeout_s: float = 300) -> str:
        return _wait(lambda: _state(self.api, flow_run_id) in FINAL and _state(self.api, flow_run_id),
                     timeout_s, f"flow run {flow_run_id} to finish")

    def flow_run(self, flow_run_id: str) -> dict:
        return prefect_api("GET", f"{self.api}/flow_runs/{flow_run_id}").json()

    def artifacts(self, flow_run_id: str) -> dict[str, str]:
        found = prefect_api("POST", f"{self.api}/artifacts/filter",
                           json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}).json()
        return {a["key"]: a["data"] if isinstance(a["data"], str) else json.dumps(a["data"]) for a in found}

    def worker_log(self) -> str:
        return (self.root / "worker.log").read_text(errors="replace")[-6000:]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    env = server_env(
        root,
        # a run waiting for the deployment's concurrency slot asks again after 2 s (default 30 s)
        PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS="2",
        # the machine is shared: let the server's SQLite wait longer before answering 503
        PREFECT_SERVER_DATABASE_TIMEOUT="60",
        PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT="30",
    )
    procs: list[subprocess.Popen] = []
    logs = []

    def start(name: str, cmd: list[str]) -> None:
        logs.append(open(root / f"{name}.log", "wb"))
        procs.append(subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=logs[-1], stderr=subprocess.STDOUT,
                                      start_new_session=True))

    api = env["PREFECT_API_URL"]
    try:
        start("server", [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", env["PREFECT_SERVER_API_PORT"]])
        wait_healthy(api)
        _run([PREFECT, "work-pool", "create", "briefings", "--type", "process"], env)
        _run([PREFECT, "--no-prompt", "deploy", "--name", "collect-daily"], env)
        deployment = prefect_api("GET", f"{api}/deployments/name/collect/collect-daily").json()
        start("worker", [PREFECT, "worker", "start", "--pool", "briefings", "--type", "process"])
        yield Stack(api, env, root, deployment)
    finally:
        for proc in reversed(procs):
            stop_group(proc)
        for log in logs:
            log.close()


def test_the_deployment_is_the_daily_one_from_prefect_yaml(stack):
    d = stack.deployment
    assert (d["parameters"]["browser"], d["parameters"]["live"]) == ("auto", True)
    assert (d["global_concurrency_limit"]["limit"], d["concurrency_options"]["collision_strategy"]) == (1, "ENQUEUE")
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in d["schedules"]] == [("0 7 * * *", "Asia/Shanghai")]

    # the pool is READY once the worker started by the stack has polled it (doctor warns before that)
    _wait(lambda: prefect_api("GET", f"{stack.api}/work_pools/briefings").json().get("status") == "READY",
          120, "the worker to poll the work pool")
    # exit 1 where Chromium is missing (its check fails); the server's checks are what this test is about
    out = subprocess.run([BRIEFINGS, "doctor", "--no-launch", "--format", "json"], env=stack.env, cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=300)
    doctor = json.loads(out.stdout)
    assert out.returncode == (0 if all(c["status"] != "fail" for c in doctor) else 1)
    found = {c["name"]: (c["status"], c["detail"]) for c in doctor}
    assert found["prefect-api"][0] == "ok" and found["prefect-api"][1].startswith(f"{stack.api}: Prefect server 3.9")
    assert found["work-pool"] == ("ok", "work pool 'briefings' (process)")


def test_the_readmes_deploy_command_deploys_the_two_deployments_it_names_and_no_dask_one(stack):
    """Issue 25 item 14: the README's line once was ``deploy --all``, which also deployed collect-dask and
    reparse-dask with an empty ``dask_address``."""
    import shlex

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**The whole path, from a checkout"):]
    line = next(line for line in section.splitlines() if line.startswith("prefect --no-prompt deploy"))
    command = shlex.split(line, comments=True)
    _run([PREFECT, *command[1:]], stack.env)
    found = prefect_api("POST", f"{stack.api}/deployments/filter", json={}).json()
    flows = {f["id"]: f["name"] for f in prefect_api("POST", f"{stack.api}/flows/filter", json={}).json()}
    assert sorted(f"{flows[d['flow_id']]}/{d['name']}" for d in found) == ["collect/collect-daily", "reparse/reparse"]
    assert all(d["parameters"].get("dask_address") is None for d in found)


@browser_test
def test_a_run_through_the_worker_passes_the_challenge_and_loads_the_pages(stack, tmp_path):
    site = SiteServer(column_site(), guarded=True).start()
    warehouse = tmp_path / "w.duckdb"
    try:
        flow_run_id = stack.run_deployment({"source": site.source, "warehouse": str(warehouse)})
        assert stack.wait_final(flow_run_id) == "COMPLETED", stack.worker_log()
    finally:
        site.stop()

    cleared = f"{CLEARANCE_COOKIE}={CLEARANCE_TOKEN}"
    first = [h for h in site.log if h.path == LIST_PATH]
    assert (first[0].by_httpx, first[0].status) == (True, 412)
    assert any(not h.by_httpx and cleared in h.cookie and h.status == 200 for h in first)  # Chromium passed it
    for path in (LIST2_PATH, SESSION12_PATH, SYNTHETIC_PATH):
        assert [(h.by_httpx, h.status) for h in site.log if h.path == path] == [(True, 200)], path
    con = open_reader(warehouse)
    try:
        assert con.execute("SELECT session_no, city, turn_count FROM briefings ORDER BY 1").fetchall() == [
            (12, "天门", 16), (13, "天门", 16)]
    finally:
        con.close()
    summary = stack.artifacts(flow_run_id)["briefings-summary"]
    assert "**browser mode: on (auto: Chromium at /usr/bin/chromium with Playwright)**" in summary
    assert "| 2 | 0 | 0 | 0 | 0 |" in summary  # loaded, unchanged, skipped, failed, blocked


class _Webhook:
    """A loopback receiver: records the JSON body of every POST."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/briefings"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _actions_of(stack: Stack, automation_id: str) -> list[str]:
    """Events of the automation's actions (``prefect.automation.action.triggered`` / ``.executed`` / ``.failed``)."""
    found = prefect_api("POST", f"{stack.api}/events/filter", json={
        "filter": {"event": {"prefix": ["prefect.automation.action."]},
                   "resource": {"id": [f"prefect.automation.{automation_id}"]}},
        "limit": 50}).json()
    return sorted(e["event"] for e in found["events"])


def test_a_failed_day_sends_exactly_one_alert_naming_the_run_and_its_failed_pages(stack, tmp_path):
    hook = _Webhook()
    site = SiteServer(column_site(), status_override={
        p: (503, b"<html><body><h1>503 Service Unavailable</h1></body></html>")
        for p in (LIST_PATH, LIST2_PATH, SESSION12_PATH, SYNTHETIC_PATH)}).start()
    try:
        _run([BRIEFINGS, "alerts", "setup", "--webhook", hook.url], stack.env)
        again = _run([BRIEFINGS, "alerts", "setup", "--webhook", hook.url], stack.env)  # replaces, never adds
        assert "(replaced 2)" in again
        automations = {a["name"]: a["id"] for a in prefect_api("POST", f"{stack.api}/automations/filter", json={}).json()}
        assert sorted(automations) == ["briefings-alerts", "briefings-alerts-stuck"]
        automation_id = automations["briefings-alerts"]

        flow_run_id = stack.run_deployment({"source": site.source, "warehouse": str(tmp_path / "w.duckdb")})
        assert stack.wait_final(flow_run_id) == "FAILED", stack.worker_log()
        _wait(lambda: hook.received, 120, "the alert")
        # the server has handled the Failed event completely: the action ran once, and nothing else is due
        _wait(lambda: "prefect.automation.action.executed" in _actions_of(stack, automation_id), 60,
              "the automation's action to be recorded")
        assert _actions_of(stack, automation_id) == ["prefect.automation.action.executed",
                                                     "prefect.automation.action.triggered"]
        assert len(hook.received) == 1, hook.received
    finally:
        site.stop()
        hook.stop()

    run = stack.flow_run(flow_run_id)
    alert = hook.received[0]
    assert alert["subject"] == f"briefings: collect/collect-daily run {run['name']} ended Failed"
    body = alert["body"]
    assert f"Flow run {run['name']} ({flow_run_id}) of collect/collect-daily ended Failed" in body
    assert f"- failed at discover: {site.source}: FetchError: " in body and "503" in body
    assert f"Open the run: http://127.0.0.1:{stack.env['PREFECT_SERVER_API_PORT']}/runs/flow-run/{flow_run_id}" in body
    assert alert["text"] == f"{alert['subject']}\n{body}"
    assert [(h.path, h.status) for h in site.log] == [(LIST_PATH, 503)]  # BRIEFINGS_MAX_ATTEMPTS=1

    removed = _run([BRIEFINGS, "alerts", "remove"], stack.env)
    assert removed.strip() == "removed 2 automation(s) briefings-alerts"
    assert prefect_api("POST", f"{stack.api}/automations/filter", json={}).json() == []


def test_a_crashed_run_sends_one_alert(stack, tmp_path):
    hook = _Webhook()
    site = SiteServer(column_site(), delay_s={SESSION12_PATH: 15, SYNTHETIC_PATH: 15}).start()  # time to kill it
    try:
        _run([BRIEFINGS, "alerts", "setup", "--webhook", hook.url], stack.env)
        automations = {a["name"]: a["id"] for a in prefect_api("POST", f"{stack.api}/automations/filter", json={}).json()}
        flow_run_id = stack.run_deployment({"source": site.source, "warehouse": str(tmp_path / "w.duckdb")})
        _wait(lambda: site.hits(LIST_PATH), 300, "the run to read the first list page")
        pid = _wait(lambda: stack.flow_run(flow_run_id).get("infrastructure_pid"), 60, "the run's process id")
        os.kill(int(str(pid).rsplit(":", 1)[-1]), signal.SIGKILL)  # the flow-run process, as the OOM killer would
        assert stack.wait_final(flow_run_id) == "CRASHED", stack.worker_log()
        _wait(lambda: "prefect.automation.action.executed" in _actions_of(stack, automations["briefings-alerts"]), 120,
              "the alert action to be recorded")
        assert len(hook.received) == 1, hook.received
    finally:
        site.stop()
        hook.stop()
        _run([BRIEFINGS, "alerts", "remove"], stack.env)
    run = stack.flow_run(flow_run_id)
    alert = hook.received[0]
    assert alert["subject"] == f"briefings: collect/collect-daily run {run['name']} ended Crashed"
    assert f"Flow run {run['name']} ({flow_run_id}) of collect/collect-daily ended Crashed" in alert["body"]
    assert "Process exited with status code: -9." in run["state"]["message"] and run["state"]["message"] in alert["body"]


def test_a_run_still_running_after_the_limit_sends_one_alert_and_none_when_it_completes(stack, tmp_path):
    hook = _Webhook()
    # a slow portal: the list pages take 4 s each, the detail pages 15 s: the run lasts well over 20 s
    site = SiteServer(column_site(), delay_s={LIST_PATH: 4, LIST2_PATH: 4, SESSION12_PATH: 15,
                                              SYNTHETIC_PATH: 15}).start()
    try:
        made = _run([BRIEFINGS, "alerts", "setup", "--webhook", hook.url, "--stuck-after-s", "10"], stack.env)
        assert "on runs still running 10 s after they started" in made
        automations = {a["name"]: a["id"] for a in prefect_api("POST", f"{stack.api}/automations/filter", json={}).json()}
        flow_run_id = stack.run_deployment({"source": site.source, "warehouse": str(tmp_path / "w.duckdb")})
        assert stack.wait_final(flow_run_id) == "COMPLETED", stack.worker_log()
        _wait(lambda: "prefect.automation.action.executed" in _actions_of(stack, automations["briefings-alerts-stuck"]),
              60, "the stuck-run action to be recorded")
        assert _actions_of(stack, automations["briefings-alerts"]) == []
        assert len(hook.received) == 1, hook.received
    finally:
        site.stop()
        hook.stop()
        _run([BRIEFINGS, "alerts", "remove"], stack.env)
    run = stack.flow_run(flow_run_id)
    alert = hook.received[0]
    assert alert["subject"] == f"briefings: collect/collect-daily run {run['name']} is still running"
    assert f"Flow run {run['name']} ({flow_run_id}) of collect/collect-daily started at " in alert["body"]
    assert "has not ended after 10 s. Later scheduled runs wait for it (AwaitingConcurrencySlot)" in alert["body"]


def _interval(stack: Stack, flow_run_id: str, task_name: str | None = None) -> tuple[datetime, datetime]:
    if task_name is None:
        run = stack.flow_run(flow_run_id)
    else:
        (run,) = [t for t in prefect_api("POST", f"{stack.api}/task_runs/filter", json={
            "flow_runs": {"id": {"any_": [flow_run_id]}}}).json() if t["name"].startswith(task_name)]
    return datetime.fromisoformat(run["start_time"]), datetime.fromisoformat(run["end_time"])


def test_two_scheduled_runs_due_at_once_never_write_at_the_same_time(stack, tmp_path):
    # a slow portal: each detail page takes 3 s, so the first run is still going when the second is due
    site = SiteServer(column_site(), delay_s={SESSION12_PATH: 3, SYNTHETIC_PATH: 3}).start()
    warehouse = tmp_path / "w.duckdb"
    due = datetime.now(timezone.utc).isoformat()
    scheduled = {"type": "SCHEDULED", "name": "Scheduled", "state_details": {"scheduled_time": due}}
    try:
        runs = [stack.run_deployment({"source": site.source, "warehouse": str(warehouse)}, scheduled) for _ in (1, 2)]
        assert [stack.wait_final(r, 600) for r in runs] == ["COMPLETED", "COMPLETED"], stack.worker_log()
    finally:
        site.stop()

    first, second = sorted(runs, key=lambda r: _interval(stack, r)[0])
    history = prefect_api("GET", f"{stack.api}/flow_run_states/", params={"flow_run_id": second}).json()
    assert "AwaitingConcurrencySlot" in [s["name"] for s in history]
    assert _interval(stack, second)[0] >= _interval(stack, first)[1]  # the whole run, load and checks included
    assert _interval(stack, second, "load")[0] >= _interval(stack, first, "load")[1]
    # the first run loaded both pages; the second, started after it, skipped them by their watermark
    assert "| 2 | 0 | 0 | 0 | 0 |" in stack.artifacts(first)["briefings-summary"]
    assert "| 0 | 0 | 2 | 0 | 0 |" in stack.artifacts(second)["briefings-summary"]
    assert [site.hits(p) for p in (SESSION12_PATH, SYNTHETIC_PATH)] == [1, 1]
    con = open_reader(warehouse)
    try:
        assert con.execute("SELECT count(*), sum(turn_count) FROM briefings").fetchall() == [(2, 32)]
    finally:
        con.close()
