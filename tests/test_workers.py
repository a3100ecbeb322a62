"""Scale-out: collect on a Dask cluster of 2 worker processes, politeness held across them.

A loopback column of 40 synthetic pages (``bench.synth``, derived from the real session-12 page) at
a 0.2 s per-host interval: 2 workers load tables with the same checksums as 1 worker, and the
server's request log never has two requests closer than the interval, whichever process sent them;
a reparse on 2 workers leaves the tables as they were; a worker killed mid-run loses nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading

import pytest

from bench.synth import write_site
from tests.conftest import warehouse_checksums as _checksums
from tests.site_server import SiteServer

pytestmark = pytest.mark.slow

INTERVAL_S = 0.2
TIMEOUT_S = 5.0  # a killed worker's slot frees itself after hold_limit_s(TIMEOUT_S, INTERVAL_S)
PAGES = 40


@pytest.fixture(scope="module")
def column(tmp_path_factory):
    """The 40-page column (two list pages) served on 127.0.0.1 at the portal's paths."""
    root = tmp_path_factory.mktemp("site")
    site = write_site(root, PAGES, per_page=20)
    base = root / site.host
    pages = {"/" + str(p.relative_to(base)): p.read_bytes() for p in base.rglob("*.shtml")}
    server = SiteServer(pages).start()
    yield server
    server.stop()




def _kill_a_worker_after(site: SiteServer, detail_hits: int, killed: list[int], stop: threading.Event) -> None:
    """SIGKILL one Dask worker process (a spawned child of this process) once ``detail_hits`` pages were fetched."""
    import psutil

    while not stop.wait(0.05):
        if sum(1 for h in list(site.log) if "/t2024" in h.path) < detail_hits:
            continue
        workers = []
        for child in psutil.Process().children(recursive=True):
            try:
                if "spawn_main" in " ".join(child.cmdline()):
                    workers.append(child)
            except psutil.Error:  # ended meanwhile
                continue
        if workers:
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)
            return


def _gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in zip(ordered, ordered[1:])]


def test_two_workers_load_what_one_loads_and_keep_the_interval_across_processes(
    prefect_harness, column, monkeypatch, tmp_path
):
    from flows.collect import collect
    from flows.reparse import reparse
    from prefect.client.orchestration import get_client
    from tasks.politeness import hold_limit_s, limit_name

    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", str(INTERVAL_S))
    monkeypatch.setenv("BRIEFINGS_TIMEOUT_S", str(TIMEOUT_S))
    results, gaps = {}, {}
    for workers in (1, 2):
        monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / f"data{workers}"))
        column.log.clear()
        warehouse = tmp_path / f"w{workers}" / "briefings.duckdb"
        summary = collect(source=column.source, warehouse=str(warehouse), workers=workers)
        assert (summary["loaded"], summary["failed"], summary["blocked"]) == (PAGES, 0, 0)
        hits = list(column.log)
        assert sorted(h.path for h in hits if "/t2024" in h.path) == sorted(
            p for p in column.pages if "/t2024" in p)  # every detail page fetched once
        results[workers] = _checksums(warehouse)
        gaps[workers] = _gaps([h.at for h in hits])
    # Across both worker processes and the flow's (list pages), never closer than the interval.
    assert min(gaps[2]) >= INTERVAL_S, sorted(gaps[2])[:5]
    assert results[2] == results[1]
    assert {"briefings", "turns", "indicators"} <= set(results[2])

    shutil.rmtree(tmp_path / "data2" / "staging")  # so that the workers parse every page again
    # full: a reparse skips a page whose parser version is current unless told otherwise (issue 15)
    again = reparse(warehouse=str(tmp_path / "w2" / "briefings.duckdb"), workers=2, full=True)
    assert (again["unchanged"], again["failed"]) == (PAGES, 0)
    assert _checksums(tmp_path / "w2" / "briefings.duckdb") == results[1]
    assert len(list((tmp_path / "data2" / "staging").glob("*.json"))) == PAGES

    # SIGKILL one worker process mid-run: Dask reschedules its task on a restarted worker and the run
    # loses nothing.
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data3"))
    column.log.clear()
    killed: list[int] = []
    stop = threading.Event()
    threading.Thread(target=_kill_a_worker_after, args=(column, 10, killed, stop), daemon=True).start()
    try:
        survived = collect(source=column.source, warehouse=str(tmp_path / "w3" / "briefings.duckdb"), workers=2)
    finally:
        stop.set()
    assert killed, "no worker process was killed"
    assert (survived["loaded"], survived["failed"], survived["blocked"]) == (PAGES, 0, 0)
    assert _checksums(tmp_path / "w3" / "briefings.duckdb") == results[1]

    with get_client(sync_client=True) as client:  # the 2-worker run spaced them on Prefect's server
        limit = client.read_global_concurrency_limit_by_name(limit_name("127.0.0.1"))
    assert (limit.limit, limit.active) == (1, True)
    assert limit.slot_decay_per_second == pytest.approx(1 / hold_limit_s(TIMEOUT_S, INTERVAL_S))


