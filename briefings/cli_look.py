"""The commands for looking at the warehouse: ``search``, ``export`` and ``report``.

``briefings.cli`` calls :func:`register` on its Typer ``app``. Commands raise typed errors;
``briefings.cli.BriefingsGroup`` turns them into messages and :class:`briefings.errors.ExitCode`.
"""

from __future__ import annotations

import functools
import json
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional, ParamSpec, TypeVar

import typer

from briefings.errors import BriefingsError, ConfigError, ExitCode, WarehouseUnreadableError, exit_code_for

__all__ = ["register", "open_warehouse", "require_collected", "require_openable", "error_exit", "exits_with_codes", "SearchFormat", "ExportFormatOption"]

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_WAREHOUSE_SHOWN = "warehouse/briefings.duckdb"


class SearchFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormatOption(str, Enum):
    parquet = "parquet"
    csv = "csv"


def error_exit(exc: BaseException) -> typer.Exit:
    """Print the message for an error that ends a command (red, stderr) and return the Exit to raise.

    Args:
        exc: one of this package's errors, or a DuckDB error that escaped a command: a warehouse that
            opened but cannot be read (damaged) -> :attr:`ExitCode.WAREHOUSE_UNREADABLE`. An error
            raised from a DuckDB error that says the file is damaged (``warehouse.integrity.damage_in``:
            a failed query, search, export or report read) is :attr:`ExitCode.WAREHOUSE_UNREADABLE` too.
    Returns:
        ``typer.Exit`` with the code of :func:`briefings.errors.exit_code_for`.
    """
    from briefings.lifetime import query_interruption
    from warehouse.integrity import damage_in

    interrupted = query_interruption(exc)
    if interrupted is not None:
        raise interrupted  # a signal stopped a query: ``briefings.cli.main`` exits 128 + signal
    damage = damage_in(exc)
    if damage is not None and not isinstance(exc, WarehouseUnreadableError):
        # a read that failed on a damaged block, whatever the command was doing with it
        code, message = ExitCode.WAREHOUSE_UNREADABLE, f"the warehouse file is damaged: {damage}"
    elif isinstance(exc, BriefingsError):
        code = exit_code_for(exc)
        message = f"{type(exc).__name__}: {exc}" if code in (ExitCode.FAILED, ExitCode.PARSE_FAILED) else str(exc)
    else:
        code, message = ExitCode.WAREHOUSE_UNREADABLE, f"the warehouse cannot be read (damaged?): {exc}"
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(int(code))


