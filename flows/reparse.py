"""The ``reparse`` flow: rebuild every parsed table from the raw archive, with no network.

archived pages -> (skip the current ones) -> parse (per page) -> load (per batch) -> check. Used
after a parser change: rows made by an older ``parser_version`` are replaced; a page whose stored
parser version is this code's is skipped before it is parsed, so a reparse with nothing to do
is one lookup per page.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from briefings.pipeline import (
    ArchivedPage,
    archived_pages,
    context_for,
    current_or_stale,
    new_run_id,
    page_list_date,
    run_batches,
    run_context,
)
from briefings.progress import progress_group
from briefings.settings import Settings
from flows.artifacts import report_run
from flows.common import RESULTS_DIR, recorded_run
from flows.steps import task_steps
from tasks.checks import check
from tasks.politeness import host_limiter


@task(name="archived-pages", persist_result=True)
def list_archived(settings: Settings, run_id: str) -> list[ArchivedPage]:
    """Every current briefing's archived page (url, sha256, content type, list date, parser version ...)."""
    with context_for(settings, run_id) as context:
        return archived_pages(context)


@flow(name="reparse", persist_result=True, result_storage=RESULTS_DIR)
def reparse(warehouse: str | None = None, workers: int | None = None, dask_address: str | None = None,
            full: bool = False) -> dict[str, Any]:
    """Re-parse every archived briefing page whose rows an older parser made, and load the result.

    Reads no network. ``workers`` / ``dask_address``: where the parse tasks run, as for ``collect``
    (``flows.workers``). ``full``: parse every page again, also those already current (a backfill).

    Returns:
        The run summary (``RunSummary.as_dict()``).
    Raises:
        RunFailedError: a page failed to parse or load, or an error-severity check failed.
    """
    settings = Settings.from_env(warehouse_path=warehouse, workers=workers, dask_address=dask_address or None,
                                 full=full)
    run_id, started_at = flow_run.id or new_run_id(), datetime.now(timezone.utc)
    with run_context(settings, run_id, limiter=host_limiter(settings), flow="reparse") as context, \
            recorded_run(context, "reparse", started_at) as run:
        run.enter("parse")
        pages = list_archived(settings, run_id)
        current, stale = current_or_stale(pages, settings.full)
        run.summary.pages += current

        phases = [("reparse", len(pages), "pages"), ("load", len(stale), "briefings")]
        with task_steps(settings, run_id) as steps, progress_group(phases) as bars:
            if current:
                bars["reparse"].advance(len(current), note=f"{len(current)} already current")
            run_batches(context, run.summary, stale, steps, fetch=False, list_date=page_list_date,
                        bars={"parse": bars["reparse"], "load": bars["load"]}, on_step=run.enter)  # parse -> load
        get_run_logger().info("reparsed %d of %d archived pages (%d already current)", len(stale), len(pages),
                              len(current))

        run.enter("check")
        return report_run(settings, check(settings, run.summary, "reparse", started_at))


__all__ = ["reparse"]
