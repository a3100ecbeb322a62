"""Crash safety and locking with real processes: SIGKILL mid-load, and a writer holding the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from briefings.errors import BriefingsError, WarehouseLockedError
from briefings.settings import PROJECT_ROOT
from tests.warehouse_fixtures import session12, synthetic_briefing, synthetic_url
from warehouse.checks import run_checks
from warehouse.connect import open_reader, open_writer, publish_read_copy, read_copy_path
from warehouse.load import table_checksums, upsert_briefing

N_BRIEFINGS = 8
STALL_AT = 5  # the loader stops inside the 5th briefing's transaction and is killed there

LOADER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.warehouse_fixtures import session12, synthetic_briefing
    import warehouse.load as load
    from warehouse.connect import open_writer

    path, n, stall_at = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    base = session12()
    con = open_writer(path)
    counts = load._current_counts
    state = {{"i": 0}}

    def stall(con, briefing_id):  # runs inside the transaction, after every write of the briefing
        if state["i"] == stall_at:
            print("STALLED", briefing_id, flush=True)
            time.sleep(600)
        return counts(con, briefing_id)

    load._current_counts = stall
    for i in range(1, n + 1):
        state["i"] = i
        parsed, url, sha = synthetic_briefing(i, base)
        load.upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id="crash-run")
        print("LOADED", i, flush=True)
""").format(root=str(PROJECT_ROOT))

BATCH_LOADER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.warehouse_fixtures import session12, synthetic_briefing
    import warehouse.load as load
    from warehouse.connect import open_writer

    path, n, size, stall_at = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    base = session12()
    con = open_writer(path)
    counts = load._current_counts
    state = {{"batch": 0}}

    def stall(con, briefing_ids):  # runs inside the batch's transaction, after every merge
        if state["batch"] == stall_at:
            print("STALLED", len(briefing_ids), flush=True)
            time.sleep(600)
        return counts(con, briefing_ids)

    load._current_counts = stall
    pages = [load.BatchPage(*synthetic_briefing(i, base)) for i in range(1, n + 1)]
    for b, start in enumerate(range(0, n, size), start=1):
        state["batch"] = b
        results = load.load_batch(con, pages[start:start + size], run_id="crash-run")
        print("LOADED", b, [r.action for r in results].count("inserted"), flush=True)
""").format(root=str(PROJECT_ROOT))

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from warehouse.connect import open_writer
    con = open_writer(Path(sys.argv[1]))
    print("HOLDING", flush=True)
    time.sleep(600)
""").format(root=str(PROJECT_ROOT))


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=PROJECT_ROOT)


def _wait_for(proc: subprocess.Popen, marker: str) -> list[str]:
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if line.startswith(marker):
            return lines
    raise AssertionError(f"process ended before {marker!r}: {lines} {proc.stderr.read()}")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.slow
def test_sigkill_mid_load_leaves_no_partial_briefing(fresh_warehouse):
    proc = _start(LOADER, str(fresh_warehouse), str(N_BRIEFINGS), str(STALL_AT))
    try:
        lines = _wait_for(proc, "STALLED")
    finally:
        _kill(proc)
    assert lines[:STALL_AT - 1] == [f"LOADED {i}" for i in range(1, STALL_AT)]
    assert proc.returncode == -signal.SIGKILL

    con = open_writer(fresh_warehouse)  # reopening replays the WAL
    try:
        committed = STALL_AT - 1
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(committed,)]
        stalled_id = "hubei.gov.cn:t20240305_9000005"
        for table in ("briefings", "turns", "guests", "appearances", "qa_pairs", "indicators", "turns_history",
                      "briefing_versions"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE briefing_id = ?", [stalled_id]).fetchall() == [
                (0,)], table
        per_briefing = con.execute("SELECT briefing_id, count(*) FROM turns GROUP BY ALL").fetchall()
        assert sorted(n for _, n in per_briefing) == [16] * committed
        assert [r for r in run_checks(con, "after-crash") if r.status == "fail"] == []

        # rerun the whole load: committed pages are unchanged, the rest arrive whole
        base = session12()
        actions = []
        for i in range(1, N_BRIEFINGS + 1):
            parsed, url, sha = synthetic_briefing(i, base)
            actions.append(upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id="rerun").action)
        assert actions == ["unchanged"] * committed + ["inserted"] * (N_BRIEFINGS - committed)
        counts = dict(con.execute(
            "SELECT 'briefings', count(*) FROM briefings UNION ALL SELECT 'turns', count(*) FROM turns "
            "UNION ALL SELECT 'guests', count(*) FROM guests UNION ALL SELECT 'qa_pairs', count(*) FROM qa_pairs "
            "UNION ALL SELECT 'indicators', count(*) FROM indicators "
            "UNION ALL SELECT 'versions', count(*) FROM briefing_versions").fetchall())
        assert counts == {"briefings": N_BRIEFINGS, "turns": 16 * N_BRIEFINGS, "guests": 6 * N_BRIEFINGS,
                          "qa_pairs": 6 * N_BRIEFINGS, "indicators": len(base.mentions) * N_BRIEFINGS,
                          "versions": N_BRIEFINGS}
        assert sorted(r[0] for r in con.execute("SELECT url FROM briefings").fetchall()) == sorted(
            synthetic_url(i) for i in range(1, N_BRIEFINGS + 1))
        sums = table_checksums(con)
    finally:
        con.close()

    # the same result as a clean load in one go
    clean = fresh_warehouse.with_name("clean.duckdb")
    con = open_writer(clean)
    try:
        for i in range(1, N_BRIEFINGS + 1):
            parsed, url, sha = synthetic_briefing(i, base)
            upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id="clean")
        assert table_checksums(con) == sums
    finally:
        con.close()


