"""Places a command cannot write (issue 25, item 7): each ends with exit 8 and a line naming what
cannot be written, before anything starts. Through the installed command, in a subprocess.

A folder is made unwritable the way that holds for the user running the tests: ``chmod 555`` for a
normal user; for root, whom permission bits do not stop, the immutable attribute (``chattr +i``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.look_fixtures import build_snapshot_warehouse

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))


def _lock(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
    else:
        path.chmod(0o555)


def _unlock(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=False, capture_output=True)
    else:
        path.chmod(0o755)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder holding the real session-12 warehouse, then made unwritable."""
    folder = tmp_path / "ro"
    folder.mkdir()
    build_snapshot_warehouse(folder / "briefings.duckdb")
    if os.geteuid() == 0 and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to make a folder unwritable")
    try:
        _lock(folder)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"chattr +i is not supported here: {exc.stderr.strip()}")
    probe = folder / "probe"
    try:
        probe.touch()
    except OSError:
        pass
    else:
        probe.unlink()
        _unlock(folder)
        pytest.skip("the folder stayed writable")
    yield folder
    _unlock(folder)


def run(*argv: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BRIEFINGS, *argv], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, **env})


def _why() -> str:
    return os.strerror(1 if os.geteuid() == 0 else 13)  # EPERM for an immutable folder, EACCES for 555


@pytest.mark.parametrize("command", ["collect", "reparse"])
def test_a_warehouse_in_a_read_only_folder_exits_8_naming_the_folder(command: str, read_only: Path,
                                                                     tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = run(command, "--warehouse", str(read_only / "briefings.duckdb"), cwd=tmp_path,
              env={"BRIEFINGS_DATA_DIR": str(data)})
    assert (out.returncode, out.stdout) == (8, ""), out.stderr
    assert out.stderr == f"cannot write the warehouse folder {read_only}: {_why()}\n"
    assert not data.exists()  # nothing started: no Prefect home, no archive


def test_a_new_warehouse_in_a_read_only_folder_exits_8_not_7(read_only: Path, tmp_path: Path) -> None:
    out = run("collect", "--warehouse", str(read_only / "new" / "b.duckdb"), cwd=tmp_path,
              env={"BRIEFINGS_DATA_DIR": str(tmp_path / "data")})
    assert out.returncode == 8, out.stderr
    assert out.stderr == (f"cannot write the warehouse folder {read_only / 'new'} (it would be made in {read_only}): "
                          f"{_why()}\n")


@pytest.mark.parametrize("command", ["collect", "reparse"])
def test_a_data_folder_in_a_read_only_folder_exits_8_naming_the_setting(command: str, read_only: Path,
                                                                        tmp_path: Path) -> None:
    warehouse = build_snapshot_warehouse(tmp_path / "w" / "briefings.duckdb")
    out = run(command, "--warehouse", str(warehouse), cwd=tmp_path,
              env={"BRIEFINGS_DATA_DIR": str(read_only / "data")})
    assert out.returncode == 8, out.stderr
    assert out.stderr == (f"cannot write the data folder (BRIEFINGS_DATA_DIR) {read_only / 'data'} "
                          f"(it would be made in {read_only}): {_why()}\n")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("argv", [["export", "{ro}/out"], ["report", "--out", "{ro}/r.html"]], ids=lambda a: a[0])
def test_export_and_report_into_a_read_only_folder_exit_8(argv: list[str], read_only: Path, tmp_path: Path) -> None:
    warehouse = build_snapshot_warehouse(tmp_path / "w" / "briefings.duckdb")
    out = run(*[a.format(ro=read_only) for a in argv], "--warehouse", str(warehouse), cwd=tmp_path, env={})
    assert out.returncode == 8, out.stderr
    target = read_only / ("out" if argv[0] == "export" else "r.html")
    assert out.stderr.strip().splitlines()[-1] == f"cannot write the {argv[0]} to {target}: {_why()}"
