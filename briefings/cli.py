"""The ``briefings`` console command (Typer). The only module that imports the flows and turns
errors into messages and exit codes.

Exit codes are :class:`briefings.errors.ExitCode` (the README's table shows the same): every command
raises typed errors, and :class:`BriefingsGroup` turns each into its message and code.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Optional, Sequence

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from briefings.cli_output import OutputFormat, _fail, _print_rows, _terminal_width  # noqa: F401 (moved)
from briefings.errors import (
    BriefingsError,
    ExitCode,
    OutputError,
    ParseError,
    QueryArgumentError,
    RunCancelled,
    RunFailedError,
)
from briefings.dask_check import check_dask_settings
from briefings.pipeline import BLOCKED_ADVICE
from briefings.settings import COLUMN_URL, PRODUCT, SERIES_PATTERN, VERSION, Settings


_PLAIN_TYPES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "file": "FILE", "list[str]": "TEXT",
                "int range": "INTEGER"}


def _plain_type(param: Any, ctx: Any) -> str:
    """A parameter's value as a person reads it: its metavar, ``[a|b]`` for a choice, else TEXT, INTEGER, PATH."""
    if param.metavar:
        return param.metavar
    label = str(TyperOption.display_type(param, ctx) if isinstance(param, TyperOption)
                else TyperArgument.display_type(param, ctx)).strip("<>")
    if "|" in label:
        return f"[{label}]"
    return _PLAIN_TYPES.get(label, label.upper())


class _PlainArgument(TyperArgument):
    """An argument shown as ``FILE`` in usage lines and help (Typer writes ``{file}`` and ``<path>``)."""

    def _usage_display_name(self) -> str:
        name = (self.metavar or self.name or "").upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return (self.metavar or self.name or "").upper() + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.metavar else _plain_type(self, ctx)


class _PlainOption(TyperOption):
    """An option whose help shows ``[default: x]`` for a default given as text, TEXT or INTEGER for its
    value, and nothing for a flag (Typer writes ``(x)``, ``<str>`` and ``<bool>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag:
            return None
        return _plain_type(self, ctx) + ("..." if self.nargs != 1 else "")

    def _get_default_string(self, *, ctx: Any, show_default_is_str: bool, default_value: Any) -> str:
        if show_default_is_str:
            return str(self.show_default)
        return super()._get_default_string(ctx=ctx, show_default_is_str=False, default_value=default_value)


def _plain_help(command: Any) -> None:  # a Typer command (Typer's own copy of click: no public type)
    """Give ``command``'s parameters (and its --help) the plain display of :class:`_PlainOption`/``Argument``;
    a sub-group's commands too (``briefings alerts setup``)."""
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub)
    for param in command.params:
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None and type(option) is TyperOption:
            option.__class__ = _PlainOption
        return option

    command.get_help_option = get_help_option


