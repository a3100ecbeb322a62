"""What the benchmark scripts share: the machine description, medians, result files, run settings.

Scripts are run as files (``.venv/bin/python bench/bench_parse.py``); importing this module puts
the project root on ``sys.path`` first so ``bench``, ``flows``, ``tasks`` and ``warehouse`` import.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS_DIR = ROOT / "bench" / "results"

__all__ = [
    "ROOT",
    "RESULTS_DIR",
    "machine",
    "median",
    "timed",
    "write_result",
    "quiet_prefect_env",
    "plain_settings",
    "flow_env",
    "stop_prefect_servers",
    "Child",
    "run_child",
    "finish_run",
]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """The machine and software the numbers were measured on.

    Returns:
        ``nproc`` (usable CPUs), ``cpu_model`` (/proc/cpuinfo), ``mem_total_bytes`` (/proc/meminfo),
        ``load_average_1_5_15`` when the result was written (other work on the machine),
        ``python``, ``platform`` and versions of duckdb, prefect, selectolax, beautifulsoup4, lxml, httpx.
    """
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "mem_total_bytes": _mem_total_bytes(),
        "load_average_1_5_15": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {d: _version(d) for d in ("duckdb", "prefect", "selectolax", "beautifulsoup4", "lxml", "httpx")},
    }


def median(values: list[float]) -> float:
    """Median of ``values`` (the mean of the middle two for an even count)."""
    return statistics.median(values)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(wall seconds, result) of one call of ``fn`` (``time.perf_counter``)."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def write_result(name: str, payload: dict[str, Any], out: Path | None = None) -> Path:
    """Write ``payload`` plus ``machine()`` and the UTC time to ``bench/results/<name>.json`` (or ``out``).

    Returns:
        The file written.
    """
    target = out or RESULTS_DIR / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": name,
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        **payload,
    }
    target.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return target


def quiet_prefect_env(prefect_home: Path) -> None:
    """Point Prefect at a private home (ephemeral API, its own SQLite) and quiet its logs.

    Must run before ``prefect`` is imported. An existing ``PREFECT_API_URL`` is removed so that the
    flow runs against the in-process ephemeral server, never a server of someone else.
    """
    os.environ["PREFECT_HOME"] = str(prefect_home)
    os.environ.pop("PREFECT_API_URL", None)
    os.environ["PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"] = "true"
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "false"


def plain_settings(source: str, run_dir: Path, **overrides: Any) -> Any:
    """Settings for one pipeline run below ``run_dir`` (its own warehouse and data folder).

    ``min_interval_s=0``: the politeness delay (1 s per request by default) would otherwise be
    the whole measurement on a loopback server.
    """
    from briefings.settings import Settings

    values: dict[str, Any] = {
        "source": source,
        "warehouse_path": run_dir / "warehouse.duckdb",
        "data_dir": run_dir / "data",
        "min_interval_s": 0.0,
        "max_list_pages": 10_000,
    }
    values.update(overrides)
    return Settings.from_env(**values)


def flow_env(run_dir: Path) -> None:
    """Environment for one in-process ``collect`` flow run below ``run_dir`` (as :func:`plain_settings`)."""
    os.environ["BRIEFINGS_DATA_DIR"] = str(run_dir / "data")
    os.environ["BRIEFINGS_WAREHOUSE_PATH"] = str(run_dir / "warehouse.duckdb")
    os.environ["BRIEFINGS_MIN_INTERVAL_S"] = "0"
    os.environ["BRIEFINGS_MAX_LIST_PAGES"] = "10000"


def stop_prefect_servers() -> None:
    """Stop the ephemeral Prefect API server(s) this process started (a uvicorn subprocess).

    Prefect registers the stop with ``atexit``, but a server that fails its shutdown was seen to
    outlive the benchmark and keep its output pipe open; stopping it explicitly avoids that.
    """
    if "prefect" not in sys.modules:
        return
    from prefect.server.api.server import SubprocessASGIServer

    for server in list(SubprocessASGIServer._instances.values()):
        try:
            server.stop()
        except Exception:  # best effort at the end of a benchmark
            pass


@dataclass(frozen=True)
class Child:
    """A measured child process, finished: what it printed and what it cost."""

    out: str  # its standard output (its standard error went to the run's log)
    status: int  # its wait status (``os.wait4``)
    peak_rss_bytes: int  # its peak resident set size, or a waited-for grandchild's if larger
    seconds: float  # wall time around it, start-up included
    load_average_1min: list[float]  # before and after it: the machine is shared

    @property
    def exit_code(self) -> int:
        return os.waitstatus_to_exitcode(self.status)

    def result(self, log: Path) -> dict[str, Any]:
        """The JSON the child printed after ``RESULT ``; else an ``error`` naming its exit and ``log``."""
        line = next((ln for ln in self.out.splitlines() if ln.startswith("RESULT ")), None)
        return json.loads(line[len("RESULT "):]) if line else {"error": f"child exited {self.exit_code}, see {log}"}


def run_child(cmd: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = ROOT) -> Child:
    """Run ``cmd`` to its end as a fresh process, its standard error appended to ``log``.

    The peak RSS is ``ru_maxrss`` of ``os.wait4`` (KiB on Linux), so the child's own memory is
    measured, not this process's (which serves the site it reads).
    """
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with open(log, "ab") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd)
        assert proc.stdout is not None
        out = proc.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Child(out=out, status=status, peak_rss_bytes=usage.ru_maxrss * 1024, seconds=time.perf_counter() - start,
                 load_average_1min=[load_before, os.getloadavg()[0]])


def finish_run(doc: dict[str, object], log: Path, work: Path, tail: int = 3000) -> dict[str, object]:
    """``doc`` with the last ``tail`` characters of the children's ``log`` (when readable), once the
    benchmark's ``work`` folder (sites, warehouses, the log) is removed."""
    try:
        doc["children_log_tail"] = log.read_text(errors="replace")[-tail:]
    except OSError:
        pass
    shutil.rmtree(work, ignore_errors=True)
    return doc
