"""Task: load the run's staged pages and fetch records into the warehouse."""

from __future__ import annotations

from typing import Any, Sequence

from prefect import task

from briefings.models import FetchRecord
from briefings.pipeline import PageOutcome, RunSummary, Staged, load_run
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS


@task(name="load", **TASK_DEFAULTS)
def load(
    config: dict[str, Any],
    run_id: str,
    staged: Sequence[Staged],
    records: Sequence[FetchRecord],
    outcomes: Sequence[PageOutcome],
) -> RunSummary:
    """Upsert each staged page in its own transaction (see ``load_run``)."""
    return load_run(Settings.from_config(config), run_id, staged, records, outcomes)
