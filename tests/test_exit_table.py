"""The README's exit-code table holds for every command (issue 25, "Done when"): each command is walked
through each row that applies to it (damaged, missing, locked, unwritable, interrupted, bad flag, bad
setting), driving the installed ``briefings`` in a subprocess, on the real session-12 warehouse.

Where a row does not apply it is left out: ``collect`` makes a missing warehouse (that is its job),
readers write nothing (no "unwritable"), ``parse``/``extract``/``queries`` use no warehouse. Interrupting
``collect`` and ``reparse`` is walked by tests/test_lifetime.py (every step, SIGTERM and SIGKILL), and
a signal during a long ``sql`` query by tests/test_interrupts.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefings.errors import ExitCode
from tests.conftest import warehouse_held_by_another_process
from tests.look_fixtures import build_snapshot_warehouse
from tests.test_unwritable import read_only  # noqa: F401  (fixture: an unwritable folder)

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))

WAREHOUSE_COMMANDS: dict[str, list[str]] = {
    "collect": ["collect"],
    "reparse": ["reparse"],
    "query": ["query", "turns", "--param", "session=12"],
    "sql": ["sql", "SELECT * FROM turns ORDER BY turn_no"],
    "search": ["search", "新质生产力"],
    "export": ["export", "{tmp}/out"],
    "report": ["report", "--out", "{tmp}/r.html"],
    "runs": ["runs"],
}
READERS = ["query", "sql", "search", "export", "report", "runs"]
OTHER_COMMANDS: dict[str, list[str]] = {
    "parse": ["parse", "{seed}"],
    "extract": ["extract", "{seed}"],
    "queries": ["queries"],
    "doctor": ["doctor", "--no-launch"],
    "alerts setup": ["alerts", "setup", "--webhook", "https://hooks.example.org/briefings"],
    "alerts remove": ["alerts", "remove"],
}
# Starting Prefect's server first makes these slow (collect and reparse wait for the lock in their flow).
SLOW = {("locked", "collect"), ("locked", "reparse")}


def _params(row: str, commands: list[str]) -> list:
    return [pytest.param(c, marks=pytest.mark.slow) if (row, c) in SLOW else c for c in commands]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("table") / "briefings.duckdb")


@pytest.fixture
def warehouse(good: Path, tmp_path: Path) -> Path:
    """A copy of the real warehouse this test may lock or break."""
    copy = tmp_path / "w" / "briefings.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(good.read_bytes())
    return copy


def argv_of(command: str, warehouse: Path | None, tmp_path: Path) -> list[str]:
    from briefings.settings import SEED_TEXT_PATH

    template = WAREHOUSE_COMMANDS.get(command) or OTHER_COMMANDS[command]
    argv = [a.format(tmp=tmp_path, seed=SEED_TEXT_PATH) for a in template]
    return argv + (["--warehouse", str(warehouse)] if warehouse is not None and command in WAREHOUSE_COMMANDS else [])


def run(argv: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "BRIEFINGS_DATA_DIR": str(tmp_path / "data"), "BRIEFINGS_LOCK_WAIT_S": "0.5", **env}
    environment.pop("PREFECT_API_URL", None)  # collect and reparse start their own local server
    return subprocess.run([BRIEFINGS, *argv], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env=environment)


def last_line(out: subprocess.CompletedProcess[str]) -> str:
    lines = out.stderr.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.mark.parametrize("command", _params("damaged", list(WAREHOUSE_COMMANDS)))
def test_damaged_exits_7(command: str, warehouse: Path, tmp_path: Path) -> None:
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[:len(data) // 2])  # cut short, as a full disk or `head -c` leaves it
    out = run(argv_of(command, warehouse, tmp_path), tmp_path)
    assert out.returncode == ExitCode.WAREHOUSE_UNREADABLE, out.stderr
    assert last_line(out).startswith(f"cannot open warehouse {warehouse}: the file is damaged (truncated: ")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("command", [c for c in WAREHOUSE_COMMANDS if c != "collect"])
def test_missing_exits_2_and_creates_nothing(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    out = run(argv_of(command, missing, tmp_path), tmp_path)
    assert out.returncode == ExitCode.USAGE, out.stderr
    assert last_line(out) == f"no warehouse at {missing}: run `briefings collect` first (or pass --warehouse)"
    assert not missing.exists()


@pytest.mark.parametrize("command", _params("locked", list(WAREHOUSE_COMMANDS)))
def test_locked_exits_4_naming_the_holder(command: str, warehouse: Path, tmp_path: Path) -> None:
    with warehouse_held_by_another_process(warehouse) as pid:
        out = run(argv_of(command, warehouse, tmp_path), tmp_path)
    assert out.returncode == ExitCode.LOCKED, out.stderr
    assert f"warehouse {warehouse} is locked by PID {pid} " in last_line(out)


@pytest.mark.parametrize("command", ["collect", "reparse", "export", "report"])
def test_unwritable_exits_8_naming_what(command: str, read_only: Path, tmp_path: Path) -> None:  # noqa: F811
    if command in ("collect", "reparse"):  # the warehouse's folder
        out = run(argv_of(command, read_only / "briefings.duckdb", tmp_path), tmp_path)
        expected = f"cannot write the warehouse folder {read_only}: "
    else:  # the output
        warehouse = build_snapshot_warehouse(tmp_path / "w.duckdb")
        out = run(argv_of(command, warehouse, read_only), tmp_path)  # DIR or --out inside the folder
        expected = f"cannot write the {command} to {read_only / ('out' if command == 'export' else 'r.html')}: "
    assert out.returncode == ExitCode.OUTPUT_UNWRITABLE, out.stderr
    assert last_line(out).startswith(expected)


def _caught_signals(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.M).group(1), 16)


def _wait_for_handlers(proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    """Wait until ``proc`` catches SIGTERM: ``briefings.lifetime`` installed its handlers, the command runs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if _caught_signals(proc.pid) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.02)
    raise AssertionError("the command never installed its signal handlers")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, ExitCode.INTERRUPTED),
                                             (signal.SIGTERM, ExitCode.TERMINATED)], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", [*READERS, "extract -"])
