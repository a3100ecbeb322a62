"""The ``briefings check`` command: every data-quality check over the whole warehouse, read-only.

A run checks only the briefings it wrote (``warehouse.checks.run_checks``); this command checks
everything, without writing (no ``dq_results`` rows, no run). ``briefings.cli`` calls :func:`register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from briefings.cli_runs import RunsFormat, _print

__all__ = ["register", "CHECK_COLUMNS"]

CHECK_COLUMNS = ("check_name", "severity", "status", "details")


def check(
    fmt: RunsFormat = typer.Option(RunsFormat.table, "--format", help="table, csv or json."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse.", show_default="warehouse/briefings.duckdb",
        envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE",
    ),
) -> None:
    """Run every data-quality check over the whole warehouse (a run checks only the briefings it wrote).

    Prints one row per check: its severity (error, warn), pass or fail, and the offending rows.
    Exits 1 when a check of severity error fails.
    """
    from briefings.cli_look import open_warehouse
    from briefings.errors import ExitCode
    from warehouse.checks import evaluate_checks

    # a bad setting, no warehouse yet or an empty DuckDB file (2, as `query` says), a writer holding
    # it (4) or a damaged file (7): BriefingsGroup
    con, _path = open_warehouse(warehouse, published_copy=False)
    try:
        results = evaluate_checks(con)
    finally:
        con.close()
    _print(list(CHECK_COLUMNS), [(r.check_name, r.severity, r.status, r.details) for r in results], fmt,
           counted=("check", "checks"))
    if any(r.status == "fail" and r.severity == "error" for r in results):
        raise typer.Exit(ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    """Add the ``check`` command to ``app``."""
    app.command(name="check")(check)
