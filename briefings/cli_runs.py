"""The ``briefings runs`` command, and how a command's process ends (signals, exit-time noise).

``briefings.cli`` calls :func:`register` on its Typer ``app``, and :func:`exit_cancelled` /
:func:`drop_exit_time_reports` from ``main``. Errors become exit codes in ``briefings.cli``
(``ExitCode``); a run cancelled by a signal exits ``128 + signal`` (143 SIGTERM, 130 SIGINT,
129 SIGHUP), as a shell reports a process killed by it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from briefings.errors import RunCancelled
from briefings.lifetime import query_interruption, signal_exit_code

if TYPE_CHECKING:
    from warehouse.runs import RunAttempt

__all__ = ["register", "as_cancellation", "query_interruption", "silence_stdout", "exit_cancelled",
           "drop_exit_time_reports", "RUNS_COLUMNS"]

RUNS_COLUMNS = ("run_id", "flow", "status", "started_at", "duration_s", "loaded", "unchanged", "skipped",
                "failed", "blocked", "requests", "stopped_in")


class RunsFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def runs(
    run_id: Optional[str] = typer.Argument(
        None, metavar="[RUN_ID]", show_default=False,
        help="Show this run's pages instead (a unique start of the id is enough): each page's url, step, "
             "status, error type and message, failed pages first; a retried run shows every attempt.",
    ),
    failed: bool = typer.Option(
        False, "--failed", help="List the pages that failed or were blocked in the latest --limit runs "
                                "(with RUN_ID: that run's only).",
    ),
    limit: int = typer.Option(20, "--limit", min=1, help="Show at most this many runs, newest first."),
    fmt: RunsFormat = typer.Option(RunsFormat.table, "--format", help="table, csv or json."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse.", show_default="warehouse/briefings.duckdb",
        envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE",
    ),
) -> None:
    """List the latest runs: status (running, succeeded, failed, cancelled, crashed), counts and duration.

    A run still marked running whose process is gone is shown as crashed (killed with SIGKILL, or
    the machine stopped). `briefings runs RUN_ID` shows why each page of a run failed;
    `briefings runs --failed` lists the failed pages of the latest runs.
    """
    from briefings.cli_look import open_warehouse
    from warehouse.runs import FAILED_COLUMNS, failed_pages, list_runs, run_attempts

    # a bad setting, no warehouse yet or an empty DuckDB file (2, as `query` says), a writer holding
    # it (4) or a damaged file (7): BriefingsGroup
    con, path = open_warehouse(warehouse, published_copy=False)
    try:
        if run_id is not None:
            attempts = run_attempts(con, run_id)
        elif failed:
            pages = failed_pages(con, limit)
        else:
            rows = list_runs(con, limit)
    finally:
        con.close()
    if run_id is not None:
        if not attempts:
            from briefings.errors import QueryArgumentError

            raise QueryArgumentError(f"no run {run_id!r} in {path}: `briefings runs` lists the runs")
        _print_attempts(attempts, fmt, failed_only=failed)
        return
    if failed:
        _print(list(FAILED_COLUMNS), [(*p[:2], _iso(p[2]), *p[3:]) for p in pages], fmt,
               counted=("failed page", "failed pages"))
        return
    table = [
        (r.run_id, r.flow, r.status, _iso(r.started_at),
         round(r.duration_s, 1) if r.duration_s is not None else None, *(r.counts[k] for k in RUNS_COLUMNS[5:11]),
         r.stopped_in)
        for r in rows
    ]
    _print(list(RUNS_COLUMNS), table, fmt)


def _iso(moment: datetime | None) -> str | None:
    """A recorded time (UTC, naive) as ISO 8601 to the second: ``2026-11-30T07:00:00``."""
    return moment.isoformat(timespec="seconds") if moment is not None else None


def terminal_width() -> int | None:
    """Cells per line of the terminal (``COLUMNS`` wins); None when stdout is not a terminal and
    ``COLUMNS`` is unset (as ``briefings query``)."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _print(columns: list[str], rows: list[tuple[Any, ...]], fmt: RunsFormat,
           counted: tuple[str, str] = ("run", "runs")) -> None:
    """Rows as ``fmt``; a table wider than the terminal is printed as records (one field a line), as
    ``briefings query`` does, rather than cutting run ids, urls and messages."""
    if fmt is RunsFormat.json:
        typer.echo(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2))
        return
    if fmt is RunsFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
        return
    from rich.cells import cell_len

    from briefings.cli_table import render_records, render_table

    width = terminal_width()
    text = render_table(columns, rows, width=None)  # run ids, urls and messages are no use cut
    if width is not None and any(cell_len(line) > width for line in text.splitlines()):
        text = render_records(columns, rows, width=width, wide=True)  # a value wraps, never cut
    if text and rows:
        typer.echo(text)
    typer.echo(f"({len(rows)} {counted[0] if len(rows) == 1 and counted[0] != 'run' else counted[1]})")


