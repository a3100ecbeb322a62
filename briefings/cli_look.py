"""The commands for looking at the warehouse: ``search``, ``export`` and ``report``.

``briefings.cli`` calls :func:`register` on its Typer ``app``. Exit codes follow ``briefings.cli``:
2 bad flags, 4 warehouse locked, 5 search failed; other ``BriefingsError`` -> 1.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from briefings.errors import BriefingsError, ConfigError, QueryError, WarehouseLockedError

__all__ = ["register", "SearchFormat", "ExportFormatOption"]

EXIT_FAILED, EXIT_CONFIG, EXIT_LOCKED, EXIT_QUERY = 1, 2, 4, 5  # as in briefings.cli


class SearchFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormatOption(str, Enum):
    parquet = "parquet"
    csv = "csv"


def _fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` in red on stderr and return the Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _warehouse_path(warehouse: Optional[Path]) -> Path:
    """The warehouse file from --warehouse, BRIEFINGS_WAREHOUSE_PATH or the default."""
    from briefings.settings import Settings

    try:
        return Settings.from_env(warehouse_path=warehouse).warehouse_path
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_CONFIG) from exc


def _open(warehouse: Optional[Path]) -> tuple[Any, Path]:
    """Open the warehouse read-only (or its published read copy while a writer holds it)."""
    from briefings.export import open_for_export

    path = _warehouse_path(warehouse)
    if not path.exists():
        raise _fail(f"no warehouse at {path}: run `briefings collect` first (or pass --warehouse)", EXIT_CONFIG)
    try:
        con, source = open_for_export(path)
    except WarehouseLockedError as exc:
        raise _fail(str(exc), EXIT_LOCKED) from exc
    except BriefingsError as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    if source != path:
        typer.secho(f"another process holds {path}: reading its published copy {source} (as of the last run)",
                    err=True, fg=typer.colors.YELLOW)
    return con, source


def _print_hits(hits: list[Any]) -> None:
    """Hits as a rich table; matches (``**…**`` in the snippet) in bold yellow."""
    import re

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=max(120, Console().width))
    table = Table(show_lines=True)
    for name, kwargs in (("#", {"justify": "right"}), ("briefing", {"no_wrap": True}), ("turn", {"justify": "right"}),
                         ("speaker", {"no_wrap": True}), ("snippet", {"overflow": "fold", "ratio": 1})):
        table.add_column(name, **kwargs)
    for h in hits:
        briefing = f"{h.city or ''} {h.session_no or ''}\n{h.event_date or ''}\n{h.briefing_id}"
        # in a terminal the match is bold yellow; in a file or pipe it keeps its ** marks
        snippet = re.sub(r"\*\*(.+?)\*\*", lambda m: f"[bold yellow]{m.group(1)}[/]", escape(h.snippet)) \
            if console.is_terminal else escape(h.snippet)
        table.add_row(str(h.rank), escape(briefing), str(h.turn_no), escape(f"{h.speaker}\n({h.role})"), snippet)
    console.print(table)
    typer.echo(f"({len(hits)} hits)")


def search(
    text: list[str] = typer.Argument(..., help="Words to find (all must occur in a turn); Chinese needs no spaces."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Only turns whose speaker name or label contains this."),
    city: Optional[str] = typer.Option(None, "--city", help="Only briefings about this city (天门 or 天门市)."),
    session: Optional[int] = typer.Option(None, "--session", help="Only this session number of the series."),
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many hits."),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", help="table or json."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse (default: warehouse/briefings.duckdb).",
        envvar="BRIEFINGS_WAREHOUSE_PATH"),
) -> None:
    """Find the turns that contain all the words (substrings of the NFKC-normalised text), best first.

    Each hit shows the briefing, the turn number, the speaker and a snippet with the match marked.
    Order: BM25 term frequency (more occurrences in a shorter turn first), then newer briefing,
    briefing id, turn number.
    """
    from briefings.search import search_turns

    con, _source = _open(warehouse)
    try:
        hits = search_turns(con, " ".join(text), speaker=speaker, city=city, session_no=session, limit=limit)
    except QueryError as exc:
        raise _fail(str(exc), EXIT_QUERY) from exc
    finally:
        con.close()
    if fmt is SearchFormat.json:
        typer.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
    else:
        _print_hits(hits)


def export(
    out_dir: Path = typer.Argument(..., file_okay=False, help="Folder to write the files and manifest.json into."),
    fmt: ExportFormatOption = typer.Option(ExportFormatOption.parquet, "--format", help="parquet or csv."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse (default: warehouse/briefings.duckdb).",
        envvar="BRIEFINGS_WAREHOUSE_PATH"),
) -> None:
    """Write every mart table to DIR (one file per table) plus manifest.json (rows, columns, checksums,
    schema version, export time). Opens the warehouse read-only; while a collection holds it, reads
    the published copy warehouse/briefings.read.duckdb instead.
    """
    from briefings.export import export_warehouse

    con, source = _open(warehouse)
    try:
        manifest = export_warehouse(con, out_dir, fmt=fmt.value, source=str(source))
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_CONFIG) from exc
    except BriefingsError as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    finally:
        con.close()
    for t in manifest.tables:
        typer.echo(f"{t.table:<20} {t.rows:>8} rows  {t.file}")
    typer.echo(f"schema version {manifest.schema_version}, exported {manifest.exported_at} "
               f"to {Path(out_dir) / 'manifest.json'}")


def report(
    out: Path = typer.Option(..., "--out", dir_okay=False, help="The HTML file to write."),
    city: Optional[str] = typer.Option(None, "--city", help="Only briefings about this city."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="DuckDB file of the warehouse (default: warehouse/briefings.duckdb).",
        envvar="BRIEFINGS_WAREHOUSE_PATH"),
) -> None:
    """Write one self-contained HTML page (no network needed): per briefing the guests and turns per
    speaker, the indicators (achieved vs targets), and charts of growth rates and targets by city
    and period (inline SVG).
    """
    from briefings.report import collect_report, write_report

    con, _source = _open(warehouse)
    try:
        write_report(con, out, city=city)
        count = len(collect_report(con, city=city))
    except BriefingsError as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    finally:
        con.close()
    typer.echo(f"wrote {out} ({count} briefings, {out.stat().st_size} bytes)")


def register(app: typer.Typer) -> None:
    """Add the ``search``, ``export`` and ``report`` commands to ``app`` (``briefings.cli.app``)."""
    app.command("search")(search)
    app.command("export")(export)
    app.command("report")(report)
