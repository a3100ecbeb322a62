"""How commands print: output formats, a failure's message and exit, rows as table, records, CSV or JSON.

Shared by ``briefings.cli`` and the command modules it registers (``cli_extract`` ...), which import it
from here rather than from ``briefings.cli`` (no import cycle).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from enum import Enum
from typing import Any, Sequence

import typer

__all__ = ["OutputFormat", "_fail", "_terminal_width", "_print_rows"]


class OutputFormat(str, Enum):
    table = "table"
    records = "records"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int) -> "typer.Exit":
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _terminal_width() -> int | None:
    """Cells per line of the terminal (``COLUMNS`` wins); None when stdout is not a terminal and
    ``COLUMNS`` is unset: a pipe or file gets every value whole."""
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: OutputFormat, *,
                types: Sequence[str] = (), wide: bool = False, empty: str = "") -> None:
    """Print a query's result as ``fmt``.

    Args:
        columns: column names.
        rows: the rows, values as DuckDB returns them.
        fmt: table (every column, cut to the terminal), records (one field a line), csv or json.
        types: DuckDB type of each column (``JSON`` columns stay JSON in json output).
        wide: table and records: never cut a value.
        empty: table and records: what to say on stderr when there are no rows (why, and what to try).
    """
    from briefings.cli_table import cell_text, jsonable, render_records, render_table

    kinds: list[str | None] = [*types] or [None] * len(columns)
    if fmt is OutputFormat.json:
        data = [{c: jsonable(v, t) for c, v, t in zip(columns, row, kinds)} for row in rows]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
        return
    if fmt is OutputFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v if isinstance(v, str) else
                             json.dumps(jsonable(v)) if isinstance(v, (list, dict)) else cell_text(v) for v in row])
        typer.echo(buf.getvalue(), nl=False)
        return
    render = render_records if fmt is OutputFormat.records else render_table
    text = render(columns, rows, width=_terminal_width(), wide=wide)
    if text:
        typer.echo(text)
    typer.echo(f"({len(rows)} {'row' if len(rows) == 1 else 'rows'})")
    if not rows and empty:
        typer.secho(empty, err=True, fg=typer.colors.YELLOW)
