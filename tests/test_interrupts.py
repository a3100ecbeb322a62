"""Interrupting a query and closing its pipe, through the installed command (issue 25, item 3 and the
broken pipe of item 14): ``sql`` stopped by SIGINT or SIGTERM exits 130 / 143 with one line, and a reader
that closed the pipe (``| head``) ends the command quietly with exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.look_fixtures import build_snapshot_warehouse

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))
LONG_QUERY = "SELECT count(*) FROM range(100000000000)"  # minutes of work: only a signal ends it


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("interrupts") / "briefings.duckdb")


def _wait_until_open(proc: subprocess.Popen, path: Path, timeout_s: float = 60.0) -> None:
    """Wait until ``proc`` holds ``path`` open (its query is about to run or running)."""
    deadline = time.monotonic() + timeout_s
    fd_dir = Path(f"/proc/{proc.pid}/fd")
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            if any(os.readlink(fd) == str(path) for fd in fd_dir.iterdir()):
                return
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"{path} never opened")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_sql_exits_128_plus_it_with_one_line(warehouse: Path, signum: int, code: int) -> None:
    proc = subprocess.Popen([BRIEFINGS, "sql", LONG_QUERY, "--warehouse", str(warehouse)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_open(proc, warehouse)
        time.sleep(1.0)  # into the query
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert out == ""
    assert err == f"cancelled by {signal.Signals(signum).name}\n"


@pytest.mark.parametrize("argv", [
    ["query", "turns", "--param", "session=12"],
    ["query", "turns", "--param", "session=12", "--format", "csv"],
    ["query", "turns", "--param", "session=12", "--format", "json"],
    ["sql", "SELECT * FROM turns ORDER BY turn_no", "--format", "records"],
    ["search", "新质生产力"],
    ["queries"],
], ids=lambda argv: " ".join(argv[:1] + argv[-1:]))
def test_a_closed_pipe_ends_the_command_quietly_with_0(warehouse: Path, argv: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head` that has already left: every write gets EPIPE
    try:
        done = subprocess.run([BRIEFINGS, *argv, *(["--warehouse", str(warehouse)] if argv[0] != "queries" else [])],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")
