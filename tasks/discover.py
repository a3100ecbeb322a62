"""Task: read the column's list pages and keep the series' entries."""

from __future__ import annotations

from typing import Any

from prefect import task

from briefings.pipeline import Discovery, context_for, discover_series, read_state
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS
from tasks.politeness import host_limiter


@task(name="read-state", **TASK_DEFAULTS)
def read_incremental_state(settings: Settings, run_id: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Watermarks (url -> content sha256) and list-page validators from the warehouse."""
    with context_for(settings, run_id) as context:
        return read_state(context)


@task(name="discover", **TASK_DEFAULTS)
def discover(settings: Settings, run_id: str, validators: dict[str, Any]) -> Discovery:
    """Series entries, list-page fetch records and a failed list page, if any (see ``discover_series``).

    No Prefect retries: the fetcher already retries each request with backoff, within the
    politeness limits (``BRIEFINGS_MAX_ATTEMPTS`` tries in all).
    """
    with context_for(settings, run_id, writer=False, limiter=host_limiter(settings)) as context:
        return discover_series(context, validators)