def exits_with_codes(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that its typed errors end it with their message and exit code, on any Typer app."""
    import duckdb

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (BriefingsError, duckdb.Error) as exc:
            raise error_exit(exc) from exc

    return wrapper


def _no_warehouse(path: Path) -> ConfigError:
    return ConfigError(f"no warehouse at {path}: run `briefings collect` first (or pass --warehouse)")


def open_warehouse(warehouse: Optional[Path], *, published_copy: bool = True,
                   lock_wait_s: float = 3.0) -> tuple[Any, Path]:
    """Open the warehouse read-only for a command that reads it.

    Args:
        warehouse: ``--warehouse``; None for ``BRIEFINGS_WAREHOUSE_PATH`` or the default.
        published_copy: while a writer holds the file, read its published copy
            (``warehouse/briefings.read.duckdb``) and say so on stderr.
        lock_wait_s: how long to wait while a writer holds the file, seconds.
    Returns:
        (read-only DuckDB connection, the file opened).
    Raises:
        ConfigError: no file at the path, or a DuckDB file with no ``briefings`` table (nothing
            collected into it yet): both say to run ``briefings collect`` first.
        WarehouseLockedError: a writer holds the file (and there is no copy, or ``published_copy`` is False).
        WarehouseUnreadableError: the file is damaged or not a DuckDB database.
    """
    import duckdb

    from briefings.export import open_for_export
    from briefings.interrupts import register as register_interruptible
    from briefings.settings import Settings
    from warehouse.connect import open_reader

    path = Settings.from_env(warehouse_path=warehouse).warehouse_path
    if not path.exists():
        raise _no_warehouse(path)
    con, source = (open_for_export(path, lock_wait_s=lock_wait_s) if published_copy
                   else (open_reader(path, lock_wait_s=lock_wait_s), path))
    register_interruptible(con)  # a signal stops its queries (briefings.interrupts)
    try:
        has_tables = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = 'briefings'").fetchall()[0][0]
    except duckdb.Error as exc:
        con.close()
        raise WarehouseUnreadableError(f"cannot read warehouse {source}: {exc}", path=str(source)) from exc
    if not has_tables:
        con.close()
        raise _no_warehouse(path)
    if source != path:
        typer.secho(f"another process holds {path}: reading its published copy {source} (as of the last run)",
                    err=True, fg=typer.colors.YELLOW)
    return con, source


def require_collected(path: Path) -> None:
    """Refuse to go on unless ``path`` is a warehouse that something was collected into.

    For a command that writes to an existing warehouse but must never create one (``reparse``).
    While another process holds the file, it is not opened here: the command's writer waits for it.

    Args:
        path: the warehouse file (``Settings.warehouse_path``).
    Raises:
        ConfigError: no file at ``path``, or a DuckDB file with no ``briefings`` table (exit 2).
        WarehouseUnreadableError: the file is damaged or not a DuckDB database (exit 7).
    """
    from briefings.errors import WarehouseLockedError

    if not path.exists():
        raise _no_warehouse(path)
    try:
        con, _source = open_warehouse(path, published_copy=False, lock_wait_s=0.0)
    except WarehouseLockedError:
        return
    con.close()


def require_openable(path: Path) -> None:
    """Refuse a warehouse file that exists but cannot be read, before a run starts (``collect``).

    A missing or empty file is fine (the run makes the warehouse); so is one another process holds
    (the run's writer waits for it).

    Raises:
        WarehouseUnreadableError: the file is damaged or not a DuckDB database (exit 7).
    """
    from briefings.errors import WarehouseLockedError
    from warehouse.connect import open_reader

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        open_reader(path, lock_wait_s=0.0).close()
    except WarehouseLockedError:
        return


def _open(warehouse: Optional[Path]) -> tuple[Any, Path]:
    """Open the warehouse read-only (or its published read copy while a writer holds it)."""
    return open_warehouse(warehouse, published_copy=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _print_hits(hits: list[Any]) -> None:
    """Hits for a person: in a terminal a table fitted to its width, the matches in bold yellow; in a
    pipe or file one block per hit, its snippet on one line with the matches kept as ``**…**``."""
    import re

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        for h in hits:
            typer.echo(f"{h.rank}. {h.city or ''} {h.session_no or ''} · {h.event_date or ''} · turn {h.turn_no} · "
                       f"{h.speaker} ({h.role}) · {h.briefing_id}")
            typer.echo(f"   {' '.join(h.snippet.split())}")
        typer.echo(f"({_plural(len(hits), 'hit')})")
        return
    table = Table(show_lines=True)
    for name, kwargs in (("#", {"justify": "right"}), ("briefing", {"no_wrap": True}), ("turn", {"justify": "right"}),
                         ("speaker", {"no_wrap": True}), ("snippet", {"overflow": "fold", "ratio": 1})):
        table.add_column(name, **kwargs)
    for h in hits:
        briefing = f"{h.city or ''} {h.session_no or ''}\n{h.event_date or ''}\n{h.briefing_id}"
        snippet = re.sub(r"\*\*(.+?)\*\*", lambda m: f"[bold yellow]{m.group(1)}[/]", escape(h.snippet))
        table.add_row(str(h.rank), escape(briefing), str(h.turn_no), escape(f"{h.speaker}\n({h.role})"), snippet)
    console.print(table)
    typer.echo(f"({_plural(len(hits), 'hit')})")


def search(
    text: list[str] = typer.Argument(..., help="Words to find (all must occur in a turn); Chinese needs no spaces."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Only turns whose speaker name or label contains this."),
    city: Optional[str] = typer.Option(None, "--city", help="Only briefings about this city (天门 or 天门市)."),
    session: Optional[int] = typer.Option(None, "--session", help="Only this session number of the series."),
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many hits."),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", help="table or json."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse.", show_default="warehouse/briefings.duckdb",
        envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE"),
) -> None:
    """Find the turns that contain all the words (substrings of the NFKC-normalised text), best first.

    Each hit shows the briefing, the turn number, the speaker and a snippet with the match marked.
    Order: BM25 term frequency (more occurrences in a shorter turn first), then newer briefing,
    briefing id, turn number.
    """
    from briefings.search import search_turns

    from briefings.search import search_terms

    search_terms(" ".join(text))  # empty text is a usage error (exit 2) before the warehouse is opened
    con, _source = _open(warehouse)
    try:
        hits = search_turns(con, " ".join(text), speaker=speaker, city=city, session_no=session, limit=limit)
    finally:
        con.close()
    if fmt is SearchFormat.json:
        typer.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
    else:
        _print_hits(hits)
    if not hits:
        filters = ", ".join(f"{k} {v}" for k, v in (("--speaker", speaker), ("--city", city), ("--session", session))
                            if v is not None)
        typer.secho(f"no turn contains all of: {' '.join(text)}" + (f" (with {filters})" if filters else ""),
                    err=True, fg=typer.colors.YELLOW)


def export(
    out_dir: Path = typer.Argument(..., file_okay=False, help="Folder to write the files and manifest.json into."),
    fmt: ExportFormatOption = typer.Option(ExportFormatOption.parquet, "--format", help="parquet or csv."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse.", show_default="warehouse/briefings.duckdb",
        envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE"),
) -> None:
    """Write every mart table to DIR (one file per table) plus manifest.json.

    The manifest gives rows, columns, checksums, schema version and export time. Opens the warehouse
    read-only; while a collection holds it, reads the published copy warehouse/briefings.read.duckdb instead.
    """
    from briefings.export import export_warehouse

    con, source = _open(warehouse)
    try:
        manifest = export_warehouse(con, out_dir, fmt=fmt.value, source=str(source))
    finally:
        con.close()
    for t in manifest.tables:
        typer.echo(f"{t.table:<20} {t.rows:>8} rows  {t.file}")
    typer.echo(f"schema version {manifest.schema_version}, exported {manifest.exported_at} "
               f"to {Path(out_dir) / 'manifest.json'}")


def report(
    out: Path = typer.Option(..., "--out", dir_okay=False, help="The HTML file to write."),
    city: Optional[str] = typer.Option(None, "--city", help="Only briefings about this city (天门 or 天门市)."),
    limit: Optional[int] = typer.Option(
        None, "--limit", min=1, metavar="N",
        help="Only the newest N briefings (charts included); the page says how many it left out. "
             "Default: every briefing, all held in memory while the page is built."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse.", show_default="warehouse/briefings.duckdb",
        envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE"),
) -> None:
    """Write one self-contained HTML report (no network needed): charts, guests, turns, indicators.

    Per briefing the guests and turns per speaker, the indicators (achieved vs targets), and charts of
    growth rates and targets by city and period.
    """
    from briefings.report import briefing_count, briefings_shown, write_report

    con, _source = _open(warehouse)
    try:
        total = briefing_count(con, city)
        count = total if limit is None else min(limit, total)
        cities = [c for (c,) in con.execute("SELECT DISTINCT city FROM briefings WHERE city IS NOT NULL ORDER BY city")
                  .fetchall()] if not count else []
        write_report(con, out, city=city, limit=limit)
    finally:
        con.close()
    typer.echo(f"wrote {out} ({briefings_shown(count, total)}, {out.stat().st_size} bytes)")
    if not count:
        about = f" about {city}" if city else ""
        typer.secho(f"no briefings{about} in the warehouse (its cities: {'、'.join(cities) or 'none'}); "
                    "the report says so", err=True, fg=typer.colors.YELLOW)


def register(app: typer.Typer) -> None:
    """Add the ``search``, ``export`` and ``report`` commands to ``app`` (``briefings.cli.app``)."""
    app.command("search")(exits_with_codes(search))
    app.command("export")(exits_with_codes(export))
    app.command("report")(exits_with_codes(report))
