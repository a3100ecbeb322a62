"""``briefings collect --workers 2`` stopped by SIGTERM while a chunk runs on a Dask worker, and a
quiet Dask run (issue 25, item 13), with the real command on the loopback column.

While a Dask worker waits for a detail page the column holds, SIGTERM ends collect with 143, the
run is recorded ``cancelled`` in ``fetch``, and every process it started (the Prefect server, the
Dask worker processes) is gone within 5 s. Before, the signal surfaced as
``PydanticSerializationError … TerminationSignal``, exit 1, run ``failed``. The rerun completes, and
neither run prints Dask's own ``distributed.*`` log lines or a traceback.
"""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.test_lifetime import LONG_PATH, Collect, HoldingSite, _runs, slow_column
from tests.site_server import SESSION12_PATH

pytestmark = pytest.mark.slow

DASK = {"BRIEFINGS_WORKERS": "2"}


@pytest.fixture
def site():
    server = HoldingSite(slow_column()).start()
    yield server
    server.stop()


def _quiet(lines: list[str]) -> None:
    noise = [line for line in lines if "distributed." in line or "Traceback" in line or "Error" in line]
    assert noise == [], "\n".join(lines)


def test_sigterm_while_a_chunk_runs_on_dask_cancels_the_run_and_a_dask_run_prints_no_dask_logs(site, tmp_path):
    warehouse, data_dir = tmp_path / "w.duckdb", tmp_path / "data"
    site.hold(SESSION12_PATH, LONG_PATH)
    run = Collect(site, warehouse, data_dir, env=DASK)
    try:
        run.wait_for_held_request(site, timeout_s=600)  # a worker's chunk is fetching
        started = run.descendants()
        assert len(started) >= 3, started  # the Prefect server and two Dask worker processes
        code, _ = run.signal_and_reap(signal.SIGTERM, site, started)
    finally:
        run.cleanup()
    time.sleep(0.5)  # the reader threads have the last lines
    assert code == 143, "\n".join(run.lines)
    assert run.lines[-1] == ("cancelled by SIGTERM: the briefings loaded before it are kept; "
                             "`briefings runs` shows the run")
    _quiet(run.lines)
    latest = _runs(warehouse)[0]
    assert (latest["status"], latest["stopped_in"]) == ("cancelled", "fetch")

    again = Collect(site, warehouse, data_dir, env=DASK).succeeds(timeout_s=900)
    time.sleep(0.5)
    _quiet(again.lines)
    summary = json.loads(again.stdout)
    assert (summary["loaded"], summary["failed"], summary["blocked"]) == (3, 0, 0)
