"""The one table of exit codes: README and ``briefings.errors.ExitCode`` agree, and each command ends
with the code of its failure (bad flags 2, query 5, unreadable warehouse 7, unwritable output 8)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.errors import (
    EXIT_CODE_MEANINGS,
    ConfigError,
    ExitCode,
    OutputError,
    QueryArgumentError,
    QueryError,
    WarehouseLockedError,
    WarehouseUnreadableError,
    exit_code_for,
)
from briefings.settings import PROJECT_ROOT
from tests.look_fixtures import build_snapshot_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("exit") / "briefings.duckdb")


def _readme_exit_codes() -> dict[int, str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return {int(code): meaning for code, meaning in re.findall(r"^\| `(\d+)` \| (.+) \|$", readme, re.M)}


def test_readme_table_is_the_exit_code_enum() -> None:
    assert _readme_exit_codes() == {int(code): meaning for code, meaning in EXIT_CODE_MEANINGS.items()}
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 130, 143]
    assert set(EXIT_CODE_MEANINGS) == set(ExitCode)


def test_each_error_type_maps_to_its_code() -> None:
    assert exit_code_for(QueryArgumentError("x")) is ExitCode.USAGE
    assert exit_code_for(ConfigError("x")) is ExitCode.USAGE
    assert exit_code_for(QueryError("x")) is ExitCode.QUERY_FAILED
    assert exit_code_for(WarehouseLockedError("x", path="w")) is ExitCode.LOCKED
    assert exit_code_for(WarehouseUnreadableError("x", path="w")) is ExitCode.WAREHOUSE_UNREADABLE
    assert exit_code_for(OutputError("x", path="o")) is ExitCode.OUTPUT_UNWRITABLE
    assert exit_code_for(KeyboardInterrupt()) is ExitCode.INTERRUPTED


@pytest.mark.parametrize("param", ["session", "=12", "session=12 ", "session=abc", "speaker=肖敏"])
def test_a_malformed_or_unknown_param_is_a_usage_error(snapshot_path: Path, param: str) -> None:
    result = runner.invoke(app, ["query", "turns", "--param", param, "--warehouse", str(snapshot_path)])
    if param == "session=12 ":  # a value with a trailing space still converts to 12
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    assert "--param" in result.output or "parameter" in result.output
    assert "Traceback" not in result.output


def test_a_param_given_twice_and_an_unknown_query_are_usage_errors(snapshot_path: Path) -> None:
    result = runner.invoke(app, ["query", "turns", "--param", "session=12", "--param", "session=13",
                                 "--warehouse", str(snapshot_path)])
    assert result.exit_code == 2 and "--param session given twice ('12' and '13')" in result.output
    result = runner.invoke(app, ["query", "nosuch", "--warehouse", str(snapshot_path)])
    assert result.exit_code == 2 and "unknown query 'nosuch'" in result.output


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_search_text_is_a_usage_error(snapshot_path: Path, text: str) -> None:
    result = runner.invoke(app, ["search", text, "--warehouse", str(snapshot_path)])
    assert result.exit_code == 2, result.output
    assert "search text is empty" in result.output


def test_sql_that_fails_in_duckdb_exits_5(snapshot_path: Path) -> None:
    result = runner.invoke(app, ["sql", "SELECT nosuch FROM turns", "--warehouse", str(snapshot_path)])
    assert result.exit_code == 5, result.output
    assert "SQL failed" in result.output and "nosuch" in result.output


READERS = [
    ["query", "briefings"],
    ["sql", "SELECT 1"],
    ["search", "新质生产力"],
    ["export", "{tmp}/out"],
    ["report", "--out", "{tmp}/r.html"],
]


@pytest.mark.parametrize("argv", READERS, ids=lambda a: a[0])
def test_an_empty_warehouse_file_says_what_a_missing_one_says(tmp_path: Path, argv: list[str]) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # a valid DuckDB file with no tables: nothing collected yet
    argv = [a.format(tmp=tmp_path) for a in argv]
    for path in (tmp_path / "missing.duckdb", empty):
        result = runner.invoke(app, [*argv, "--warehouse", str(path)])
        assert result.exit_code == 2, result.output
        assert result.output.strip() == (
            f"no warehouse at {path}: run `briefings collect` first (or pass --warehouse)")


@pytest.mark.parametrize("argv", READERS, ids=lambda a: a[0])
def test_a_damaged_warehouse_exits_7(tmp_path: Path, argv: list[str]) -> None:
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes("not a database: 天门".encode() * 500)
    result = runner.invoke(app, [*[a.format(tmp=tmp_path) for a in argv], "--warehouse", str(damaged)])
    assert result.exit_code == 7, result.output
    assert f"cannot open warehouse {damaged}" in result.output
    assert "not a valid DuckDB database file" in result.output


def test_export_and_report_into_a_folder_that_cannot_be_made_exit_8(snapshot_path: Path, tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    result = runner.invoke(app, ["export", str(in_the_way / "out"), "--warehouse", str(snapshot_path)])
    assert result.exit_code == 8, result.output
    assert result.output.startswith(f"cannot write the export to {in_the_way / 'out'}: Not a directory")
    result = runner.invoke(app, ["report", "--out", str(in_the_way / "r.html"), "--warehouse", str(snapshot_path)])
    assert result.exit_code == 8, result.output
    assert result.output.strip() == (
        f"cannot write the report to {in_the_way / 'r.html'}: {in_the_way} is a file, not a folder")


def test_a_bad_setting_is_a_usage_error(snapshot_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFINGS_LOCK_WAIT_S", "soon")
    result = runner.invoke(app, ["query", "briefings", "--warehouse", str(snapshot_path)])
    assert result.exit_code == 2, result.output
    assert "BRIEFINGS_LOCK_WAIT_S='soon'" in result.output


def test_the_installed_command_exits_with_the_table_codes(snapshot_path: Path, tmp_path: Path) -> None:
    """Through the real console entry point (``main``), not the test runner."""
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefings.cli", *argv], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)

    bad_param = run("query", "turns", "--param", "session", "--warehouse", str(snapshot_path))
    assert (bad_param.returncode, bad_param.stdout) == (2, "")
    assert bad_param.stderr.strip() == "--param takes key=value, got 'session'"
    unknown_flag = run("query", "turns", "--nosuch")
    assert unknown_flag.returncode == 2 and "No such option" in unknown_flag.stderr
    damaged = tmp_path / "d.duckdb"
    damaged.write_bytes(b"\0garbage" * 100)
    assert run("sql", "SELECT 1", "--warehouse", str(damaged)).returncode == 7
