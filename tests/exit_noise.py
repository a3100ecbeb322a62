"""A pytest plugin (loaded by ``tests/conftest.py``): DuckDB's leak report at interpreter exit is dropped.

DuckDB's bindings (nanobind) list the DuckDB objects still alive when the interpreter exits, after
pytest's summary: 44 lines of ``nanobind: leaked …`` that end ``make test`` and read as a failure,
though every test passed (objects a Prefect flow state or a cached exception keeps alive). From
pytest's last line on (``pytest_unconfigure``, then at exit), this process's standard error goes
through a small filter process that drops those lines, exactly the ones ``.ci/run`` filters, and passes every
other line on; the exit code is pytest's own.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

__all__ = ["EXIT_REPORT", "pytest_unconfigure"]

# The lines of nanobind's report (the same pattern as .ci/run's grep -v).
EXIT_REPORT = r"^(nanobind: | - leaked | - \.\.\. skipped remainder|See https://nanobind)"
_FILTER = (
    "import re, sys\n"
    "report = re.compile(sys.argv[1].encode())\n"
    "for line in sys.stdin.buffer:\n"
    "    if not report.match(line):\n"
    "        sys.stderr.buffer.write(line)\n"
    "        sys.stderr.buffer.flush()\n"
)


def pytest_unconfigure(config: object) -> None:
    """After pytest's summary: at exit, send the rest of this process's stderr through the filter.

    At exit, not now: pytest restores its captured standard error after this hook. Exit handlers
    run last-registered first, so this one runs before those registered earlier, and nanobind
    reports after all of them.
    """
    atexit.register(_filter_stderr)


def _filter_stderr() -> None:
    try:
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        subprocess.Popen([sys.executable, "-c", _FILTER, EXIT_REPORT], stdin=read_end, close_fds=True)
        os.close(read_end)
        os.dup2(write_end, 2)
        os.close(write_end)
    except OSError:  # no stderr to filter, or no process to filter it: the report stays
        pass