def test_interrupted_exits_128_plus_the_signal(command: str, signum: int, code: int, warehouse: Path,
                                               tmp_path: Path) -> None:
    """The readers are stopped while they wait for a writer's lock (3 s), ``extract -`` while it waits for
    its standard input: a state each stays in, so the signal lands in the command, not before it."""
    argv = ["extract", "-"] if command == "extract -" else argv_of(command, warehouse, tmp_path)
    with warehouse_held_by_another_process(warehouse):
        proc = subprocess.Popen([BRIEFINGS, *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        try:
            _wait_for_handlers(proc)
            time.sleep(0.2)
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"cancelled by {signal.Signals(signum).name}"
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("command", [*WAREHOUSE_COMMANDS, *OTHER_COMMANDS])
def test_a_bad_flag_exits_2(command: str, tmp_path: Path) -> None:
    out = run([*argv_of(command, None, tmp_path), "--nosuch"], tmp_path)
    assert out.returncode == ExitCode.USAGE, out.stderr
    assert "No such option: --nosuch" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("command", [*WAREHOUSE_COMMANDS, "parse", "extract"])
def test_a_bad_setting_exits_2_with_one_line(command: str, warehouse: Path, tmp_path: Path) -> None:
    setting, value, allowed = (("BRIEFINGS_MAX_BODY_BYTES", "x", "bytes, an integer >= 1")
                               if command in ("parse", "extract") else
                               ("BRIEFINGS_LOCK_WAIT_S", "soon", "seconds, a number >= 0"))
    out = run(argv_of(command, warehouse, tmp_path), tmp_path, **{setting: value})
    assert (out.returncode, out.stdout) == (ExitCode.USAGE, ""), out.stderr
    assert out.stderr == f"bad setting {setting}={value!r}: allowed: {allowed}\n"
    assert not (tmp_path / "data").exists() and not (tmp_path / "out").exists()