class BriefingsGroup(TyperGroup):
    """The ``briefings`` group: plain help for every command (commands added by any module), and every
    typed error turned into its message on stderr and its :class:`ExitCode`.

    DuckDB errors that reach here come from a warehouse that opened but cannot be read (damaged):
    :attr:`ExitCode.WAREHOUSE_UNREADABLE`. KeyboardInterrupt is Typer's: exit 130. A reader that
    closed the pipe (``| head``) ends the command quietly with exit 0.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_help(self)

    def invoke(self, ctx: Any) -> Any:
        import duckdb

        from briefings.cli_look import error_exit

        try:
            return super().invoke(ctx)
        except (BriefingsError, duckdb.Error) as exc:
            raise error_exit(exc) from exc
        except BrokenPipeError:
            # the reader went away (`briefings query … | head`): what it wanted was written; end quietly
            from briefings.cli_runs import silence_stdout

            silence_stdout()
            raise typer.Exit(ExitCode.OK) from None


app = typer.Typer(
    name="briefings",
    help="Collect Hubei government press-conference transcripts into a DuckDB warehouse and query it.",
    no_args_is_help=True,
    add_completion=False,
    cls=BriefingsGroup,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"{PRODUCT} {VERSION}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=_print_version),
) -> None:
    """Collect Hubei government press-conference transcripts into a DuckDB warehouse and query it."""


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


DEFAULT_WAREHOUSE_SHOWN = "warehouse/briefings.duckdb"

WorkersOption = typer.Option(
    None, "--workers", min=1, help="Dask worker processes for the fetch and parse tasks.",
    show_default="1, no Dask", envvar="BRIEFINGS_WORKERS",
)
DaskAddressOption = typer.Option(
    None, "--dask-address", help="Run the tasks on this Dask scheduler (tcp://HOST:8786) instead of local workers.",
    envvar="BRIEFINGS_DASK_ADDRESS",
)
WarehouseOption = typer.Option(
    None, "--warehouse", help="DuckDB file of the warehouse.", show_default=DEFAULT_WAREHOUSE_SHOWN,
    envvar="BRIEFINGS_WAREHOUSE_PATH", metavar="FILE",
)


FormatOption = typer.Option(
    OutputFormat.table, "--format",
    help="table (every column, cut to the terminal), records (one field a line), csv or json.")
WideOption = typer.Option(False, "--wide", help="Do not cut long values to the terminal's width.")


def _prepare_prefect_env(settings: Settings) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # no usage-data notice or telemetry from Prefect's client
    os.environ.setdefault("PREFECT_HOME", str(settings.data_dir / "prefect"))
    prefect_home = Path(os.environ["PREFECT_HOME"]).expanduser()
    try:
        prefect_home.mkdir(parents=True, exist_ok=True)  # Prefect makes one level only
    except OSError as exc:
        raise OutputError(f"cannot write Prefect's home PREFECT_HOME={prefect_home}: {exc.strerror or exc}",
                          path=str(prefect_home)) from exc
    # the summary and progress lines say what happened; Prefect's own ERROR records would add a
    # traceback per failed page (set PREFECT_LOGGING_LEVEL to see them)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    # a first start migrates Prefect's SQLite database; on a busy 2-core machine that exceeds 20 s
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows.server import own_ephemeral_server

    own_ephemeral_server()  # now, from the main thread, as a child that dies with this process


def _check_writable(settings: Settings) -> None:
    """Before a run starts: the warehouse, its folder and the local data folder can be written, else
    ``OutputError`` naming which (exit 8), not a failure half-way through (``briefings.writable``)."""
    from briefings.writable import check_run_writable

    check_run_writable(settings.warehouse_path, None if settings.is_remote_data else settings.data_root)


def _print_summary(summary: dict[str, Any]) -> None:
    totals = summary.get("totals", {})
    typer.echo(
        f"run {summary['run_id']}: {summary['loaded']} loaded, {summary['unchanged']} unchanged, "
        f"{summary['skipped']} skipped (already loaded), {summary['failed']} failed, "
        f"{summary['blocked']} blocked; {summary['requests']} requests"
    )
    if totals:
        typer.echo("warehouse: " + ", ".join(f"{t} {n}" for t, n in totals.items()))
    for page in summary.get("pages", []):
        if page["status"] in ("failed", "blocked"):
            typer.secho(
                f"  {page['status']} at {page['stage']}: {page['url']}: {page['error_type']}: {page['error']}",
                err=True,
                fg=typer.colors.RED,
            )
    for page in summary.get("pages", []):
        if page.get("suspect_labels"):
            typer.secho(f"  {page['suspect_labels']} suspect labels (not read as speakers): {page['url']}",
                        err=True, fg=typer.colors.YELLOW)
    for check in summary.get("checks", []):
        if check["status"] != "pass":
            typer.secho(
                f"  check {check['check_name']} ({check['severity']}) failed: {check['details']}",
                err=True,
                fg=typer.colors.YELLOW,
            )




@app.command()
def collect(
    source: Optional[str] = typer.Option(
        None, "--source", help="URL of the first list page of the column.", show_default=COLUMN_URL, metavar="URL",
    ),
    warehouse: Optional[Path] = WarehouseOption,
    full: bool = typer.Option(False, "--full", help="Backfill: refetch every detail page, ignoring the watermark."),
    browser: bool = typer.Option(False, "--browser", help="Solve the portal's JavaScript challenge with headless Chromium."),
    live: bool = typer.Option(False, "--live", help="Fetch from the live portal instead of the bundled snapshot."),
    series: Optional[str] = typer.Option(None, "--series", help="Regex a list title must match.",
                                         show_default=SERIES_PATTERN, metavar="REGEX"),
    fmt: ParseFormat = typer.Option(ParseFormat.text, "--format", help="Summary as text or json."),
    workers: Optional[int] = WorkersOption,
    dask_address: Optional[str] = DaskAddressOption,
) -> None:
    """Run the collect flow: discover the series on the list pages, fetch, parse and load into DuckDB.

    Without --live or --source it reads the snapshot of the portal bundled with the package, at the
    portal's real URLs. Exits 1 when a page failed, 3 when the portal blocked the fetch.
    """
    settings = Settings.from_env(
        source=source, warehouse_path=warehouse, full=full or None, browser=browser or None,
        live=live or None, series_pattern=series, workers=workers, dask_address=dask_address,
    )
    from briefings.cli_look import require_openable

    require_openable(settings.warehouse_path)  # a damaged file: exit 7 now, not after Prefect started
    _check_writable(settings)
    check_dask_settings(settings)  # before Prefect starts: exit 2 at once
    _prepare_prefect_env(settings)
    from flows.collect import collect as collect_flow
    from flows.common import with_result_storage

    state = with_result_storage(collect_flow, settings)(
        source=settings.source, warehouse=str(settings.warehouse_path), full=settings.full,
        browser=settings.browser, live=settings.live, series_pattern=settings.series_pattern,
        workers=settings.workers, dask_address=settings.dask_address, return_state=True,
    )
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunFailedError):
        summary = result.summary
    elif isinstance(result, BriefingsError):
        raise result  # BriefingsGroup gives its message and exit code (4 locked, 7 unreadable, …)
    elif isinstance(result, BaseException):
        raise result
    else:
        summary = result
    if fmt is ParseFormat.json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        _print_summary(summary)
    if summary.get("blocked"):
        hint = "" if settings.browser else BLOCKED_ADVICE
        raise _fail(hint or "Pages stayed blocked even through the browser.", ExitCode.BLOCKED)
    if summary.get("failed") or any(
        c["status"] == "fail" and c["severity"] == "error" for c in summary.get("checks", [])
    ):
        raise typer.Exit(ExitCode.FAILED)


@app.command()
def reparse(
    warehouse: Optional[Path] = WarehouseOption,
    workers: Optional[int] = WorkersOption,
    dask_address: Optional[str] = DaskAddressOption,
    full: bool = typer.Option(False, "--full", help="Parse every page again, also those whose parser version is current."),
) -> None:
    """Rebuild every parsed table from the raw archive, with no network (e.g. after a parser change).

    A page whose rows the current parser version made is skipped before parsing, unless --full.
    """
    # a bad setting is a ConfigError (exit 2, one line) through BriefingsGroup, like every command's
    settings = Settings.from_env(warehouse_path=warehouse, workers=workers, dask_address=dask_address)
    from briefings.cli_look import require_collected

    check_dask_settings(settings)  # a setting first, before Prefect starts: exit 2 at once
    require_collected(settings.warehouse_path)  # reparse reads the warehouse: it never creates one
    _check_writable(settings)
    _prepare_prefect_env(settings)
    from flows.common import with_result_storage
    from flows.reparse import reparse as reparse_flow

    state = with_result_storage(reparse_flow, settings)(
        warehouse=str(settings.warehouse_path), workers=settings.workers, dask_address=settings.dask_address,
        full=full, return_state=True,
    )
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunFailedError):
        _print_summary(result.summary)
        raise typer.Exit(ExitCode.FAILED)
    if isinstance(result, BaseException):
        raise result
    _print_summary(result)


@app.command()
def parse(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A saved page (.shtml/.html) or its text (.txt)."),
    fmt: ParseFormat = typer.Option(ParseFormat.text, "--format", help="Output as text or json."),
    url: Optional[str] = typer.Option(None, "--url", help="The page's URL, recorded in the output.", metavar="URL"),
) -> None:
    """Parse one saved page (bytes decoded as a fetch would) or a page's text, and print it."""
    from briefings.cli_extract import read_capped
    from briefings.fetching.decode import decode_body
    from briefings.models import to_jsonable
    from briefings.sites import parse_page

    max_bytes = Settings.from_env().max_body_bytes  # a bad setting: exit 2 (BriefingsGroup)
    kind: Literal["html", "text"] = "text" if file.suffix.lower() == ".txt" else "html"
    try:
        data = read_capped(str(file), max_bytes)  # capped like a fetched body
        text, _encoding = decode_body(data, None)
        parsed = parse_page(text, url, kind=kind)
    except OSError as exc:
        raise _fail(f"{file}: cannot read: {exc.strerror or exc}", ExitCode.USAGE) from exc
    except ParseError as exc:
        raise _fail(f"{file}: {exc}", ExitCode.PARSE_FAILED) from exc
    if fmt is ParseFormat.json:
        obj = to_jsonable(parsed)
        for t in obj["turns"]:
            t["span_start"], t["span_end"] = t["span"]["start"], t["span"]["end"]
        typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))
        return
    b = parsed.briefing
    typer.echo(b.title or "(no title found)")
    facts = [f"{label} {value}" for label, value in (
        ("series", b.series), ("session", b.session_no), ("city", b.city), ("held", b.event_date),
        ("published", b.publish_date)) if value is not None]
    typer.echo(" · ".join(facts) if facts else "(no series, session, city or dates found)")
    typer.echo("guests: " + "、".join(g.name for g in parsed.guests))
    for t in parsed.turns:
        who = f"{t.speaker} ({t.role}{', ' + t.outlet if t.outlet else ''})"
        first = t.text.split("\n", 1)[0]
        typer.echo(f"{t.turn_no:>3} {who}: {first[:60]}{'…' if len(first) > 60 else ''}")
    typer.echo(f"{len(parsed.turns)} turns, {len(parsed.mentions)} indicator mentions")
    for s in parsed.suspect_labels:
        typer.echo(f"suspect_label at {s.span.start}: {s.text} (opens like a speaker label, not read as one)")


