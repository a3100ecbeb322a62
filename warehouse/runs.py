"""The ``runs`` table: one row per run, written when it starts and closed when it ends.

Lifecycle: :func:`start_run` writes ``running`` with this process's pid, host and start token;
:func:`finish_run` closes it ``succeeded``, ``failed`` or ``cancelled``. A process killed with
SIGKILL (or a machine that lost power) cannot close its row: a ``running`` row whose process is
gone is *shown* as ``crashed`` by :func:`list_runs`, and *recorded* as ``crashed`` by the next
:func:`start_run` on the same host. Because the row exists from the start, every ``dq_results.run_id``
has its ``runs`` row.

Whether a process is alive: same host, and on Linux the same boot and process start time (so a pid
reused by another process does not count); elsewhere, that the pid exists.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from briefings.errors import LoadError

__all__ = ["RUN_STATUSES", "RunRow", "process_token", "process_alive", "start_run", "finish_run",
           "mark_crashed", "list_runs"]

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled", "crashed")
_COUNTS = ("loaded", "unchanged", "skipped", "failed", "blocked", "requests")


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def process_token(pid: int) -> str | None:
    """An opaque token for process ``pid`` that a later process with the same pid will not share.

    Linux: ``<boot id>/<start time in clock ticks since boot>`` from ``/proc``; None elsewhere or
    when the process does not exist.
    """
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; field 22 is starttime
    return f"{boot}/{fields[19]}"


def process_alive(pid: int | None, host: str | None, token: str | None) -> bool | None:
    """Whether the process that wrote a ``running`` row still runs.

    Returns:
        True or False when it can be told (same host); None when the row is from another host
        or names no pid.
    """
    if pid is None or host != socket.gethostname():
        return None
    if token is not None and Path("/proc").is_dir():
        return process_token(pid) == token
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime) -> None:
    """Write the run's row with status ``running`` (a retried flow run takes its row over again).

    Also records as ``crashed`` the ``running`` rows of this host whose process is gone.

    Args:
        run_id: the run's id (the Prefect flow run id).
        flow: ``collect`` or ``reparse``.
        started_at: UTC.
    Raises:
        LoadError: the write failed (nothing written).
    """
    pid = os.getpid()
    try:
        mark_crashed(con)
        con.execute(
            "MERGE INTO runs AS t USING (SELECT $run_id AS run_id) AS s ON t.run_id = s.run_id "
            "WHEN MATCHED THEN UPDATE SET flow = $flow, started_at = $started, finished_at = NULL, "
            "status = 'running', pid = $pid, host = $host, process_started = $token "
            "WHEN NOT MATCHED THEN INSERT (run_id, flow, started_at, finished_at, status, summary, pid, host, "
            "process_started) VALUES ($run_id, $flow, $started, NULL, 'running', NULL, $pid, $host, $token)",
            {"run_id": run_id, "flow": flow, "started": _utc_naive(started_at), "pid": pid,
             "host": socket.gethostname(), "token": process_token(pid)},
        )
    except duckdb.Error as exc:
        raise LoadError(f"recording the start of run {run_id} failed: {exc}") from exc


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, summary: dict[str, Any],
               finished_at: datetime | None = None) -> None:
    """Close the run's row: ``succeeded``, ``failed`` or ``cancelled``, with its summary.

    Args:
        summary: JSON-ready dict (``RunSummary.as_dict()``, or what is known of a cancelled run).
        finished_at: UTC; default now.
    Raises:
        ValueError: ``status`` is not one a run ends with.
        LoadError: the write failed.
    """
    if status not in ("succeeded", "failed", "cancelled"):
        raise ValueError(f"a run ends succeeded, failed or cancelled, not {status!r}")
    try:
        con.execute(
            "UPDATE runs SET status = $status, finished_at = $finished, summary = $summary::JSON "
            "WHERE run_id = $run_id",
            {"run_id": run_id, "status": status, "finished": _utc_naive(finished_at or datetime.now(timezone.utc)),
             "summary": json.dumps(summary, ensure_ascii=False, default=str)},
        )
    except duckdb.Error as exc:
        raise LoadError(f"recording the end of run {run_id} failed: {exc}") from exc


def mark_crashed(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Record as ``crashed`` every ``running`` row of this host whose process is gone.

    Returns:
        The run ids marked.
    """
    rows = con.execute("SELECT run_id, pid, host, process_started FROM runs WHERE status = 'running'").fetchall()
    gone = [run_id for run_id, pid, host, token in rows if process_alive(pid, host, token) is False]
    for run_id in gone:
        con.execute("UPDATE runs SET status = 'crashed' WHERE run_id = ? AND status = 'running'", [run_id])
    return gone


@dataclass(frozen=True)
class RunRow:
    """One run as ``briefings runs`` shows it.

    Attributes:
        run_id, flow: from ``runs``.
        status: as recorded, except ``running`` whose process is gone -> ``crashed``.
        started_at, finished_at: UTC, naive.
        duration_s: finished - started, seconds; for a live run, so far; None when unknown.
        counts: loaded, unchanged, skipped, failed, blocked, requests from the summary (None when
            the run recorded none).
        stopped_in: for a cancelled run, the step it was in (discover, fetch, parse, load, check).
    """

    run_id: str
    flow: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    counts: dict[str, int | None]
    stopped_in: str | None


def list_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[RunRow]:
    """The latest runs, newest first (read-only).

    Args:
        limit: at most this many rows.
    """
    rows = con.execute(
        "SELECT run_id, flow, status, started_at, finished_at, summary, pid, host, process_started FROM runs "
        "ORDER BY started_at DESC NULLS LAST, run_id LIMIT ?", [limit]
    ).fetchall()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    out = []
    for run_id, flow, status, started, finished, summary, pid, host, token in rows:
        if status == "running" and process_alive(pid, host, token) is False:
            status = "crashed"
        data = json.loads(summary) if isinstance(summary, str) else (summary or {})
        end = finished or (now if status == "running" else None)
        duration = (end - started).total_seconds() if started and end else None
        out.append(RunRow(run_id, flow, status, started, finished, duration,
                          {k: data.get(k) for k in _COUNTS}, data.get("stopped_in")))
    return out