def _print_attempts(attempts: list[RunAttempt], fmt: RunsFormat, *, failed_only: bool) -> None:
    """One run's attempts (latest first), each with its pages (``briefings runs RUN_ID``)."""
    from warehouse.runs import PAGE_COLUMNS

    def pages_of(attempt: RunAttempt) -> list[tuple[Any, ...]]:
        return [p for p in attempt.pages if not failed_only or p[2] in ("failed", "blocked")]

    if fmt is RunsFormat.json:
        data = [{"run_id": a.run_id, "attempt": a.attempt, "flow": a.flow, "status": a.status,
                 "started_at": _iso(a.started_at), "finished_at": _iso(a.finished_at),
                 **{k: a.summary.get(k) for k in RUNS_COLUMNS[5:12]},
                 "error_type": a.summary.get("error_type"), "error": a.summary.get("error"),
                 "pages": [dict(zip(PAGE_COLUMNS, p)) for p in pages_of(a)]} for a in attempts]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if fmt is RunsFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(("run_id", "attempt", *PAGE_COLUMNS))
        for a in attempts:
            writer.writerows((a.run_id, a.attempt, *p) for p in pages_of(a))
        typer.echo(buf.getvalue(), nl=False)
        return
    for n, a in enumerate(attempts):
        if n:
            typer.echo("")
        label = "earlier attempt" if n else "run"
        typer.echo(f"{label} {a.run_id} (attempt {a.attempt}): {a.flow}, {a.status}, started {_iso(a.started_at)}"
                   + (f", finished {_iso(a.finished_at)}" if a.finished_at else ""))
        counts = [f"{a.summary[k]} {k}" for k in RUNS_COLUMNS[5:11] if a.summary.get(k) is not None]
        if counts:
            typer.echo("  " + ", ".join(counts))
        if a.summary.get("stopped_in"):
            typer.echo(f"  stopped in {a.summary['stopped_in']}: {a.summary.get('error_type')}: "
                       f"{a.summary.get('error')}")
        pages = pages_of(a)
        _print(list(PAGE_COLUMNS[:5]), [p[:5] for p in pages], fmt, counted=("page", "pages"))


def register(app: typer.Typer) -> None:
    """Add the ``runs`` command to ``app``."""
    app.command(name="runs")(runs)


def drop_exit_time_reports() -> None:
    """Send what the interpreter prints while it shuts down to /dev/null (call just before exiting).

    DuckDB's bindings (nanobind) list the objects still alive at exit, e.g. a closed connection
    kept by an exception that Prefect holds in a flow run's state: dozens of lines after the real
    message, and nothing a user can act on (``.ci/run`` drops them from pytest's output the same way).
    Only the standard error of this process, only from now on.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader of a pipe left before the last lines: nothing to tell anyone
        silence_stdout()
    except (OSError, ValueError):
        pass
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError):  # stderr already closed: nothing to hide
        pass


def silence_stdout() -> None:
    """Point standard output at /dev/null (the reader of its pipe is gone), so that nothing written
    or flushed later fails again with ``BrokenPipeError``."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed
        pass


def exit_cancelled(exc: RunCancelled) -> None:
    """End the process after a signal: say so, stop what it started, exit ``128 + signal`` now.

    Exits with ``os._exit`` once the message is out and the Prefect server is stopped: fetch
    threads may still wait on a slow server, and the interpreter would wait for them at exit.
    Everything already loaded is committed (one transaction per load batch) and the run is recorded.
    """
    code = signal_exit_code(exc.signum)
    ran_a_flow = "flows.common" in sys.modules  # collect or reparse; other commands record no run
    typer.secho(f"{exc}: the briefings loaded before it are kept; `briefings runs` shows the run" if ran_a_flow
                else f"{exc}", err=True, fg=typer.colors.RED)
    if "prefect.server.api.server" in sys.modules:
        from flows.server import stop_ephemeral_server

        stop_ephemeral_server()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def as_cancellation(exc: BaseException) -> RunCancelled | None:
    """``exc`` as the signal that stopped the command, or None when it is an error.

    ``RunCancelled`` from ``briefings.lifetime``'s handlers; ``KeyboardInterrupt`` (SIGINT before they
    were installed); Prefect's ``TerminationSignal`` (its SIGTERM handler during a flow).
    """
    import signal

    if isinstance(exc, RunCancelled):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return RunCancelled(signal.SIGINT)
    interrupted = query_interruption(exc)
    if interrupted is not None:
        return interrupted
    prefect_exceptions = sys.modules.get("prefect.exceptions")
    if prefect_exceptions is not None and isinstance(exc, prefect_exceptions.TerminationSignal):
        return RunCancelled(exc.signal)
    return None