BATCH_PAGES, BATCH_SIZE = 150, 50


@pytest.mark.slow
def test_sigkill_during_a_batch_load_leaves_no_partial_briefing_and_the_rerun_matches_a_clean_load(
        fresh_warehouse):
    from warehouse.load import BatchPage, load_batch

    proc = _start(BATCH_LOADER, str(fresh_warehouse), str(BATCH_PAGES), str(BATCH_SIZE), "2")
    try:
        lines = _wait_for(proc, "STALLED")
    finally:
        _kill(proc)
    assert lines == ["LOADED 1 50", "STALLED 50"]
    assert proc.returncode == -signal.SIGKILL

    base = session12()
    pages = [BatchPage(*synthetic_briefing(i, base)) for i in range(1, BATCH_PAGES + 1)]
    con = open_writer(fresh_warehouse)  # reopening replays the WAL
    try:
        # the first batch is there whole; of the second, killed after all its merges, nothing at all
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(BATCH_SIZE,)]
        for table in ("briefings", "turns", "guests", "appearances", "qa_pairs", "indicators", "turns_history",
                      "indicators_history", "briefings_history", "briefing_versions"):
            assert con.execute(f"SELECT count(DISTINCT briefing_id) FROM {table}").fetchall() == [(BATCH_SIZE,)], table
        assert sorted(n for _, n in con.execute("SELECT briefing_id, count(*) FROM turns GROUP BY ALL").fetchall()) == [
            16] * BATCH_SIZE
        assert [r for r in run_checks(con, "after-crash") if r.status == "fail"] == []

        actions = []
        for start in range(0, BATCH_PAGES, BATCH_SIZE):
            actions += [r.action for r in load_batch(con, pages[start:start + BATCH_SIZE], run_id="rerun")]
        assert actions == ["unchanged"] * BATCH_SIZE + ["inserted"] * (BATCH_PAGES - BATCH_SIZE)
        sums = table_checksums(con)
    finally:
        con.close()

    clean = fresh_warehouse.with_name("clean.duckdb")
    con = open_writer(clean)
    try:
        for start in range(0, BATCH_PAGES, BATCH_SIZE):
            load_batch(con, pages[start:start + BATCH_SIZE], run_id="clean")
        assert table_checksums(con) == sums
    finally:
        con.close()


@pytest.fixture()
def held_warehouse(fresh_warehouse):
    """A warehouse with one briefing, a read copy published, and a writer process holding the file."""
    con = open_writer(fresh_warehouse)
    parsed, url, sha = synthetic_briefing(1)
    upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id="run-1")
    publish_read_copy(con)
    con.close()
    proc = _start(HOLDER, str(fresh_warehouse))
    try:
        _wait_for(proc, "HOLDING")
        yield fresh_warehouse, proc.pid
    finally:
        _kill(proc)


@pytest.mark.slow
def test_reader_gets_locked_error_naming_the_holder(held_warehouse):
    path, pid = held_warehouse
    with pytest.raises(WarehouseLockedError) as info:
        open_reader(path, lock_wait_s=0.3)
    err = info.value
    assert err.holder is not None and f"PID {pid}" in err.holder
    assert f"PID {pid}" in str(err)
    assert str(read_copy_path(path)) in str(err) and "briefings export" in str(err)
    assert err.path == str(path)
    read_copy_path(path).unlink()
    with pytest.raises(WarehouseLockedError, match="no read copy is published yet"):
        open_reader(path, lock_wait_s=0.1)


@pytest.mark.slow
def test_second_writer_gets_locked_error(held_warehouse):
    path, pid = held_warehouse
    with pytest.raises(WarehouseLockedError, match=f"PID {pid}"):
        open_writer(path, lock_wait_s=0.3)


@pytest.mark.slow
def test_read_copy_is_readable_while_the_writer_holds_the_file(held_warehouse):
    path, _ = held_warehouse
    copy = read_copy_path(path)
    assert copy == path.with_name("briefings.read.duckdb")
    con = open_reader(copy)
    try:
        assert con.execute("SELECT count(*) FROM turns").fetchall() == [(16,)]
    finally:
        con.close()


def test_reader_of_a_free_file_is_read_only(fresh_warehouse):
    open_writer(fresh_warehouse).close()
    con = open_reader(fresh_warehouse, lock_wait_s=0.1)
    try:
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(0,)]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM briefings")
    finally:
        con.close()


def test_reader_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(BriefingsError, match="no warehouse at"):
        open_reader(tmp_path / "absent.duckdb")


def test_publish_read_copy_from_a_path(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    parsed, url, sha = synthetic_briefing(2)
    upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id="run-1")
    con.close()
    target = publish_read_copy(Path(fresh_warehouse))
    assert target == fresh_warehouse.with_name("briefings.read.duckdb")
    reader = open_reader(target)
    try:
        assert reader.execute("SELECT city FROM briefings").fetchall() == [("神农架",)]
        assert reader.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] >= 3
    finally:
        reader.close()
