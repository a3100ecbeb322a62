"""Dask settings are checked before a run starts (issue 25, item 13), with the real command.

A ``--dask-address`` where no scheduler listens, and ``--workers`` beside an address, are bad
settings: exit 2 with one line naming them, before Prefect starts or anything is created. Before,
the dead address was found after discovery (58 s, exit 1) and ``--workers`` was ignored.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.errors import ExitCode

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFINGS_", "DASK_"))} | {
        "BRIEFINGS_DATA_DIR": str(tmp_path / "data"), "BRIEFINGS_WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
    }
    return subprocess.run([BRIEFINGS, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port where nothing listens (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def listening_port():
    """A 127.0.0.1 port that accepts connections while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["collect", "reparse"])
def test_a_dask_address_where_no_scheduler_listens_exits_2_before_anything_starts(command, closed_port, tmp_path):
    address = f"tcp://127.0.0.1:{closed_port}"
    out = _run([command, "--dask-address", address], tmp_path)
    assert out.returncode == ExitCode.USAGE == 2, out.stderr
    assert out.stderr == (
        f"bad setting BRIEFINGS_DASK_ADDRESS (--dask-address)='{address}': no Dask scheduler answers there "
        "(Connection refused, within 5 s); allowed: the address of a running Dask scheduler, tcp://HOST:PORT\n")
    assert out.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no Prefect home, no warehouse


def test_workers_beside_a_dask_address_is_refused(listening_port, tmp_path):
    address = f"tcp://127.0.0.1:{listening_port}"
    out = _run(["collect", "--workers", "2", "--dask-address", address], tmp_path)
    assert out.returncode == 2, out.stderr
    assert out.stderr == (
        f"bad setting BRIEFINGS_WORKERS (--workers)='2' beside BRIEFINGS_DASK_ADDRESS (--dask-address)='{address}': "
        "the cluster at the address has its own workers; allowed: one of the two (--workers for local Dask "
        "worker processes, --dask-address for an existing cluster)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
