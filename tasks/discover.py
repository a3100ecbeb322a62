"""Task: read the column's list pages and keep the series' entries."""

from __future__ import annotations

from typing import Any

from prefect import task

from briefings.models import FetchRecord, ListEntry
from briefings.pipeline import discover_series, read_state
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS, retry_fetch_errors


@task(name="read-state", **TASK_DEFAULTS)
def read_incremental_state(config: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """Watermarks (url -> content sha256) and list-page validators from the warehouse."""
    return read_state(Settings.from_config(config))


@task(name="discover", retries=2, retry_delay_seconds=5, retry_condition_fn=retry_fetch_errors, **TASK_DEFAULTS)
def discover(
    config: dict[str, Any], run_id: str, validators: dict[str, Any]
) -> tuple[list[ListEntry], list[FetchRecord]]:
    """List entries of the series and the list pages' fetch records (see ``discover_series``)."""
    return discover_series(Settings.from_config(config), run_id, validators)
