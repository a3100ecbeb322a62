"""One run at a time per warehouse (issue 25, item 5), with the real ``briefings collect``.

A first collect is held in its fetch step by the loopback column (``tests.test_lifetime``'s
``HoldingSite``). A second collect on the same warehouse then either gives up after
``BRIEFINGS_LOCK_WAIT_S`` with exit 4 and a message naming the first run, or waits, says so, and
runs when the first has ended: it finds the first run's pages by their watermark. Neither sends a
request while the first runs. Before the run lock both fetched every page at the same time.
"""

from __future__ import annotations

import json
import time

import pytest

from flows.server import STARTING_LINE
from tests.test_lifetime import LONG_PATH, Collect, HoldingSite, _runs, slow_column
from tests.site_server import SESSION12_PATH
from warehouse.run_lock import run_lock_holder, run_lock_path

pytestmark = pytest.mark.slow


# the first run waits for its held pages as long as the test needs (a loaded machine starts Prefect slowly)
PATIENT = {"BRIEFINGS_TIMEOUT_S": "900", "BRIEFINGS_DEADLINE_S": "900"}


def _details(log: list[str]) -> list[str]:
    """The detail pages (not the list pages) in a loopback site's request log, in order."""
    return [path for path in log if "/2024" in path]


@pytest.fixture
def site():
    server = HoldingSite(slow_column(), hold_s=900).start()
    yield server
    server.stop()


def test_a_second_collect_on_one_warehouse_exits_4_naming_the_first_or_waits_for_it(site, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    site.hold(SESSION12_PATH, LONG_PATH)
    first = Collect(site, warehouse, tmp_path / "data", env=PATIENT)
    runs = [first]
    try:
        deadline = time.monotonic() + 300
        # the first run has asked for all three detail pages (its third, not held, comes a politeness
        # interval after the others) and is held on two of them
        while not (all(e.is_set() for e in site.arrived.values()) and len(_details(site.log)) == 3):
            assert first.proc.poll() is None and time.monotonic() < deadline, "\n".join(first.lines[-40:])
            time.sleep(0.05)
        requested = list(site.log)
        holder = run_lock_holder(warehouse)
        assert (holder["flow"], holder["pid"]) == ("collect", first.proc.pid)

        gives_up = Collect(site, warehouse, tmp_path / "data2", env={"BRIEFINGS_LOCK_WAIT_S": "1"} | PATIENT)
        runs.append(gives_up)
        assert gives_up.proc.wait(timeout=300) == 4, "\n".join(gives_up.lines)
        waits = Collect(site, warehouse, tmp_path / "data3", env={"BRIEFINGS_LOCK_WAIT_S": "600"} | PATIENT)
        runs.append(waits)
        waits.wait_for_line(r"^collect: waiting up to 600 s for collect run ")
        assert site.log == requested  # neither sent a request while the first ran
        site.release()
        assert first.proc.wait(timeout=300) == 0, "\n".join(first.lines[-40:])
        assert waits.proc.wait(timeout=300) == 0, "\n".join(waits.lines[-40:])
        time.sleep(0.5)  # the reader threads have the last output
    finally:
        for run in runs:
            run.cleanup()
    done, after = json.loads(first.stdout), json.loads(waits.stdout)
    named = (f"warehouse {warehouse} is in use by collect run {done['run_id']} (PID {first.proc.pid} on ")
    assert any(line.startswith(named) and "after 1 s (BRIEFINGS_LOCK_WAIT_S)" in line for line in gives_up.lines), \
        gives_up.lines
    assert f"for collect run {done['run_id']} (PID {first.proc.pid} on " in "\n".join(waits.lines)
    assert (done["loaded"], after["loaded"], after["skipped"]) == (3, 0, 3)
    # a run with nothing to do says why it is silent at first (item 14)
    assert waits.lines[0] == STARTING_LINE == "prefect: starting the local API server (a few seconds)"
    detail = _details(site.log)
    assert sorted(detail) == sorted(set(detail)) and len(detail) == 3  # each page fetched once, by the first run
    assert [(r["run_id"], r["status"]) for r in _runs(warehouse)] == [
        (after["run_id"], "succeeded"), (done["run_id"], "succeeded")]
    assert run_lock_path(warehouse).read_text() == ""  # released: nobody holds it
