"""Politeness across the processes of one machine (issue 25, item 5).

Two processes fetch the same four pages of the loopback column from 127.0.0.1 at the same moment,
each with its own ``Fetcher`` (as two ``briefings collect`` runs on one machine do) and one data
folder. The server's request log must never show two requests closer than the interval, whichever
process sent them. Before the per-host lock files each process kept its own clock, and both sent
their first request at once.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from briefings.settings import PROJECT_ROOT
from tests.site_server import LIST2_PATH, LIST_PATH, SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site

INTERVAL_S = 0.3
PATHS = (LIST_PATH, LIST2_PATH, SESSION12_PATH, SYNTHETIC_PATH)

FETCHER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from briefings.fetching.client import make_fetcher
    from briefings.settings import Settings

    base, data_dir, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(source=base + {first!r}, allowed_hosts=("127.0.0.1",), live=True, data_dir=data_dir,
                        min_interval_s={interval!r}, timeout_s=5.0, deadline_s=10.0).normalised()
    with make_fetcher(settings) as fetcher:
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.002)
        for path in {paths!r}:
            assert fetcher.fetch(base + path).record.status == 200
    print("done", flush=True)
""").format(root=str(PROJECT_ROOT), first=LIST_PATH, interval=INTERVAL_S, paths=PATHS)


@pytest.fixture
def column():
    server = SiteServer(column_site()).start()
    yield server
    server.stop()


def test_two_processes_of_one_machine_never_send_to_one_host_closer_than_the_interval(column, tmp_path):
    go = tmp_path / "go"
    base = f"http://127.0.0.1:{column.port}"
    procs = [subprocess.Popen([sys.executable, "-c", FETCHER, base, str(tmp_path / "data"), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        go.touch()  # both start now
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert (proc.returncode, out.strip()) == (0, "done"), err
    finally:
        for proc in procs:
            proc.kill()
    arrivals = sorted(hit.at for hit in column.log)
    assert sorted(hit.path for hit in column.log) == sorted(PATHS * 2)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= INTERVAL_S, [round(g, 3) for g in gaps]
    assert sorted(p.name for p in (tmp_path / "data" / "hosts").iterdir()) == ["127.0.0.1.lock"]
