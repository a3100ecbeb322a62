"""A damaged, foreign, empty or missing warehouse, and bad settings, through the installed command
(issue 25, items 2, 4, 9 and 10): each ends with the README's code and one line, in a subprocess.

The warehouse is the real session-12 load (``tests.look_fixtures``); "damaged" is that file cut
short (as ``head -c`` or a full disk leaves it) or with bytes of its data blocks overwritten.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.look_fixtures import build_snapshot_warehouse

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))
BLOCK = 262144  # DuckDB's block size in these files
HEADERS = 3 * 4096


def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``briefings ARGV`` as a user runs it; ``env`` is added to this process's environment."""
    return subprocess.run([BRIEFINGS, *argv], capture_output=True, text=True, timeout=180, cwd=cwd,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("good") / "briefings.duckdb")


@pytest.fixture(scope="module")
def truncated(good: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse cut after 3,000,000 bytes (``head -c 3000000``): the issue's reproduction."""
    path = tmp_path_factory.mktemp("cut") / "t.duckdb"
    path.write_bytes(good.read_bytes()[:3_000_000])
    return path


@pytest.fixture(scope="module")
def corrupt(good: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse with 64 bytes of every data block from the third on overwritten (same size)."""
    path = tmp_path_factory.mktemp("corrupt") / "c.duckdb"
    data = bytearray(good.read_bytes())
    for offset in range(HEADERS + 2 * BLOCK + 100, len(data), BLOCK):
        data[offset:offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    return path


READERS = {
    "sql": ["sql", "SELECT * FROM turns ORDER BY turn_no"],
    "query": ["query", "turns", "--param", "session=12"],
    "search": ["search", "新质生产力"],
    "export": ["export", "{tmp}/out"],
    "report": ["report", "--out", "{tmp}/r.html"],
    "runs": ["runs"],
    "reparse": ["reparse"],
}


@pytest.mark.parametrize("command", READERS)
def test_a_truncated_warehouse_exits_7_from_every_command(command: str, good: Path, truncated: Path,
                                                           tmp_path: Path) -> None:
    argv = [a.format(tmp=tmp_path) for a in READERS[command]]
    out = run(*argv, "--warehouse", str(truncated), cwd=tmp_path)
    assert out.returncode == 7, out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        f"cannot open warehouse {truncated}: the file is damaged (truncated: 3000000 bytes where its blocks "
        f"in use need {good.stat().st_size}); restore it from a backup, or collect "
        f"into a new file")
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("command", ["sql", "query", "search", "export", "report"])
def test_a_warehouse_with_damaged_blocks_exits_7_when_a_command_reads_them(command: str, corrupt: Path,
                                                                           tmp_path: Path) -> None:
    argv = [a.format(tmp=tmp_path) for a in READERS[command]]
    out = run(*argv, "--warehouse", str(corrupt), cwd=tmp_path)
    assert out.returncode == 7, out.stderr
    assert "Traceback" not in out.stderr
    assert "file is damaged: Corrupt database file: computed checksum" in out.stderr.strip().splitlines()[-1]


def test_an_export_from_a_damaged_warehouse_leaves_the_folder_as_it_was(good: Path, corrupt: Path,
                                                                       tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    assert run("export", str(out_dir), "--warehouse", str(good), cwd=tmp_path).returncode == 0
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert len(before) == 12 and "manifest.json" in before  # 11 mart tables and the manifest
    failed = run("export", str(out_dir), "--warehouse", str(corrupt), cwd=tmp_path)
    assert failed.returncode == 7, failed.stderr
    assert failed.stderr.strip().splitlines()[-1].endswith(f"; nothing was exported to {out_dir}")
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before  # no partial file, no temp folder

    fresh = tmp_path / "fresh"
    assert run("export", str(fresh), "--warehouse", str(corrupt), cwd=tmp_path).returncode == 7
    assert list(fresh.iterdir()) == []


@pytest.mark.parametrize("command", READERS)
def test_a_sqlite_file_as_warehouse_exits_7_and_fetches_no_extension(command: str, tmp_path: Path) -> None:
    sqlite_file = tmp_path / "w.sqlite"
    with sqlite3.connect(sqlite_file) as con:
        con.execute("CREATE TABLE briefings (briefing_id TEXT)")
    home = tmp_path / "home"
    home.mkdir()
    argv = [a.format(tmp=tmp_path) for a in READERS[command]]
    out = run(*argv, "--warehouse", str(sqlite_file), cwd=tmp_path, env={"HOME": str(home)})
    assert out.returncode == 7, out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        f"cannot open warehouse {sqlite_file}: the file is a SQLite database (not a valid DuckDB database file)")
    assert list(home.iterdir()) == []  # DuckDB made no ~/.duckdb/extensions to install sqlite_scanner into


def test_every_warehouse_connection_installs_and_loads_no_extension(good: Path, tmp_path: Path) -> None:
    from warehouse.connect import open_reader, open_writer, publish_read_copy

    copy = tmp_path / "w.duckdb"
    copy.write_bytes(good.read_bytes())
    settings = ("SELECT current_setting('autoinstall_known_extensions'), "
                "current_setting('autoload_known_extensions')")
    for opener in (open_reader, open_writer):
        con = opener(copy)
        try:
            assert con.execute(settings).fetchall() == [(False, False)]
        finally:
            con.close()
    published = publish_read_copy(copy, tmp_path / "read.duckdb")  # its own in-memory connection
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM turns").fetchall() == [(16,)]
    finally:
        con.close()


@pytest.mark.parametrize("setting", ["BRIEFINGS_MAX_ATTEMPTS=0", "BRIEFINGS_LOAD_BATCH_SIZE=abc",
                                     "BRIEFINGS_LOCK_WAIT_S=-5"])
def test_reparse_with_a_bad_setting_exits_2_with_one_line(setting: str, good: Path, tmp_path: Path) -> None:
    name, value = setting.split("=")
    out = run("reparse", "--warehouse", str(good), cwd=tmp_path, env={name: value})
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.startswith(f"bad setting {name}={value!r}: allowed: ")
    assert len(out.stderr.splitlines()) == 1


def test_reparse_of_a_missing_warehouse_creates_nothing_and_says_collect_first(tmp_path: Path) -> None:
    typo = tmp_path / "typo.duckdb"
    out = run("reparse", "--warehouse", str(typo), cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip() == f"no warehouse at {typo}: run `briefings collect` first (or pass --warehouse)"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["runs", "query", "reparse"])
def test_an_empty_duckdb_file_says_collect_first_from_runs_query_and_reparse(command: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    size = empty.stat().st_size
    out = run(*READERS[command], "--warehouse", str(empty), cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip() == f"no warehouse at {empty}: run `briefings collect` first (or pass --warehouse)"
    con = duckdb.connect(str(empty), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]  # still nothing in it
    finally:
        con.close()
    assert empty.stat().st_size == size
