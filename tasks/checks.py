"""Task: data-quality checks, the run record, CHECKPOINT and the published read-only copy."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from briefings.pipeline import RunSummary, check_run, context_for
from briefings.settings import Settings


@task(name="check", cache_policy=NO_CACHE, persist_result=False)
def check(settings: Settings, summary: RunSummary, flow: str, started_at: datetime) -> RunSummary:
    """The summary with data-quality results and table totals; always runs afresh."""
    with context_for(settings, summary.run_id) as context:
        return check_run(context, summary, flow, started_at)
