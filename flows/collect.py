"""The ``collect`` flow: discover -> fetch (per page) -> parse (per page) -> load (per batch) -> check.

Pages go through in batches of ``BRIEFINGS_LOAD_BATCH_SIZE``: a batch's pages are fetched and
parsed by concurrent tasks (one per page; on Dask, one per chunk of pages: ``flows.workers``),
listed in a run manifest (a small JSON file) and loaded by one task
that gets only the manifest's path, while the next batch is fetched. The run never holds all its
pages, rows or fetch records at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from briefings.doctor import resolve_browser
from briefings.pipeline import entry_list_date, new_run_id, run_batches, run_context, to_fetch
from briefings.progress import progress_group
from briefings.settings import Settings
from flows.artifacts import report_run
from flows.common import RESULTS_DIR, recorded_run
from flows.steps import task_steps
from tasks.checks import check
from tasks.discover import discover, read_incremental_state
from tasks.politeness import host_limiter


@flow(name="collect", persist_result=True, result_storage=RESULTS_DIR, validate_parameters=True)
def collect(
    source: str | None = None,
    warehouse: str | None = None,
    full: bool = False,
    browser: Literal["auto"] | bool = False,
    live: bool = False,
    series_pattern: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Collect the series' briefings from the portal (or the bundled snapshot) into the warehouse.

    Parameters mirror ``briefings collect``: ``source`` (first list page URL), ``warehouse`` (DuckDB
    file), ``full`` (backfill: ignore the watermark), ``browser`` (solve challenges with Chromium;
    ``"auto"``: when Chromium and Playwright are present, and the summary says which),
    ``live`` (network instead of the snapshot), ``series_pattern`` (regex on list titles),
    ``workers`` (Dask worker processes for fetch and parse; 1 = in this process, no Dask),
    ``dask_address`` (an existing Dask scheduler, ``tcp://HOST:8786``; see ``flows.workers``).

    Returns:
        The run summary (``RunSummary.as_dict()``) plus ``browser_mode``, the sentence saying whether
        the browser was used and why.
    Raises:
        RunFailedError: a page failed or was blocked, or an error-severity check failed; every good
            page was loaded first, and the summary is on ``exc.summary``.
    """
    use_browser, browser_mode = resolve_browser(browser, Settings.from_env())
    settings = Settings.from_env(
        source=source, warehouse_path=warehouse, full=full, browser=use_browser, live=live,
        series_pattern=series_pattern, workers=workers, dask_address=dask_address or None,
    )
    run_id, started_at, logger = flow_run.id or new_run_id(), datetime.now(timezone.utc), get_run_logger()
    logger.log(logging.WARNING if browser == "auto" and not use_browser else logging.INFO, browser_mode)
    with run_context(settings, run_id, limiter=host_limiter(settings), flow="collect") as context, \
            recorded_run(context, "collect", started_at) as run:
        run.enter("discover")
        watermarks, validators = read_incremental_state(settings, run_id)
        found = discover(settings, run_id, validators)
        run.answered(sum(record.attempts for record in found.records))
        run.summary.pages += found.failures
        todo = to_fetch(run.summary, found.entries, watermarks, settings.full)
        logger.info("discovered %d series pages, %d to fetch", len(found.entries), len(todo))

        phases = [("fetch", len(todo), "pages"), ("parse", len(todo), "pages"), ("load", len(todo), "briefings")]
        with task_steps(settings, run_id) as steps, progress_group(phases, announce=False) as bars:
            run_batches(context, run.summary, todo, steps, fetch=True, list_date=entry_list_date,
                        records=found.records, bars=bars, on_step=run.enter, on_answer=run.answered)

        run.enter("check")
        summary = check(settings, run.summary, "collect", started_at)
        return report_run(settings, summary, notes=[browser_mode], extra={"browser_mode": browser_mode})


__all__ = ["collect"]