def test_a_host_turn_is_held_until_the_interval_after_its_request_ended(prefect_harness):
    """Two limiters (as two worker processes would have): the second gets the host only
    ``INTERVAL_S`` after the first one's request ended, however long that request stalled."""
    import time

    from tasks.politeness import PrefectHostLimiter

    first, second = PrefectHostLimiter(TIMEOUT_S), PrefectHostLimiter(TIMEOUT_S)
    entered: list[float] = []
    with first.turn("turns.example", INTERVAL_S):
        other = threading.Thread(target=lambda: entered.append(second.wait("turns.example", INTERVAL_S)))
        other.start()
        time.sleep(0.5)  # a request stalled between getting its turn and its response
        ended = time.monotonic()
    other.join(30)
    waited_until = time.monotonic()
    assert entered and entered[0] >= 0.5 + INTERVAL_S
    assert waited_until - ended >= INTERVAL_S
    with second.turn("other.example", INTERVAL_S):  # other hosts are not held
        pass
    first.close()
    second.close()


def test_a_slot_whose_holder_died_frees_itself_after_the_hold_limit(prefect_harness):
    import time

    from prefect.client.orchestration import get_client
    from tasks.politeness import PrefectHostLimiter, hold_limit_s, limit_name

    limiter = PrefectHostLimiter(timeout_s=0.5)
    with limiter.turn("dead.example", 0.1):  # creates the limit
        pass
    limiter.close()  # gives back the slot it kept for a next request
    with get_client(sync_client=True) as client:  # a holder that never gives the slot back
        client.increment_concurrency_slots(names=[limit_name("dead.example")], slots=1, mode="concurrency")
    taken = time.monotonic()
    limiter.wait("dead.example", 0.1)
    waited = time.monotonic() - taken
    limiter.close()
    assert hold_limit_s(0.5, 0.1) - 1.0 <= waited <= hold_limit_s(0.5, 0.1) + 5.0


def test_a_process_keeps_the_slot_for_a_burst_then_lets_another_have_it(prefect_harness):
    """One limiter asks for turns back to back for three bursts; another that asks meanwhile gets
    the host at a burst's end while the first still asks (the end of the burst it asked in, or of
    the next one if a loaded server made it miss that hand-over), and no two turns are closer than
    the interval."""
    import time

    from tasks.politeness import PrefectHostLimiter, burst_s

    busy, other = PrefectHostLimiter(TIMEOUT_S), PrefectHostLimiter(TIMEOUT_S)
    burst = burst_s(INTERVAL_S)
    starts: list[tuple[str, float]] = []
    with busy.turn("burst.example", INTERVAL_S):  # creates the limit and takes the slot
        starts.append(("busy", time.monotonic()))
    began = time.monotonic()

    def keep_busy() -> None:
        while time.monotonic() - began < 3 * burst:
            with busy.turn("burst.example", INTERVAL_S):
                starts.append(("busy", time.monotonic()))

    runner = threading.Thread(target=keep_busy)
    runner.start()
    time.sleep(0.05)
    asked = time.monotonic()
    with other.turn("burst.example", INTERVAL_S):
        got = time.monotonic()
        starts.append(("other", got))
    runner.join(60)
    busy.close()
    other.close()
    assert got - asked <= 2 * burst + 3 * INTERVAL_S
    assert got - began < 3 * burst  # while busy still asked
    assert sum(1 for who, t in starts if who == "busy" and t < got) >= 8  # it kept the slot between its turns
    ordered = sorted(t for _, t in starts)
    assert min(b - a for a, b in zip(ordered, ordered[1:])) >= INTERVAL_S