def _parse_params(params: Sequence[str]) -> dict[str, str]:
    """``--param key=value`` flags as a dict.

    Raises:
        QueryArgumentError: a flag is not ``key=value`` with a non-empty key, or a key is given twice.
    """
    out: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise QueryArgumentError(f"--param takes key=value, got {item!r}")
        if key in out:
            raise QueryArgumentError(f"--param {key} given twice ({out[key]!r} and {value!r})")
        out[key] = value
    return out


def _open_reader(warehouse: Optional[Path]) -> Any:
    """The warehouse opened read-only (no fallback to the read copy: ``query`` and ``sql`` say how to read it).

    Raises:
        ConfigError: no warehouse at the path, or a file with no warehouse tables yet (exit 2).
        WarehouseLockedError: a writer holds the file (exit 4).
        WarehouseUnreadableError: damaged, or not a DuckDB file (exit 7).
    """
    from briefings.cli_look import open_warehouse

    return open_warehouse(warehouse, published_copy=False)[0]


@app.command()
def query(
    name: str = typer.Argument(..., help="Named query: a file stem under sql/queries/ (see `briefings queries`)."),
    param: list[str] = typer.Option([], "--param", help="Bound parameter key=value; repeatable.", metavar="KEY=VALUE",
                                    show_default=False),
    fmt: OutputFormat = FormatOption,
    wide: bool = WideOption,
    warehouse: Optional[Path] = WarehouseOption,
) -> None:
    """Run a named, versioned query with bound parameters (never interpolated).

    The table shows every column: short ones in full, long text cut to the terminal's width (--wide:
    not cut; --format records: one field a line). A narrow terminal gets records, as psql's \\x auto.
    """
    from warehouse.queries import named_query_result

    params = _parse_params(param)
    con = _open_reader(warehouse)
    try:
        result = named_query_result(con, name, params)
    finally:
        con.close()
    given = ", ".join(f"{k}={v}" for k, v in params.items())
    _print_rows(result.columns, result.rows, fmt, types=result.types, wide=wide,
                empty=f"no rows for {name}" + (f" with {given}" if given else "")
                + "; `briefings query briefings` lists what the warehouse holds")


