"""``make test`` ends with pytest's summary, not DuckDB's leak report (issue 25, item 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefings.settings import PROJECT_ROOT

# What nanobind prints at interpreter exit (three of the 44 lines a whole run ended with), then a
# line of another kind, which must stay.
REPORT = (
    b"nanobind: leaked 3 instances!\n"
    b' - leaked instance 0x7f3b2c0a1b40 of type "_duckdb.DuckDBPyConnection"\n'
    b" - ... skipped remainder\n"
    b"See https://nanobind.readthedocs.io/en/latest/refleaks.html\n"
    b"another exit-time line\n"
)


def test_the_leak_report_at_exit_is_dropped_and_other_lines_kept(tmp_path: Path) -> None:
    test_file = tmp_path / "test_leaky.py"
    test_file.write_text(
        "import atexit, os\n"
        f"atexit.register(lambda: os.write(2, {REPORT!r}))  # after pytest's summary, as nanobind's report\n"
        "def test_passes():\n"
        "    assert '肖敏'.encode() == b'\\xe8\\x82\\x96\\xe6\\x95\\x8f'\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.exit_noise", "-p", "no:cacheprovider",
                          str(test_file)], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().splitlines()[-1].startswith("1 passed")
    assert out.stderr == "another exit-time line\n"
