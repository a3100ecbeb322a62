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
from typing import Any, Protocol, Sequence

import duckdb

from briefings.errors import LoadError, QueryArgumentError

__all__ = ["RUN_STATUSES", "RunRow", "process_token", "process_alive", "start_run", "finish_run",
           "mark_crashed", "list_runs", "PAGE_COLUMNS", "FAILED_COLUMNS", "record_pages", "RunAttempt",
           "run_attempts", "failed_pages"]

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
    """Write the run's row with status ``running``.

    A retried flow run (the UI's Retry, same run id) takes its row over again as its next
    ``attempt``; the earlier attempt's row is copied to ``run_attempts`` first (its pages stay in
    ``page_outcomes`` under their attempt). Also records as ``crashed`` the ``running`` rows of this host whose process is gone.

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
        # a retried flow run (the UI's Retry) keeps its run id: the earlier attempt's row is kept
        con.execute(
            "INSERT INTO run_attempts SELECT run_id, coalesce(attempt, 1), flow, started_at, finished_at, status, "
            "summary FROM runs WHERE run_id = ?", [run_id])
        con.execute(
            "MERGE INTO runs AS t USING (SELECT $run_id AS run_id) AS s ON t.run_id = s.run_id "
            "WHEN MATCHED THEN UPDATE SET flow = $flow, started_at = $started, finished_at = NULL, "
            "status = 'running', summary = NULL, attempt = coalesce(t.attempt, 1) + 1, pid = $pid, host = $host, "
            "process_started = $token "
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


class PageLike(Protocol):
    """What :func:`record_pages` reads of a page outcome (``briefings.pipeline.PageOutcome``, frozen)."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def briefing_id(self) -> str | None: ...
    @property
    def error_type(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def turns(self) -> int: ...
    @property
    def mentions(self) -> int: ...


PAGE_COLUMNS = ("url", "step", "status", "error_type", "message", "briefing_id", "turns", "mentions")


def record_pages(con: duckdb.DuckDBPyConnection, run_id: str, pages: Sequence[PageLike]) -> int:
    """Write the run's page outcomes to ``page_outcomes``, under the run's current ``attempt``.

    Replaces what this attempt wrote before (idempotent: a run closed twice keeps one row a page).

    Args:
        run_id: the run; its ``runs`` row must exist (``start_run``).
        pages: one outcome per page, in the run's order.
    Returns:
        The attempt the rows were written under (1, 2 after one Retry, ...).
    Raises:
        LoadError: the write failed.
    """
    import pyarrow as pa

    try:
        found = con.execute("SELECT coalesce(attempt, 1) FROM runs WHERE run_id = ?", [run_id]).fetchall()
        attempt = found[0][0] if found else 1
        table = pa.table({
            "run_id": pa.array([run_id] * len(pages), pa.string()),
            "attempt": pa.array([attempt] * len(pages), pa.int32()),
            "url": pa.array([p.url for p in pages], pa.string()),
            "step": pa.array([p.stage for p in pages], pa.string()),
            "status": pa.array([p.status for p in pages], pa.string()),
            "error_type": pa.array([p.error_type for p in pages], pa.string()),
            "message": pa.array([p.error for p in pages], pa.string()),
            "briefing_id": pa.array([p.briefing_id for p in pages], pa.string()),
            "turns": pa.array([p.turns for p in pages], pa.int32()),
            "mentions": pa.array([p.mentions for p in pages], pa.int32()),
        })
        con.execute("DELETE FROM page_outcomes WHERE run_id = ? AND attempt = ?", [run_id, attempt])
        con.register("_page_outcomes_in", table)
        try:
            con.execute("INSERT INTO page_outcomes SELECT * FROM _page_outcomes_in")
        finally:
            con.unregister("_page_outcomes_in")
    except duckdb.Error as exc:
        raise LoadError(f"recording the pages of run {run_id} failed: {exc}") from exc
    return int(attempt)


@dataclass(frozen=True)
class RunAttempt:
    """One attempt of a run, as ``briefings runs RUN_ID`` shows it.

    Attributes:
        run_id, attempt: the run and the attempt's number (1, 2 after one Retry, ...).
        flow, status, started_at, finished_at: as :class:`RunRow` (``crashed`` when its process is gone).
        summary: the attempt's recorded summary (counts, ``stopped_in``, ``error`` ...), {} when none.
        pages: rows of ``page_outcomes``, each a tuple in :data:`PAGE_COLUMNS` order; pages that
            failed or were blocked first, then the others, each group in URL order.
    """

    run_id: str
    attempt: int
    flow: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    summary: dict[str, Any]
    pages: list[tuple[Any, ...]]


def run_attempts(con: duckdb.DuckDBPyConnection, run_id: str) -> list[RunAttempt]:
    """Every attempt of one run, the latest first, each with its pages (read-only).

    Args:
        run_id: a run id as ``briefings runs`` lists it (a unique prefix of at least 6 characters
            is enough).
    Returns:
        [] when no run has that id.
    Raises:
        QueryArgumentError: the prefix matches more than one run.
    """
    ids = [r[0] for r in con.execute("SELECT run_id FROM runs WHERE run_id = ? UNION "
                                     "SELECT run_id FROM runs WHERE length(?) >= 6 AND starts_with(run_id, ?)",
                                     [run_id, run_id, run_id]).fetchall()]
    if run_id in ids:
        ids = [run_id]
    if len(ids) > 1:
        raise QueryArgumentError(f"{run_id!r} is the start of {len(ids)} run ids: give more of it")
    if not ids:
        return []
    run_id = ids[0]
    rows = con.execute(
        "SELECT coalesce(attempt, 1), flow, status, started_at, finished_at, summary, pid, host, process_started "
        "FROM runs WHERE run_id = ? UNION ALL "
        "SELECT attempt, flow, status, started_at, finished_at, summary, NULL, NULL, NULL FROM run_attempts "
        "WHERE run_id = ? ORDER BY 1 DESC", [run_id, run_id]).fetchall()
    pages: dict[int, list[tuple[Any, ...]]] = {}
    for attempt, *page in con.execute(
            f"SELECT attempt, {', '.join(PAGE_COLUMNS)} FROM page_outcomes WHERE run_id = ? "
            "ORDER BY attempt, status NOT IN ('failed', 'blocked'), url", [run_id]).fetchall():
        pages.setdefault(attempt, []).append(tuple(page))
    out = []
    for attempt, flow, status, started, finished, summary, pid, host, token in rows:
        if status == "running" and pid is not None and process_alive(pid, host, token) is False:
            status = "crashed"
        data = json.loads(summary) if isinstance(summary, str) else (summary or {})
        out.append(RunAttempt(run_id, attempt, flow, status, started, finished, data, pages.get(attempt, [])))
    return out


FAILED_COLUMNS = ("run_id", "attempt", "started_at", "url", "step", "status", "error_type", "message")


def failed_pages(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[tuple[Any, ...]]:
    """The pages that failed or were blocked in the latest ``limit`` runs (every attempt), newest run first.

    Returns:
        Tuples in :data:`FAILED_COLUMNS` order; ``started_at`` is the attempt's start (UTC, naive).
    """
    return con.execute(
        """
        WITH latest AS (SELECT run_id FROM runs ORDER BY started_at DESC NULLS LAST, run_id LIMIT ?),
        attempts AS (
            SELECT run_id, coalesce(attempt, 1) AS attempt, started_at FROM runs
            UNION ALL SELECT run_id, attempt, started_at FROM run_attempts)
        SELECT p.run_id, p.attempt, a.started_at, p.url, p.step, p.status, p.error_type, p.message
        FROM page_outcomes p
        JOIN latest USING (run_id)
        LEFT JOIN attempts a ON a.run_id = p.run_id AND a.attempt = p.attempt
        WHERE p.status IN ('failed', 'blocked')
        ORDER BY a.started_at DESC NULLS LAST, p.run_id, p.attempt DESC, p.url
        """, [limit]).fetchall()
