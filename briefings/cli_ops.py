"""The commands for operating the daily deployment: ``doctor`` and ``alerts setup`` / ``alerts remove``.

``briefings.cli`` calls :func:`register` on its Typer ``app``. Exit codes (``ExitCode``): 0 ok, 1 a check
failed (doctor), 2 bad flags or settings (a webhook that is not a URL, no PREFECT_API_URL).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from briefings.alerts import STUCK_AFTER_S
from briefings.errors import ConfigError, ExitCode

__all__ = ["register"]

EXIT_FAILED, EXIT_CONFIG = ExitCode.FAILED, ExitCode.USAGE


class DoctorFormat(str, Enum):
    text = "text"
    json = "json"


_COLOURS = {"ok": typer.colors.GREEN, "warn": typer.colors.YELLOW, "fail": typer.colors.RED}


def doctor(
    no_launch: bool = typer.Option(False, "--no-launch", help="Do not start headless Chromium once."),
    fmt: DoctorFormat = typer.Option(DoctorFormat.text, "--format", help="text or json."),
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", help="The warehouse to check (a deployment's warehouse parameter).",
        show_default="BRIEFINGS_WAREHOUSE_PATH, else warehouse/briefings.duckdb", metavar="FILE"),
) -> None:
    """Check, before deploying, that Chromium, Playwright, the warehouse path, the data folder and the
    Prefect API are usable; each problem comes with its fix. Exits 1 when a check fails (warnings do not).
    """
    from briefings.doctor import run_checks
    from briefings.settings import Settings

    try:
        # the checks below report bad paths with their fix
        settings = Settings.from_env(validate=False, warehouse_path=warehouse)
    except ConfigError as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(EXIT_CONFIG) from exc
    checks = run_checks(settings, launch_browser=not no_launch)
    if fmt is DoctorFormat.json:
        typer.echo(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            typer.secho(f"{c.status:<4}  {c.name:<{width}}  {c.detail}", fg=_COLOURS[c.status])
            if c.fix:
                typer.echo(f"      {'':<{width}}  fix: {c.fix}")
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(EXIT_FAILED)


alerts_app = typer.Typer(no_args_is_help=True, help="Notify a person when a run fails (Prefect automation + webhook).")


@alerts_app.command("setup")
def alerts_setup(
    webhook: str = typer.Option(..., "--webhook", help="URL that receives a JSON POST per failed run."),
    stuck_after_s: float = typer.Option(
        STUCK_AFTER_S, "--stuck-after-s", help="Also notify once when a run is still running this long, seconds (>= 10)."),
) -> None:
    """Create (or replace) the webhook block and the automations `briefings-alerts` and
    `briefings-alerts-stuck` on the Prefect server.

    One notification per run of collect or reparse that ends Failed (pages failed or blocked, or a
    data-quality error check failed), Crashed or TimedOut; it names the run, what failed and the
    run's link in the UI. One more when a run is still running after --stuck-after-s. Needs PREFECT_API_URL.
    """
    from briefings.alerts import ALERT_EVENTS, setup_alerts

    try:
        made = setup_alerts(webhook, stuck_after_s)
    except ConfigError as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(EXIT_CONFIG) from exc
    events = ", ".join(e.rsplit(".", 1)[-1] for e in ALERT_EVENTS)
    typer.echo(f"automation briefings-alerts {made.automation_id}: on {events} flow runs of collect and reparse, "
               f"POST to {webhook}" + (f" (replaced {made.replaced})" if made.replaced else ""))
    typer.echo(f"automation briefings-alerts-stuck {made.stuck_automation_id}: on runs still running "
               f"{stuck_after_s:g} s after they started")


@alerts_app.command("remove")
def alerts_remove() -> None:
    """Delete the automations `briefings-alerts`, `briefings-alerts-stuck` and the webhook block."""
    from briefings.alerts import remove_alerts

    try:
        removed = remove_alerts()
    except ConfigError as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(EXIT_CONFIG) from exc
    typer.echo(f"removed {removed} automation(s) briefings-alerts")


def register(app: typer.Typer) -> None:
    """Add ``doctor`` and the ``alerts`` group to ``app``."""
    app.command("doctor")(doctor)
    app.add_typer(alerts_app, name="alerts")