@app.command()
def queries() -> None:
    """List the named queries with their parameters and grain."""
    from warehouse.queries import list_queries

    for q in list_queries():
        params = "; ".join(
            f"{k}: {v}{' [optional]' if k in q.optional else ''}" for k, v in q.params.items()
        ) or "no parameters"
        typer.echo(f"{q.name}  ({params})  — {q.grain}")


@app.command()
def sql(
    statement: str = typer.Argument(..., help="A read-only SQL statement."),
    fmt: OutputFormat = FormatOption,
    wide: bool = WideOption,
    warehouse: Optional[Path] = WarehouseOption,
) -> None:
    """Run ad-hoc read-only SQL against the warehouse (tables as for `briefings query`)."""
    from warehouse.queries import sql_result

    con = _open_reader(warehouse)
    try:
        result = sql_result(con, statement)
    finally:
        con.close()
    _print_rows(result.columns, result.rows, fmt, types=result.types, wide=wide)


from briefings.cli_look import register as _register_look  # noqa: E402  (search, export, report)

_register_look(app)
from briefings.cli_ops import register as _register_ops  # noqa: E402  (doctor, alerts)

_register_ops(app)
from briefings.cli_extract import register as _register_extract  # noqa: E402  (extract)

_register_extract(app)
import briefings.cli_runs as _cli_runs  # noqa: E402  (runs)

