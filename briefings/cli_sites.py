"""The ``briefings sites`` command: the site profiles (one module of ``briefings.sites`` each).

``briefings.cli`` calls :func:`register` on its Typer ``app``. Exit code 0; no warehouse or network.
"""

from __future__ import annotations

from enum import Enum

import typer

__all__ = ["register", "sites", "SitesFormat"]


class SitesFormat(str, Enum):
    table = "table"
    records = "records"
    csv = "csv"
    json = "json"


def sites(
    fmt: SitesFormat = typer.Option(SitesFormat.table, "--format", help="table, records, csv or json."),
    wide: bool = typer.Option(False, "--wide", help="Cut no value (table, records)."),
) -> None:
    """List the site profiles: name, hosts, press-conference column, default series, what each reads.

    A page is read by the profile of its URL's host, else by one whose template it carries, else by the
    generic reader (the last row); `briefings.site` records which.
    """
    from briefings.cli_output import OutputFormat, _print_rows
    from briefings.sites import profiles

    columns = ("name", "hosts", "column_url", "series", "reads")
    rows = [
        (p.name, ", ".join(p.hosts) or "(any other)", p.column_url, p.series_pattern, p.description)
        for p in profiles()
    ]
    _print_rows(columns, rows, OutputFormat(fmt.value), wide=wide)


def register(app: typer.Typer) -> None:
    """Add ``sites`` to ``app``."""
    app.command(name="sites")(sites)