_cli_runs.register(app)
import briefings.cli_sites as _cli_sites  # noqa: E402  (sites)

_cli_sites.register(app)
import briefings.cli_check as _cli_check  # noqa: E402  (check)

_cli_check.register(app)


def main() -> None:
    """Console entry point: run the app. :class:`BriefingsGroup` turns typed errors into messages and
    exit codes (:class:`briefings.errors.ExitCode`); an OS error that escapes a command (not one of
    ours) still ends with one line, exit 1, not a traceback.
    """
    from briefings.cli_runs import as_cancellation, drop_exit_time_reports, exit_cancelled
    from briefings.lifetime import install_signal_handlers, lost_signal

    # SIGTERM/SIGINT/SIGHUP -> RunCancelled: the run is recorded, exit 128 + signal
    install_signal_handlers(on_run_cancelled=lambda signum: exit_cancelled(RunCancelled(signum)))
    try:
        app()
    except SystemExit:
        lost = lost_signal()  # a signal arrived where Python drops the exception: the command went on
        if lost is not None:
            exit_cancelled(RunCancelled(lost))
        drop_exit_time_reports()
        raise
    except OSError as exc:
        typer.secho(f"{type(exc).__name__}: {exc}", err=True, fg=typer.colors.RED)
        drop_exit_time_reports()
        sys.exit(ExitCode.FAILED)
    except BaseException as exc:
        cancelled = as_cancellation(exc)
        if cancelled is None:
            raise
        exit_cancelled(cancelled)


if __name__ == "__main__":
    main()
